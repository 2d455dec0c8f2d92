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
    # --- indicators ---------------------------------------------------------------------------------------------
    "indicator_exists": _("An indicator with this code already exists."),
    "unknown_owner": _("The owner unit does not exist."),
    "invalid_rule": _("The validation rule is not valid."),
    "period_locked": _("The data of this unit and period is submitted or approved and cannot be changed."),
    "validation_failed": _("Some values break the validation rules."),
    "value_not_found": _("No such value."),
    "no_values": _("There are no values to submit."),
    "not_feedable": _("This indicator cannot be fed from the dossier logs."),
    "not_a_number": _("“%(value)s” is not a number (write for example 1.234,5; 12,5; 45%%)."),
    "not_xlsx": _("The file cannot be read: it must be an Excel workbook (.xlsx)."),
    "no_header": _("No header row in the first %(rows)s rows (the columns %(columns)s are needed)."),
    "missing_unit": _("The unit code is missing."),
    "wrong_unit": _("Unit code “%(unit)s” is not the unit of this template (“%(expected)s”); the template takes the "
                    "data of one unit only."),
    "missing_indicator": _("The indicator code is missing."),
    "wrong_period": _("Period %(period)s is not the period of this template (%(expected)s)."),
    "bad_status": _("Data status “%(value)s” is not valid: write “chính thức”, “sơ bộ” or “ước tính”."),
    "duplicate_row": _("Same as row %(first)s: unit %(unit)s, indicator %(indicator)s, period %(period)s already "
                       "has a value there."),
    "row_problem": _("Row %(row)s: %(problem)s"),
    "unknown_unit": _("There is no unit “%(code)s”."),
    "unknown_indicator": _("There is no indicator “%(code)s”."),
    "formula": _("%(indicator)s is computed from other indicators and cannot be entered."),
    "wrong_period_type": _("%(indicator)s is reported per %(period_type)s, not per %(given)s."),
    "not_reporting": _("Unit %(unit)s does not report %(indicator)s."),
    "percent_range": _("A percent lies between 0 and 100."),
    "not_whole": _("A count or a rank is a whole number, 0 or more."),
    "too_large": _("The value is too large."),
    "unknown_status": _("The data status is one of estimated, provisional, final."),
    "not_open": _("The data of this unit and period is not open for entry."),
    "not_approved": _("The data of this unit and period is not approved."),
    "reason_required": _("A reason is required."),
    "comment_required": _("%(problem)s A comment explaining it is required."),
    "not_editable": _("This field cannot be edited."),
    "below_low": _("The upper end is below the lower end."),
    "year_range": _("A year between 1900 and 2100."),
    "weight_required": _("A weighted mean needs the indicator that weighs the units."),
    "unknown_choice": _("Not one of the allowed choices."),
    "required": _("This field is required."),
    "no_value_to_submit": _("No value was entered for this period."),
    "below_min": _("%(indicator)s: %(value)s is below the minimum %(min)s."),
    "above_max": _("%(indicator)s: %(value)s is above the maximum %(max)s."),
    "compare_failed": _("%(indicator)s = %(value)s must be %(op)s %(expression)s = %(other)s."),
    "jump": _("%(indicator)s: change of %(change)s%% on the previous period (%(before)s → %(value)s)."),
    "rule_range_empty": _("A range rule needs a minimum or a maximum."),
    "rule_min_above_max": _("The minimum is above the maximum."),
    "rule_bad_operator": _("The comparison is one of %(operators)s."),
    "rule_unknown_reference": _("No such indicator: %(codes)s."),
    "rule_bad_max_change": _("The largest change allowed must be a positive number."),
    "rule_unknown_kind": _("Unknown rule kind “%(kind)s”."),
    "formula_of_indicator": _("Indicator %(indicator)s: %(problem)s"),
    "formula_bad_code": _("Code “%(value)s” is not valid (position %(at)s): an indicator code is made of letters without "
                          "accents, digits, “_” and “.”, starts with a letter, and a dot is followed by a letter or a digit."),
    "formula_number_too_large": _("Number “%(value)s” is too large (position %(at)s)."),
    "formula_misplaced_dot": _("The dot at position %(at)s is out of place: the dot is the decimal mark, with digits on "
                               "both sides (1.5); do not use it to group thousands."),
    "formula_bad_character": _("Character “%(char)s” cannot be used in a formula (position %(at)s)."),
    "formula_bad_letter": _("Character “%(char)s” cannot be used in a formula (position %(at)s). Letters in an indicator "
                            "code are letters without accents, digits, “_” and “.”, starting with a letter."),
    "formula_times_sign": _("Character “%(char)s” cannot be used in a formula (position %(at)s). Use * to multiply."),
    "formula_divide_sign": _("Character “%(char)s” cannot be used in a formula (position %(at)s). Use / to divide."),
    "formula_percent_sign": _("Character “%(char)s” cannot be used in a formula (position %(at)s). For a percentage, "
                              "multiply by 100."),
    "formula_empty": _("The formula is empty."),
    "formula_too_deep": _("The formula nests more than %(max)s levels (position %(at)s); split it into intermediate "
                          "indicators."),
    "formula_bad_exponent": _("The exponent at position %(at)s must be a fixed whole number from 0 to %(max)s (not an "
                              "indicator code)."),
    "formula_incomplete": _("The formula is incomplete: a number or an indicator code is missing at the end."),
    "formula_missing_operand": _("A number or an indicator code is missing before “%(token)s” (position %(at)s)."),
    "formula_unknown_function": _("There is no function “%(name)s” (position %(at)s); the functions are: %(functions)s."),
    "formula_arguments_exact": _("Function %(function)s takes exactly %(wanted)s arguments, here %(given)s (position %(at)s)."),
    "formula_arguments_at_least": _("Function %(function)s takes at least %(wanted)s arguments, here %(given)s (position "
                                    "%(at)s)."),
    "formula_round_digits": _("The number of decimals of round (position %(at)s) must be a fixed whole number from 0 to "
                              "%(max)s."),
    "formula_unclosed": _("The “(” at position %(at)s is not closed with “)”."),
    "formula_unopened": _("The “)” at position %(at)s has no matching “(”."),
    "formula_comma_decimal": _("Comma at position %(at)s: decimals are written with a dot (1.5, not 1,5) and thousands are "
                               "not grouped."),
    "formula_misplaced_comma": _("The comma at position %(at)s is out of place: a comma only separates the arguments of a "
                                 "function, e.g. max(A, B)."),
    "formula_missing_operator": _("An operation (+, -, *, /) is missing before “%(token)s” (position %(at)s)."),
    "formula_too_long": _("The formula has %(length)s characters, more than the limit of %(max)s."),
    "formula_self_reference": _("The formula may not use its own code %(indicator)s (position %(at)s)."),
    "formula_unknown_reference": _("There is no indicator with code “%(reference)s” (position %(at)s)."),
    "formula_unknown_reference_guess": _("There is no indicator with code “%(reference)s” (position %(at)s). Did you mean "
                                         "“%(guess)s”? Codes are case-sensitive."),
    "formula_cycle": _("These indicators are computed from each other in a circle: %(cycle)s."),
    # --- indices ------------------------------------------------------------------------------------------------
    "index_missing_year": _("The data set has no values for this year."),
    "index_mismatch": _("The data does not match the framework."),
    "framework_owner_differs": _("This framework belongs to another unit."),
    "no_result": _("There is no result yet."),
    # --- dossiers (Decision 766) --------------------------------------------------------------------------------
    "store_unavailable": _("The dossier store is busy (an import is running); please try again in a few minutes."),
    "store_busy": _("The dossier store is busy (an import is running); please try again in a few minutes."),
    "end_before_start": _("The end date is before the start date."),
    "period_in_future": _("This period has not begun yet."),
    "period_and_range": _("Choose a period or a date range, not both."),
    "incomplete_range": _("A date range needs both a start and an end date."),
    "outside_calendar": _("Dates run from %(first)s to %(last)s."),
    "bad_drilldown": _("Drill down by one of %(keys)s."),
    "not_percent": _("%(indicator)s is not a percent indicator."),
    "missing_value": _("%(label)s is missing."),
    "duplicate_id": _("Code «%(value)s» is the same as on row %(other)s."),
    "unknown_agency": _("Agency code «%(value)s» is not in the list of agencies and units."),
    "bad_channel": _("Channel «%(value)s» is not valid: only 1 (in person), 2 (online) or 3 (public postal service)."),
    "bad_paid_online": _("Online payment «%(value)s» is not valid: only 0 (no), 1 (the National Public Service Portal), "
                         "2 (the city's payment portal) or empty."),
    "bad_timestamp": _("%(label)s «%(value)s» is not a valid date and time (e.g. 05/03/2026 14:20 or 2026-03-05 14:20:00)."),
    "finish_before_receipt": _("The end of processing «%(value)s» is before the receipt (%(other)s)."),
    "before_receipt": _("%(label)s «%(value)s» is before the receipt (%(other)s)."),
    "bad_number": _("%(label)s «%(value)s» is not a valid number."),
    "bad_count": _("%(label)s «%(value)s» is not a valid whole number (from 0 to %(max)s)."),
    "negative_number": _("%(label)s «%(value)s» may not be negative."),
    "bad_boolean": _("%(label)s «%(value)s» is not valid: only 1/0, true/false, có/không, x or empty."),
    "bad_value": _("%(label)s «%(value)s» is not valid: only toàn trình, một phần, không (full, partial, none) or empty."),
    "bad_rating": _("Rating «%(value)s» is not valid: only hài lòng, bình thường, không hài lòng (satisfied, neutral, "
                    "dissatisfied) or empty."),
    "unreadable_file": _("The file cannot be read (wrong format or not UTF-8): %(error)s"),
    "unsupported_format": _("Only CSV, Parquet or Excel (.xlsx) files are taken; «%(file)s» is none of these."),
    "duplicate_column": _("Column %(label)s appears twice («%(first)s» and «%(second)s»)."),
    "missing_column": _("The file lacks the required column %(label)s."),
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
