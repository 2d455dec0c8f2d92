"""Status as of a date, against hand-computed examples (official split, extensions, as-of re-creation)."""

import datetime as dt

import pytest

from dieuhanh.core.tasks.status import Official, State, Status, TaskFacts, deadline_on, status_as_of

D = dt.date


def task(**kw):
    base = {"assigned_on": D(2025, 3, 1), "deadline": D(2026, 3, 31)}
    return TaskFacts(**{**base, **kw})


def test_before_assignment_the_task_is_not_counted():
    s = status_as_of(task(), D(2025, 2, 28))
    assert s.status is Status.NOT_ASSIGNED and s.official is Official.EXCLUDED


def test_open_task_without_progress_is_not_started_and_within_deadline():
    s = status_as_of(task(), D(2025, 6, 30))
    assert (s.status, s.official, s.progress) == (Status.NOT_STARTED, Official.WITHIN_DEADLINE, 0.0)


def test_progress_counts_only_once_approved_by_the_date():
    facts = task(progress=[(D(2025, 7, 5), 30.0), (D(2025, 8, 5), 45.0)])
    assert status_as_of(facts, D(2025, 7, 4)).status is Status.NOT_STARTED
    assert status_as_of(facts, D(2025, 7, 31)).progress == 30.0
    assert status_as_of(facts, D(2025, 8, 31)).status is Status.IN_PROGRESS


def test_the_deadline_day_itself_is_still_within_deadline_and_the_next_is_overdue():
    assert status_as_of(task(), D(2026, 3, 31)).official is Official.WITHIN_DEADLINE
    s = status_as_of(task(), D(2026, 4, 1))
    assert (s.status, s.official, s.days_overdue) == (Status.OVERDUE, Official.OVERDUE, 1)


def test_completed_on_the_deadline_is_on_time_and_a_day_later_is_late():
    on_time = status_as_of(task(state_changes=[(D(2026, 3, 31), State.COMPLETED)]), D(2026, 6, 30))
    late = status_as_of(task(state_changes=[(D(2026, 4, 1), State.COMPLETED)]), D(2026, 6, 30))
    assert on_time.official is Official.COMPLETED_ON_TIME and on_time.completed_on == D(2026, 3, 31)
    assert late.official is Official.COMPLETED_LATE and late.days_overdue == 1


def test_an_approved_extension_moves_the_deadline_from_its_effective_date():
    facts = task(deadline_changes=[(D(2026, 3, 20), D(2026, 6, 30))])
    assert deadline_on(facts, D(2026, 3, 19)) == D(2026, 3, 31)
    assert status_as_of(facts, D(2026, 4, 15)).official is Official.WITHIN_DEADLINE
    assert status_as_of(facts, D(2026, 7, 1)).official is Official.OVERDUE


def test_an_extension_granted_after_the_deadline_passed_rescues_the_future_not_the_past():
    facts = task(deadline_changes=[(D(2026, 4, 10), D(2026, 6, 30))])
    assert status_as_of(facts, D(2026, 4, 5)).official is Official.OVERDUE  # the 05/04 report said overdue
    assert status_as_of(facts, D(2026, 4, 15)).official is Official.WITHIN_DEADLINE


def test_late_completion_is_judged_against_the_deadline_in_force_when_completed():
    facts = task(state_changes=[(D(2026, 4, 20), State.COMPLETED)], deadline_changes=[(D(2026, 5, 1), D(2026, 6, 30))])
    assert status_as_of(facts, D(2026, 6, 30)).official is Official.COMPLETED_LATE
    extended_in_time = task(state_changes=[(D(2026, 4, 20), State.COMPLETED)], deadline_changes=[(D(2026, 3, 25), D(2026, 6, 30))])
    assert status_as_of(extended_in_time, D(2026, 6, 30)).official is Official.COMPLETED_ON_TIME


def test_as_of_a_date_before_completion_the_task_was_still_open():
    facts = task(state_changes=[(D(2026, 5, 10), State.COMPLETED)])
    assert status_as_of(facts, D(2026, 4, 30)).official is Official.OVERDUE
    assert status_as_of(facts, D(2026, 5, 10)).official is Official.COMPLETED_LATE


def test_paused_counts_as_not_completed_and_cancelled_is_excluded():
    paused = task(state_changes=[(D(2025, 9, 1), State.PAUSED)])
    assert (status_as_of(paused, D(2025, 10, 1)).status, status_as_of(paused, D(2025, 10, 1)).official) == (Status.PAUSED, Official.WITHIN_DEADLINE)
    assert status_as_of(paused, D(2026, 5, 1)).official is Official.OVERDUE
    cancelled = task(state_changes=[(D(2025, 9, 1), State.CANCELLED)])
    assert status_as_of(cancelled, D(2025, 8, 31)).official is Official.WITHIN_DEADLINE
    assert status_as_of(cancelled, D(2025, 9, 1)).official is Official.EXCLUDED


def test_reopening_after_completion_returns_the_task_to_open():
    facts = task(state_changes=[(D(2026, 1, 10), State.COMPLETED), (D(2026, 2, 1), State.OPEN)], progress=[(D(2026, 1, 10), 100.0), (D(2026, 2, 1), 80.0)])
    assert status_as_of(facts, D(2026, 1, 31)).official is Official.COMPLETED_ON_TIME
    assert status_as_of(facts, D(2026, 2, 15)).status is Status.IN_PROGRESS


def test_a_task_without_deadline_is_never_overdue():
    assert status_as_of(task(deadline=None), D(2030, 1, 1)).official is Official.WITHIN_DEADLINE


@pytest.mark.parametrize("day,expected", [
    (D(2026, 6, 30), {"completed_on_time": 2, "completed_late": 1, "within_deadline": 2, "overdue": 2, "excluded": 2}),
    (D(2025, 12, 31), {"completed_on_time": 1, "completed_late": 0, "within_deadline": 6, "overdue": 0, "excluded": 2}),
])
def test_a_hand_computed_report(day, expected):
    """Nine tasks; counts worked out by hand for 31/12/2025 and 30/06/2026."""
    tasks = [
        task(state_changes=[(D(2025, 11, 1), State.COMPLETED)]),  # on time (both dates)
        task(deadline=D(2026, 5, 31), state_changes=[(D(2026, 5, 30), State.COMPLETED)]),  # on time at 30/06; open at 31/12
        task(deadline=D(2026, 1, 31), state_changes=[(D(2026, 2, 15), State.COMPLETED)]),  # late at 30/06; within at 31/12
        task(deadline=D(2026, 12, 31)),  # within
        task(deadline=D(2026, 4, 30)),  # overdue at 30/06; within at 31/12
        task(deadline=D(2026, 4, 30), deadline_changes=[(D(2026, 4, 15), D(2026, 9, 30))]),  # extended: within
        task(deadline=D(2026, 2, 28), state_changes=[(D(2026, 1, 5), State.PAUSED)]),  # paused, overdue at 30/06
        task(state_changes=[(D(2025, 10, 1), State.CANCELLED)]),  # excluded
        task(assigned_on=D(2026, 1, 15), deadline=D(2026, 12, 31), state_changes=[(D(2026, 3, 1), State.CANCELLED)]),  # not yet assigned at 31/12; cancelled at 30/06
    ]
    counts = {o.value: 0 for o in Official}
    for facts in tasks:
        counts[status_as_of(facts, day).official.value] += 1
    assert counts == expected
