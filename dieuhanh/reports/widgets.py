"""The cockpit block "report rounds due" (registered in the cockpit's widget catalogue from this app, which sits above
the cockpit): for the steering committee, each open round with how many units have submitted and been approved out of
how many; for unit leaders and reporters, their unit's reports in open rounds, deadline first, with their status."""
from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from dieuhanh.cockpit.widgets import TOP, Scope, widget


@widget("report_rounds", _("Report rounds due"), roles=("city", "leader", "reporter"))
def report_rounds(scope: Scope, params: dict) -> dict:
    from dieuhanh.reports import selectors
    from dieuhanh.reports.models import RoundStatus

    rounds = []
    if scope.seat.kind == "city":
        for rnd in selectors.rounds_managed(scope.actor):
            if rnd.status == RoundStatus.OPEN and len(rounds) < TOP:
                rounds.append({"round": rnd, "counts": selectors.round_counts(rnd), "url": reverse("round_detail", args=[rnd.pk]),
                               "late": rnd.deadline < scope.day})
    mine = [{"rr": rr, "url": reverse("round_report_detail", args=[rr.pk]), "late": rr.round.deadline < scope.day and rr.status in ("draft", "returned")}
            for rr in selectors.round_reports_of(scope.actor, unit=scope.unit)][:TOP] if scope.seat.kind != "city" else []
    return {"rounds": rounds, "mine": mine, "url": reverse("round_list")}
