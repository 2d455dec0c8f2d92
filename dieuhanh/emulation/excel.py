"""Excel exports: the initiatives register and the award register (layout and safe text: ``core/common/workbook.py``).
The initiatives export leaves out the confidential part and the authors' personal data."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from dieuhanh.core.common.workbook import table_workbook

INITIATIVE_COLUMNS = [(N_("Receipt"), 12), (N_("Received on"), 12), (N_("Answer due by"), 12), (N_("Unit"), 30), (N_("Name of the initiative"), 50),
                      (N_("Field"), 22), (N_("Status"), 18), (N_("Scope"), 14), (N_("Decided on"), 12), (N_("Synthetic data"), 10)]
REGISTER_COLUMNS = [(N_("Year"), 8), (N_("Unit"), 30), (N_("Name of the person or collective"), 32), (N_("Form of award"), 36),
                    (N_("Summary of achievements"), 50), (N_("Decision number"), 16), (N_("Decided on"), 12), (N_("Status"), 12),
                    (N_("Reason for revocation"), 30), (N_("Synthetic data"), 10)]


def initiatives_xlsx(items) -> bytes:
    rows = ([i.receipt, i.received_on, i.answer_due, i.unit.name, i.title, i.get_field_display(), i.get_status_display(),
             i.get_scope_display() if i.scope else "", i.decided_on, _("yes") if i.synthetic else ""] for i in items)
    return table_workbook(title=_("Register of initiatives"), notes=[], headers=[_(h) for h, _w in INITIATIVE_COLUMNS],
                          widths=[w for _h, w in INITIATIVE_COLUMNS], rows=rows, sheet_name=_("Initiatives"))


def register_xlsx(proposals, language: str) -> bytes:
    rows = ([p.round.year, p.unit.name, p.nominee_name, p.form.name(language), p.summary, p.round.decision_no, p.round.decided_on,
             p.get_status_display(), p.revoke_reason, _("yes") if p.synthetic else ""] for p in proposals)
    return table_workbook(title=_("Award register"), notes=[], headers=[_(h) for h, _w in REGISTER_COLUMNS],
                          widths=[w for _h, w in REGISTER_COLUMNS], rows=rows, sheet_name=_("Awards"))
