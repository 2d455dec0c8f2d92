"""The demo's register: synthetic items at each step, dated from today, loaded once."""

from __future__ import annotations

from dieuhanh.demo.difficulties import load_difficulties
from dieuhanh.difficulties.models import Difficulty
from dieuhanh.difficulties.selectors import register_summary
from tests.conftest import D, SYSTEM


def test_the_demo_register_shows_every_step_and_is_labelled_synthetic(hcmc):
    assert load_difficulties(actor=SYSTEM) == 6
    assert load_difficulties(actor=SYSTEM) == 0
    assert set(Difficulty.objects.values_list("synthetic", flat=True)) == {True}
    s = register_summary(SYSTEM, day=D(2026, 11, 30))
    # raised 75 days ago, assigned 70 days ago with 30 days to answer: 40 days overdue at Sở Tài chính
    assert s.by_status == {"submitted": 2, "assigned": 1, "answered": 1, "closed": 2}
    assert (s.overdue, [c.code for c in s.overdue_by_handling_unit]) == (1, ["79.STC"])
    assert s.open_by_age == {"le_30": 2, "31_90": 2, "gt_90": 0}
    assert Difficulty.objects.get(unit__code="26740").outcome == "escalated"


def test_the_register_ages_closed_items_to_their_closing_day(hcmc):
    from dieuhanh.difficulties.selectors import RegisterFilter, register_counts, register_queryset

    load_difficulties(actor=SYSTEM)
    day = D(2026, 11, 30)
    # open: 75, 40, 20 and 5 days; closed: raised 100 days ago and closed 50 days ago (50), raised 120 and closed 60 ago (60)
    counts = register_counts(register_queryset(SYSTEM, RegisterFilter(), day), day)
    assert counts.by_age == {"le_30": 2, "31_90": 4, "gt_90": 0}
    assert counts.synthetic == 6 and counts.total == 6
    assert [c.code for c in counts.by_unit] == ["26743", "26732", "26740", "79.SKHCN"]  # 3 items, then 1 each in Vietnamese order


def test_the_cockpit_lists_raised_by_a_unit_to_answer_and_awaiting_a_decision(hcmc, make_user):
    from dieuhanh.difficulties.selectors import awaiting_decision, raised_by_unit, to_answer_by_unit

    load_difficulties(actor=SYSTEM)
    steering, ward = make_user("bcd", "79", "steering"), make_user("phuong", "26743", "reporter")
    day = D(2026, 11, 30)
    assert [v.age_days for v in raised_by_unit(ward, hcmc["26743"], day=day)] == [5, 40, 75]  # newest first
    [overdue] = to_answer_by_unit(steering, hcmc["79.STC"], day=day)
    assert (overdue.overdue, overdue.days_past_deadline, overdue.item.category) == (True, 40, "funding")
    assert [(v.item.status, v.age_days) for v in awaiting_decision(steering, day=day)] == [("answered", 40), ("submitted", 20), ("submitted", 5)]
    assert awaiting_decision(ward, day=day) == []
