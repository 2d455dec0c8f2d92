"""Who may build reports: ``report_build`` on the issuing unit (the plan's issuer for the city's report, the unit
for its own report)."""
from __future__ import annotations

from dieuhanh.access.policy import require
from dieuhanh.actions import authorizes


@authorizes
def report_build(actor, *, unit, **_):
    require(actor, "report_build", unit)


@authorizes
def report_template_upload(actor, **_):
    """On the city: a template is the installation's, not one unit's."""
    from dieuhanh.units.selectors import city_code, unit_get

    require(actor, "report_template_upload", unit_get(city_code()))


# Report rounds: the secretariat (round_manage on the round's unit) opens, reminds, consolidates and issues; the
# reporting unit's reporters write and submit, its leader approves or returns.

@authorizes
def round_open(actor, *, unit, **_):
    require(actor, "round_manage", unit)


def _manage(actor, report_round) -> None:
    require(actor, "round_manage", report_round.unit)


@authorizes
def round_remind(actor, *, report_round, **_):
    _manage(actor, report_round)


@authorizes
def round_consolidate(actor, *, report_round, **_):
    _manage(actor, report_round)


@authorizes
def round_narrative_save(actor, *, report_round, **_):
    _manage(actor, report_round)


@authorizes
def round_issue(actor, *, report_round, **_):
    _manage(actor, report_round)


def _write(actor, round_report) -> None:
    require(actor, "round_report_write", round_report.unit)


@authorizes
def round_report_save(actor, *, round_report, **_):
    _write(actor, round_report)


@authorizes
def round_report_attach(actor, *, round_report, **_):
    _write(actor, round_report)


@authorizes
def round_report_submit(actor, *, round_report, **_):
    _write(actor, round_report)


@authorizes
def round_report_approve(actor, *, round_report, **_):
    require(actor, "round_report_approve", round_report.unit)


@authorizes
def round_report_return(actor, *, round_report, **_):
    require(actor, "round_report_approve", round_report.unit)
