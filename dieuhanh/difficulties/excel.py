"""The register's Excel export: the filtered items with their ageing, Vietnamese headers and labels (the page's
language), the filter and the as-of day in the title lines, synthetic items marked. Layout and safe text:
``core/common/workbook.py``."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from dieuhanh.core.common.workbook import table_workbook
from dieuhanh.difficulties.selectors import ItemView

COLUMNS = [  # (header, width)
    (N_("No."), 6), (N_("Item"), 8), (N_("Raised on"), 12), (N_("Raised by unit"), 28), (N_("Category"), 22), (N_("Difficulty"), 50), (N_("Proposal"), 40),
    (N_("Addressed to"), 28), (N_("Task"), 10), (N_("Indicator"), 14), (N_("Status"), 14), (N_("Handling unit"), 28), (N_("Handling deadline"), 12),
    (N_("Age (days)"), 10), (N_("Days past the deadline"), 12), (N_("Answer"), 50), (N_("Answered on"), 12), (N_("Outcome"), 20), (N_("Closed on"), 12),
    (N_("Synthetic data"), 10),
]


def _row(n: int, v: ItemView) -> list:
    d = v.item
    return [n, d.pk, d.raised_on, d.unit.name, d.get_category_display(), d.content, d.proposal, d.addressed_to.name,
            d.task.code if d.task_id else "", d.indicator.code if d.indicator_id else "", d.get_status_display(),
            d.handling_unit.name if d.handling_unit_id else "", d.deadline, v.age_days, v.days_past_deadline or None, d.answer,
            d.answered_on, d.get_outcome_display() if d.outcome else "", d.closed_on, _("yes") if d.synthetic else ""]


def register_xlsx(views: list[ItemView], *, day, filters: list[str], synthetic: int) -> bytes:
    notes = [_("As of %(day)s") % {"day": day.strftime("%d/%m/%Y")}]
    if filters:
        notes.append(_("Filter: %(filters)s") % {"filters": "; ".join(filters)})
    notes.append(_("%(count)s items") % {"count": len(views)})
    if synthetic:
        notes.append(_("%(count)s of these items are synthetic demo data, not real difficulties.") % {"count": synthetic})
    return table_workbook(title=_("Register of difficulties and proposals"), notes=notes,
                             headers=[_(h) for h, _w in COLUMNS], widths=[w for _h, w in COLUMNS],
                             rows=(_row(i, v) for i, v in enumerate(views, start=1)), sheet_name=_("Difficulties"))
