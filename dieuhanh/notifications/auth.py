"""Who may do what with notifications: each person reads and marks only their own, and sets only their own
preferences; the daily run is the platform's (a scheduled command)."""

from __future__ import annotations

from dieuhanh.access.policy import is_system
from dieuhanh.actions import authorizes
from dieuhanh.errors import Forbidden, NotFound


def _person(actor) -> None:
    if is_system(actor) or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        raise Forbidden("only a signed-in person has notifications")


@authorizes
def notification_mark_read(actor, *, notification, **_):
    _person(actor)
    if notification.recipient_id != actor.pk:  # another person's answers like a missing one
        raise NotFound(f"notification {notification.pk}")


@authorizes
def notifications_mark_all_read(actor, **_):
    _person(actor)


@authorizes
def notification_preference_set(actor, **_):
    _person(actor)


@authorizes
def notifications_daily(actor, **_):
    if not is_system(actor):
        raise Forbidden("the daily notifications are run by the scheduled command")
