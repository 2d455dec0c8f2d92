"""The bad-input suite (issue 14, defects 1 and 9): every kind of input an independent test answered with a 500 or
accepted as garbage, over the API and the pages. Each answers a 4xx with a clear message, and no row changes."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.urls import reverse
from openpyxl import Workbook

from dieuhanh.indicators.models import Indicator, Target, Value
from dieuhanh.indices.models import Framework
from dieuhanh.plans.models import Evidence, ProgressReport, Task
from dieuhanh.units.models import Unit

pytestmark = pytest.mark.django_db


def send(client, method, path, body=None, raw=None):
    return getattr(client, method)(path, data=raw if raw is not None else json.dumps(body), content_type="application/json")


def refused(response, code=None, field=None):
    """The API's 400 (unreadable) or 422 (read but refused): one error with a code and a sentence; ``field`` named in
    its details when given."""
    assert response.status_code in (400, 422), response.content[:500]
    error = response.json()["error"]
    assert error["message"], error
    if code:
        assert code in {error["code"], *(d["code"] for d in error["details"])}, error
    if field:
        assert any(d["field"] == field or d["field"].startswith(f"{field}.") for d in error["details"]), error
    return error


def counts():
    return (Unit.objects.count(), Task.objects.count(), ProgressReport.objects.count(), Evidence.objects.count(),
            Indicator.objects.count(), Target.objects.count(), Value.objects.count(), Framework.objects.count())


@pytest.fixture
def city(plan, api_client):
    return api_client("admin", "79", "administrator")


@pytest.fixture
def indicator(hcmc):
    from dieuhanh.indicators.services import indicator_create
    from tests.conftest import SYSTEM

    return indicator_create(actor=SYSTEM, code="DN_KHCN", name="Số doanh nghiệp khoa học và công nghệ", kind="strategic",
                            owner=hcmc["79.SKHCN"], reporting_units=[hcmc["26743"]])


def xlsx(rows=(("a", "b"), (1, 2))) -> bytes:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def with_member(content: bytes, name: str, data: bytes | None = None, corrupt: bool = False) -> bytes:
    """``content`` with its member ``name`` replaced by ``data``, or with its deflate stream damaged."""
    source, out = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item.filename, data if item.filename == name and data is not None else source.read(item.filename))
    raw = bytearray(out.getvalue())
    if corrupt:
        info = zipfile.ZipFile(io.BytesIO(bytes(raw))).getinfo(name)
        start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
        for i in range(start + 2, start + min(info.compress_size, 40)):
            raw[i] ^= 0x5A
    return bytes(raw)


BROKEN_XLSX = {
    "bad_xml": lambda: with_member(xlsx(), "xl/worksheets/sheet1.xml", b"<worksheet><sheetData><row><c><v>1</v></row>"),
    "corrupt_deflate": lambda: with_member(xlsx(), "xl/worksheets/sheet1.xml", corrupt=True),
    "not_a_zip": lambda: b"PK\x03\x04 not really a zip",
}


# ---------------------------------------------------------------- NUL bytes anywhere


def test_nul_bytes_in_query_path_body_and_login_are_400(city, client):
    before = counts()
    refused(city.get("/api/tasks", {"q": "a\x00b"}), "invalid_characters")
    refused(city.get("/api/tasks/1%00"), "invalid_characters")
    refused(send(city, "post", f"/api/plans/{Task.objects.first().plan_id}/tasks",
                 {"group": 4, "code": "4.9", "title": "a\x00b", "lead_unit": "79.SKHCN"}), "invalid_characters", "title")
    refused(send(client, "post", "/api/auth/token", {"username": "admin\x00", "password": "x"}), "invalid_characters")
    page = client.post("/login/", {"username": "admin\x00", "password": "x"})
    assert page.status_code == 400 and "<html" in page.content.decode().lower()
    assert counts() == before


def test_a_lone_surrogate_in_json_is_400(city):
    before = counts()
    body = '{"group": 4, "code": "4.9", "title": "\\udc00", "lead_unit": "79.SKHCN"}'
    refused(send(city, "post", f"/api/plans/{Task.objects.first().plan_id}/tasks", raw=body), "invalid_characters", "title")
    assert counts() == before


# ---------------------------------------------------------------- beyond the columns


@pytest.mark.parametrize(("extra", "field"), [
    ({"name_en": "x" * 301}, "name_en"),
    ({"measure": "x" * 61}, "measure"),
    ({"source": "x" * 100_001}, "source"),
    ({"name": "x" * 100_001}, "name"),
])
def test_indicator_strings_beyond_their_columns_are_400(city, extra, field):
    before = counts()
    body = {"code": "X1", "name": "Chỉ số", "kind": "strategic", "owner": "79.SKHCN", **extra}
    refused(send(city, "post", "/api/indicators", body), field=field)
    assert counts() == before


@pytest.mark.parametrize(("extra", "field"), [
    ({"label": "x" * 121}, "label"),
    ({"source": "x" * 301}, "source"),
    ({"value": 1e30}, "value"),
    ({"year": 99999}, "year"),
])
def test_target_fields_beyond_their_columns_are_400(city, indicator, extra, field):
    before = counts()
    refused(send(city, "post", f"/api/indicators/{indicator.code}/targets", {"unit": "26743", "year": 2030, "value": 10, **extra}), field=field)
    assert counts() == before


@pytest.mark.parametrize(("extra", "field"), [
    ({"source": "x" * 301}, "source"),
    ({"value": 1e30}, "value"),
    ({"period": "9999-12"}, "period"),
    ({"period": ""}, "period"),
    ({"period": None}, "period"),
])
def test_value_fields_beyond_their_columns_are_400(city, indicator, extra, field):
    before = counts()
    refused(send(city, "post", f"/api/indicators/{indicator.code}/values", {"unit": "26743", "period": "2026", "value": 1, **extra}), field=field)
    assert counts() == before


@pytest.mark.parametrize("query", [{"offset": "9223372036854775808"}, {"limit": "0"}, {"offset": "-1"}])
def test_paging_beyond_its_range_is_400(city, query):
    refused(city.get("/api/tasks", query))


@pytest.mark.parametrize("period", ["", "null", "9999-12", "0"])
def test_an_empty_null_or_absurd_period_of_the_due_list_is_400(city, period):
    refused(city.get("/api/indicator-data/due", {"period": period}), "invalid_period")


# ---------------------------------------------------------------- garbage that used to be accepted


@pytest.mark.parametrize("period", ["9999-12", "1900-01", "2024-12", "2031-01"])
def test_a_report_outside_the_plans_period_is_400(plan, api_client, period):
    reporter = api_client("canbo.benthanh", "26743", "reporter")
    before = counts()
    refused(send(reporter, "post", f"/api/tasks/{Task.objects.get(code='4.2').pk}/reports", {"period": period, "percent": 10}),
            field="period")
    assert counts() == before


def test_a_report_inside_the_plans_period_is_saved(plan, api_client):
    reporter = api_client("canbo.benthanh", "26743", "reporter")
    response = send(reporter, "post", f"/api/tasks/{Task.objects.get(code='4.2').pk}/reports", {"period": "2026-10", "percent": 10})
    assert response.status_code == 201, response.content


@pytest.mark.parametrize("name", ["\u200b", " \u200b\ufeff ", "\u2060"])
def test_a_unit_named_by_invisible_characters_is_400(city, name):
    before = counts()
    refused(send(city, "post", "/api/units", {"parent_code": "79", "code": "79.XYZ", "name": name, "kind": "department"}),
            field="name")
    refused(send(city, "patch", "/api/units/26743", {"version": 1, "name": name}), field="name")
    assert counts() == before and Unit.objects.get(code="26743").name == "Phường Bến Thành"


@pytest.mark.parametrize("day", [0, "0", "", "1970-01-01x"])
def test_a_date_given_as_zero_is_400(plan, api_client, day):
    reporter = api_client("canbo.benthanh", "26743", "reporter")
    before = counts()
    body = {"period": "2026-10", "percent": 100, "completed": True, "completed_on": day}
    refused(send(reporter, "post", f"/api/tasks/{Task.objects.get(code='4.2').pk}/reports", body), field="completed_on")
    refused(send(api_client("bcd", "79", "steering"), "post", f"/api/plans/{plan.pk}/tasks",
                 {"group": 4, "code": "4.9", "title": "Nhiệm vụ", "lead_unit": "79.SKHCN", "deadline": day}), field="deadline")
    assert counts() == before


# ---------------------------------------------------------------- uploads


def test_multipart_without_boundary_on_evidence_is_400(plan, api_client):
    from dieuhanh.plans.services import report_save
    from tests.conftest import SYSTEM

    report = report_save(actor=SYSTEM, task=Task.objects.get(code="4.2"), period="2026-10", percent=20)
    reporter = api_client("canbo.benthanh", "26743", "reporter")
    response = reporter.generic("POST", f"/api/reports/{report.pk}/evidence", b"--x\r\nbroken", content_type="multipart/form-data")
    refused(response, "malformed_request")
    assert not Evidence.objects.exists()


@pytest.mark.parametrize("kind", sorted(BROKEN_XLSX))
def test_a_broken_xlsx_is_400_on_the_values_and_index_imports(city, indicator, kind):
    before = counts()
    content = BROKEN_XLSX[kind]()
    upload = io.BytesIO(content)
    upload.name = "so-lieu.xlsx"
    refused(city.post("/api/indicator-data/import", {"file": upload}))
    upload = io.BytesIO(content)
    upload.name = "imeta.xlsx"
    refused(city.post("/api/indices?code=X&name=x", {"imeta": upload}))
    assert counts() == before


@pytest.mark.parametrize("kind", sorted(BROKEN_XLSX))
def test_a_broken_xlsx_on_the_plan_and_progress_import_pages_is_refused_with_the_message(plan, web_client, kind):
    client = web_client("bcd", "79", "steering")
    before = counts()
    for page in ("plan_import", "progress_import"):
        upload = io.BytesIO(BROKEN_XLSX[kind]())
        upload.name = "phu-luc.xlsx"
        response = client.post(reverse(page, args=[plan.pk]), {"file": upload})
        assert response.status_code < 500
        assert "Không đọc được tệp: tệp phải là bảng tính Excel (.xlsx)." in response.content.decode(), page
    assert counts() == before
