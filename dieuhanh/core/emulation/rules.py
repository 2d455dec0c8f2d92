"""Rules of initiatives and awards that need no framework: shares of contribution, scopes, one award per
achievement, and the public consultation counted in working days.

- **Shares**: the authors' shares of contribution (Thông tư 18/2013, Appendix I) are each in (0, 100] and add up
  to exactly 100 (two decimals).
- **Scope**: unit < city (province) < national; a form of award that needs an initiative of scope S is satisfied by
  an initiative recognised at S or above.
- **One achievement, one award**: a proposal is keyed by the form, the nominee (folded name, unit; a differing date
  of birth on both sides tells namesakes apart) and the year of the achievements; a second live proposal or award
  of that key is refused.
- **Consultation**: the list is posted on day P; the consultation runs over the next ``n`` working days (P itself
  not counted, as a notice posted during a day does not give that whole day), so it ends at the close of
  ``E = add_working_days(P, n)`` on the Vietnamese working calendar (weekends, public holidays, compensatory and
  swapped days: ``core/d766/workdays.py``) and the council may meet from the day after ``E``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from dieuhanh.core.common.text import fold, normalise_name
from dieuhanh.core.d766.workdays import WorkingCalendar, default_calendar

SCOPES = ("unit", "city", "national")
HUNDRED = Decimal("100")


def shares_problem(shares: Iterable[Decimal]) -> str | None:
    """None when the shares are each in (0, 100] and add up to 100; else the problem's code."""
    shares = [Decimal(s) for s in shares]
    if not shares:
        return "authors_required"
    if any(s <= 0 or s > HUNDRED for s in shares):
        return "share_out_of_range"
    if sum(shares) != HUNDRED:
        return "shares_not_100"
    return None


def scope_rank(scope: str) -> int:
    return SCOPES.index(scope) + 1 if scope in SCOPES else 0


def scope_satisfies(scope: str, needed: str) -> bool:
    """Whether an initiative recognised at ``scope`` is enough for a form that needs ``needed`` ("" = nothing)."""
    return not needed or scope_rank(scope) >= scope_rank(needed)


def nominee_key(kind: str, name: str, unit_code: str) -> str:
    """Who a proposal is for, as far as "one achievement is not awarded twice" goes: the kind (person, collective), the
    name folded (case, spacing, diacritics) and the unit."""
    return f"{kind}|{fold(normalise_name(name))}|{unit_code}"


def same_nominee(born: dt.date | None, other_born: dt.date | None) -> bool:
    """Two proposals of one key are for the same person unless both give a date of birth and the dates differ (two
    namesakes in one unit); leaving the date out never makes a second award possible."""
    return born is None or other_born is None or born == other_born


def consultation_end(posted_on: dt.date, working_days: int, calendar: WorkingCalendar | None = None) -> dt.date:
    """The last day of the public consultation of a list posted on ``posted_on``."""
    return (calendar or default_calendar()).add_working_days(posted_on, working_days)


def council_may_meet(day: dt.date, consultation_ends_on: dt.date) -> bool:
    return day > consultation_ends_on
