"""Publishing a release: the one write of the portal."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from django.db import transaction
from django.utils import timezone

from dieuhanh.access.policy import is_system
from dieuhanh.actions import action
from dieuhanh.audit.services import actor_label, record
from dieuhanh.errors import Invalid, NotFound
from dieuhanh.portal.gather import gather
from dieuhanh.plans.models import Evidence, ReportStatus
from dieuhanh.portal.models import EvidenceDecision, Release, ReleaseTable
from dieuhanh.portal.selectors import forget_latest
from dieuhanh.units.models import Unit

NOTE_MAX = 4000


def canonical(*, as_of: dt.date, synthetic: bool, periods: list[str], meta: dict, tables: dict) -> bytes:
    """The bytes the release's SHA-256 is taken over: sorted keys, no spaces, UTF-8."""
    body = {"as_of": as_of.isoformat(), "synthetic": synthetic, "periods": periods, "meta": meta, "tables": tables}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode("utf-8")


def release_check(*, city: Unit, as_of: dt.date, note: str = "") -> tuple[str, Release | None]:
    """Refuse a release as of a future date, a too long note, a correction without a note; answers the note and the
    previous release. Also checked before a release is queued as a background job, so the form says it at once."""
    if as_of > timezone.localdate():
        raise Invalid(code="release_in_future", params={"day": f"{as_of:%d/%m/%Y}"}, details=[{"field": "as_of", "code": "release_in_future"}])
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise Invalid(code="too_long", params={"max_length": NOTE_MAX}, details=[{"field": "note", "code": "too_long", "params": {"max_length": NOTE_MAX}}])
    previous = Release.objects.filter(publisher=city).order_by("-published_at", "-id").first()
    if previous is not None and not note:
        raise Invalid(code="release_note_required", details=[{"field": "note", "code": "release_note_required"}])
    return note, previous


@action
def release_publish(*, actor, city: Unit, as_of: dt.date, note: str = "", periods: list[str] | None = None,
                    synthetic: bool = False) -> Release:
    """Freeze the official numbers as of ``as_of`` into a new release. A release after an earlier one is a
    correction or an update: it needs a note saying what changed and why."""
    note, previous = release_check(city=city, as_of=as_of, note=note)
    tables, found_synthetic, periods, meta = gather(city=city, as_of=as_of, periods=periods)
    synthetic = synthetic or found_synthetic
    digest = hashlib.sha256(canonical(as_of=as_of, synthetic=synthetic, periods=periods, meta=meta, tables=tables)).hexdigest()
    release = Release.objects.create(
        as_of=as_of, published_by=None if is_system(actor) else actor, published_by_label=actor_label(actor), publisher=city,
        note=note, corrects=previous, synthetic=synthetic, sha256=digest, periods=periods, meta=meta)
    ReleaseTable.objects.bulk_create([ReleaseTable(release=release, name=name, columns=t["columns"], rows=t["rows"]) for name, t in tables.items()])
    record(actor=actor, action="release_publish", obj=release, unit=city, note=note,
           changes={"as_of": [None, as_of.isoformat()], "sha256": [None, digest], "synthetic": [None, synthetic],
                    "rows": [None, sum(len(t["rows"]) for t in tables.values())]})
    forget_latest()
    transaction.on_commit(forget_latest)
    return release


@action
def evidence_publish(*, actor, city: Unit, evidence: Evidence, public: bool, note: str = "") -> EvidenceDecision:
    """Decide that an evidence file of an approved report of the city's plans is public (``public=False``: withdraw
    it). The next release lists it; its file is served while the latest decision is public."""
    report = evidence.report
    if report.task.plan.issuer_id != city.pk:
        raise NotFound("evidence not found")
    if public and report.status != ReportStatus.APPROVED:
        raise Invalid(code="evidence_not_approved", details=[{"field": "evidence", "code": "evidence_not_approved"}])
    decision = EvidenceDecision.objects.create(evidence=evidence, public=public, decided_by=None if is_system(actor) else actor,
                                               decided_by_label=actor_label(actor), note=(note or "").strip()[:NOTE_MAX])
    record(actor=actor, action="evidence_publish", obj=evidence, unit=city, note=decision.note,
           changes={"public": [None, public], "sha256": [None, evidence.sha256]})
    return decision
