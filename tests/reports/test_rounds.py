"""Report rounds (chế độ báo cáo): the secretariat opens a round, each unit gets a draft with its own figures as of the
Decree 09 period's end, writes its narrative, submits; its leader approves or returns; the secretariat reminds,
consolidates the approved reports and issues the city report. Bad input answers clearly; another unit's report is
out of reach like a missing one."""

import datetime as dt
import io

import pytest
from django.core import mail
from docx import Document

from dieuhanh.audit.models import AuditEvent
from dieuhanh.core.reports import decree30
from dieuhanh.errors import Conflict, Invalid, NotFound
from dieuhanh.notifications.models import Notification
from dieuhanh.reports import reminders, selectors
from dieuhanh.reports.models import GeneratedReport, RoundReport
from dieuhanh.reports.services import (round_consolidate, round_issue, round_narrative_save, round_open, round_remind, round_report_approve,
                                       round_report_attach, round_report_return, round_report_save, round_report_submit)

pytestmark = pytest.mark.django_db
D = dt.date
BEN_THANH, SAI_GON = "26743", "26740"


@pytest.fixture
def people(make_user):
    return {"steering": make_user("thuky.bcd", "79", "steering"),
            "reporter": make_user("canbo.benthanh", BEN_THANH, "reporter", email="canbo@benthanh.example.gov.vn"),
            "leader": make_user("lanhdao.benthanh", BEN_THANH, "approver"),
            "saigon": make_user("canbo.saigon", SAI_GON, "reporter")}


def _open(people, plan, hcmc, **kw):
    args = {"unit": hcmc["79"], "plan": plan, "template": "city-periodic", "period": "2026-11", "deadline": D(2026, 11, 20),
            "units": [hcmc[BEN_THANH], hcmc[SAI_GON], hcmc["79.STC"]]} | kw
    return round_open(actor=people["steering"], **args)


def test_each_unit_gets_a_draft_with_its_own_figures_as_of_the_period_end(plan, hcmc, people):
    rnd = _open(people, plan, hcmc)
    assert (rnd.period_start, rnd.period_end) == (D(2026, 10, 15), D(2026, 11, 14))  # Decree 09: 15/10 – 14/11
    assert rnd.title == "Báo cáo tháng 11/2026 về Kế hoạch 4354/KH-UBND"
    ward = RoundReport.objects.get(round=rnd, unit__code=BEN_THANH)
    # Bến Thành leads task 4.2 (01/07/2025 – 31/12/2026, no report): one task, in progress within its deadline on 14/11/2026
    assert ward.figures["totals"]["total"] == 1 and ward.figures["totals"]["within_deadline"] == 1
    assert "đơn vị chủ trì 1 nhiệm vụ" in ward.sections["results"] and list(ward.sections["groups"]) == ["4"]
    finance = RoundReport.objects.get(round=rnd, unit__code="79.STC")
    # Sở Tài chính leads 4.1 (deadline 31/03/2026, no report): overdue on 14/11/2026
    assert finance.figures["totals"]["overdue"] == 1 and finance.figures["totals"]["total"] == 1
    assert Notification.objects.filter(kind="round_opened", recipient=people["reporter"]).count() == 1
    assert AuditEvent.objects.filter(action="round_open").count() == 1


def test_the_whole_round_ends_in_an_issued_city_report_holding_the_wards_narrative(plan, hcmc, people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    rnd = _open(people, plan, hcmc)
    ward = RoundReport.objects.get(round=rnd, unit__code=BEN_THANH)
    ward = round_report_save(actor=people["reporter"], round_report=ward, expected_version=ward.version,
                             sections={"leadership": "Đảng ủy phường ban hành kế hoạch chuyển đổi số.",
                                       "groups": {"4": "Mở 12 lớp kỹ năng số cho 480 người dân."}})
    round_report_attach(actor=people["reporter"], round_report=ward, filename="bien-ban.pdf", content=b"%PDF-1.7 bien ban")
    ward = round_report_submit(actor=people["reporter"], round_report=ward, expected_version=ward.version)
    assert Notification.objects.filter(kind="round_submitted", recipient=people["leader"]).exists()
    assert selectors.round_counts(rnd) == {"total": 3, "submitted": 1, "approved": 0, "returned": 0, "draft": 2}
    round_report_approve(actor=people["leader"], round_report=ward, expected_version=ward.version)
    assert Notification.objects.filter(kind="round_approved", recipient=people["steering"]).exists()
    rnd = round_consolidate(actor=people["steering"], report_round=rnd, expected_version=rnd.version)
    assert rnd.narrative["leadership"] == "Phường Bến Thành: Đảng ủy phường ban hành kế hoạch chuyển đổi số."
    assert rnd.narrative["groups"] == {"4": "Phường Bến Thành: Mở 12 lớp kỹ năng số cho 480 người dân."}
    rnd = round_narrative_save(actor=people["steering"], report_round=rnd, expected_version=rnd.version,
                               narrative={"proposals": "Đề nghị bổ sung kinh phí phổ cập kỹ năng số."})
    rnd = round_issue(actor=people["steering"], report_round=rnd, expected_version=rnd.version, number=12, signer_name="Nguyễn Văn A")
    report = GeneratedReport.objects.get(pk=rnd.report_id)
    assert report.as_of == D(2026, 11, 14) and report.inputs["narrative"]["proposals"].startswith("Đề nghị")
    content = bytes(report.content)
    assert decree30.check(io.BytesIO(content)) == []
    texts = [p.text for p in Document(io.BytesIO(content)).paragraphs]
    assert "Phường Bến Thành: Đảng ủy phường ban hành kế hoạch chuyển đổi số." in texts
    assert "Phường Bến Thành: Mở 12 lớp kỹ năng số cho 480 người dân." in texts
    assert "Đề nghị bổ sung kinh phí phổ cập kỹ năng số." in texts
    assert not any("tạm tính" in t for t in texts)  # 14/11/2026 is over on 30/11/2026
    with pytest.raises(Conflict) as e:  # an issued round is closed
        round_report_save(actor=people["saigon"], round_report=RoundReport.objects.get(round=rnd, unit__code=SAI_GON),
                          expected_version=1, sections={"leadership": "x"})
    assert e.value.code == "round_issued"


def test_a_round_for_a_period_not_over_is_issued_as_provisional(plan, hcmc, people):
    rnd = _open(people, plan, hcmc, period="2026-12", deadline=D(2026, 12, 20))  # 15/11 – 14/12/2026, today 30/11/2026
    rnd = round_consolidate(actor=people["steering"], report_round=rnd, expected_version=rnd.version)
    rnd = round_issue(actor=people["steering"], report_round=rnd, expected_version=rnd.version)
    texts = [p.text for p in Document(io.BytesIO(bytes(rnd.report.content))).paragraphs]
    assert "(Số liệu tạm tính: kỳ báo cáo chưa kết thúc)" in texts


def test_bad_input_is_refused_with_the_field_named(plan, hcmc, people):
    with pytest.raises(Invalid) as e:
        _open(people, plan, hcmc, deadline=D(2026, 10, 1))  # the period starts on 15/10/2026
    assert [(d["field"], d["code"]) for d in e.value.details] == [("deadline", "round_deadline_before_period")]
    with pytest.raises(Invalid) as e:
        _open(people, plan, hcmc, period="2026-13", units=[])
    assert {(d["field"], d["code"]) for d in e.value.details} == {("period", "invalid_period"), ("units", "round_no_units")}
    with pytest.raises(Invalid) as e:
        _open(people, plan, hcmc, unit=hcmc["79.STC"], units=[hcmc[BEN_THANH]])  # the ward is not under Sở Tài chính
    assert e.value.details[0]["code"] == "round_unit_outside"


def test_submitting_twice_approving_a_draft_and_stale_versions_are_conflicts(plan, hcmc, people):
    rnd = _open(people, plan, hcmc)
    ward = RoundReport.objects.get(round=rnd, unit__code=BEN_THANH)
    with pytest.raises(Conflict) as e:
        round_report_approve(actor=people["leader"], round_report=ward, expected_version=ward.version)
    assert e.value.code == "not_submitted"
    submitted = round_report_submit(actor=people["reporter"], round_report=ward, expected_version=ward.version)
    with pytest.raises(Conflict) as e:
        round_report_submit(actor=people["reporter"], round_report=submitted, expected_version=submitted.version)
    assert e.value.code == "round_report_not_editable"
    with pytest.raises(Conflict) as e:
        round_report_approve(actor=people["leader"], round_report=submitted, expected_version=ward.version)  # the version before
    assert e.value.code == "stale_version"
    with pytest.raises(Invalid):
        round_report_return(actor=people["leader"], round_report=submitted, expected_version=submitted.version, reason="  ")
    returned = round_report_return(actor=people["leader"], round_report=submitted, expected_version=submitted.version,
                                   reason="Bổ sung số liệu lớp học.")
    assert returned.status == "returned"
    assert Notification.objects.get(kind="round_returned", recipient=people["reporter"]).params["reason"] == "Bổ sung số liệu lớp học."
    with pytest.raises(Conflict) as e:
        round_issue(actor=people["steering"], report_round=rnd, expected_version=rnd.version)
    assert e.value.code == "round_not_consolidated"


def test_a_ward_cannot_see_or_edit_another_wards_report(plan, hcmc, people):
    rnd = _open(people, plan, hcmc)
    other = RoundReport.objects.get(round=rnd, unit__code=SAI_GON)
    with pytest.raises(NotFound):
        selectors.round_report_get(people["reporter"], other.pk)
    with pytest.raises(NotFound):
        round_report_save(actor=people["reporter"], round_report=other, expected_version=other.version, sections={"leadership": "x"})
    with pytest.raises(NotFound):
        selectors.round_get(people["reporter"], rnd.pk)  # the round is the secretariat's
    assert [rr.unit.code for rr in selectors.round_reports_of(people["reporter"])] == [BEN_THANH]
    assert RoundReport.objects.get(pk=other.pk).version == 1


def test_reminders_reach_only_units_that_have_not_submitted_once_a_day_and_by_mail(plan, hcmc, people, django_capture_on_commit_callbacks):
    rnd = _open(people, plan, hcmc)
    saigon = RoundReport.objects.get(round=rnd, unit__code=SAI_GON)
    round_report_submit(actor=people["saigon"], round_report=saigon, expected_version=saigon.version)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        told = round_remind(actor=people["steering"], report_round=rnd)
    assert told == 2  # Bến Thành's reporter and leader; Sài Gòn submitted, Sở Tài chính has nobody in this test
    assert [m.to for m in mail.outbox] == [["canbo@benthanh.example.gov.vn"]]
    assert round_remind(actor=people["steering"], report_round=rnd) == 0  # the same day: nothing new
    assert AuditEvent.objects.filter(action="round_remind").count() == 2


def test_the_daily_run_tells_units_late_or_due_soon_once(plan, hcmc, people):
    _open(people, plan, hcmc, deadline=D(2026, 11, 28))  # two days before today (30/11/2026): overdue
    _open(people, plan, hcmc, period="2026-12", deadline=D(2026, 12, 2), units=[hcmc[BEN_THANH]])  # in two days: due soon
    _open(people, plan, hcmc, period="2026-12", deadline=D(2026, 12, 20), units=[hcmc[BEN_THANH]])  # far: nothing
    # overdue: Bến Thành (reporter, leader) and Sài Gòn (reporter); due soon: Bến Thành (reporter, leader)
    assert reminders.rounds_due(D(2026, 11, 30)) == 2 + 1 + 2
    kinds = sorted(Notification.objects.filter(recipient=people["reporter"], kind__startswith="round_").exclude(kind="round_opened")
                   .values_list("kind", flat=True))
    assert kinds == ["round_due_soon", "round_overdue"]
    assert reminders.rounds_due(D(2026, 11, 30)) == 0


def test_the_daily_producer_is_registered_like_the_others():
    from dieuhanh.notifications.daily import PRODUCERS

    assert "dieuhanh.reports.reminders.rounds_due" in PRODUCERS


def test_a_unit_downloads_its_report_as_the_document_its_leader_signs(plan, hcmc, people, api_client, web_client):
    """The unit's own sections in the Decree 30 unit template, its figures as of the period's end, the number and the
    day left blank for its clerk; marked as a draft until its leader approves; on the page and the API; another unit
    finds nothing there."""
    from django.test import Client

    rnd = _open(people, plan, hcmc)
    ward = RoundReport.objects.get(round=rnd, unit__code=BEN_THANH)
    ward = round_report_save(actor=people["reporter"], round_report=ward, expected_version=ward.version,
                             sections={"leadership": "Đảng ủy phường ban hành kế hoạch chuyển đổi số.",
                                       "groups": {"4": "Mở 12 lớp kỹ năng số cho 480 người dân."}})
    page = Client()
    page.force_login(people["reporter"])
    assert f'href="/official-reports/unit-reports/{ward.pk}/bao-cao.docx"' in page.get(
        f"/official-reports/unit-reports/{ward.pk}/").content.decode()

    def document(client, url):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"] == selectors.DOCX
        assert response["Content-Disposition"] == 'attachment; filename="bao-cao-26743-2026-11.docx"'
        doc = Document(io.BytesIO(response.content))
        cells = [p.text for t in doc.tables for row in t.rows for cell in row.cells for p in cell.paragraphs]
        return [p.text for p in doc.paragraphs] + cells  # the heading (issuer, number, place and day) is a table

    texts = document(page, f"/official-reports/unit-reports/{ward.pk}/bao-cao.docx")
    assert "Đảng ủy phường ban hành kế hoạch chuyển đổi số." in texts
    assert "Mở 12 lớp kỹ năng số cho 480 người dân." in " ".join(texts)
    assert any("DỰ THẢO" in t for t in texts)
    numbers = [t for t in texts if t.startswith("Số:")]
    assert numbers and all(t.split("/")[0].strip() == "Số:" for t in numbers), numbers  # left for the clerk
    assert any("ngày    tháng    năm 20" in t for t in texts)
    assert any(t.startswith("PHƯỜNG BẾN THÀNH") for t in texts), texts[:12]

    ward = round_report_submit(actor=people["reporter"], round_report=ward, expected_version=ward.version)
    round_report_approve(actor=people["leader"], round_report=ward, expected_version=ward.version)
    api = api_client("api.benthanh", BEN_THANH, "viewer")
    approved = document(api, f"/api/round-reports/{ward.pk}/file")
    assert not any("DỰ THẢO" in t for t in approved)
    assert "Đảng ủy phường ban hành kế hoạch chuyển đổi số." in approved

    other = web_client("xem.saigon", SAI_GON, "viewer")
    assert other.get(f"/official-reports/unit-reports/{ward.pk}/bao-cao.docx").status_code == 404
    assert api_client("api.saigon", SAI_GON, "viewer").get(f"/api/round-reports/{ward.pk}/file").status_code == 404


def test_a_document_built_on_a_made_up_reporting_history_says_so(plan, hcmc, people):
    """The demo's reporting history is synthetic (its reports carry ``SYNTHETIC_HISTORY``): a unit's document built on
    it says so; another unit's, built on real reports only, does not."""
    from dieuhanh.plans.models import SYNTHETIC_HISTORY, ProgressReport, ReportStatus, Task

    task = Task.objects.get(code="4.2")  # led by Bến Thành
    assert task.lead_unit.code == BEN_THANH
    ProgressReport.objects.create(task=task, period="2026-10", period_end=D(2026, 10, 31), percent=40, status=ReportStatus.APPROVED,
                                  done="Kết quả kỳ 2026-10", review_comment=SYNTHETIC_HISTORY)
    rnd = _open(people, plan, hcmc)
    note = "Ghi chú: báo cáo có sử dụng dữ liệu tổng hợp (synthetic) của bản trình diễn."

    def texts(code):
        rr = RoundReport.objects.get(round=rnd, unit__code=code)
        content, _ = selectors.round_report_docx(people["steering"], rr)
        return [p.text for p in Document(io.BytesIO(content)).paragraphs]

    assert note in texts(BEN_THANH)
    assert note not in texts(SAI_GON)
