"""The daily notifications as a background job, run every morning at 07:00 (Asia/Ho_Chi_Minh) by the workers'
scheduler (replacing the cron line of ``dieuhanh notifications daily``, which still works by hand)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from dieuhanh.jobs.registry import job, periodic


@job("notifications.daily", title=_("Daily notifications and digests"))
def daily(ctx) -> dict:
    from dieuhanh.notifications.services import notifications_daily  # at call time: no services module while the apps load

    result = notifications_daily(actor=ctx.actor)
    return {"created": dict(result.created), "digests": result.digests}


periodic("notifications-daily", kind="notifications.daily", at=dt.time(7, 0))
