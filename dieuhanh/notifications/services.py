"""Telling people: ``notify`` (everyone holding a permission on a unit or above) and ``notify_users`` (named
people) are the one way every producer creates notifications and e-mails; the daily run adds due-soon and overdue
notifications (from the producers registered in ``daily.py``) and sends the digests.

``notify`` runs inside the producer's action: the notifications commit or roll back with the change they report.
People who chose "immediately" (the default) are e-mailed after the transaction commits; people who chose the
digest get everything not yet e-mailed in one message from the daily run; "none" is the app only.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.db import models, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from dieuhanh.access.policy import is_system
from dieuhanh.actions import action, nothing_changed
from dieuhanh.audit.services import record
from dieuhanh.concurrency import check_version, insert_unique
from dieuhanh.errors import Invalid, detail
from dieuhanh.messages import render
from dieuhanh.notifications import daily, selectors
from dieuhanh.notifications.models import EmailChoice, Kind, Notification, NotificationPreference

SUBJECT_MAX = 150
log = logging.getLogger("dieuhanh.notifications")


def _about(about) -> tuple[str, str]:
    """``("task", 12)`` or a model instance (its model name and key) → the stored (type, id)."""
    if isinstance(about, models.Model):
        return about._meta.model_name, str(about.pk)
    kind, key = about
    return str(kind), str(key)


def _excluded(exclude) -> set:
    if exclude is None:
        return set()
    people = exclude if isinstance(exclude, Iterable) and not isinstance(exclude, (str, models.Model)) else [exclude]
    return {p.pk for p in people if p is not None and not is_system(p) and p.pk is not None}


def notify(kind: str, *, unit, permission: str, about, url: str, params: dict | None = None, exclude=None,
           once: str = "") -> list[Notification]:
    """Tell everyone holding ``permission`` on ``unit`` (a role on it or on a unit above, ``access/policy.py``)
    that ``kind`` happened to ``about`` (a model instance or ``(type, id)``); ``url`` is the path it leads to,
    ``params`` fill the kind's sentence, ``exclude`` (a person or people, usually the actor) is not told.
    With ``once``, a person is told at most once per (kind, object, once): a re-run creates nothing."""
    return notify_users(kind, users=selectors.holders(unit, permission), unit=unit, about=about, url=url, params=params,
                        exclude=exclude, once=once)


def notify_users(kind: str, *, users: Iterable, unit, about, url: str, params: dict | None = None, exclude=None,
                 once: str = "") -> list[Notification]:
    """Tell the named people (inactive accounts and the excluded are skipped); see ``notify``."""
    if kind not in Kind.values:
        raise ValueError(f"unknown notification kind {kind!r}")
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("notifications are created inside the transaction of the change they report")
    about_type, about_id = _about(about)
    skip = _excluded(exclude)
    people = {u.pk: u for u in users if u is not None and not is_system(u) and u.is_active and u.pk not in skip}
    if once and people:
        skip = set(Notification.objects.filter(recipient_id__in=people, kind=kind, about_type=about_type, about_id=about_id,
                                               once=once).values_list("recipient_id", flat=True))
        people = {pk: u for pk, u in people.items() if pk not in skip}
    if not people:
        return []
    now = timezone.now()
    immediate = {pk for pk, u in people.items() if u.email and selectors.email_choice(u) == EmailChoice.IMMEDIATE}
    created = Notification.objects.bulk_create([
        Notification(recipient_id=pk, kind=kind, about_type=about_type, about_id=about_id, unit=unit, url=url,
                     params=params or {}, once=once, emailed_at=now if pk in immediate else None)
        for pk in people
    ])
    for n in created:
        n.recipient = people[n.recipient_id]
    mails = [n for n in created if n.recipient_id in immediate]
    if mails:
        transaction.on_commit(lambda: _send_each(mails))
    return created


# ---------------------------------------------------------------- e-mail

def sentence(notification: Notification) -> str:
    """The notification's sentence in the active language."""
    return render(notification.message_code, notification.params)


def site_url(path: str) -> str:
    return settings.DIEUHANH_SITE_URL.rstrip("/") + path


def _mail(person, subject: str, template: str, context: dict) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        context = {**context, "person": person, "preferences_url": site_url("/notifications/preferences/")}
        lines = [(sentence(n), site_url(n.url)) for n in context.pop("notifications")]
        body = render_to_string(template, {**context, "lines": lines})
        subject = subject or lines[0][0]
        subject = " ".join(f"[dieuhanh] {subject}".split())  # a comment's line breaks never reach the header
        send_mail(subject if len(subject) <= SUBJECT_MAX else subject[:SUBJECT_MAX - 1] + "…", body, None, [person.email])


def _send_each(notifications: list[Notification]) -> None:
    for n in notifications:
        _mail_or_log(n.recipient, "", "notifications/mail/one.txt", {"notifications": [n]})


def _send_digests(batches: list) -> None:
    for person, items, day in batches:
        with translation.override(settings.LANGUAGE_CODE):
            subject = translation.gettext("Your notifications of %(day)s") % {"day": f"{day:%d/%m/%Y}"}
        _mail_or_log(person, subject, "notifications/mail/digest.txt", {"notifications": items, "day": day})


def _mail_or_log(person, subject: str, template: str, context: dict) -> None:
    """Send after the commit: a mail server that fails is logged; the change and its notifications are kept."""
    try:
        _mail(person, subject, template, context)
    except Exception:  # the data is committed: a failing mail server must not turn the page into an error
        log.exception("notification e-mail to %s failed", person.email)


# ---------------------------------------------------------------- reading and preferences

@action
def notification_mark_read(*, actor, notification: Notification) -> Notification:
    """Mark one of one's own notifications read (already read: nothing changes)."""
    current = Notification.objects.select_for_update().get(pk=notification.pk)
    if current.read_at is not None:
        nothing_changed()
        return current
    current.read_at = timezone.now()
    current.save(update_fields=["read_at"])
    record(actor=actor, action="notification_mark_read", obj=current, unit=current.unit, object_type="notification",
           changes={"read_at": [None, current.read_at.isoformat()]})
    return current


@action
def notifications_mark_all_read(*, actor) -> int:
    """Mark every unread notification of the actor read; how many were."""
    unread = Notification.objects.filter(recipient=actor, read_at__isnull=True)
    latest = unread.order_by("-created_at", "-id").first()
    if latest is None:
        nothing_changed()
        return 0
    marked = unread.update(read_at=timezone.now())
    record(actor=actor, action="notifications_mark_all_read", obj=latest, unit=latest.unit, object_type="notification",
           changes={"unread": [marked, 0]}, note=f"{marked} marked read")
    return marked


@action
def notification_preference_set(*, actor, email: str, expected_version: int | None = None) -> NotificationPreference:
    """Choose how one is e-mailed. The first choice needs no version; a change needs the version read."""
    if email not in EmailChoice.values:
        raise Invalid("unknown e-mail choice", details=[detail("email", "unknown_email_choice", choices=", ".join(EmailChoice.values))])
    current = NotificationPreference.objects.select_for_update().filter(user=actor).first()
    if current is None:
        if expected_version not in (None, 0):
            check_version(NotificationPreference(user=actor, version=0), expected_version)
        current = insert_unique(NotificationPreference(user=actor, email=email))
        before = None
    else:
        check_version(current, expected_version)
        before = current.email
        if before == email:
            nothing_changed()
            return current
        current.email = email
        current.version += 1
        current.save()
    record(actor=actor, action="notification_preference_set", obj=current, object_type="notification_preference",
           changes={"email": [before, email]})
    return current


# ---------------------------------------------------------------- the daily run

@dataclass
class DailyResult:
    created: dict[str, int] = field(default_factory=dict)
    digests: int = 0


@action
def notifications_daily(*, actor, day: dt.date | None = None) -> DailyResult:
    """Run every registered producer for ``day`` (due soon, overdue, …), then e-mail each person who chose the
    digest everything unread and not yet e-mailed, in one message. Re-running the same day sends nothing twice."""
    day = day or timezone.localdate()
    result = DailyResult(created={name: produce(day) for name, produce in daily.producers()})
    pending = list(Notification.objects.filter(
        emailed_at__isnull=True, read_at__isnull=True, recipient__is_active=True,
        recipient__notification_preference__email=EmailChoice.DIGEST,
    ).exclude(recipient__email="").select_related("recipient").order_by("recipient_id", "created_at", "id"))
    by_person: dict[int, list[Notification]] = defaultdict(list)
    for n in pending:
        by_person[n.recipient_id].append(n)
    if pending:
        Notification.objects.filter(pk__in=[n.pk for n in pending]).update(emailed_at=timezone.now())
        batches = [(items[0].recipient, items, day) for items in by_person.values()]
        transaction.on_commit(lambda: _send_digests(batches))
    result.digests = len(by_person)
    if not pending and not any(result.created.values()):
        nothing_changed()
        return result
    record(actor=actor, action="notifications_daily", obj=pending[0] if pending else Notification.objects.latest("id"),
           object_type="notifications", changes={**{k: [None, v] for k, v in result.created.items()}, "digests": [None, result.digests]},
           note=f"daily notifications of {day.isoformat()}")
    return result
