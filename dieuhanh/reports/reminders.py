"""Report rounds in the daily run (``dieuhanh notifications daily``, the 07:00 job): every unit whose report in an open
round is still a draft or returned is told when the deadline is within ``DUE_SOON_DAYS`` days (round_due_soon) or past
(round_overdue), once per unit report and deadline. Registered by ``ReportsConfig.ready()`` (``register_daily``)."""
from __future__ import annotations

import datetime as dt

from django.urls import reverse

from dieuhanh.notifications.services import notify
from dieuhanh.reports.models import RoundReport, RoundStatus, UnitReportStatus

DUE_SOON_DAYS = 3


def rounds_due(day: dt.date) -> int:
    created = 0
    late = RoundReport.objects.filter(round__status=RoundStatus.OPEN, status__in=(UnitReportStatus.DRAFT, UnitReportStatus.RETURNED),
                                      round__deadline__lte=day + dt.timedelta(days=DUE_SOON_DAYS)).select_related("round", "unit")
    for rr in late:
        deadline = rr.round.deadline
        kind = "round_overdue" if deadline < day else "round_due_soon"
        created += len(notify(kind, unit=rr.unit, permission="round_report_write", about=rr,
                              url=reverse("round_report_detail", args=[rr.pk]), once=f"{kind}:{deadline.isoformat()}",
                              params={"round": rr.round.title, "unit": rr.unit.name, "deadline": f"{deadline:%d/%m/%Y}"}))
    return created
