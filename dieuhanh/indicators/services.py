"""Writing indicators, targets, rules and values, and the approval of a unit's data for a period."""

from __future__ import annotations

import io
from collections.abc import Callable
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from dieuhanh import evidence
from dieuhanh.access.policy import is_system
from dieuhanh.actions import action, nothing_changed
from dieuhanh.audit.services import diff, record, snapshot
from dieuhanh.concurrency import check_version, insert_unique, lock_row, lock_version
from dieuhanh.core.indicators.aggregate import Aggregation
from dieuhanh.core.indicators.formula import FormulaError, check_definitions
from dieuhanh.core.common.errors import CoreError
from dieuhanh.core.common.numerals import parse_number
from dieuhanh.core.indicators.values_sheet import ValuesSheetError, read_values_sheet
from dieuhanh.core.common.periods import frequency_of, parse_period
from dieuhanh.core.common.text import normalise_name
from dieuhanh.core.indicators.validation import check_rule_definition
from dieuhanh.errors import Conflict, DomainError, Invalid, detail
from dieuhanh.messages import render
from dieuhanh.notifications.services import notify
from dieuhanh.progress import in_steps
from dieuhanh.indicators.models import Approval, ApprovalStatus, Indicator, PeriodType, Target, ValidationRule, Value, ValueStatus, ValueType
from dieuhanh.indicators import selectors
from dieuhanh.indicators.selectors import reports_here

INDICATOR_FIELDS = ("code", "name", "name_en", "kind", "measure", "value_type", "higher_is_better", "period_type", "aggregation",
                    "weight_indicator", "owner", "communes_of", "formula", "decimals", "source", "methodology", "active")
EDITABLE = ("name", "name_en", "kind", "measure", "higher_is_better", "aggregation", "weight_indicator", "communes_of", "formula",
            "decimals", "source", "methodology", "active")
VALUE_FIELDS = ("value", "status", "comment", "source", "evidence_sha256")


def _problem(field: str | None, code: str, **params) -> dict:
    """One per-field problem: its code and parameters; the sentence is rendered from the catalogue."""
    return detail(field, code, **params)


def _user(actor):
    return None if is_system(actor) else actor


def formula_problem(exc: FormulaError) -> str:
    """The sentence of a formula problem in the active language: "Indicator X: …" when it names the formula."""
    problem = render(exc.says, exc.params)
    if exc.indicator is None or exc.code == "cycle":
        return problem
    return render("formula_of_indicator", {"indicator": exc.indicator, "problem": problem})


def _check_formula(code: str, formula: str) -> None:
    """Parse every formula of the registry with this one in place: unknown references and cycles are refused now."""
    formulas = dict(Indicator.objects.exclude(formula="").exclude(code=code).values_list("code", "formula"))
    if formula.strip():
        formulas[code] = formula
    known = set(Indicator.objects.values_list("code", flat=True)) | {code}
    try:
        check_definitions(formulas, known)
    except FormulaError as exc:
        # the precise sentence's code (formula_cycle, formula_unclosed, …); the detail keeps the problem's kind
        raise Invalid(str(exc), code=exc.says, params=exc.params,
                      details=[{"field": "formula", "code": exc.code, "message": formula_problem(exc)}]) from None


def _validate_indicator(*, aggregation: str, weight_indicator, period_type: str) -> None:
    problems = []
    if aggregation not in {a.value for a in Aggregation}:
        problems.append(_problem("aggregation", "unknown_choice"))
    if aggregation == Aggregation.WEIGHTED_MEAN and weight_indicator is None:
        problems.append(_problem("weight_indicator", "weight_required"))
    if period_type not in PeriodType.values:
        problems.append(_problem("period_type", "unknown_choice"))
    if problems:
        raise Invalid("invalid indicator", details=problems)


@action
def indicator_create(*, actor, owner, code: str, name: str, kind: str, period_type: str = "yearly", value_type: str = "number",
                     measure: str = "", higher_is_better: bool | None = None, aggregation: str = "sum", weight_indicator=None,
                     formula: str = "", reporting_units=(), communes_of=None, decimals: int = 1, source: str = "",
                     methodology: str = "", name_en: str = "", tasks=()) -> Indicator:
    code, name = code.strip(), normalise_name(name)
    if not code or not name:
        raise Invalid("invalid indicator", details=[_problem("code" if not code else "name", "required")])
    if Indicator.objects.filter(code__iexact=code).exists():
        raise Conflict(f"indicator {code} exists", code="indicator_exists")
    _validate_indicator(aggregation=aggregation, weight_indicator=weight_indicator, period_type=period_type)
    _check_formula(code, formula)
    indicator = Indicator.objects.create(
        owner=owner, code=code, name=name, name_en=normalise_name(name_en), kind=kind, period_type=period_type, value_type=value_type,
        measure=measure, higher_is_better=(value_type != ValueType.RANK) if higher_is_better is None else higher_is_better,
        aggregation=aggregation, weight_indicator=weight_indicator, formula=formula.strip(), communes_of=communes_of,
        decimals=decimals, source=source, methodology=methodology,
    )
    indicator.reporting_units.set(reporting_units)
    indicator.tasks.set(tasks)
    record(actor=actor, action="indicator_create", obj=indicator, unit=owner, object_type="indicator",
           changes=diff({}, {**snapshot(indicator, INDICATOR_FIELDS), "reporting_units": sorted(u.code for u in reporting_units)}))
    return indicator


@action
def indicator_update(*, actor, indicator: Indicator, expected_version: int, reporting_units=None, tasks=None, **changes) -> Indicator:
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise Invalid("not editable", details=[_problem(f, "not_editable") for f in sorted(unknown)])
    current = lock_version(indicator, expected_version)
    before = snapshot(current, INDICATOR_FIELDS)
    before["reporting_units"] = sorted(current.reporting_units.values_list("code", flat=True))
    for field, value in changes.items():
        setattr(current, field, value)
    _validate_indicator(aggregation=current.aggregation, weight_indicator=current.weight_indicator, period_type=current.period_type)
    if "formula" in changes:
        _check_formula(current.code, current.formula)
    current.save()
    if reporting_units is not None:
        current.reporting_units.set(reporting_units)
    if tasks is not None:
        current.tasks.set(tasks)
    after = snapshot(current, INDICATOR_FIELDS)
    after["reporting_units"] = sorted(current.reporting_units.values_list("code", flat=True))
    changed = diff(before, after)
    if not changed:
        nothing_changed()
        return current
    current.version += 1
    current.save(update_fields=["version"])
    record(actor=actor, action="indicator_update", obj=current, unit=current.owner, object_type="indicator", changes=changed)
    return current


@action
def target_set(*, actor, indicator: Indicator, unit, year: int, value: Decimal, kind: str = "target", value_high: Decimal | None = None,
               label: str = "", source: str = "", expected_version: int | None = None) -> Target:
    """Set a target or a baseline. The first one of (indicator, unit, kind, year) is created without a version (a
    concurrent first save is a 409 ``already_exists``); changing an existing one names the version read (missing:
    ``version_required``, older: ``stale_version``). The platform's own loads (the demo, run again) update in place."""
    if value_high is not None and value_high < value:
        raise Invalid("invalid range", details=[_problem("value_high", "below_low")])
    if not 1900 <= int(year) <= 2100:
        raise Invalid("invalid year", details=[_problem("year", "year_range")])
    fields = ("value", "value_high", "label", "source")
    existing = selectors.target_find(indicator, unit, kind, year)
    if existing is None:
        target = insert_unique(Target(indicator=indicator, unit=unit, kind=kind, year=year, value=value, value_high=value_high,
                                      label=label, source=source))
        before = {}
    else:
        target = lock_row(existing) if expected_version is None and is_system(actor) else lock_version(existing, expected_version)
        before = snapshot(target, fields)
        target.value, target.value_high, target.label, target.source = value, value_high, label, source
    changed = diff(before, snapshot(target, fields))
    if not changed:
        nothing_changed()
        return target
    if existing is not None:
        target.version += 1
        target.save()
    record(actor=actor, action="target_set", obj=target, unit=unit, object_type="target", changes=changed,
           note=f"{indicator.code} {kind} {year}")
    return target


@action
def rule_create(*, actor, indicator: Indicator, kind: str, params: dict, severity: str = "block", message: str = "") -> ValidationRule:
    try:
        check_rule_definition(kind, params, set(Indicator.objects.values_list("code", flat=True)))
    except FormulaError as exc:
        raise Invalid(str(exc), code="invalid_rule",
                      details=[{"field": "params", "code": exc.code, "message": formula_problem(exc)}]) from None
    except CoreError as exc:
        raise Invalid(str(exc), code="invalid_rule", details=[_problem("params", exc.code, **exc.params)]) from None
    rule = ValidationRule.objects.create(indicator=indicator, kind=kind, params=params, severity=severity, message=message)
    record(actor=actor, action="rule_create", obj=rule, unit=indicator.owner, object_type="validation_rule",
           changes={"kind": [None, kind], "params": [None, params], "severity": [None, severity]}, note=indicator.code)
    return rule


# ---------------------------------------------------------------- values

def approval_of(unit, period: str, *, lock: bool = False) -> Approval:
    qs = Approval.objects.select_for_update() if lock else Approval.objects
    approval, _ = qs.get_or_create(unit=unit, period=period)
    return approval


@action
def value_set(*, actor, indicator: Indicator, unit, period: str, value: Decimal | None, status: str = "final", comment: str = "",
              source: str = "", expected_version: int | None = None, evidence_file: tuple[str, bytes] | None = None) -> Value:
    """Enter or correct one value. Refused when the indicator is a formula, the period does not match the
    indicator's period type, the unit does not report it, a percent is outside 0–100, or the unit's data for the
    period is submitted or approved (locked).

    The first value of (indicator, unit, period) is created without a version; a correction names the version it
    read (``expected_version``). Creating a value that exists already (someone saved it first, even concurrently)
    is a 409 ``already_exists``; a correction of a value changed meanwhile is a 409 ``stale_version``."""
    p = _check_value(indicator=indicator, unit=unit, period=period, value=value, status=status)
    value = None if value is None else Decimal(str(value))
    approval = approval_of(unit, p.key, lock=True)
    if approval.status != ApprovalStatus.OPEN:
        raise Conflict(f"the data of {unit.code} for {p.key} is {approval.status}: locked", code="period_locked")
    current = Value.objects.select_for_update().filter(indicator=indicator, unit=unit, period=p.key).first()
    if current is None and expected_version not in (None, 0):
        raise Conflict("the value was removed meanwhile", code="stale_version",
                       params={"current": None, "expected": expected_version})
    if current is not None and expected_version in (None, 0):
        raise Conflict(f"value {indicator.code} {unit.code} {p.key} exists already", code="already_exists")
    stored = evidence.store(*evidence_file) if evidence_file else None
    if current is None:
        current = Value(indicator=indicator, unit=unit, period=p.key, period_end=p.end)
        before = {}
    else:
        check_version(current, expected_version)
        before = snapshot(current, VALUE_FIELDS)
        current.version += 1
    current.value, current.status, current.comment, current.source = value, status, comment.strip(), source.strip()
    if stored:
        current.evidence_sha256, current.evidence_name = stored.sha256, stored.filename
    current.entered_by = _user(actor)
    changed = diff(before, snapshot(current, VALUE_FIELDS))
    if before and not changed:
        nothing_changed()
        return current
    if before:
        current.save()
    else:
        insert_unique(current)
    record(actor=actor, action="value_set", obj=current, unit=unit, object_type="indicator_value", changes=changed,
           note=f"{indicator.code} {unit.code} {p.key}")
    return current


def _check_value(*, indicator: Indicator, unit, period: str, value, status: str):
    """The period of a value about to be written, or ``Invalid`` listing every problem with the value."""
    problems = []
    if indicator.is_formula:
        problems.append(_problem("indicator", "formula", indicator=indicator.code))
    p = None
    try:
        p = parse_period(period)
    except CoreError as exc:
        problems.append(_problem("period", exc.code, **exc.params))
    else:
        if frequency_of(p.key) != indicator.period_type:
            problems.append(_problem("period", "wrong_period_type", indicator=indicator.code, period_type=indicator.period_type,
                                     given=frequency_of(p.key)))
    if not reports_here(indicator, unit):
        if unit.valid_to is not None and unit.valid_to < timezone.localdate():
            problems.append(_problem("unit", "unit_closed", unit=unit.code, closed_on=f"{unit.valid_to:%d/%m/%Y}"))
        else:
            problems.append(_problem("unit", "not_reporting", unit=unit.code, indicator=indicator.code))
    if value is not None:
        value = Decimal(str(value))
        if not value.is_finite() or abs(value) >= Decimal(10) ** 16:
            problems.append(_problem("value", "too_large"))
        else:
            if indicator.value_type == ValueType.PERCENT and not Decimal(0) <= value <= Decimal(100):
                problems.append(_problem("value", "out_of_range"))
            if indicator.value_type in (ValueType.COUNT, ValueType.RANK) and (value < 0 or value != value.to_integral_value()):
                problems.append(_problem("value", "not_whole"))
    if status not in ValueStatus.values:
        problems.append(_problem("status", "unknown_status"))
    if problems:
        raise Invalid("invalid value", details=problems)
    return p


@action
def values_save(*, actor, unit, period: str, entries: list[dict], submit: bool = False,
                approval_version: int | None = None) -> list[Value]:
    """Save the entry form of one unit and period (or a batch over the API): every entry, all or none, then
    submit the period for approval when ``submit``.

    An entry is ``{"indicator": code, "value": Decimal | text | None, "status", "comment", "source", "version"}``;
    a text value is read by the one Vietnamese number parser (``parse_number``: "1.234,5"). An empty entry for a
    value that does not exist yet is skipped. Each written value is its own ``value_set`` (authorised, audited,
    version-checked); submitting needs ``approval_version``, the version of the period's approval read."""
    from dieuhanh.indicators.selectors import indicators_by_code, value_versions

    period_key = parse_period(period).key
    indicators = indicators_by_code([e["indicator"] for e in entries])
    existing = value_versions(unit, period_key)
    saved, problems = [], []
    parsed = []
    for e in entries:
        code = e["indicator"]
        indicator = indicators.get(code)
        if indicator is None:
            problems.append(_problem(code, "unknown_indicator", code=code))
            continue
        raw = e.get("value")
        try:
            number = parse_number(raw) if isinstance(raw, str) else raw
        except CoreError as exc:
            problems.append(_problem(code, exc.code, **exc.params))
            continue
        if number is None and (raw is None or str(raw).strip() == "") and indicator.pk not in existing and not e.get("version"):
            continue  # left empty and never entered
        parsed.append((indicator, number, e))
    if problems:
        raise Invalid("the form has errors", details=problems)
    for indicator, number, e in parsed:
        try:
            saved.append(value_set(actor=actor, indicator=indicator, unit=unit, period=period_key, value=number,
                                   status=e.get("status") or ValueStatus.FINAL, comment=e.get("comment") or "",
                                   source=e.get("source") or "", expected_version=e.get("version")))
        except Invalid as exc:
            problems.extend({**d, "field": f"{indicator.code}.{d['field']}" if d.get("field") else indicator.code}
                            for d in exc.details)
    if problems:
        raise Invalid("the form has errors", details=problems)
    if submit:
        values_submit(actor=actor, unit=unit, period=period_key, expected_version=approval_version)
    elif not saved:
        nothing_changed()
    return saved


@action
def value_attach_evidence(*, actor, indicator: Indicator, unit, period: str, filename: str, content: bytes,
                          expected_version: int | None) -> Value:
    """Attach an evidence file to an entered value (a correction of the value: its version is required)."""
    from dieuhanh.indicators.selectors import value_get

    current = value_get(indicator, unit, period)
    return value_set(actor=actor, indicator=indicator, unit=unit, period=current.period, value=current.value,
                     status=current.status, comment=current.comment, source=current.source,
                     expected_version=expected_version, evidence_file=(filename, content))


def _violations(unit, period: str):
    from dieuhanh.indicators.selectors import violations_for

    return violations_for(unit, period)


def _enforce_rules(unit, period: str) -> None:
    problems = []
    comments = dict(Value.objects.filter(unit=unit, period=period).values_list("indicator__code", "comment"))
    for v in _violations(unit, period):
        if v.severity == "block":
            problems.append({**_problem(v.indicator, v.code, **v.params), "message": v.message})
        elif not comments.get(v.indicator):
            problems.append(_problem(v.indicator, "comment_required", problem=v.message))
    if problems:
        raise Invalid("validation rules are violated", code="validation_failed", details=problems)


def _move(actor, unit, period: str, *, frm: tuple[str, ...], to: str, action_name: str, note: str = "", expected_version: int | None = None) -> Approval:
    period = parse_period(period).key
    approval = approval_of(unit, period, lock=True)
    if not (expected_version is None and is_system(actor)):  # the platform's own loads (demo) hold the locked row
        check_version(approval, expected_version)
    if approval.status not in frm:
        raise Conflict(f"the data of {unit.code} for {period} is {approval.status}", code=f"not_{frm[0]}")
    before = approval.status
    approval.status = to
    now = timezone.now()
    if to == ApprovalStatus.SUBMITTED:
        approval.submitted_by, approval.submitted_at = _user(actor), now
    if to == ApprovalStatus.APPROVED:
        approval.approved_by, approval.approved_at = _user(actor), now
    approval.note = note
    approval.version += 1
    approval.save()
    record(actor=actor, action=action_name, obj=approval, unit=unit, object_type="indicator_approval",
           changes={"status": [before, to]}, note=f"{unit.code} {period}" + (f": {note}" if note else ""))
    return approval


@action
def values_submit(*, actor, unit, period: str, expected_version: int | None = None) -> Approval:
    if not Value.objects.filter(unit=unit, period=period).exists():
        raise Invalid("nothing to submit", code="no_values", details=[_problem("period", "no_value_to_submit")])
    _enforce_rules(unit, period)
    return _move(actor, unit, period, frm=(ApprovalStatus.OPEN,), to=ApprovalStatus.SUBMITTED, action_name="values_submit",
                 expected_version=expected_version)


@action
def values_approve(*, actor, unit, period: str, expected_version: int | None = None) -> Approval:
    _enforce_rules(unit, period)
    return _move(actor, unit, period, frm=(ApprovalStatus.SUBMITTED,), to=ApprovalStatus.APPROVED, action_name="values_approve",
                 expected_version=expected_version)


@action
def values_return(*, actor, unit, period: str, note: str, expected_version: int | None = None) -> Approval:
    if not note.strip():
        raise Invalid("say why", details=[_problem("note", "reason_required")])
    approval = _move(actor, unit, period, frm=(ApprovalStatus.SUBMITTED,), to=ApprovalStatus.OPEN, action_name="values_return",
                     note=note.strip(), expected_version=expected_version)
    notify("values_returned", unit=unit, permission="value_enter", about=("indicator_approval", approval.pk),
           url=reverse("indicator_entry", args=[unit.code, approval.period]), exclude=actor,
           params={"unit": unit.name, "period": approval.period, "note": approval.note})
    return approval


@action
def values_unapprove(*, actor, unit, period: str, reason: str, expected_version: int | None = None) -> Approval:
    if not reason.strip():
        raise Invalid("say why", details=[_problem("reason", "reason_required")])
    return _move(actor, unit, period, frm=(ApprovalStatus.APPROVED,), to=ApprovalStatus.OPEN, action_name="values_unapprove",
                 note=reason.strip(), expected_version=expected_version)


def _row_problem(row: int, code: str, params: dict) -> dict:
    """One row of an import's report: the sentence says the row ("Dòng 5: …"); the API names it in ``field``."""
    return {"field": f"row {row}", "code": code, "params": params, "row": row,
            "message": render("row_problem", {"row": row, "problem": render(code, params)})}


@action
def values_import(*, actor, content: bytes, expected_unit: str | None = None, expected_period: str | None = None,
                  progress: Callable[[int, int], None] | None = None) -> int:
    """Every row of a values sheet becomes a value (each authorised on its unit); any bad row refuses the file.
    The sheet is keyed by (unit, indicator, period): a row replaces the value it names (the platform's bulk load of
    what the unit filled in, all rows or none). ``progress(done, total)`` follows the rows (a background job)."""
    from dieuhanh.indicators.selectors import indicators_by_code, units_by_code, value_versions_of

    try:
        rows = read_values_sheet(io.BytesIO(content), expected_unit=expected_unit, expected_period=expected_period)
    except ValuesSheetError as exc:
        raise Invalid("the sheet has errors", code="import_errors",
                      details=[_row_problem(e.row, e.code, e.params) if not e.message else
                               {"field": f"row {e.row}", "code": e.code, "message": e.message, "row": e.row}
                               for e in exc.errors]) from None
    if not rows:
        raise Invalid("the sheet holds no value", code="empty_sheet", details=[_problem("file", "empty_sheet")])
    units = units_by_code({r.unit_code for r in rows})
    indicators = indicators_by_code({r.indicator_code for r in rows})
    versions = value_versions_of([(r.indicator_code, r.unit_code, r.period) for r in rows])
    errors, saved = [], 0
    tick = in_steps(progress, len(rows))
    for done, r in enumerate(rows):
        tick(done)
        unit, indicator = units.get(r.unit_code), indicators.get(r.indicator_code)
        if unit is None or indicator is None:
            code, shown = ("unknown_unit", r.unit_code) if unit is None else ("unknown_indicator", r.indicator_code)
            errors.append(_row_problem(r.row, code, {"code": shown}))
            continue
        try:
            value_set(actor=actor, indicator=indicator, unit=unit, period=r.period, value=r.value, status=r.status, comment=r.comment,
                      source=r.source, expected_version=versions.get((r.indicator_code, r.unit_code, r.period)))
            saved += 1
        except DomainError as exc:
            for d in exc.details or [{"code": exc.code, "params": exc.params}]:
                errors.append(_row_problem(r.row, d.get("code", exc.code), d.get("params") or {}))
    if errors:
        raise Invalid("the sheet has errors", code="import_errors", details=errors)
    return saved
