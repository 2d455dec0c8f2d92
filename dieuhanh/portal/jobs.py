"""Publishing a release (gathering every official table as of a date, hashing it) as a background job: the
steering page and ``POST /api/portal/releases`` queue it after the form's checks; the worker publishes it as the
person who asked, all or nothing. ``dieuhanh portal publish`` stays synchronous (a command line waits anyway)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from dieuhanh.jobs.registry import job
from dieuhanh.units.models import Unit
from dieuhanh.units.selectors import city_code, unit_get


@job("portal.release", title=_("Publication release"), permission="release_publish")
def release(ctx, *, as_of: str, note: str = "", periods: list[str] | None = None, synthetic: bool = False) -> dict:
    from dieuhanh.portal import services  # at call time: no services module is imported while the apps load
    published = services.release_publish(actor=ctx.actor, city=unit_get(city_code()), as_of=dt.date.fromisoformat(as_of), note=note,
                                         periods=periods, synthetic=synthetic)
    return {"url": reverse("portal_release_home", args=[published.pk]), "label": str(_("Open the release")), "release": published.pk}


def release_enqueue(*, actor, city: Unit, as_of: dt.date, note: str = "", periods: list[str] | None = None, synthetic: bool = False):
    """Check the release as the action will, then queue it (the action ``job_start``, ``release_publish`` on the city)."""
    from dieuhanh.portal import services  # at call time: no services module is imported while the apps load
    from dieuhanh.jobs.services import job_start
    note, _previous = services.release_check(city=city, as_of=as_of, note=note)
    return job_start(actor=actor, kind="portal.release", unit=city, params={
        "as_of": as_of.isoformat(), "note": note, "periods": periods, "synthetic": bool(synthetic)})
