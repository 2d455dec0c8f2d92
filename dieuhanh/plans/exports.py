"""The plan's tables as Excel workbooks in the officials' layout (``core/common/workbook.py``: title lines, one header
row, user text never a formula): the official statistics as of a date, and a task list with status as of a date."""
from __future__ import annotations

import datetime as dt

from django.utils.text import capfirst
from django.utils.translation import gettext as _

from dieuhanh.core.common.workbook import table_workbook
from dieuhanh.plans.models import Plan
from dieuhanh.plans.selectors import StatRow, TaskViews
from dieuhanh.plans.templatetags.plans_tags import label

COLUMNS = ("completed_on_time", "completed_late", "within_deadline", "overdue")


def _stat_row(row: StatRow, name: str) -> list:
    share = row.completed_share
    return [name, row.total, *(row.counts[c] for c in COLUMNS), round(share, 1) if share is not None else None]


def statistics_xlsx(plan: Plan, day: dt.date, by_label: str, total: StatRow, rows: list[StatRow], *, synthetic: str | None = None) -> bytes:
    headers = [by_label, _("Total"), *(str(label(c)) for c in COLUMNS), _("Completed (%)")]
    return table_workbook(
        title=_("Tasks of %(n)s as of %(d)s") % {"n": plan.number, "d": f"{day:%d/%m/%Y}"},
        notes=[plan.title, _("Counted as in Government reports: assigned top-level tasks; cancelled tasks and tasks assigned later are left out."),
               *([synthetic] if synthetic else [])],
        headers=[capfirst(h) for h in headers], widths=[50, 10, 14, 14, 14, 14, 14],
        rows=[*(_stat_row(r, r.label) for r in rows), _stat_row(total, _("Total"))], sheet_name=_("Statistics"))


def tasks_xlsx(views: TaskViews, day: dt.date, title: str) -> bytes:
    headers = [_("No."), _("code"), _("task"), _("lead unit (chủ trì)"), _("coordinating units (phối hợp)"), _("product (sản phẩm)"),
               _("deadline in force"), _("Status"), _("progress (%)")]

    def rows():
        for n, v in enumerate(views, start=1):
            t = v.task
            yield [n, t.code, t.title, t.lead_unit.name, "; ".join(u.name for u in t.coordinating_units.all()), t.product,
                   v.as_of.deadline, str(label(v.official)) if v.official.value != "excluded" else str(label(v.as_of.status)),
                   float(v.as_of.progress)]

    return table_workbook(title=title, notes=[_("As of %(day)s") % {"day": f"{day:%d/%m/%Y}"}], headers=[capfirst(h) for h in headers],
                          widths=[6, 10, 60, 30, 40, 30, 12, 24, 10], rows=rows(), sheet_name=_("Tasks"))
