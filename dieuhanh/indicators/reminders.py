"""Reminders of a reporting round: e-mail the reporters of every unit with indicator values still missing."""

from __future__ import annotations

from collections import defaultdict

from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from dieuhanh.access.models import Role
from dieuhanh.actions import action, nothing_changed
from dieuhanh.audit.services import record
from dieuhanh.indicators.selectors import due_and_missing
from dieuhanh.plans.models import ReminderLog
from dieuhanh.plans.reminders import unit_role_holders


@action
def indicator_reminders_send(*, actor, period: str) -> int:
    """One e-mail per reporter of each unit that has values missing for ``period``; once a day per person."""
    today = timezone.localdate()
    missing: dict[int, list] = defaultdict(list)
    units = {}
    for d in due_and_missing(period=period):
        if d.value is None and d.approval == "open":
            missing[d.unit.pk].append(d.indicator)
            units[d.unit.pk] = d.unit
    people = unit_role_holders(list(missing), (Role.REPORTER, Role.APPROVER))
    already = set(ReminderLog.objects.filter(kind="indicators", sent_on=today).values_list("recipient_id", flat=True))
    logs, outbox = [], []
    for unit_id, indicators in missing.items():
        for person in people.get(unit_id, []):
            if person.pk in already:
                continue
            already.add(person.pk)
            logs.append(ReminderLog(kind="indicators", task=None, recipient=person, sent_on=today))
            outbox.append((person, units[unit_id], indicators))
    if not logs:
        nothing_changed()
        return 0
    ReminderLog.objects.bulk_create(logs)
    record(actor=actor, action="indicator_reminders_send", obj=logs[0], object_type="reminders",
           changes={"sent": [None, len(logs)]}, note=f"indicators missing for {period}")

    def send():
        with translation.override("vi"):
            for person, unit, indicators in outbox:
                body = render_to_string("indicators/mail/missing.txt", {"person": person, "unit": unit, "indicators": indicators, "period": period})
                send_mail(f"[dieuhanh] Số liệu chỉ tiêu kỳ {period} chưa nhập: {unit.name}", body, None, [person.email])

    transaction.on_commit(send)
    return len(logs)
