"""The cockpit's filters (unit, as-of date, plan, group, key tasks): read from the query string or, when the
address names none, from the session, so they carry over from page to page; shown as removable badges.

A query string that names any filter (or the marker ``f=1``, which the badges' "remove" links and the main
navigation carry) replaces the remembered filters; ``FilterMemory`` keeps them in the session for the pages that
read them (``REMEMBERED_PAGES``). The values keep the task list's meaning (``plans/views.py: task_list``): ``unit``
is a unit code (that unit and the units below it), ``plan`` a plan id, ``group`` a group number, ``key`` 1 or 0.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from urllib.parse import urlencode

from django.utils.translation import gettext_lazy as _

from dieuhanh.core.common.periods import parse_date

KEYS = ("unit", "as_of", "plan", "group", "key")
MARKER = "f"
SESSION_KEY = "cockpit_filters"
# Pages whose filters are remembered in the session (URL names); every page may receive them.
REMEMBERED_PAGES = frozenset({"home", "cockpit", "task_list", "dashboard_detail", "plan_list"})
LABELS = {"unit": _("Unit"), "as_of": _("As of"), "plan": _("Plan"), "group": _("Group"), "key": _("Key tasks")}


@dataclass(frozen=True)
class Filters:
    unit: str | None = None
    as_of: dt.date | None = None
    plan: str | None = None
    group: int | None = None
    key: bool | None = None

    @classmethod
    def from_mapping(cls, data) -> Filters:
        """From a query string or a stored mapping. A malformed date raises the one parser's ``ParseError`` (the
        400 page names it); other malformed values are ignored as absent."""
        get = (lambda k: (data.get(k) or "").strip()) if data else (lambda k: "")
        unit, plan, group, key, as_of = get("unit"), get("plan"), get("group"), get("key"), get("as_of")
        return cls(
            unit=unit[:40] or None,
            as_of=parse_date(as_of) if as_of else None,
            plan=plan if plan.isdigit() and len(plan) <= 18 else None,
            group=int(group) if group.isdigit() and len(group) <= 9 else None,
            key={"1": True, "0": False}.get(key),
        )

    def as_params(self) -> dict[str, str]:
        out = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value is None:
                continue
            if isinstance(value, bool):
                value = "1" if value else "0"
            elif isinstance(value, dt.date):
                value = value.isoformat()
            out[f.name] = str(value)
        return out

    def query(self, **extra) -> str:
        """``?f=1&unit=…`` (the marker keeps an empty set of filters explicit)."""
        return "?" + urlencode({MARKER: "1", **self.as_params(), **extra})

    def without(self, name: str) -> Filters:
        return Filters(**{f.name: (None if f.name == name else getattr(self, f.name)) for f in fields(self)})

    def __bool__(self) -> bool:
        return bool(self.as_params())


def explicit(query) -> bool:
    return MARKER in query or any(k in query for k in KEYS)


def from_request(request) -> Filters:
    """The query string's filters when it names any, else the ones remembered in the session."""
    if explicit(request.GET):
        return Filters.from_mapping(request.GET)
    stored = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    try:
        return Filters.from_mapping(stored or {})
    except ValueError:  # a stored value the parser no longer accepts: start afresh
        return Filters()


def remember(request, filters: Filters) -> None:
    request.session[SESSION_KEY] = filters.as_params()


class FilterMemory:
    """Keeps the filters a page was asked with in the session (for ``REMEMBERED_PAGES``), so the navigation
    carries them to the next page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if (request.method == "GET" and match is not None and match.url_name in REMEMBERED_PAGES
                and response.status_code == 200 and explicit(request.GET) and hasattr(request, "session")
                and getattr(request, "user", None) is not None and request.user.is_authenticated):
            try:
                remember(request, Filters.from_mapping(request.GET))
            except ValueError:  # the page already said the date was malformed
                pass
        return response


def carry(request) -> dict:
    """Template context: ``carry_query``, the remembered filters as a query string for the main navigation."""
    stored = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    return {"carry_query": Filters().query(**{k: v for k, v in stored.items() if k in KEYS}) if stored else ""}
