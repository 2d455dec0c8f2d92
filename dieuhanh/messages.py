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
    "bad_unit_code": _("A unit code is letters, digits, “.”, “_” or “-”, at most 40 characters."),
    "unknown_kind": _("The kind must be one of %(kinds)s."),
    "before_start": _("The end date is before the start date."),
    "not_editable": _("This field cannot be edited."),
    "open_children_count": _("%(count)s units below are still valid."),
    "unknown_parent_unit": _("Some rows refer to parent units that do not exist."),
    "no_unit_with_code": _("No unit with code “%(value)s”."),
    "unknown_role": _("The role must be one of %(roles)s."),
    "bad_username": _("A username holds only letters, digits and @ . + - _."),
    "bad_email": _("This is not an e-mail address."),
    "weak_password": _("The password is too weak: %(reason)s"),
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
    "index_code_required": _("A code is required (%(name)s)."),
    "invalid_code": _("The code “%(value)s” (%(name)s) cannot be used: it starts with a letter, holds only unaccented letters, digits and underscores, at most 40 characters, and is not a reserved word."),
    "reserved": _("This is a reserved word of the system: choose another code."),
    "required": _("This field is required."),
    "invalid_year": _("“%(value)s” is not a valid year: give a year from %(min)s to %(max)s."),
    "too_large": _("The file “%(file)s” is too large (at most %(size)s)."),
    "index_imeta_required": _("An iMeta file is required."),
    "invalid_pipeline": _("The methodology file “%(file)s” is not valid."),
    "not_text": _("It is not UTF-8 text."),
    "bad_yaml": _("It is not valid YAML."),
    "not_a_pipeline": _("It must be a YAML mapping with a “steps” list (the steps and their options)."),
    "index_unreadable_file": _("The file “%(file)s” cannot be read."),
    "not_a_workbook": _("It is not a valid XLSX workbook."),
    "not_a_csv": _("It is not a valid CSV file."),
    "index_missing_sheet": _("The workbook “%(file)s” has no sheet “%(sheet)s”."),
    "missing_sheet": _("No such sheet."),
    "index_bad_ucode": _("The unit code “%(value)s” cannot contain “/” nor be “.” or “..”."),
    "bad_ucode": _("Not usable in an address."),
    "no_data_for_year": _("The data set “%(dataset)s” holds no value for %(year)s."),
    "no_values_for_year": _("No value for this year."),
    "index_too_long_code": _("The code “%(value)s…” is longer than %(max_length)s characters."),
    "index_too_long_parent_code": _("“%(element)s”: the parent code “%(value)s…” is longer than %(max_length)s characters."),
    "index_too_long_denominator_code": _("“%(element)s”: the denominator code “%(value)s…” is longer than %(max_length)s characters."),
    "index_too_long_name": _("“%(element)s”: the name “%(value)s…” is longer than %(max_length)s characters."),
    "index_too_long_unit_of_measure": _("“%(element)s”: the unit of measure “%(value)s…” is longer than %(max_length)s characters."),
    "index_too_long_unit_code": _("The unit code “%(value)s…” is longer than %(max_length)s characters."),
    "index_too_long_unit_name": _("“%(element)s”: the unit name “%(value)s…” is longer than %(max_length)s characters."),
    "framework_exists": _("The index framework “%(code)s” already exists. Tick “Replace” to replace it with the new file (the old one is kept in the audit log)."),
    "data_set_exists": _("The data set “%(code)s” already exists. Tick “Replace” to replace it with the new file (the old one is kept in the audit log)."),
    "exists": _("Already exists: confirm the replacement."),
    "missing_year": _("The year (Time) is empty."),
    "year_required": _("The file has no Time column: give the year."),
    "unknown_provenance": _("Unknown provenance “%(value)s”."),
    "not_a_mapping": _("A mapping of options is expected."),
    "other_framework": _("It belongs to another framework."),
    "replications_out_of_range": _("The number of replications must be a whole number from 10 to 5,000."),
    "index_engine_error": _("%(element)s: the index engine refused the input."),
    "index_sensitivity_failed": _("The sensitivity analysis failed."),
    "index_unknown_owner": _("The owner unit “%(value)s” does not exist."),
    "no_such_unit": _("No unit with this code."),
    "unknown_parent_element": _("The parent is not in the framework."),
    "index_cycle": _("The index tree has a cycle at “%(element)s”."),
    "cycle": _("A cycle in the tree."),
    "index_orphan": _("“%(element)s” has no parent (the tree must have exactly one root)."),
    "orphan": _("No parent."),
    "index_unknown_parent": _("“%(element)s”: the parent is not in the framework."),
    "index_duplicate_code": _("The code “%(element)s” appears more than once."),
    "duplicate_code": _("Duplicate code."),
    "index_negative_weight": _("“%(element)s”: negative weight."),
    "negative_weight": _("Negative weight."),
    "index_zero_weights": _("Every weight below “%(element)s” is 0."),
    "zero_weights": _("All weights are 0."),
    "index_missing_indicator": _("The indicator “%(element)s” is in the framework but not in the data."),
    "missing_indicator": _("Missing from the data."),
    "index_missing_denominator": _("“%(element)s”: the data has no denominator column."),
    "missing_denominator": _("No denominator column."),
    "index_no_data": _("The unit “%(element)s” has no indicator data."),
    "no_data": _("No indicator data."),
    "index_non_numeric": _("“%(element)s”: the value is not a number."),
    "non_numeric": _("Not a number."),
    "index_geometric_nonpositive": _("“%(element)s”: a geometric mean needs positive values."),
    "geometric_nonpositive": _("Values must be positive."),
    "index_bad_level": _("“%(element)s”: the level (Level) is not valid."),
    "bad_level": _("Invalid level."),
    "index_bad_direction": _("“%(element)s”: the direction (Direction) must be 1 or -1."),
    "bad_direction": _("Direction must be 1 or -1."),
    "index_bad_kind": _("“%(element)s”: the type (Type) is not valid."),
    "bad_kind": _("Invalid type."),
    "index_bad_weight": _("“%(element)s”: the weight is not a number."),
    "bad_weight": _("The weight is not a number."),
    "index_missing_column": _("The column “%(element)s” is missing."),
    "missing_column": _("Missing column."),
    "index_missing_code": _("%(element)s: a code is missing."),
    "missing_code": _("Missing code."),
    "index_empty": _("The table has no data."),
    "empty": _("No data."),
    "index_empty_aggregate": _("“%(element)s” has no children."),
    "empty_aggregate": _("No children."),
    "index_indicator_with_children": _("“%(element)s”: the parent is an indicator."),
    "indicator_with_children": _("The parent is an indicator."),
    "index_duplicate_unit": _("The unit “%(element)s” appears more than once."),
    "duplicate_unit": _("Duplicate unit."),
    "index_bad_step": _("The methodology step “%(element)s” is not valid."),
    "bad_step": _("Invalid step."),
    "index_bad_option": _("An option of the step “%(element)s” is not valid."),
    "bad_option": _("Invalid option."),
    "index_panel": _("Step “%(element)s”: the data holds several years for a unit; add a step choosing the year (select_time)."),
    "panel": _("Several years per unit."),
    "index_no_units": _("Step “%(element)s”: screening removed every unit."),
    "no_units": _("No unit left."),
    "index_unknown_element": _("“%(element)s” is not an indicator of the framework."),
    "unknown_element": _("Not in the framework."),
    "index_unknown_unit": _("There is no unit “%(element)s” in the data."),
    "unknown_unit": _("No such unit."),
    "index_bad_goalposts": _("“%(element)s”: the lower/upper goalposts are not valid."),
    "bad_goalposts": _("Invalid goalposts."),
    "index_missing_goalposts": _("“%(element)s”: the lower/upper goalposts are missing."),
    "missing_goalposts": _("Missing goalposts."),
    "index_missing_target": _("“%(element)s”: the target (Target column) is missing."),
    "missing_target": _("Missing target."),
    "index_target_reached": _("“%(element)s”: every unit has reached the target, so the distance to it cannot be measured."),
    "target_reached": _("Target reached by every unit."),
    "index_bad_denominator": _("“%(element)s”: the denominator is not valid."),
    "bad_denominator": _("Invalid denominator."),
    "index_missing_aggregate": _("The aggregate “%(element)s” is missing."),
    "missing_aggregate": _("Missing aggregate."),
    "index_missing_dataset": _("The data set “%(element)s” is missing."),
    "missing_dataset": _("Missing data set."),
    "index_missing_file": _("The file “%(element)s” does not exist."),
    "missing_file": _("No such file."),
    "sensitivity_failed": _("The sensitivity analysis failed."),
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
    if "%(" not in text:
        return text
    try:
        return text % _Params({k: ("" if v is None else v) for k, v in (params or {}).items()})
    except (TypeError, ValueError):
        return text


class _Params(dict):
    """Parameters of a sentence; one that is missing reads as nothing rather than as ``%(name)s``."""

    def __missing__(self, key):
        return ""
