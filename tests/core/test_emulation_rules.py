"""Rules of initiatives and awards without a database: shares, scopes, the nominee key, and the consultation counted
in working days on the Vietnamese calendar — expected days counted by hand on the 2026 calendar."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from dieuhanh.core.emulation.rules import (
    consultation_end, council_may_meet, nominee_key, same_nominee, scope_satisfies, shares_problem,
)

D = dt.date


@pytest.mark.parametrize(("shares", "problem"), [
    (["60", "40"], None), (["100"], None), (["33.34", "33.33", "33.33"], None),
    (["60", "30"], "shares_not_100"), (["60", "50"], "shares_not_100"), (["0", "100"], "share_out_of_range"),
    (["-10", "110"], "share_out_of_range"), ([], "authors_required"),
])
def test_shares_of_contribution_add_up_to_100(shares, problem):
    assert shares_problem([Decimal(s) for s in shares]) == problem


@pytest.mark.parametrize(("scope", "needed", "ok"), [
    ("unit", "", True), ("unit", "unit", True), ("unit", "city", False), ("city", "city", True), ("city", "national", False),
    ("national", "city", True), ("", "unit", False),
])
def test_a_form_needs_an_initiative_of_its_scope_or_above(scope, needed, ok):
    assert scope_satisfies(scope, needed) is ok


def test_the_nominee_key_ignores_case_spacing_and_diacritics_but_not_the_unit():
    a = nominee_key("person", "Nguyễn Văn  An", "26743")
    assert a == nominee_key("person", "nguyen van an", "26743")
    assert a != nominee_key("person", "Nguyễn Văn An", "26740")
    assert a != nominee_key("collective", "Nguyễn Văn An", "26743")


def test_namesakes_are_told_apart_only_by_two_differing_dates_of_birth():
    assert same_nominee(D(1985, 3, 2), D(1985, 3, 2))
    assert same_nominee(None, D(1985, 3, 2)) and same_nominee(D(1985, 3, 2), None) and same_nominee(None, None)
    assert not same_nominee(D(1985, 3, 2), D(1990, 1, 1))


@pytest.mark.parametrize(("posted", "ends"), [
    # Mon 30/11/2026: Tue 1 … Fri 4 (4), Mon 7 … Fri 11 (9), Mon 14/12 (10).
    (D(2026, 11, 30), D(2026, 12, 14)),
    # Mon 20/04/2026: Tue 21 … Fri 24 (4); Mon 27/04 is the compensatory day of Giỗ Tổ (Sun 26/04); Tue 28 (5),
    # Wed 29 (6); Thu 30/04 and Fri 01/05 are holidays; Mon 4 (7), Tue 5 (8), Wed 6 (9), Thu 07/05 (10).
    (D(2026, 4, 20), D(2026, 5, 7)),
    # Fri 06/02/2026: Mon 9 … Fri 13 (5); Tết Bính Ngọ 16–20/02 off; Mon 23 … Fri 27 (10).
    (D(2026, 2, 6), D(2026, 2, 27)),
    # Sat 29/08/2026: Mon 31/08 (1); Tue 1 and Wed 2/9 Quốc khánh; Thu 3, Fri 4 (3), Mon 7 … Fri 11 (8), Mon 14, Tue 15/09 (10).
    (D(2026, 8, 29), D(2026, 9, 15)),
])
def test_the_consultation_runs_ten_working_days_after_the_posting_day(posted, ends):
    assert consultation_end(posted, 10) == ends
    assert not council_may_meet(ends, ends)
    assert council_may_meet(ends + dt.timedelta(days=1), ends)
