"""The demo's calls: synthetic, at several stages, loaded once."""

from __future__ import annotations

from dieuhanh.demo.innovation import load_innovation
from dieuhanh.innovation.models import Call
from dieuhanh.innovation.selectors import figures, support_register
from tests.conftest import DEPARTMENT, SYSTEM


def test_the_demo_calls_are_synthetic_at_several_stages_and_loaded_once(hcmc, make_user):
    make_user("skhcn.lanhdao", DEPARTMENT, "approver")
    assert load_innovation(actor=SYSTEM) == 4
    assert load_innovation(actor=SYSTEM) == 0
    assert set(Call.objects.values_list("synthetic", flat=True)) == {True}
    f = figures(SYSTEM)
    assert {code: n for code, _label, n in f.by_stage} == {"published": 1, "evaluation": 1, "selected": 1, "in_use": 1}
    assert (f.solved, f.in_use) == (1, 1)
    assert [(p.proposer.name, p.amount_decided) for p in support_register()] == [("Trường Đại học Minh họa (demo)", 500_000_000)]
