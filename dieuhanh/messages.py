"""The message catalogue: one sentence per stable error code, rendered from the code and its parameters.

Every error a person reads — on a page (Vietnamese by default), in the API (English), in an import's row-by-row
report — is ``render(code, params)``: the English sentence here is the gettext msgid, its Vietnamese translation
lives in ``locale/vi/LC_MESSAGES/django.po``. Computation cores (``dieuhanh/core``) raise codes and parameters,
never sentences; services raise ``DomainError(code=…, params=…)``; nobody else writes an error sentence.

To add a code: add it to ``MESSAGES`` (in its domain's section), add its Vietnamese ``msgstr`` to the catalogue,
and raise it. ``tests/test_messages.py`` checks every code here has a Vietnamese translation.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_noop as _

MESSAGES: dict[str, str] = {
    # --- common -------------------------------------------------------------------------------------------------
    "error": _("The request could not be carried out."),
    "bad_request": _("The request could not be read."),
    "not_found": _("Not found."),
    "forbidden": _("You do not have the right to do this."),
    "unauthenticated": _("Sign in or send a valid bearer token."),
    "conflict": _("This conflicts with data saved by someone else."),
    "invalid": _("Some values are not valid."),
    "internal_error": _("An unexpected error happened; it was logged."),
    "malformed_request": _("The request body or parameters are malformed."),
    "method_not_allowed": _("This method is not allowed here."),
    "invalid_characters": _("The text contains characters that cannot be stored (NUL or broken Unicode)."),
    "invalid_period": _("“%(value)s” is not a period: write 2026, 2026-06, 2026-Q2 or 2026-H1."),
    "invalid_date": _("“%(value)s” is not a date: write dd/mm/yyyy."),
    "too_long": _("At most %(max_length)s characters."),
    "out_of_range": _("The number is out of the allowed range."),
    "stale_version": _("Someone else saved this record after you opened it. Your change was not saved: reload the "
                       "page to see their version, then edit again."),
    "version_required": _("The version you read is required to change this record (reload and edit again)."),
    "already_exists": _("This record was just created by someone else: reload the page to see it."),
    "file_too_large": _("The file is too large."),
    "empty_sheet": _("The sheet has no rows to import."),
    "import_errors": _("Nothing was imported: correct the rows listed and upload again."),
    "no_audit": _("The change could not be recorded in the audit log."),
    # --- units and accounts -------------------------------------------------------------------------------------
    "unit_code_taken": _("A unit with this code already exists."),
    "open_children": _("Units below this one are still valid: close them first."),
    "role_exists": _("This person already holds that role on this unit."),
    "already_revoked": _("This role was already revoked."),
    "user_exists": _("An account with this username already exists."),
    "user_not_found": _("No such account."),
    "email_taken": _("This e-mail address is already used by another account."),
    "user_inactive": _("This account is deactivated."),
    "bad_credentials": _("Wrong username or password."),
    # --- plans and tasks ----------------------------------------------------------------------------------------
    "plan_exists": _("A plan with this number already exists."),
    "group_exists": _("This task group already exists in the plan."),
    "task_exists": _("A task with this code already exists in the plan."),
    "unknown_parent": _("The parent task does not exist in this plan."),
    "wrong_plan": _("The task belongs to another plan."),
    "unknown_state": _("Unknown task state."),
    "same_state": _("The task is already in this state."),
    "report_locked": _("This report is approved and locked."),
    "not_submitted": _("This report has not been submitted."),
    "complete_by_report": _("A task is completed through an approved report."),
    "extension_pending": _("An extension request for this task is still waiting for a decision."),
    "already_decided": _("This request was already decided."),
    "already_answered": _("This request was already answered."),
    "not_coordinating": _("This unit does not coordinate the task."),
    "backdating_not_allowed": _("Dates in the past can only be recorded by the platform's own loads."),
    "bad_period": _("This period is not one of the task's reporting periods."),
    "unknown_group": _("There is no task group %(number)s in this plan."),
    "upload_expired": _("The uploaded file has expired; upload it again."),
    "missing_group_title": _("Row %(row)s: task group %(group)s has no title."),
    "task_before_group": _("Row %(row)s: task “%(stt)s” comes before the first task group row (I, II, …)."),
    "orphan_subtask": _("Row %(row)s: sub-task “%(stt)s” has no parent task in a row above."),
    "missing_title": _("Row %(row)s: the task has no content."),
    "missing_lead": _("Row %(row)s: the task has no lead unit."),
    "unknown_deadline": _("Row %(row)s: the completion time “%(value)s” cannot be read (valid examples: 30/6/2026, Tháng 6/2026, Quý II/2026, Năm 2026, 2025-2027, Thường xuyên)."),
    "bad_budget": _("Row %(row)s: the budget “%(value)s” is not a valid amount in million dong (for example 1.500 or 12,5)."),
    "bad_key": _("Row %(row)s: the key-task column says “%(value)s”; write only “x” for a key task or leave it empty."),
    "bad_stt": _("Row %(row)s: the number “%(stt)s” is not written the usual way (I, II…; 1, 2…; 1.1, 1.2…; a), b)…; -)."),
    "not_xlsx": _("The file cannot be read: it must be an Excel workbook (.xlsx)."),
    "no_sheet": _("The file has no sheet “%(sheet)s”."),
    "no_header": _("The header row of the table was not found (it needs the columns %(columns)s)."),
    "missing_column": _("Header row %(row)s lacks the column “%(column)s”."),
    "missing_code": _("The task code is missing."),
    "not_a_number": _("Progress “%(value)s” is not a number."),
    "bad_date": _("The completion date must be written dd/mm/yyyy."),
    "missing_date": _("A completed task needs its completion date."),
    "completed_needs_100": _("A completed task must be at 100 percent."),
    "unit_unresolved": _("The unit “%(text)s” has not been identified."),
    "deadline_changed": _("Task %(code)s: the deadline differs from the one in force; a deadline changes only through an extension request."),
    "unknown_task": _("There is no task coded “%(code)s” in %(plan)s."),
    "task_problem": _("Task %(code)s: %(problem)s"),
    "warning_gaps_order": _("The warning thresholds must satisfy 0 ≤ green gap (%(green_gap)s) ≤ red gap (%(red_gap)s) ≤ 100."),
    "due_soon_negative": _("The number of days before a deadline for “due soon” cannot be negative."),
    "negative_weight": _("Weights cannot be negative."),
    # --- indicators ---------------------------------------------------------------------------------------------
    "indicator_exists": _("An indicator with this code already exists."),
    "unknown_owner": _("The owner unit does not exist."),
    "invalid_rule": _("The validation rule is not valid."),
    "period_locked": _("The data of this unit and period is submitted or approved and cannot be changed."),
    "validation_failed": _("Some values break the validation rules."),
    "value_not_found": _("No such value."),
    "no_values": _("There are no values to submit."),
    "not_feedable": _("This indicator cannot be fed from the dossier logs."),
    # --- indices ------------------------------------------------------------------------------------------------
    "index_missing_year": _("The data set has no values for this year."),
    "index_mismatch": _("The data does not match the framework."),
    "framework_owner_differs": _("This framework belongs to another unit."),
    "no_result": _("There is no result yet."),
    # --- dossiers (Decision 766) --------------------------------------------------------------------------------
    # --- (new codes go in their domain's section above) ---------------------------------------------------------
}


def render(code: str, params: dict[str, Any] | None = None, *, default: str | None = None) -> str:
    """The sentence of ``code`` in the active language with ``params`` filled in; ``default`` (else the generic
    sentence) when the catalogue has no entry. A missing parameter never breaks the sentence."""
    template = MESSAGES.get(code)
    if template is None:
        return default if default is not None else gettext(MESSAGES["error"])
    text = gettext(template)
    if params:
        try:
            return text % {k: ("" if v is None else v) for k, v in params.items()}
        except (KeyError, TypeError, ValueError):
            return text
    return text if "%(" not in text else text.replace("%%", "%")
