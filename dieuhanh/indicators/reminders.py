"""Reminders of a reporting round: notify the reporters of every unit with indicator values still missing
(in the app, and by e-mail as each person chose: ``dieuhanh.notifications``)."""

from __future__ import annotations

from collections import defaultdict

from django.urls import reverse
from django.utils import timezone

from dieuhanh.actions import action, nothing_changed
from dieuhanh.audit.services import record
from dieuhanh.indicators.selectors import due_and_missing
from dieuhanh.notifications.services import notify

SHOWN_CODES = 10


@action
def indicator_reminders_send(*, actor, period: str) -> int:
    """One notification per person entering values (``value_enter``) of each unit that has values missing for
    ``period``, at most once a day; how many were created."""
    today = timezone.localdate()
    missing: dict[int, list] = defaultdict(list)
    units = {}
    for d in due_and_missing(period=period):
        if d.value is None and d.approval == "open":
            missing[d.unit.pk].append(d.indicator)
            units[d.unit.pk] = d.unit
    created = []
    for unit_id, indicators in missing.items():
        unit, codes = units[unit_id], [i.code for i in indicators]
        shown = ", ".join(codes[:SHOWN_CODES]) + (", …" if len(codes) > SHOWN_CODES else "")
        created += notify("values_due", unit=unit, permission="value_enter", about=("indicator_period", f"{unit.code}/{period}"),
                          url=reverse("indicator_entry", args=[unit.code, period]), once=today.isoformat(),
                          params={"unit": unit.name, "period": period, "count": len(codes), "indicators": shown})
    if not created:
        nothing_changed()
        return 0
    record(actor=actor, action="indicator_reminders_send", obj=created[0], unit=None, object_type="reminders",
           changes={"notified": [None, len(created)]}, note=f"indicators missing for {period}")
    return len(created)
