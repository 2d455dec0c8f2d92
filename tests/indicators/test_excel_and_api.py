"""The unit's Excel template (download → fill → upload, all rows or none) and the indicators API."""

import io
import json
from decimal import Decimal

from openpyxl import load_workbook

from dieuhanh.indicators.models import Indicator, Value
from dieuhanh.indicators.services import value_set


def fill(content: bytes, values: dict[str, object]) -> bytes:
    wb = load_workbook(io.BytesIO(content))
    ws = wb.active
    header = [c.value for c in ws[2]]
    for row in ws.iter_rows(min_row=3):
        code = row[header.index("Mã chỉ tiêu")].value
        if code in values:
            row[header.index("Giá trị")].value = values[code]
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_template_lists_what_is_due_and_its_upload_saves_every_row(registry, web_client):
    client = web_client("canbo", "26743", "reporter")
    template = client.get("/units/26743/data/2025/template.xlsx")
    assert template.status_code == 200
    rows = [r for r in load_workbook(io.BytesIO(template.content)).active.iter_rows(min_row=3, values_only=True)]
    assert sorted(r[2] for r in rows) == ["HS_DUNGHAN", "HS_TIEPNHAN", "HS_TRUCTUYEN"]  # the formula is computed, not entered
    filled = fill(template.content, {"HS_TIEPNHAN": "1.250", "HS_TRUCTUYEN": 900, "HS_DUNGHAN": "98,5"})
    response = client.post("/units/26743/data/2025/upload/", {"file": _upload(filled)})
    assert response.status_code == 302
    saved = {v.indicator.code: v.value for v in Value.objects.select_related("indicator")}
    assert saved == {"HS_TIEPNHAN": Decimal(1250), "HS_TRUCTUYEN": Decimal(900), "HS_DUNGHAN": Decimal("98.5")}


def test_one_bad_row_saves_nothing_and_the_page_lists_the_rows(registry, web_client):
    client = web_client("canbo", "26743", "reporter")
    template = client.get("/units/26743/data/2025/template.xlsx").content
    unreadable = fill(template, {"HS_TIEPNHAN": "1.250", "HS_TRUCTUYEN": "nhiều"})
    response = client.post("/units/26743/data/2025/upload/", {"file": _upload(unreadable)})
    assert response.status_code == 422 and "“nhiều” không phải là số" in response.content.decode()
    out_of_range = fill(template, {"HS_TIEPNHAN": "1.250", "HS_DUNGHAN": "140"})
    response = client.post("/units/26743/data/2025/upload/", {"file": _upload(out_of_range)})
    assert response.status_code == 422 and "tỷ lệ phần trăm phải từ 0 đến 100" in response.content.decode()
    assert not Value.objects.exists()


def _upload(content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("chi-tieu.xlsx", content)


def test_the_entry_form_saves_and_submits(registry, web_client):
    client = web_client("canbo", "26743", "reporter")
    page = client.get("/units/26743/data/2025/").content.decode()
    assert 'name="v-HS_TIEPNHAN"' in page
    assert 'name="approval_version" value="1"' in page
    client.post("/units/26743/data/2025/", {"v-HS_TIEPNHAN": "1.234", "v-HS_TRUCTUYEN": "600", "s-HS_TIEPNHAN": "final", "submit": "1",
                                            "approval_version": "1"})
    assert Value.objects.get(indicator__code="HS_TIEPNHAN").value == 1234
    assert "Đã gửi" in client.get("/units/26743/data/2025/").content.decode()


def test_api_values_approval_and_official_series(registry, api_client):
    reporter = api_client("canbo", "26743", "reporter")
    approver = api_client("lanhdao", "26743", "approver")
    ok = reporter.post("/api/indicators/HS_TIEPNHAN/values", data=json.dumps({"unit": "26743", "period": "2025", "value": 1200}), content_type="application/json")
    assert ok.status_code == 201
    text = reporter.post("/api/indicators/HS_TIEPNHAN/values", data=json.dumps({"unit": "26743", "period": "2025", "value": "nhiều"}), content_type="application/json")
    assert text.status_code == 400 and text.json()["error"]["details"][0]["field"] == "value"
    other = reporter.post("/api/indicators/HS_TIEPNHAN/values", data=json.dumps({"unit": "26740", "period": "2025", "value": 5}), content_type="application/json")
    assert other.status_code == 404
    assert reporter.post("/api/indicator-data/submit", data=json.dumps({"unit": "26743", "period": "2025", "version": 1}), content_type="application/json").status_code == 200
    assert approver.post("/api/indicator-data/approve", data=json.dumps({"unit": "26743", "period": "2025", "version": 2}), content_type="application/json").status_code == 200
    locked = reporter.post("/api/indicators/HS_TIEPNHAN/values", data=json.dumps({"unit": "26743", "period": "2025", "value": 1, "version": 1}), content_type="application/json")
    assert locked.status_code == 409 and locked.json()["error"]["code"] == "period_locked"
    series = reporter.get("/api/indicators/HS_TIEPNHAN/series", {"unit": "26743", "official": "true"}).json()
    assert series == [{"period": "2025", "value": 1200.0, "source": "reported", "official": True, "reason": None, "reporting": None, "missing": None}]
    due = reporter.get("/api/indicator-data/due", {"period": "2025", "unit": "26743"}).json()
    assert {d["indicator"]: d["entered"] for d in due} == {"HS_TIEPNHAN": True, "HS_TRUCTUYEN": False, "HS_DUNGHAN": False}


def test_formula_indicator_definition_errors_over_the_api(registry, api_client):
    admin = api_client("admin", "79", "administrator")
    body = {"code": "VONG", "name": "Vòng", "kind": "operational", "owner": "79", "formula": "VONG + 1"}
    response = admin.post("/api/indicators", data=json.dumps(body), content_type="application/json")
    assert response.status_code == 422 and response.json()["error"]["code"] == "formula_self_reference"
    assert not Indicator.objects.filter(code="VONG").exists()
    unsafe = admin.post("/api/indicators", data=json.dumps({**body, "code": "X", "formula": "__import__('os').system('x')"}), content_type="application/json")
    assert unsafe.status_code == 422


def test_indicator_page_shows_only_approved_numbers_to_outsiders(registry, web_client):
    from tests.conftest import SYSTEM

    value_set(actor=SYSTEM, indicator=Indicator.objects.get(code="HS_TIEPNHAN"), unit=registry["26743"], period="2025", value=Decimal(4321))
    outsider = web_client("canbo.saigon", "26740", "reporter")
    assert "4321" not in outsider.get("/indicators/HS_TIEPNHAN/", {"unit": "26743"}).content.decode()
    insider = web_client("canbo", "26743", "reporter")
    assert "4321" in insider.get("/indicators/HS_TIEPNHAN/", {"unit": "26743"}).content.decode().replace(".", "")


def test_due_page_and_reminders_for_missing_values(registry, web_client, make_user, django_capture_on_commit_callbacks):
    from django.core import mail
    from django.core.management import call_command

    from tests.conftest import SYSTEM

    make_user("canbo.saigon", "26740", "reporter", email="canbo@saigon.gov.vn")
    value_set(actor=SYSTEM, indicator=Indicator.objects.get(code="HS_TIEPNHAN"), unit=registry["26743"], period="2025", value=Decimal(10))
    city = web_client("bcd", "79", "steering")
    html = city.get("/indicators/due/", {"period": "2025", "unit": "79"}).content.decode()
    assert "0 / 3" in html and "1 / 3" in html and "Phường Sài Gòn" in html
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_indicator_reminders", "--period", "2025", stdout=io.StringIO())
    assert [m.to for m in mail.outbox] == [["canbo@saigon.gov.vn"]]
    assert "HS_TIEPNHAN" in mail.outbox[0].body and "Phường Sài Gòn" in mail.outbox[0].subject
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_indicator_reminders", "--period", "2025", stdout=io.StringIO())
    assert len(mail.outbox) == 1  # once a day


def test_evidence_attaches_to_a_value_over_the_api(registry, api_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    from django.core.files.uploadedfile import SimpleUploadedFile

    reporter = api_client("canbo", "26743", "reporter")
    reporter.post("/api/indicators/HS_TIEPNHAN/values", data=json.dumps({"unit": "26743", "period": "2025", "value": 1200}), content_type="application/json")
    response = reporter.post("/api/indicators/HS_TIEPNHAN/evidence?unit=26743&period=2025&version=1", {"file": SimpleUploadedFile("so-lieu.pdf", b"%PDF-1.7 x")})
    assert response.status_code == 201 and response.json()["version"] == 2
    assert Value.objects.get().evidence_name == "so-lieu.pdf"


def test_the_due_list_without_a_unit_covers_only_the_callers_reach(registry, api_client):
    from tests.conftest import SYSTEM

    value_set(actor=SYSTEM, indicator=Indicator.objects.get(code="HS_TIEPNHAN"), unit=registry["26740"], period="2025", value=Decimal(77))
    ward = api_client("canbo", "26743", "reporter")
    due = ward.get("/api/indicator-data/due", {"period": "2025"}).json()
    assert {d["unit"] for d in due} == {"26743"}


def test_an_untouched_template_is_refused_as_empty(registry, web_client):
    client = web_client("canbo", "26743", "reporter")
    template = client.get("/units/26743/data/2025/template.xlsx").content
    response = client.post("/units/26743/data/2025/upload/", {"file": _upload(template)})
    assert response.status_code == 422 and "Bảng tính không có dòng nào để nhập." in response.content.decode()
