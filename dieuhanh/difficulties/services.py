"""Writing the difficulties register: every function here is an action (authorised, atomic, audited).

The steps are ``difficulty_raise`` (or ``difficulties_raise_from_report``: several items from one progress
report), ``difficulty_assign``, ``difficulty_answer`` and ``difficulty_close``. Assigning and answering are the
one place where "a difficulty was assigned / answered" happens: notifications hook in there (on commit).
Dates are today's; only the platform's own loads (the demo) record another day (``on=``).
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from dieuhanh.access.policy import is_system
from dieuhanh.actions import action
from dieuhanh.audit.services import diff, record, recorded_day, snapshot
from dieuhanh.concurrency import lock_version
from dieuhanh.difficulties.models import Category, Difficulty, Outcome, Status
from dieuhanh.errors import Conflict, Invalid, detail
from dieuhanh.notifications.services import notify, notify_users

FIELDS = ("unit", "task", "indicator", "category", "content", "proposal", "addressed_to", "status", "raised_on", "handling_unit",
          "deadline", "assignment_note", "answer", "answered_on", "outcome", "closing_note", "closed_on")
OPEN = (Status.SUBMITTED, Status.ASSIGNED, Status.ANSWERED)


def _user(actor):
    return None if is_system(actor) else actor


def _text(value: str | None) -> str:
    return (value or "").replace("\r\n", "\n").strip()


def _audit(actor, name: str, item: Difficulty, before: dict) -> None:
    record(actor=actor, action=name, obj=item, unit=item.unit, object_type="difficulty", changes=diff(before, snapshot(item, FIELDS)))


def _move(actor, name: str, item: Difficulty, **changes) -> Difficulty:
    """Write one step of the workflow on the locked ``item``: its fields, a new version, the audit event."""
    before = snapshot(item, FIELDS)
    for field, value in changes.items():
        setattr(item, field, value)
    item.version += 1
    item.save()
    _audit(actor, name, item, before)
    return item


def _is_within(unit, other) -> bool:
    return unit.path.startswith(other.path)


@action
def difficulty_raise(*, actor, unit, category: str, content: str, addressed_to, proposal: str = "", task=None, indicator=None,
                     report=None, on: dt.date | None = None, synthetic: bool = False) -> Difficulty:
    """A unit raises a difficulty (and its proposal) addressed to a body outside itself."""
    day = recorded_day(actor, on)
    content, proposal = _text(content), _text(proposal)
    problems = []
    if category not in Category.values:
        problems.append(detail("category", "unknown_category"))
    if not content:
        problems.append(detail("content", "required"))
    if _is_within(addressed_to, unit):
        problems.append(detail("addressed_to", "addressed_to_own_unit"))
    if report is not None and (task is None or report.task_id != task.pk or task.lead_unit_id != unit.pk):
        problems.append(detail("report", "report_not_of_unit"))
    if problems:
        raise Invalid("invalid difficulty", details=problems)
    item = Difficulty.objects.create(unit=unit, category=category, content=content, proposal=proposal, addressed_to=addressed_to,
                                     task=task, indicator=indicator, report=report, raised_by=_user(actor), raised_on=day,
                                     synthetic=synthetic and is_system(actor))
    _audit(actor, "difficulty_raise", item, {})
    return item


@action
def difficulties_raise_from_report(*, actor, report, items: list[dict], on: dt.date | None = None) -> list[Difficulty]:
    """Several items from one progress report: each ``{"category", "content", "proposal", "addressed_to"}``, raised
    by the report's lead unit and linked to its task; all or none."""
    if not items:
        raise Invalid("nothing to raise", details=[detail("items", "required")])
    task = report.task
    return [difficulty_raise(actor=actor, unit=task.lead_unit, task=task, report=report, on=on,
                             category=i["category"], content=i["content"], proposal=i.get("proposal", ""), addressed_to=i["addressed_to"])
            for i in items]


@action
def difficulty_assign(*, actor, difficulty: Difficulty, expected_version: int | None, handling_unit, deadline: dt.date,
                      note: str = "", on: dt.date | None = None) -> Difficulty:
    """The steering committee (or the addressed body) names the unit that handles the item and by when; an item
    not yet answered may be assigned again."""
    day = recorded_day(actor, on)
    item = lock_version(difficulty, expected_version)
    if item.status not in (Status.SUBMITTED, Status.ASSIGNED):
        raise Conflict(f"difficulty {item.pk} is {item.status}", code="difficulty_not_assignable")
    problems = []
    if handling_unit is None:
        problems.append(detail("handling_unit", "required"))
    if deadline is None:
        problems.append(detail("deadline", "required"))
    elif deadline < day:
        problems.append(detail("deadline", "deadline_in_past"))
    if problems:
        raise Invalid("invalid assignment", details=problems)
    item = _move(actor, "difficulty_assign", item, status=Status.ASSIGNED, handling_unit=handling_unit, deadline=deadline,
                 assignment_note=_text(note), assigned_by=_user(actor), assigned_on=day)
    notify("difficulty_assigned", unit=handling_unit, permission="difficulty_answer", about=item, exclude=actor,
           once=f"{handling_unit.pk}:{deadline:%Y-%m-%d}", **_notice(item, deadline=f"{deadline:%d/%m/%Y}"))
    return item


@action
def difficulty_answer(*, actor, difficulty: Difficulty, expected_version: int | None, answer: str,
                      on: dt.date | None = None) -> Difficulty:
    """The handling unit answers."""
    day = recorded_day(actor, on)
    item = lock_version(difficulty, expected_version)
    if item.status != Status.ASSIGNED:
        raise Conflict(f"difficulty {item.pk} is {item.status}", code="difficulty_not_assigned")
    answer = _text(answer)
    if not answer:
        raise Invalid("empty answer", details=[detail("answer", "required")])
    item = _move(actor, "difficulty_answer", item, status=Status.ANSWERED, answer=answer, answered_by=_user(actor), answered_on=day)
    # The people who raised it and those who close it (the addressed body's approvers and steering) are told.
    notice = _notice(item)
    notify_users("difficulty_answered", users=[item.raised_by], unit=item.unit, about=item, exclude=actor, **notice)
    notify("difficulty_answered", unit=item.addressed_to, permission="difficulty_close", about=item,
           exclude=[actor, item.raised_by], **notice)
    return item


def _notice(item: Difficulty, **params) -> dict:
    """What a notification about ``item`` carries: its page and the sentence's parameters."""
    title = item.content if len(item.content) <= 80 else item.content[:79] + "…"
    return {"url": reverse("difficulty_detail", args=[item.pk]), "params": {"title": title, "unit": item.unit.name, **params}}


@action
def difficulty_close(*, actor, difficulty: Difficulty, expected_version: int | None, outcome: str, note: str = "",
                     on: dt.date | None = None) -> Difficulty:
    """The assigning level closes an answered item with its outcome; an item may also be escalated to the
    national level before any answer."""
    day = recorded_day(actor, on)
    item = lock_version(difficulty, expected_version)
    if outcome not in Outcome.values:
        raise Invalid("unknown outcome", details=[detail("outcome", "unknown_outcome")])
    if item.status == Status.CLOSED:
        raise Conflict(f"difficulty {item.pk} is closed", code="difficulty_closed")
    if item.status != Status.ANSWERED and outcome != Outcome.ESCALATED:
        raise Conflict(f"difficulty {item.pk} is {item.status}", code="difficulty_not_answered")
    return _move(actor, "difficulty_close", item, status=Status.CLOSED, outcome=outcome, closing_note=_text(note),
                 closed_by=_user(actor), closed_on=day)
