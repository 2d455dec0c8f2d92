"""The stored facts (spans of days, ``plans.facts``) give exactly what the core gives over the full history.

Random histories — assignment, start, original deadline, approved extensions, state changes known late,
approved reports on the same day — and random days (with every day a fact changes and the days around it):
the official column and the colour computed in SQL, and the status the pages show, equal the core's rules
(``status_as_of``, ``colour``) over every recorded fact known on the day.
"""

import datetime as dt
from decimal import Decimal
from itertools import count

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dieuhanh.core.tasks.colours import WarningRule, colour
from dieuhanh.core.tasks.status import Official, State, Status, TaskFacts, fact_spans, span_facts, status_as_of
from dieuhanh.plans import facts
from dieuhanh.plans.models import DeadlineChange, Plan, ProgressReport, Task, TaskStateChange
from dieuhanh.plans.selectors import on_day, task_views
from tests.conftest import HCMC_TIME

BASE = dt.date(2025, 1, 1)
day_offsets = st.integers(min_value=0, max_value=500)


def day(offset: int) -> dt.date:
    return BASE + dt.timedelta(days=offset)


histories = st.fixed_dictionaries({
    "assigned": day_offsets,
    "start": st.none() | st.integers(min_value=-30, max_value=120),
    "deadline": st.none() | st.integers(min_value=-20, max_value=400),
    "extensions": st.lists(st.tuples(day_offsets, day_offsets), max_size=2),
    "states": st.lists(st.tuples(day_offsets, st.integers(min_value=0, max_value=60), st.sampled_from(list(State))), max_size=3),
    "reports": st.lists(st.tuples(day_offsets, st.integers(min_value=0, max_value=10000)), max_size=4),
    "days": st.lists(day_offsets, min_size=1, max_size=6),
    "rule": st.tuples(st.integers(min_value=0, max_value=100), st.integers(min_value=0, max_value=100)),
})


def history_of(h):
    assigned = day(h["assigned"])
    return {
        "assigned_on": assigned,
        "start": assigned + dt.timedelta(days=h["start"]) if h["start"] is not None else None,
        "deadline": assigned + dt.timedelta(days=h["deadline"]) if h["deadline"] is not None else None,
        "deadline_changes": [(day(e), day(n)) for e, n in h["extensions"]],
        "state_changes": [(day(e), day(e) + dt.timedelta(days=lag), s) for e, lag, s in h["states"]],
        "progress": [(day(a), p / 100) for a, p in h["reports"]],
    }


def known_on(hist, d: dt.date) -> TaskFacts:
    """The full history as the core takes it on ``d``: what was recorded by then."""
    return TaskFacts(assigned_on=hist["assigned_on"], deadline=hist["deadline"],
                     deadline_changes=[c for c in hist["deadline_changes"] if c[0] <= d],
                     state_changes=[(e, s) for e, r, s in hist["state_changes"] if r <= d],
                     progress=[p for p in hist["progress"] if p[0] <= d])


def days_to_check(hist, h) -> list[dt.date]:
    changes = {hist["assigned_on"], *(c[0] for c in hist["deadline_changes"]), *(max(e, r) for e, r, _ in hist["state_changes"]),
               *(p[0] for p in hist["progress"])}
    around = {d + dt.timedelta(days=k) for d in changes for k in (-1, 0, 1)}
    return sorted(around | {day(o) for o in h["days"]} | ({hist["deadline"]} if hist["deadline"] else set()))


@settings(max_examples=300, deadline=None)
@given(histories)
def test_the_span_covering_a_day_gives_the_status_of_the_full_history(h):
    hist = history_of(h)
    spans = fact_spans(assigned_on=hist["assigned_on"], deadline=hist["deadline"], deadline_changes=hist["deadline_changes"],
                       state_changes=hist["state_changes"], progress=hist["progress"])
    assert spans[0].valid_from == dt.date.min and spans[-1].valid_to is None
    assert all(a.valid_to == b.valid_from for a, b in zip(spans, spans[1:]))
    for d in days_to_check(hist, h):
        span = next(s for s in spans if s.valid_from <= d and (s.valid_to is None or d < s.valid_to))
        assert status_as_of(span_facts(hist["assigned_on"], span), d) == status_as_of(known_on(hist, d), d)


serial = count(1)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(h=histories)
def test_sql_and_stored_facts_equal_the_core_over_the_full_history(plan, h):
    hist = history_of(h)
    green, extra = h["rule"]
    rule = WarningRule(green_gap=green / 2, red_gap=green / 2 + extra / 2)
    Plan.objects.filter(pk=plan.pk).update(warning_rule=rule.to_dict())
    group = plan.groups.first()
    task = Task.objects.create(plan=plan, group=group, code=f"P.{next(serial)}", title="ngẫu nhiên", lead_unit=plan.issuer,
                               assigned_on=hist["assigned_on"], start_date=hist["start"], original_deadline=hist["deadline"],
                               deadline=hist["deadline"])
    for e, n in hist["deadline_changes"]:
        DeadlineChange.objects.create(task=task, new_deadline=n, reason="r", status="approved", effective_on=e)
    for e, r, s in hist["state_changes"]:
        TaskStateChange.objects.create(task=task, state=s.value, effective_on=e, recorded_on=r, actor_label="test")
    for i, (approved, percent) in enumerate(hist["progress"]):
        ProgressReport.objects.create(task=task, period=f"P{i}", period_end=approved, percent=Decimal(str(percent)), status="approved",
                                      reviewed_at=dt.datetime.combine(approved, dt.time(8 + i), tzinfo=HCMC_TIME))
    facts.refresh([task.pk])
    task = Task.objects.select_related("plan").get(pk=task.pk)  # as a page reads it: with the plan's rule of now
    start = hist["start"] or hist["assigned_on"]
    for d in days_to_check(hist, h):
        known = known_on(hist, d)
        expected = status_as_of(known, d)
        expected_colour = colour(day=d, start=start, deadline=expected.deadline, progress=expected.progress if known.progress else None,
                                 completed=expected.official in (Official.COMPLETED_ON_TIME, Official.COMPLETED_LATE),
                                 cancelled=expected.status is Status.CANCELLED, rule=rule)
        sql = on_day(Task.objects.filter(pk=task.pk), d, colour=True).values_list("official_on", "colour_on").get()
        assert sql == (expected.official.value, expected_colour.value), d
        view = task_views([task], d)[0]
        assert (view.as_of, view.colour) == (expected, expected_colour), d


def test_refresh_task_facts_rebuilds_what_was_written_around_the_actions(plan):
    import io

    from django.core.management import call_command

    from dieuhanh.plans.models import TaskFactSpan

    task = Task.objects.get(code="1.1")
    # An approved extension written straight into the database (a restore, a manual fix): the stored facts lag.
    DeadlineChange.objects.create(task=task, new_deadline=dt.date(2026, 12, 31), reason="r", status="approved", effective_on=dt.date(2026, 1, 10))
    assert on_day(Task.objects.filter(pk=task.pk), dt.date(2026, 11, 30)).values_list("official_on", flat=True).get() == "overdue"
    out = io.StringIO()
    call_command("refresh_task_facts", "--plan", plan.number, stdout=out, stderr=io.StringIO())
    assert on_day(Task.objects.filter(pk=task.pk), dt.date(2026, 11, 30)).values_list("official_on", flat=True).get() == "within_deadline"
    assert f"for {plan.tasks.count()} tasks" in out.getvalue()
    assert TaskFactSpan.objects.filter(task=task).count() == 2  # before and from the extension
