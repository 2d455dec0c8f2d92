"""Entering values, approval that locks, validation rules, formulas, roll-up and on-track from the database."""

import datetime as dt
from decimal import Decimal

import pytest

from dieuhanh.audit.models import AuditEvent
from dieuhanh.core.tasks.colours import Colour
from dieuhanh.errors import Conflict, Forbidden, Invalid, NotFound
from dieuhanh.indicators.models import Indicator, Value
from dieuhanh.indicators.selectors import cell, on_track
from dieuhanh.indicators.services import (
    indicator_create,
    indicator_update,
    value_set,
    values_approve,
    values_return,
    values_submit,
    values_unapprove,
)
from tests.conftest import SYSTEM


def ind(code):
    return Indicator.objects.get(code=code)


def put(actor, code, unit, value, period="2025", **kw):
    return value_set(actor=actor, indicator=ind(code), unit=unit, period=period, value=None if value is None else Decimal(str(value)), **kw)


@pytest.fixture
def ward_people(registry, make_user):
    return {"reporter": make_user("canbo", "26743", "reporter"), "approver": make_user("lanhdao", "26743", "approver"),
            "city": make_user("bcd", "79", "steering"), "other": make_user("canbo.saigon", "26740", "reporter")}


def test_a_value_is_kept_with_who_and_every_change_is_audited(registry, ward_people):
    ward = registry["26743"]
    v = put(ward_people["reporter"], "HS_TIEPNHAN", ward, 1200, comment="Số liệu quý")
    put(ward_people["reporter"], "HS_TIEPNHAN", ward, 1250, expected_version=v.version)
    v = Value.objects.get(pk=v.pk)
    assert (v.value, v.entered_by.username, v.version) == (Decimal(1250), "canbo", 2)
    changes = [e.changes for e in AuditEvent.objects.filter(object_type="indicator_value", object_id=str(v.pk)).order_by("id")]
    assert changes == [{"value": [None, "1200"], "status": [None, "final"], "comment": [None, "Số liệu quý"], "source": [None, ""],
                        "evidence_sha256": [None, ""]}, {"value": ["1200", "1250"], "comment": ["Số liệu quý", ""]}]


@pytest.mark.parametrize("code,value,period,field,err", [
    ("HS_DUNGHAN", 140, "2025", "value", "out_of_range"),
    ("HS_TIEPNHAN", 12.5, "2025", "value", "not_whole"),
    ("HS_TIEPNHAN", 10, "2025-06", "period", "wrong_period_type"),
    ("HS_TIEPNHAN", 10, "năm 2025", "period", "invalid_period"),
    ("TYLE_TT", 50, "2025", "indicator", "formula"),
])
def test_bad_values_are_refused_and_nothing_is_stored(registry, ward_people, code, value, period, field, err):
    with pytest.raises(Invalid) as exc:
        put(ward_people["reporter"], code, registry["26743"], value, period=period)
    assert (field, err) in [(d["field"], d["code"]) for d in exc.value.details]
    assert not Value.objects.exists()


def test_a_unit_that_does_not_report_or_is_out_of_reach(registry, ward_people):
    with pytest.raises(NotFound):
        put(ward_people["other"], "HS_TIEPNHAN", registry["26743"], 10)
    with pytest.raises(Invalid) as exc:
        put(SYSTEM, "XH_KN", registry["26743"], 10)
    assert exc.value.details[0]["code"] == "not_reporting"


@pytest.mark.today(dt.date(2026, 11, 30))
def test_a_closed_commune_is_due_nowhere_and_refuses_new_values(registry, ward_people):
    """One rule for who reports: a commune closed (merged) before today is in no due list and takes no new value,
    while its past values stay; a commune whose closing date is still ahead reports until then."""
    from dieuhanh.indicators.selectors import due_and_missing
    from dieuhanh.units.models import Unit
    from dieuhanh.units.services import unit_close

    ben_thanh, sai_gon = registry["26743"], registry["26740"]
    put(ward_people["reporter"], "HS_TIEPNHAN", ben_thanh, 1200)  # 2025, entered while the ward existed
    unit_close(actor=SYSTEM, unit=ben_thanh, valid_to=dt.date(2026, 10, 31), expected_version=ben_thanh.version)
    unit_close(actor=SYSTEM, unit=sai_gon, valid_to=dt.date(2026, 12, 31), expected_version=sai_gon.version)

    due = [d.unit.code for d in due_and_missing(period="2026") if d.indicator.code == "HS_TIEPNHAN"]
    assert "26743" not in due and "26740" in due
    assert len(due) == 167  # the city's 168 commune-level units, less the closed one
    with pytest.raises(Invalid) as exc:
        put(ward_people["reporter"], "HS_TIEPNHAN", Unit.objects.get(code="26743"), 1300, period="2026")
    assert [(d["field"], d["code"], d["params"]) for d in exc.value.details] == [
        ("unit", "unit_closed", {"unit": "26743", "closed_on": "31/10/2026"})]
    assert [(v.period, v.value) for v in Value.objects.filter(unit__code="26743")] == [("2025", Decimal(1200))]
    assert put(ward_people["other"], "HS_TIEPNHAN", Unit.objects.get(code="26740"), 900, period="2026").value == Decimal(900)


def test_concurrent_edits_conflict(registry, ward_people, make_user):
    colleague = make_user("canbo2", "26743", "reporter")
    v = put(ward_people["reporter"], "HS_TIEPNHAN", registry["26743"], 1200)
    put(ward_people["reporter"], "HS_TIEPNHAN", registry["26743"], 1300, expected_version=v.version)
    with pytest.raises(Conflict) as exc:
        put(colleague, "HS_TIEPNHAN", registry["26743"], 1400, expected_version=v.version)
    assert exc.value.code == "stale_version" and Value.objects.get().value == 1300


def test_submit_approve_locks_and_unapprove_reopens_with_a_reason(registry, ward_people):
    ward = registry["26743"]
    put(ward_people["reporter"], "HS_TIEPNHAN", ward, 1200)
    put(ward_people["reporter"], "HS_TRUCTUYEN", ward, 700)
    values_submit(actor=ward_people["reporter"], unit=ward, period="2025", expected_version=1)
    with pytest.raises(Conflict) as exc:
        put(ward_people["reporter"], "HS_TIEPNHAN", ward, 1, expected_version=1)
    assert exc.value.code == "period_locked"
    with pytest.raises(Forbidden):
        values_approve(actor=ward_people["reporter"], unit=ward, period="2025", expected_version=2)
    values_approve(actor=ward_people["approver"], unit=ward, period="2025", expected_version=2)
    assert cell(ind("HS_TIEPNHAN"), ward, "2025", official_only=True).value == 1200
    with pytest.raises(Invalid):
        values_unapprove(actor=ward_people["approver"], unit=ward, period="2025", reason=" ", expected_version=3)
    values_unapprove(actor=ward_people["city"], unit=ward, period="2025", reason="Sai số liệu tháng 12", expected_version=3)
    assert cell(ind("HS_TIEPNHAN"), ward, "2025", official_only=True).value is None  # not official any more
    put(ward_people["reporter"], "HS_TIEPNHAN", ward, 1210, expected_version=1)


def test_returned_data_can_be_corrected(registry, ward_people):
    """Submitted data is locked; returned with a note, it is open again: the reporter corrects and submits again."""
    ward = registry["26743"]
    put(ward_people["reporter"], "HS_TIEPNHAN", ward, 1200)
    values_submit(actor=ward_people["reporter"], unit=ward, period="2025", expected_version=1)
    with pytest.raises(Conflict) as locked:
        put(ward_people["reporter"], "HS_TIEPNHAN", ward, 1215, expected_version=1)
    assert locked.value.code == "period_locked"
    returned = values_return(actor=ward_people["approver"], unit=ward, period="2025", note="Kiểm tra lại", expected_version=2)
    assert (returned.status, returned.note) == ("open", "Kiểm tra lại")
    corrected = put(ward_people["reporter"], "HS_TIEPNHAN", ward, 1230, expected_version=1)
    assert (corrected.value, corrected.version, corrected.entered_by.username) == (Decimal(1230), 2, "canbo")
    assert values_submit(actor=ward_people["reporter"], unit=ward, period="2025", expected_version=3).status == "submitted"


def test_a_blocking_rule_stops_submission_and_a_comment_rule_needs_a_comment(registry, ward_people):
    ward = registry["26743"]
    put(ward_people["reporter"], "HS_TIEPNHAN", ward, 1000, period="2024")
    put(ward_people["reporter"], "HS_TIEPNHAN", ward, 1200)
    put(ward_people["reporter"], "HS_TRUCTUYEN", ward, 1500)  # more online than received
    with pytest.raises(Invalid) as exc:
        values_submit(actor=ward_people["reporter"], unit=ward, period="2025", expected_version=1)
    assert [d["code"] for d in exc.value.details] == ["compare_failed"]
    put(ward_people["reporter"], "HS_TRUCTUYEN", ward, 700, expected_version=1)
    put(ward_people["reporter"], "HS_TIEPNHAN", ward, 2000, expected_version=1)  # +100 % on 2024: a jump
    with pytest.raises(Invalid) as exc:
        values_submit(actor=ward_people["reporter"], unit=ward, period="2025", expected_version=1)
    assert [d["code"] for d in exc.value.details] == ["comment_required"]
    assert "Cần ghi chú giải thích" in exc.value.details[0]["message"]
    put(ward_people["reporter"], "HS_TIEPNHAN", ward, 2000, comment="Sáp nhập phường từ 01/07/2025", expected_version=2)
    values_submit(actor=ward_people["reporter"], unit=ward, period="2025", expected_version=1)


def test_formula_values_and_division_by_zero(registry):
    ward = registry["26743"]
    put(SYSTEM, "HS_TIEPNHAN", ward, 800)
    put(SYSTEM, "HS_TRUCTUYEN", ward, 600)
    assert cell(ind("TYLE_TT"), ward, "2025").value == pytest.approx(75.0)
    put(SYSTEM, "HS_TIEPNHAN", ward, 0, expected_version=1)
    result = cell(ind("TYLE_TT"), ward, "2025")
    assert (result.value, result.reason) == (None, "division_by_zero")


def test_formula_definitions_with_cycles_or_unknown_references_are_refused(registry):
    with pytest.raises(Invalid) as exc:
        indicator_create(actor=SYSTEM, owner=registry["79"], code="X", name="x", kind="operational", formula="HS_TIEPNHAN + KHONG_CO")
    assert exc.value.code == "formula_unknown_reference"
    a = indicator_create(actor=SYSTEM, owner=registry["79"], code="A", name="a", kind="operational", formula="HS_TIEPNHAN * 2")
    indicator_create(actor=SYSTEM, owner=registry["79"], code="B", name="b", kind="operational", formula="A + 1")
    with pytest.raises(Invalid) as exc:
        indicator_update(actor=SYSTEM, indicator=a, expected_version=a.version, formula="B - 1")
    assert exc.value.code == "formula_cycle" and "A" in exc.value.message and "B" in exc.value.message
    assert Indicator.objects.get(code="A").formula == "HS_TIEPNHAN * 2"


def test_rollup_over_the_wards_by_aggregation_type(registry):
    city = registry["79"]
    for code, received, rate in (("26743", 100, 90), ("26740", 300, 50)):
        put(SYSTEM, "HS_TIEPNHAN", registry[code], received)
        put(SYSTEM, "HS_DUNGHAN", registry[code], rate)
    total = cell(ind("HS_TIEPNHAN"), city, "2025")
    assert (total.value, total.source, total.reporting, total.missing) == (400, "rollup", 2, 166)
    assert cell(ind("HS_DUNGHAN"), city, "2025").value == pytest.approx(60.0)  # (90×100 + 50×300) ÷ 400
    assert cell(ind("HS_TIEPNHAN"), city, "2025").official is False  # unapproved and incomplete


def test_on_track_for_a_rank_target(registry):
    city = registry["79"]
    put(SYSTEM, "XH_KN", city, 110)
    put(SYSTEM, "XH_KN", city, 106, period="2027")
    for year in ("2025", "2027"):
        values_submit(actor=SYSTEM, unit=city, period=year)
        values_approve(actor=SYSTEM, unit=city, period=year)
    assessment, base, goal = on_track(ind("XH_KN"), city, official_only=True)
    assert (base.year, goal.year) == (2025, 2030)
    assert assessment.colour is Colour.GREEN and assessment.achieved_share == pytest.approx(40.0)
    assert assessment.expected_share == pytest.approx(100 * (dt.date(2027, 12, 31) - dt.date(2025, 12, 31)).days / 1826)
