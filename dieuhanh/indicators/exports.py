"""The unit's KPI scorecard as an Excel workbook in the officials' layout (``core/common/workbook.py``)."""
from __future__ import annotations

from django.utils.text import capfirst
from django.utils.translation import gettext as _

from dieuhanh.core.common.periods import parse_period
from dieuhanh.core.common.workbook import table_workbook
from dieuhanh.plans.templatetags.plans_tags import label


def scorecard_xlsx(unit, rows: list[dict]) -> bytes:
    headers = [_("No."), _("code"), _("Indicator"), _("Latest value"), _("unit of measure"), _("Period"), _("Target"), _("Target year"),
               _("Assessment")]

    def row(n: int, r: dict) -> list:
        i, last, goal = r["indicator"], r["last"], r["target"]
        return [n, i.code, i.name, last[1].value if last else None, i.measure, parse_period(last[0]).label_vi if last else "",
                (goal.label or float(goal.value)) if goal else None, goal.year if goal else None, str(label(r["assessment"].colour))]

    return table_workbook(title=_("Scorecard") + f": {unit.name}",
                          notes=[_("Approved data only. Colours compare the latest value with the straight path from the baseline to the target.")],
                          headers=[capfirst(h) for h in headers], widths=[6, 14, 50, 14, 12, 16, 14, 10, 34],
                          rows=(row(n, r) for n, r in enumerate(rows, start=1)), sheet_name=_("Scorecard"))
