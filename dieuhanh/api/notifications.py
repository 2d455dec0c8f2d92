"""One's own notifications and e-mail preferences: the same selectors and actions as the pages. Another person's
notification answers 404, like a missing one. ``message`` is the sentence in the caller's language (Vietnamese
unless the session chose English); ``kind`` and ``params`` let a client write its own."""

from __future__ import annotations

import datetime as dt

from ninja import Router, Schema

from dieuhanh.api.fields import Limit, Offset
from dieuhanh.api.schemas import ERRORS
from dieuhanh.notifications import selectors, services
from dieuhanh.notifications.models import EmailChoice, Kind

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    kind: Kind
    message: str
    about_type: str
    about_id: str
    unit: str
    unit_name: str
    url: str
    params: dict
    created_at: dt.datetime
    read_at: dt.datetime | None


class NotificationPage(Schema):
    count: int
    unread: int
    items: list[NotificationOut]


class UnreadOut(Schema):
    unread: int


class MarkedOut(Schema):
    marked: int


class PreferenceOut(Schema):
    email: EmailChoice
    version: int


class PreferenceIn(Schema):
    email: EmailChoice
    version: int = 0


def _out(n) -> dict:
    return {"id": n.pk, "kind": n.kind, "message": services.sentence(n), "about_type": n.about_type, "about_id": n.about_id,
            "unit": n.unit.code, "unit_name": n.unit.name, "url": n.url, "params": n.params, "created_at": n.created_at,
            "read_at": n.read_at}


@router.get("/notifications", response={200: NotificationPage, **ERRORS}, summary="My notifications, newest first")
def notification_list(request, unread: bool = False, limit: Limit = 50, offset: Offset = 0):
    count, rows = selectors.notification_list(request.auth, offset=offset, limit=limit, unread_only=unread)
    return {"count": count, "unread": selectors.unread_count(request.auth), "items": [_out(n) for n in rows]}


@router.get("/notifications/unread-count", response={200: UnreadOut, **ERRORS}, summary="How many of my notifications are unread")
def unread_count(request):
    return {"unread": selectors.unread_count(request.auth)}


@router.post("/notifications/read-all", response={200: MarkedOut, **ERRORS}, summary="Mark all my notifications read")
def read_all(request):
    return {"marked": services.notifications_mark_all_read(actor=request.auth)}


@router.post("/notifications/{notification_id}/read", response={200: NotificationOut, **ERRORS}, summary="Mark one notification read")
def read_one(request, notification_id: int):
    notification = selectors.notification_get(request.auth, notification_id)
    return _out(services.notification_mark_read(actor=request.auth, notification=notification))


@router.get("/notifications/preferences", response={200: PreferenceOut, **ERRORS}, summary="How I am e-mailed")
def preferences(request):
    preference = selectors.preference_of(request.auth)
    return {"email": preference.email, "version": preference.version}


@router.put("/notifications/preferences", response={200: PreferenceOut, **ERRORS},
            summary="Choose immediate e-mails, a daily digest or none (the first choice takes version 0)")
def preferences_set(request, body: PreferenceIn):
    preference = services.notification_preference_set(actor=request.auth, email=body.email, expected_version=body.version)
    return {"email": preference.email, "version": preference.version}
