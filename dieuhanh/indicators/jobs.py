"""A large indicator values sheet imported as a background job (``indicators.values_import``): the same action as
the inline import (``services.values_import``), run by a worker as the person who uploaded, all rows or none, with
progress per row on ``/cong-viec/``; a refused sheet's row-by-row report is the job's result. Large is
``jobs.uploads.is_large``."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from dieuhanh.access.policy import require
from dieuhanh.jobs import uploads
from dieuhanh.jobs.registry import job


def _may_import(actor, unit=None, **_) -> None:
    # Every row is authorised as its own value_set inside the import; a sheet sent for one unit needs entry there.
    if unit is not None:
        require(actor, "value_enter", unit)


@job("indicators.values_import", title=_lazy("Indicator values import"), authorize=_may_import)
def values_import(ctx, *, path: str, name: str = "", expected_unit: str | None = None, expected_period: str | None = None) -> dict:
    from dieuhanh.indicators import services  # at call time: no services module is imported while the apps load

    with uploads.kept(path) as [content]:
        saved = services.values_import(actor=ctx.actor, content=content, expected_unit=expected_unit,
                                       expected_period=expected_period, progress=ctx.progress)
    result = {"saved": saved, "label": _("%(n)d values saved.") % {"n": saved}}
    if expected_unit and expected_period:
        result["url"] = reverse("indicator_entry", kwargs={"code": expected_unit, "period": expected_period})
    return result


def values_import_enqueue(*, actor, content: bytes, name: str = "values.xlsx", unit=None, expected_period: str | None = None):
    """Queue the import of a values sheet (the action ``job_start``) for ``unit`` (None: the units its rows name)."""
    from dieuhanh.jobs.services import job_start

    return uploads.start_with({"path": (content, name or "values.xlsx")}, lambda paths: job_start(
        actor=actor, kind="indicators.values_import", unit=unit, params={
            **paths, "name": (name or "")[:200], "expected_unit": unit.code if unit is not None else None,
            "expected_period": expected_period}))
