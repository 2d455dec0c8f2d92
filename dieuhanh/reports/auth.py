"""Who may build reports: ``report_build`` on the issuing unit (the plan's issuer for the city's report, the unit
for its own report)."""
from __future__ import annotations

from dieuhanh.access.policy import require
from dieuhanh.actions import authorizes


@authorizes
def report_build(actor, *, unit, **_):
    require(actor, "report_build", unit)
