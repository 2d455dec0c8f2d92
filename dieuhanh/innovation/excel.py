"""Excel exports of calls and of a call's proposals (the page's language; layout and safe text:
``core/common/workbook.py``). The proposals list hides the proposers under a blind evaluation."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from dieuhanh.core.common.workbook import table_workbook

CALL_COLUMNS = [
    (N_("No."), 6), (N_("Call"), 8), (N_("Kind of call"), 26), (N_("Name of the call"), 50), (N_("Owner unit"), 28), (N_("Field"), 20), (N_("Stage"), 18),
    (N_("Budget envelope (VND)"), 18), (N_("Call opens"), 12), (N_("Call closes"), 12), (N_("Proposals"), 10), (N_("Synthetic data"), 10),
]
PROPOSAL_COLUMNS = [
    (N_("Rank"), 6), (N_("Proposal"), 8), (N_("Name of the proposal"), 40), (N_("Proposer"), 30), (N_("Submitted on"), 12), (N_("Status"), 14),
    (N_("Budget (VND)"), 16), (N_("Evaluations done"), 12), (N_("Score"), 10), (N_("Amount decided (VND)"), 16),
    (N_("Amount contracted (VND)"), 16), (N_("Amount disbursed (VND)"), 16),
]


def calls_xlsx(calls) -> bytes:
    calls = list(calls)
    rows = ([i, c.pk, c.get_kind_display(), c.title, c.owner.name, c.get_field_display(), c.get_stage_display(), c.budget, c.opens_on,
             c.closes_on, getattr(c, "n_proposals", None), _("yes") if c.synthetic else ""] for i, c in enumerate(calls, start=1))
    return table_workbook(title=_("Calls for solutions"), notes=[_("%(count)s calls") % {"count": len(calls)}],
                          headers=[_(h) for h, _w in CALL_COLUMNS], widths=[w for _h, w in CALL_COLUMNS], rows=rows, sheet_name=_("Calls"))


def proposals_xlsx(call, rows, *, proposers_shown: bool) -> bytes:
    rows = list(rows)
    out = ([r.rank, r.proposal.pk, r.proposal.title, r.proposal.proposer.name if proposers_shown else _("(hidden: blind evaluation)"),
            r.proposal.submitted_on, r.proposal.get_status_display(), r.proposal.budget, f"{r.done}/{r.expected}", r.score,
            r.proposal.amount_decided, r.proposal.amount_contracted, r.proposal.amount_disbursed] for r in rows)
    return table_workbook(title=call.title, notes=[_("%(count)s proposals") % {"count": len(rows)}],
                          headers=[_(h) for h, _w in PROPOSAL_COLUMNS], widths=[w for _h, w in PROPOSAL_COLUMNS], rows=out,
                          sheet_name=_("Proposals"))
