"""Importing a Decision 766 file uploaded on the page (dossier logs, the procedure catalogue or feedback records) as
a background job: the same ingest as ``dieuhanh dossiers import``, with its progress on the job's page. A file is
all or nothing: a refused file keeps nothing and the job fails naming the first rows at fault; the uploaded copy
is kept until the import succeeds, so a failed or interrupted job can be retried.

After every import (this job, ``dieuhanh dossiers import``) the ``dossiers.precompute`` job fills the cache with
what the pages open on: the rankings of the running month, the last complete month and the month before (the
steering cockpit shows the last two) and every unit's scorecard for the running and the last complete month.
An import changes only the stamps of what it touched (``store.publish``), so the rest stays cached anyway."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from dieuhanh.access.models import Role
from dieuhanh.access.policy import SystemActor, is_system, roles_on
from dieuhanh.core.d766.ingest import PROCEDURES, SPECS, ingest
from dieuhanh.dossiers.store import estimated_rows, known_agencies, writing
from dieuhanh.errors import Invalid, NotFound, detail
from dieuhanh.jobs.registry import job
from dieuhanh.jobs.services import job_start
from dieuhanh.jobs.uploads import upload_dir
from dieuhanh.messages import render
from dieuhanh.units.selectors import city_code, unit_get

SUFFIXES = (".csv", ".parquet", ".xlsx")


def require_city_administrator(actor, **_) -> None:
    """Only administrators of the city import dossier files; anyone else finds no such page."""
    if is_system(actor):
        return
    if Role.ADMINISTRATOR not in roles_on(actor, unit_get(city_code())):
        raise NotFound("dossier import")


def can_upload(actor) -> bool:
    try:
        require_city_administrator(actor)
    except NotFound:
        return False
    return True


def check_upload(name: str, size: int, table: str) -> None:
    """Refuse, before anything is stored, a table that does not exist, a file type ingest cannot read, an empty or
    too large file."""
    problems = []
    if table not in SPECS:
        problems.append(detail("table", "dossier_table_unknown", table=table[:40]))
    if Path(name).suffix.lower() not in SUFFIXES:
        problems.append(detail("file", "dossier_file_type", name=name[:120]))
    if size == 0:
        problems.append(detail("file", "dossier_file_empty"))
    if size > settings.DIEUHANH_DOSSIER_UPLOAD_MAX_BYTES:
        problems.append(detail("file", "file_too_large"))
    if problems:
        raise Invalid("dossier upload refused", details=problems)


def dossier_import_enqueue(*, actor, upload, table: str):
    """Check and store the uploaded file privately, then queue its import (the action ``job_start``)."""
    check_upload(upload.name, upload.size, table)
    require_city_administrator(actor)
    folder = upload_dir()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{uuid.uuid4().hex}{Path(upload.name).suffix.lower()}"
    with target.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return job_start(actor=actor, kind="dossiers.import", unit=unit_get(city_code()),
                     params={"path": str(target), "name": Path(upload.name).name[:200], "table": table})


@job("dossiers.import", title=_("Decision 766 file import"), queue="default", authorize=require_city_administrator)
def dossier_import(ctx, *, path: str, name: str, table: str) -> dict:
    source = Path(path)
    if not source.exists():
        raise Invalid(f"uploaded file {path} is gone", code="dossier_upload_gone", params={"name": name})
    spec = SPECS[table]
    total = estimated_rows([source])
    progress = ctx.progress_callback(total, name)
    with writing() as (con, touched):
        result = ingest(con, [source], known_agencies=known_agencies(), progress=lambda done: progress(min(done, total)), spec=spec)
        touched |= {None} if spec is PROCEDURES and result.inserted + result.updated else result.touched
    precompute_after_import()
    for report in result.rejected_files:
        first = "; ".join(f"{e.row}/{e.column or '-'}: {render(e.message_code, e.params)}" for e in report.errors[:5])
        raise Invalid(f"{name} refused", code="dossier_file_rejected",
                      params={"name": name, "errors": len(report.errors) + report.more_errors, "first": first})
    source.unlink(missing_ok=True)
    return {"label": str(_("%(name)s: %(inserted)s rows added, %(updated)s updated")
                          % {"name": name, "inserted": result.inserted, "updated": result.updated}),
            "inserted": result.inserted, "updated": result.updated}


def precompute_after_import(actor=None):
    """Queue ``dossiers.precompute`` (as the platform: it only reads)."""
    return job_start(actor=actor or SystemActor("dossiers import"), kind="dossiers.precompute", unit=unit_get(city_code()))


def _platform_only(actor, **_) -> None:
    if not is_system(actor):
        raise NotFound("dossier precompute")


@job("dossiers.precompute", title=_("Decision 766 scorecards computed ahead"), queue="default", authorize=_platform_only)
def dossier_precompute(ctx) -> dict:
    from dieuhanh.core.common.periods import period_containing
    from dieuhanh.dossiers import selectors

    day = selectors.today()
    found = selectors.data_range()
    if not found:
        return {"label": str(_("No dossier data yet")), "rankings": 0, "units": 0}
    current = period_containing(day, "monthly")
    last = period_containing(current.start - dt.timedelta(days=1), "monthly")
    before = period_containing(last.start - dt.timedelta(days=1), "monthly")
    months = [m for m in (current, last, before) if m.end >= found[0] and m.start <= max(found[1], day)]
    communes, departments = selectors.city_units()
    units = communes + departments
    ctx.progress(0, len(months) * 2)
    selectors.prepare_statements()  # the drill-downs' too; an import that brings a catalogue changes them all
    done = units_done = 0
    for i, month in enumerate(months):
        span = selectors.span_of(month, as_of=day)
        selectors.ranking(span)
        done += 1
        ctx.progress(done)
        if i < 2:  # every unit's page for the running and the last complete month
            units_done += selectors.cache_unit_scorecards(units, span)
        done += 1
        ctx.progress(done)
    return {"label": str(_("%(rankings)s rankings and %(units)s unit scorecards computed ahead")
                          % {"rankings": len(months), "units": units_done}),
            "rankings": len(months), "units": units_done}
