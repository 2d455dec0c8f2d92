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
