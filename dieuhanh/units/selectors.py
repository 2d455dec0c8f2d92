"""Reading units: lookup by code, search with or without diacritics, children, counts."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Length

from dieuhanh.access.policy import reach_filter
from dieuhanh.core.common.text import collation_key, search_terms
from dieuhanh.errors import NotFound
from dieuhanh.units.models import Unit, UnitKind


def city_code() -> str:
    """The official code of the province or city this installation serves (``settings.DIEUHANH_CITY_CODE``,
    from the environment variable of the same name; default "79", Ho Chi Minh City)."""
    return settings.DIEUHANH_CITY_CODE


def valid_on(day: dt.date | None) -> Q:
    if day is None:
        return Q()
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=day)) & (Q(valid_to__isnull=True) | Q(valid_to__gte=day))


def units_in_reach(actor, permission: str = "unit_data_view") -> QuerySet[Unit]:
    """The units on which ``actor`` holds ``permission`` (directly or from a unit above)."""
    return Unit.objects.filter(reach_filter(actor, permission))


def unit_get(code: str) -> Unit:
    try:
        return Unit.objects.select_related("parent").get(code=code)
    except Unit.DoesNotExist:
        raise NotFound(f"unit {code} not found") from None


def unit_find(code: str) -> Unit | None:
    """The unit of ``code``, or None (for pages that show something else when it is absent)."""
    return Unit.objects.select_related("parent").filter(code=code).first()


def units_by_code(codes) -> dict[str, Unit]:
    return {u.code: u for u in Unit.objects.filter(code__in=list(codes))}


def first_unit() -> Unit | None:
    return Unit.objects.order_by("pk").first()


def unit_code_taken(code: str) -> bool:
    """Whether a unit holds ``code``, case-insensitively (codes differing only by case would confuse people)."""
    return Unit.objects.filter(code__iexact=code).exists()


def open_children_count(unit: Unit) -> int:
    """How many units directly below ``unit`` are still valid (no end date)."""
    return Unit.objects.filter(parent=unit, valid_to__isnull=True).count()


def unit_search(
    *,
    query: str = "",
    kind: str | None = None,
    within: Unit | None = None,
    on: dt.date | None = None,
) -> QuerySet[Unit]:
    """Units with a word starting with each word of ``query``, accents and case ignored.

    "phuong ben thanh", "Phường Bến Thành" and "PHUONG BEN THANH" find the same ward. Units whose
    name holds the whole query as a phrase come first, then shorter names, then alphabetically without diacritics.
    """
    qs = Unit.objects.filter(valid_on(on))
    terms = search_terms(query)
    for term in terms:
        qs = qs.filter(search_key__contains=f" {term}")
    if terms:
        phrase = " " + " ".join(terms)
        qs = qs.annotate(
            rank=Case(When(search_key__contains=phrase + " ", then=Value(0)), When(search_key__contains=phrase, then=Value(1)),
                      default=Value(2), output_field=IntegerField())
        ).order_by("rank", Length("name"), "search_key", "name")  # ties by the folded name: "Tân Hải" before "Tân Hòa", Đ with D
    if kind:
        qs = qs.filter(kind=kind)
    if within is not None:
        qs = qs.filter(path__startswith=within.path).exclude(pk=within.pk)
    return qs.select_related("parent")


def unit_children(unit: Unit, *, on: dt.date | None = None) -> list[Unit]:
    """The units directly below ``unit``, by kind, each kind in Vietnamese alphabetical order (Đ after D, "Tân"
    before "Trung"), with ``child_count``."""
    children = Unit.objects.filter(Q(parent=unit) & valid_on(on)).annotate(child_count=Count("children")).select_related("parent")
    return sorted(children, key=lambda u: (u.kind, collation_key(u.name)))


def unit_city_of(unit: Unit) -> Unit | None:
    """The province or centrally-governed city ``unit`` belongs to (itself if it is one), if any."""
    return Unit.objects.filter(code__in=unit.ancestor_codes, kind=UnitKind.PROVINCE).order_by("-depth").first()


def unit_ancestors(unit: Unit) -> list[Unit]:
    """From the root down to the unit's parent."""
    codes = unit.ancestor_codes[:-1]
    found = {u.code: u for u in Unit.objects.filter(code__in=codes)}
    return [found[c] for c in codes if c in found]


def unit_type_counts(unit: Unit, *, on: dt.date | None = None) -> list[dict]:
    """How many units of each (kind, division type) sit directly below ``unit``."""
    return list(
        Unit.objects.filter(Q(parent=unit) & valid_on(on))
        .values("kind", "division_type")
        .annotate(n=Count("id"))
        .order_by("kind", "-n")
    )
