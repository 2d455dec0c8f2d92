"""Publication releases of the public portal: publish one (steering of the city), list them. The public data itself is
read without an account through the open-data files, the DCAT-AP catalogue and the CKAN API (``dieuhanh.portal``)."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Router, Schema, Status

from dieuhanh.api.fields import Day
from dieuhanh.api.jobs import JobOut, job_out
from dieuhanh.api.schemas import ERRORS
from dieuhanh.portal import selectors, services
from dieuhanh.portal.jobs import release_enqueue
from dieuhanh.portal.models import Release
from dieuhanh.units.selectors import city_code, unit_get

router = Router(tags=["portal"])


class ReleaseIn(Schema):
    as_of: Day
    note: str = Field("", max_length=services.NOTE_MAX)
    periods: list[str] | None = Field(None, max_length=24, description="Decision 766 period keys; default: the latest year")
    synthetic: bool = False


class ReleaseOut(Schema):
    id: int
    as_of: dt.date
    published_at: dt.datetime
    sha256: str
    synthetic: bool
    note: str
    periods: list[str]
    corrects: int | None
    url: str


def _out(release: Release) -> ReleaseOut:
    return ReleaseOut(id=release.pk, as_of=release.as_of, published_at=release.published_at, sha256=release.sha256,
                      synthetic=release.synthetic, note=release.note, periods=release.periods, corrects=release.corrects_id,
                      url=f"/cong-khai/ban-phat-hanh/{release.pk}/")


@router.post("/portal/releases", response={202: JobOut, **ERRORS},
             summary="Publish a release of the official numbers as of a date: 202 with the background job (/api/jobs/{id})")
def publish(request, body: ReleaseIn):
    """The same job as the page (``portal.release``): the checks (date, note after the first release, who may) answer
    at once; a worker gathers and publishes the release, all or nothing; the job's ``result`` then names it
    (``release``, ``url``). Only values approved by ``as_of`` go in."""
    job = release_enqueue(actor=request.auth, city=unit_get(city_code()), as_of=body.as_of, note=body.note,
                          periods=[p[:10] for p in body.periods] if body.periods else None, synthetic=body.synthetic)
    return Status(202, job_out(job))


@router.get("/portal/releases", response={200: list[ReleaseOut], **ERRORS}, summary="Every release, newest first")
def releases(request):
    return [_out(r) for r in selectors.releases()]
