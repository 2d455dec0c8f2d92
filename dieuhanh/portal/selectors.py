"""Reading releases. A release never changes, so its tables are kept in memory once read (per process), and
pages built from it are cached by the release id (``views``): no heavy query per request."""

from __future__ import annotations

import functools
from collections import defaultdict
from typing import Any

from django.core.cache import cache

from dieuhanh.errors import NotFound
from dieuhanh.portal.models import Release, ReleaseTable
from dieuhanh.portal.tables import BY_NAME
from dieuhanh.units.selectors import city_code


def releases() -> list[Release]:
    return list(Release.objects.filter(publisher__code=city_code()).only("id", "as_of", "published_at", "note", "synthetic", "sha256",
                                                                          "corrects_id", "periods"))


# Which release is the latest is kept a few seconds in the cache (every worker asks on every public request); a
# publication forgets it at once in this process and in a shared cache (``forget_latest``).
LATEST_SECONDS = 10


def _latest_key() -> str:
    return f"portal:latest:{city_code()}"


def latest_release() -> Release | None:
    release = cache.get(_latest_key())
    if release is None:
        release = Release.objects.filter(publisher__code=city_code()).select_related("publisher").order_by("-published_at", "-id").first()
        if release is not None:
            cache.set(_latest_key(), release, LATEST_SECONDS)
    return release


def forget_latest() -> None:
    cache.delete(_latest_key())


def release_get(release_id: int) -> Release:
    key = f"portal:release:{city_code()}:{release_id}"
    release = cache.get(key)
    if release is None:
        release = Release.objects.filter(pk=release_id, publisher__code=city_code()).select_related("publisher").first()
        if release is None:
            raise NotFound(f"release {release_id}")
        cache.set(key, release, 24 * 3600)  # a release never changes
    return release


def latest_or_missing() -> Release:
    release = latest_release()
    if release is None:
        raise NotFound("no release published")
    return release


@functools.lru_cache(maxsize=8)
def _tables(release_id: int, sha256: str) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {name: [] for name in BY_NAME}
    for name, columns, rows in ReleaseTable.objects.filter(release_id=release_id).values_list("name", "columns", "rows"):
        out[name] = [dict(zip(columns, r)) for r in rows]
    return out


def tables(release: Release) -> dict[str, list[dict[str, Any]]]:
    """Every table of the release as lists of dicts (shared, read-only: never modify them)."""
    return _tables(release.pk, release.sha256)


def table(release: Release, name: str) -> list[dict[str, Any]]:
    if name not in BY_NAME:
        raise NotFound(f"dataset {name}")
    return tables(release)[name]


def index_by(rows: list[dict[str, Any]], *keys: str) -> dict:
    out: dict = defaultdict(list)
    for r in rows:
        out[tuple(r[k] for k in keys) if len(keys) > 1 else r[keys[0]]].append(r)
    return out


def first_published(release: Release):
    """When the city's first release was published (the datasets' issue date)."""
    first = Release.objects.filter(publisher=release.publisher_id).order_by("published_at", "id").values_list("published_at", flat=True).first()
    return first or release.published_at


def cache_key(release: Release) -> str:
    """The part of a cache key naming a release (its id and content, so a reused id never serves other content)."""
    return f"{release.pk}.{release.sha256[:16]}"


def evidence_file(release: Release, sha256: str):
    """(file name, path, content type) of an evidence file the release lists and whose latest decision is still
    public; ``NotFound`` otherwise (never published, or withdrawn since)."""
    from dieuhanh.plans.models import Evidence
    from dieuhanh.plans.selectors import evidence_path
    from dieuhanh.portal.models import EvidenceDecision

    listed = next((r for r in table(release, "task_evidence") if r["sha256"] == sha256), None)
    if listed is None:
        raise NotFound("evidence not published")
    evidence = Evidence.objects.filter(sha256=sha256).order_by("id").first()
    latest = EvidenceDecision.objects.filter(evidence__sha256=sha256).order_by("-decided_at", "-id").values_list("public", flat=True).first()
    if evidence is None or not latest:
        raise NotFound("evidence withdrawn")
    return listed["filename"], evidence_path(evidence), evidence.content_type


def evidence_candidates(city, *, limit: int = 500) -> list[dict[str, Any]]:
    """Evidence files of approved reports of the city's plans (top-level tasks), with whether each is public now."""
    from dieuhanh.plans.models import Evidence, ReportStatus
    from dieuhanh.portal.models import EvidenceDecision

    rows = list(Evidence.objects.filter(report__task__plan__issuer=city, report__task__parent__isnull=True, report__status=ReportStatus.APPROVED)
                .select_related("report__task__plan").order_by("report__task__plan__number", "report__task__code", "report__period_end", "id")[:limit])
    latest: dict[int, bool] = {}
    for evidence_id, public in EvidenceDecision.objects.filter(evidence__in=rows).order_by("decided_at", "id").values_list("evidence_id", "public"):
        latest[evidence_id] = public
    return [{"evidence": e, "public": latest.get(e.pk, False)} for e in rows]


def evidence_for_decision(city, evidence_id: int):
    from dieuhanh.plans.models import Evidence

    evidence = Evidence.objects.select_related("report__task__plan").filter(pk=evidence_id, report__task__plan__issuer=city).first()
    if evidence is None:
        raise NotFound("evidence not found")
    return evidence


def previous_release(release: Release) -> Release | None:
    """The release this one follows (corrects or updates), if any."""
    return release_get(release.corrects_id) if release.corrects_id else None
