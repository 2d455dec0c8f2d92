"""Reading the difficulties register: one item, the filtered register with its counts (category × status, age
buckets, units), the summary the cockpit shows, and a unit's own lists. Every read is limited to what the
caller may see (``auth.visible_difficulties_q``). Ageing rules: ``core/difficulties/register.py``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from dieuhanh.access.models import RoleAssignment
from dieuhanh.access.policy import PERMISSIONS, is_system, reach_filter
from dieuhanh.core.common.text import collation_key, fold, normalise_name
from dieuhanh.core.difficulties.register import BUCKETS, age_bucket, age_days, bucket_range, days_past_deadline, overdue_to_handle
from dieuhanh.difficulties.auth import can_see_difficulty, visible_difficulties_q
from dieuhanh.difficulties.models import Category, Difficulty, Status
from dieuhanh.errors import Invalid, NotFound, detail
from dieuhanh.indicators.models import Indicator
from dieuhanh.units.models import Unit, UnitKind
from dieuhanh.units.selectors import city_code

STATUSES = tuple(Status.values)
CATEGORIES = tuple(Category.values)
AGE_BUCKETS = tuple(key for key, _first, _last in BUCKETS)
OPEN_STATUSES = (Status.SUBMITTED.value, Status.ASSIGNED.value, Status.ANSWERED.value)
_RELATED = ("unit", "addressed_to", "handling_unit", "task", "task__plan", "indicator")


@dataclass(frozen=True)
class ItemView:
    """An item with its ageing as of ``day``."""

    item: Difficulty
    day: dt.date
    age_days: int
    age_bucket: str
    days_past_deadline: int
    overdue: bool  # assigned, not answered, deadline passed


def view_of(item: Difficulty, day: dt.date) -> ItemView:
    age = age_days(item.raised_on, day, item.closed_on)
    return ItemView(item=item, day=day, age_days=age, age_bucket=age_bucket(age),
                    days_past_deadline=days_past_deadline(item.deadline, day, item.answered_on or item.closed_on),
                    overdue=overdue_to_handle(item.status, item.deadline, day))


def _today(day: dt.date | None) -> dt.date:
    return day or timezone.localdate()


def visible(actor) -> QuerySet[Difficulty]:
    return Difficulty.objects.filter(visible_difficulties_q(actor)).select_related(*_RELATED)


def difficulty_get(actor, difficulty_id: int) -> Difficulty:
    """One item; ``NotFound`` alike for a missing item and one the actor may not see."""
    item = Difficulty.objects.select_related(*_RELATED).filter(pk=difficulty_id).first()
    if item is None or not can_see_difficulty(actor, item):
        raise NotFound("difficulty not found")
    return item


def difficulty_view(actor, difficulty_id: int, *, day: dt.date | None = None) -> ItemView:
    return view_of(difficulty_get(actor, difficulty_id), _today(day))


# ---------------------------------------------------------------- the register

@dataclass
class RegisterFilter:
    category: str | None = None
    status: str | None = None  # a status, or "open" for every status but closed
    unit: str | None = None  # raising unit code (and the units below it)
    addressed: str | None = None  # addressed body code (and below)
    handling: str | None = None  # handling unit code (and below)
    age: str | None = None  # an age bucket key (le_30, 31_90, gt_90)
    overdue: bool | None = None  # overdue to handle
    task: int | None = None
    q: str = ""

    def query(self) -> dict[str, str]:
        """The filter as query parameters (for links and the export)."""
        out = {k: v for k, v in {"category": self.category, "status": self.status, "unit": self.unit, "addressed": self.addressed,
                                 "handling": self.handling, "age": self.age, "task": self.task, "q": self.q}.items() if v}
        if self.overdue:
            out["overdue"] = "1"
        return {k: str(v) for k, v in out.items()}


def _within(field_name: str, code: str) -> Q:
    unit = Unit.objects.filter(code=code).values_list("path", flat=True).first()
    return Q(**{f"{field_name}__path__startswith": unit}) if unit else Q(pk__in=[])


def _age_q(key: str, day: dt.date) -> Q:
    first, last = bucket_range(key)
    open_q = Q(closed_on__isnull=True, raised_on__lte=day - dt.timedelta(days=first))
    closed_q = Q(closed_on__isnull=False, closed_on__gte=F("raised_on") + dt.timedelta(days=first))
    if last is not None:
        open_q &= Q(raised_on__gte=day - dt.timedelta(days=last))
        closed_q &= Q(closed_on__lte=F("raised_on") + dt.timedelta(days=last))
    return open_q | closed_q


def _overdue_q(day: dt.date) -> Q:
    return Q(status=Status.ASSIGNED, deadline__lt=day)


def register_queryset(actor, f: RegisterFilter, day: dt.date | None = None) -> QuerySet[Difficulty]:
    """The visible items that pass the filter, newest first."""
    day = _today(day)
    qs = visible(actor)
    if f.category:
        qs = qs.filter(category=f.category)
    if f.status == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif f.status:
        qs = qs.filter(status=f.status)
    for name, code in (("unit", f.unit), ("addressed_to", f.addressed), ("handling_unit", f.handling)):
        if code:
            qs = qs.filter(_within(name, code))
    if f.age in AGE_BUCKETS:
        qs = qs.filter(_age_q(f.age, day))
    if f.overdue:
        qs = qs.filter(_overdue_q(day))
    if f.task:
        qs = qs.filter(task_id=f.task)
    for term in normalise_name(f.q).split(" "):
        if term:
            qs = qs.filter(Q(content__icontains=term) | Q(proposal__icontains=term) | Q(answer__icontains=term)
                           | Q(unit__search_key__contains=fold(term)) | Q(task__code__iexact=term))
    return qs.order_by("-raised_on", "-id")


def register_views(items, day: dt.date | None = None) -> list[ItemView]:
    day = _today(day)
    return [view_of(item, day) for item in items]


@dataclass(frozen=True)
class UnitCount:
    code: str
    name: str
    count: int


@dataclass
class RegisterCounts:
    """Counts of the filtered register: ``matrix[category][status]``, totals per status and per category,
    items per age bucket, overdue to handle, and items per raising unit (most first, then Vietnamese order)."""

    day: dt.date
    total: int = 0
    matrix: dict[str, dict[str, int]] = field(default_factory=dict)
    by_status: dict[str, int] = field(default_factory=dict)
    by_category: dict[str, int] = field(default_factory=dict)
    by_age: dict[str, int] = field(default_factory=dict)
    overdue: int = 0
    synthetic: int = 0  # items that are synthetic demo data
    by_unit: list[UnitCount] = field(default_factory=list)


def _unit_counts(qs: QuerySet, prefix: str) -> list[UnitCount]:
    rows = qs.values(f"{prefix}__code", f"{prefix}__name").annotate(n=Count("id")).order_by()
    counts = [UnitCount(r[f"{prefix}__code"], r[f"{prefix}__name"], r["n"]) for r in rows if r[f"{prefix}__code"]]
    return sorted(counts, key=lambda c: (-c.count, collation_key(c.name)))


def register_counts(qs: QuerySet[Difficulty], day: dt.date | None = None) -> RegisterCounts:
    """The counts of a register queryset (from ``register_queryset``) in three queries."""
    day = _today(day)
    base = qs.order_by()
    out = RegisterCounts(day=day, matrix={c: dict.fromkeys(STATUSES, 0) for c in CATEGORIES},
                         by_status=dict.fromkeys(STATUSES, 0), by_category=dict.fromkeys(CATEGORIES, 0))
    for row in base.values("category", "status").annotate(n=Count("id")):
        out.matrix[row["category"]][row["status"]] += row["n"]
        out.by_status[row["status"]] += row["n"]
        out.by_category[row["category"]] += row["n"]
        out.total += row["n"]
    aggregates = {key: Count("id", filter=_age_q(key, day)) for key in AGE_BUCKETS}
    aggregates["overdue"] = Count("id", filter=_overdue_q(day))
    aggregates["synthetic"] = Count("id", filter=Q(synthetic=True))
    result = base.aggregate(**aggregates)
    out.overdue, out.synthetic = result.pop("overdue"), result.pop("synthetic")
    out.by_age = {key: result[key] for key in AGE_BUCKETS}
    out.by_unit = _unit_counts(base, "unit")
    return out


# ---------------------------------------------------------------- for the cockpit

@dataclass(frozen=True)
class RegisterSummary:
    """What the cockpit shows of the register (see ``register_summary``)."""

    day: dt.date
    total: int
    open: int
    by_status: dict[str, int]
    by_category: dict[str, int]
    open_by_age: dict[str, int]
    to_assign: int  # submitted, waiting for a handling unit
    to_close: int  # answered, waiting for the outcome
    overdue: int  # assigned, not answered, past the handling deadline
    overdue_by_handling_unit: list[UnitCount]


def _concerning(unit: Unit) -> Q:
    return (Q(unit__path__startswith=unit.path) | Q(addressed_to__path__startswith=unit.path)
            | Q(handling_unit__path__startswith=unit.path))


def register_summary(actor, *, unit: Unit | None = None, day: dt.date | None = None) -> RegisterSummary:
    """Counts over the items the actor sees — only those concerning ``unit`` (raised by, addressed to or handled by
    it or a unit below) when given — as of ``day`` (default today). Four queries."""
    day = _today(day)
    qs = Difficulty.objects.filter(visible_difficulties_q(actor))
    if unit is not None:
        qs = qs.filter(_concerning(unit))
    counts = register_counts(qs, day)
    open_qs = qs.filter(status__in=OPEN_STATUSES).order_by()
    open_by_age = open_qs.aggregate(**{key: Count("id", filter=_age_q(key, day)) for key in AGE_BUCKETS})
    return RegisterSummary(
        day=day, total=counts.total, open=sum(counts.by_status[s] for s in OPEN_STATUSES), by_status=counts.by_status,
        by_category=counts.by_category, open_by_age=open_by_age, to_assign=counts.by_status[Status.SUBMITTED],
        to_close=counts.by_status[Status.ANSWERED], overdue=counts.overdue,
        overdue_by_handling_unit=_unit_counts(qs.filter(_overdue_q(day)), "handling_unit"),
    )


def raised_by_unit(actor, unit: Unit, *, day: dt.date | None = None, open_only: bool = False, limit: int | None = None) -> list[ItemView]:
    """Items raised by ``unit`` or a unit below it (with their answers), newest first."""
    qs = visible(actor).filter(unit__path__startswith=unit.path).order_by("-raised_on", "-id")
    if open_only:
        qs = qs.filter(status__in=OPEN_STATUSES)
    return register_views(qs[:limit] if limit else qs, day)


def to_answer_by_unit(actor, unit: Unit, *, day: dt.date | None = None, limit: int | None = None) -> list[ItemView]:
    """Items assigned to ``unit`` or a unit below it and not answered yet, earliest deadline first."""
    qs = visible(actor).filter(handling_unit__path__startswith=unit.path, status=Status.ASSIGNED).order_by("deadline", "id")
    return register_views(qs[:limit] if limit else qs, day)


def awaiting_decision(actor, *, day: dt.date | None = None, limit: int | None = None) -> list[ItemView]:
    """Items the actor may decide on: submitted (to assign) or answered (to close), addressed to a body where the
    actor holds ``difficulty_assign``; oldest first."""
    qs = (visible(actor).filter(reach_filter(actor, "difficulty_assign", "addressed_to__"))
          .filter(status__in=(Status.SUBMITTED, Status.ANSWERED)).order_by("raised_on", "id"))
    return register_views(qs[:limit] if limit else qs, day)


# ---------------------------------------------------------------- choices for forms

def _sorted(units) -> list[Unit]:
    return sorted(units, key=lambda u: collation_key(u.name))


def units_can_raise(actor) -> list[Unit]:
    """The units the person raises difficulties for: those where they hold a role that raises (Vietnamese order)."""
    if is_system(actor):
        return []
    ids = RoleAssignment.objects.filter(user=actor, revoked_at__isnull=True, role__in=PERMISSIONS["difficulty_raise"]).values("unit_id")
    return _sorted(Unit.objects.filter(pk__in=ids))


def addressee_units() -> list[Unit]:
    """Bodies a difficulty is addressed to or handled by: the city, its departments and its other bodies (the
    city first, then Vietnamese order)."""
    city = Unit.objects.filter(code=city_code()).first()
    below = Unit.objects.filter(parent__code=city_code(), kind__in=(UnitKind.DEPARTMENT, UnitKind.BODY), valid_to__isnull=True)
    return ([city] if city else []) + _sorted(below)


def my_units(actor) -> list[Unit]:
    """The units whose items the person raises or answers — where they hold a role that does (Vietnamese order)."""
    if is_system(actor):
        return []
    roles = PERMISSIONS["difficulty_raise"] | PERMISSIONS["difficulty_answer"]
    ids = RoleAssignment.objects.filter(user=actor, revoked_at__isnull=True, role__in=roles).values("unit_id")
    return _sorted(Unit.objects.filter(pk__in=ids))


def raising_units(actor) -> list[Unit]:
    """The units that raised the items the actor sees (the register's unit filter), in Vietnamese order."""
    ids = Difficulty.objects.filter(visible_difficulties_q(actor)).values("unit_id")
    return _sorted(Unit.objects.filter(pk__in=ids))


def default_addressee() -> Unit | None:
    """The steering committee of the city when it exists, else the city."""
    return Unit.objects.filter(code=f"{city_code()}.BCD57").first() or Unit.objects.filter(code=city_code()).first()


def indicator_for_item(code: str):
    """The indicator an item is linked to, by code; an unknown code is a field error of the form (``Invalid``)."""
    indicator = Indicator.objects.filter(code=code.strip()).first()
    if indicator is None:
        raise Invalid("unknown indicator", details=[detail("indicator", "unknown_indicator", code=code.strip())])
    return indicator
