"""Reads of notifications: always one person's own (another person's answers "not found"), and who is told."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from django.contrib.auth import get_user_model
from django.core.paginator import Page, Paginator

from dieuhanh.access.policy import PERMISSIONS
from dieuhanh.errors import NotFound
from dieuhanh.notifications.models import EmailChoice, Notification, NotificationPreference

PAGE_SIZE = 20


def holders(unit, permission: str) -> list:
    """Active people holding ``permission`` on ``unit`` through a role on it or on a unit above (one query), with
    their e-mail preference joined."""
    roles = [str(r) for r in PERMISSIONS[permission]]
    return list(get_user_model().objects.filter(
        is_active=True, role_assignments__unit__code__in=unit.ancestor_codes, role_assignments__role__in=roles,
        role_assignments__revoked_at__isnull=True,
    ).select_related("notification_preference").distinct().order_by("pk"))


def email_choice(user) -> str:
    """The person's e-mail choice (immediately when they never chose)."""
    try:
        return user.notification_preference.email
    except NotificationPreference.DoesNotExist:
        return EmailChoice.IMMEDIATE


def preference_of(user) -> NotificationPreference:
    """The person's preference row, or an unsaved default (version 0: the first save needs no version)."""
    found = NotificationPreference.objects.filter(user=user).first()
    return found or NotificationPreference(user=user, email=EmailChoice.IMMEDIATE, version=0)


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notification_page(user, *, page: int = 1, unread_only: bool = False, per_page: int = PAGE_SIZE) -> Page:
    """The person's notifications, newest first, one page of them (a page past the last shows the last)."""
    rows = Notification.objects.filter(recipient=user).select_related("unit")
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    return Paginator(rows, per_page).get_page(page)


def notification_list(user, *, offset: int = 0, limit: int = 50, unread_only: bool = False) -> tuple[int, list[Notification]]:
    """``(count, rows)``: the person's notifications, newest first, from ``offset``."""
    rows = Notification.objects.filter(recipient=user).select_related("unit")
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    return rows.count(), list(rows[offset:offset + limit])


def notification_get(user, notification_id: int) -> Notification:
    """One of the person's own notifications; anyone else's, like a missing one, is ``NotFound``."""
    found = Notification.objects.filter(pk=notification_id, recipient_id=getattr(user, "pk", None)).select_related("unit").first()
    if found is None:
        raise NotFound(f"notification {notification_id}")
    return found


@dataclass
class Bell:
    """The header's bell: the unread count is read once, only when a page shows it."""

    user: object

    @cached_property
    def unread(self) -> int:
        return unread_count(self.user)
