"""Progress reports: submit, approve (locks, completes, rolls up), return, conflicts, evidence."""

import datetime as dt
from decimal import Decimal

import pytest

from dieuhanh.errors import Conflict, Forbidden, Invalid, NotFound
from dieuhanh.plans.models import ReportStatus, Task
from dieuhanh.plans.services import evidence_add, report_approve, report_return, report_save
from tests.conftest import SYSTEM

D = dt.date


@pytest.fixture
def people(make_user):
    return {
        "reporter": make_user("canbo.stc", "79.STC", "reporter"),
        "approver": make_user("lanhdao.stc", "79.STC", "approver"),
        "ward": make_user("canbo.benthanh", "26743", "reporter"),
    }


def task(code):
    return Task.objects.get(code=code)


def test_reporter_submits_and_approver_approves_which_locks_and_sets_progress(plan, people):
    report = report_save(actor=people["reporter"], task=task("4.1.1"), period="2025-09", percent=Decimal(40), done="Đã dự thảo điều lệ", submit=True)
    assert report.status == ReportStatus.SUBMITTED
    report_approve(actor=people["approver"], report=report, expected_version=report.version)
    assert task("4.1.1").progress == 40
    with pytest.raises(Conflict) as err:
        report_save(actor=people["reporter"], task=task("4.1.1"), period="2025-09", percent=Decimal(50))
    assert err.value.code == "report_locked"


def test_parent_progress_rolls_up_by_weight(plan, people):
    for code, pct in (("4.1.1", 100), ("4.1.2", 20)):
        r = report_save(actor=people["reporter"], task=task(code), period="2026-01", percent=Decimal(pct), submit=True)
        report_approve(actor=people["approver"], report=r, expected_version=r.version)
    assert task("4.1").progress == Decimal("40.00")  # (100×1 + 20×3) ÷ 4


def test_a_completion_report_completes_the_task_on_the_reported_date(plan, people):
    r = report_save(actor=people["reporter"], task=task("4.1.1"), period="2025-12", percent=Decimal(100), completed=True,
                    completed_on=D(2025, 12, 20), submit=True)
    report_approve(actor=people["approver"], report=r, expected_version=r.version)
    t = task("4.1.1")
    assert (t.state, t.completed_on, t.progress) == ("completed", D(2025, 12, 20), 100)


def test_returned_reports_need_a_comment_and_can_be_revised(plan, people):
    r = report_save(actor=people["reporter"], task=task("4.1.1"), period="2025-09", percent=Decimal(40), submit=True)
    with pytest.raises(Invalid):
        report_return(actor=people["approver"], report=r, comment=" ", expected_version=r.version)
    r = report_return(actor=people["approver"], report=r, comment="Bổ sung minh chứng", expected_version=r.version)
    assert r.status == ReportStatus.RETURNED
    revised = report_save(actor=people["reporter"], task=task("4.1.1"), period="2025-09", percent=Decimal(45), submit=True, expected_version=r.version)
    assert revised.status == ReportStatus.SUBMITTED and revised.percent == 45


def test_two_people_editing_the_same_report_the_second_gets_a_conflict(plan, people, make_user):
    colleague = make_user("canbo2.stc", "79.STC", "reporter")
    r = report_save(actor=people["reporter"], task=task("4.1.1"), period="2025-09", percent=Decimal(40))
    report_save(actor=people["reporter"], task=task("4.1.1"), period="2025-09", percent=Decimal(42), expected_version=r.version)
    with pytest.raises(Conflict) as err:
        report_save(actor=colleague, task=task("4.1.1"), period="2025-09", percent=Decimal(50), expected_version=r.version)
    assert err.value.code == "stale_version"


def test_reporter_cannot_approve_and_another_units_reporter_cannot_see(plan, people):
    r = report_save(actor=people["reporter"], task=task("4.1.1"), period="2025-09", percent=Decimal(40), submit=True)
    with pytest.raises(Forbidden):
        report_approve(actor=people["reporter"], report=r, expected_version=r.version)
    with pytest.raises(NotFound):
        report_save(actor=people["ward"], task=task("4.1.1"), period="2025-09", percent=Decimal(10))


@pytest.mark.parametrize("kw,field", [
    ({"percent": Decimal(120)}, "percent"),
    ({"percent": Decimal(90), "completed": True, "completed_on": D(2025, 9, 1)}, "percent"),
    ({"percent": Decimal(100), "completed": True}, "completed_on"),
])
def test_bad_reports_are_refused_with_the_field(plan, people, kw, field):
    with pytest.raises(Invalid) as err:
        report_save(actor=people["reporter"], task=task("4.1.1"), period="2025-09", **kw)
    assert field in [d["field"] for d in err.value.details]


def test_evidence_is_checked_stored_with_checksum_and_refused_when_disguised(plan, people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    r = report_save(actor=people["reporter"], task=task("4.1.1"), period="2025-09", percent=Decimal(40))
    ev = evidence_add(actor=people["reporter"], report=r, filename="Biên bản.pdf", content=b"%PDF-1.7 evidence")
    assert ev.kind == "pdf" and len(ev.sha256) == 64 and ev.size == 17
    assert (tmp_path / "evidence" / ev.sha256[:2] / ev.sha256).read_bytes() == b"%PDF-1.7 evidence"
    with pytest.raises(Invalid) as err:
        evidence_add(actor=people["reporter"], report=r, filename="bao-cao.pdf", content=b"MZ\x90 not a pdf")
    assert err.value.code == "file_disguised"
    assert r.evidence.count() == 1


def test_back_dating_an_approval_is_only_for_the_platform(plan, people):
    r = report_save(actor=people["reporter"], task=task("4.1.1"), period="2025-09", percent=Decimal(40), submit=True)
    with pytest.raises(Invalid):
        report_approve(actor=people["approver"], report=r, approved_on=D(2025, 10, 1), expected_version=r.version)
    report_approve(actor=SYSTEM, report=r, approved_on=D(2025, 10, 1), expected_version=r.version)
