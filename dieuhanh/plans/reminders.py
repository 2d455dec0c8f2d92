"""Reminder e-mails: due soon, overdue, explanation requests, and a daily digest for unit leaders.

``dieuhanh send_reminders`` runs once a day from cron. Each (kind, task, person, day) is sent at most once,
so re-running the command the same day sends nothing twice. Mails go out after the transaction commits.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from dieuhanh.access.models import Role, RoleAssignment
from dieuhanh.actions import action, nothing_changed
from dieuhanh.audit.services import record
from dieuhanh.core.tasks.status import Official, State
from dieuhanh.plans.models import ExplanationRequest, ReminderLog, Task
from dieuhanh.plans.selectors import task_views

RESPONSIBLE = (Role.REPORTER, Role.APPROVER)


def unit_role_holders(unit_ids, roles) -> dict[int, list]:
    """Active people with an e-mail holding one of ``roles`` directly on each unit."""
    holders: dict[int, list] = defaultdict(list)
    for a in RoleAssignment.objects.filter(unit_id__in=unit_ids, role__in=roles, revoked_at__isnull=True,
                                           user__is_active=True).exclude(user__email="").select_related("user"):
        if a.user not in holders[a.unit_id]:
            holders[a.unit_id].append(a.user)
    return holders


def _mail(subject: str, template: str, context: dict, to: str) -> None:
    with translation.override("vi"):
        send_mail(subject, render_to_string(template, context), None, [to])


@dataclass
class ReminderResult:
    due_soon: int = 0
    overdue: int = 0
    digests: int = 0


@action
def reminders_send(*, actor, day: dt.date | None = None) -> ReminderResult:
    day = day or timezone.localdate()
    tasks = list(Task.objects.filter(state=State.OPEN.value).select_related("plan", "lead_unit", "group"))
    views = task_views(tasks, day)
    holders = unit_role_holders({t.lead_unit_id for t in tasks}, RESPONSIBLE)
    leaders = unit_role_holders({t.lead_unit_id for t in tasks}, (Role.APPROVER,))
    already = set(ReminderLog.objects.filter(sent_on=day).values_list("kind", "task_id", "recipient_id"))
    logs, outbox, result = [], [], ReminderResult()
    digest: dict[int, list] = defaultdict(list)
    for v in views:
        t = v.task
        deadline = v.as_of.deadline
        if v.official is Official.OVERDUE:
            kind = "overdue"
        elif deadline is not None and 0 <= (deadline - day).days <= t.plan.rule.due_soon_days:
            kind = "due_soon"
        else:
            continue
        for person in leaders.get(t.lead_unit_id, []):
            digest[person.pk].append((person, v, kind))
        for person in holders.get(t.lead_unit_id, []):
            if (kind, t.pk, person.pk) in already:
                continue
            logs.append(ReminderLog(kind=kind, task=t, recipient=person, sent_on=day))
            outbox.append((f"[dieuhanh] {'Quá hạn' if kind == 'overdue' else 'Sắp đến hạn'}: {t.code}",
                           f"plans/mail/{kind}.txt", {"task": t, "view": v, "person": person, "day": day}, person.email))
            setattr(result, kind, getattr(result, kind) + 1)
    for person_id, items in digest.items():
        person = items[0][0]
        if ("digest", None, person_id) in already:
            continue
        logs.append(ReminderLog(kind="digest", task=None, recipient=person, sent_on=day))
        outbox.append((f"[dieuhanh] Tổng hợp nhiệm vụ ngày {day:%d/%m/%Y}", "plans/mail/digest.txt",
                       {"person": person, "items": [(v, kind) for _, v, kind in items], "day": day}, person.email))
        result.digests += 1
    if not logs:
        nothing_changed()
        return result
    ReminderLog.objects.bulk_create(logs)
    record(actor=actor, action="reminders_send", obj=logs[0], object_type="reminders",
           changes={"due_soon": [None, result.due_soon], "overdue": [None, result.overdue], "digest": [None, result.digests]},
           note=f"reminders of {day.isoformat()}")
    transaction.on_commit(lambda: [_mail(*m) for m in outbox])
    return result


def notify_explanation_requested(request_id: int) -> None:
    request = ExplanationRequest.objects.select_related("task", "task__lead_unit").get(pk=request_id)
    for person in unit_role_holders([request.task.lead_unit_id], RESPONSIBLE).get(request.task.lead_unit_id, []):
        _mail(f"[dieuhanh] Yêu cầu giải trình: {request.task.code}", "plans/mail/explanation.txt",
              {"request": request, "task": request.task, "person": person}, person.email)
