"""Report rounds through the API (in OpenAPI) and the pages: the same actions; bad input answers a clear 4xx; an edited
template is uploaded, checked (the unknown field or broken tag named) and used with its document symbol."""

import io

import pytest
from docx import Document
from openpyxl import load_workbook

from dieuhanh.reports.models import ReportTemplate, RoundReport
from dieuhanh.reports.selectors import shipped_bytes

pytestmark = pytest.mark.django_db
BEN_THANH, SAI_GON = "26743", "26740"


def _json(client, method, path, body=None):
    return getattr(client, method)(path, body or {}, content_type="application/json")


@pytest.fixture
def clients(plan, api_client):
    return {"steering": api_client("thuky", "79", "steering"), "reporter": api_client("canbo", BEN_THANH, "reporter"),
            "leader": api_client("lanhdao", BEN_THANH, "approver"), "saigon": api_client("canbo.sg", SAI_GON, "reporter")}


def _open(clients, **kw):
    body = {"plan": "4354/KH-UBND", "period": "2026-11", "deadline": "2026-11-20", "units": [BEN_THANH, SAI_GON]} | kw
    return _json(clients["steering"], "post", "/api/report-rounds", body)


def test_the_round_through_the_api(clients):
    opened = _open(clients)
    assert opened.status_code == 201, opened.content
    rnd = opened.json()
    assert (rnd["period_start"], rnd["period_end"], rnd["provisional"]) == ("2026-10-15", "2026-11-14", False)
    assert rnd["counts"] == {"total": 2, "submitted": 0, "approved": 0, "returned": 0, "draft": 2}
    ward = next(u for u in rnd["units"] if u["unit"] == BEN_THANH)
    path = f"/api/round-reports/{ward['id']}"
    saved = _json(clients["reporter"], "put", path, {"version": ward["version"], "sections": {"leadership": "Chỉ đạo sát sao."}})
    assert saved.status_code == 200 and saved.json()["sections"]["leadership"] == "Chỉ đạo sát sao."
    version = saved.json()["version"]
    assert _json(clients["reporter"], "put", path, {"version": version - 1, "sections": {"leadership": "y"}}).status_code == 409
    assert _json(clients["leader"], "post", f"{path}/approve", {"version": version}).json()["error"]["code"] == "not_submitted"
    submitted = _json(clients["reporter"], "post", f"{path}/submit", {"version": version})
    assert submitted.status_code == 200
    again = _json(clients["reporter"], "post", f"{path}/submit", {"version": submitted.json()["version"]})
    assert again.status_code == 409 and again.json()["error"]["code"] == "round_report_not_editable"
    assert _json(clients["leader"], "post", f"{path}/approve", {"version": submitted.json()["version"]}).status_code == 200
    assert clients["steering"].get(f"/api/report-rounds/{rnd['id']}").json()["counts"]["submitted"] == 1
    assert clients["saigon"].get(path).status_code == 404  # another ward's report: like a missing one
    assert clients["saigon"].get(f"/api/report-rounds/{rnd['id']}").status_code == 404
    consolidated = _json(clients["steering"], "post", f"/api/report-rounds/{rnd['id']}/consolidate", {"version": rnd["version"]})
    assert consolidated.json()["narrative"]["leadership"] == "Phường Bến Thành: Chỉ đạo sát sao."
    issued = _json(clients["steering"], "post", f"/api/report-rounds/{rnd['id']}/issue", {"version": consolidated.json()["version"], "number": 3})
    assert issued.status_code == 200 and issued.json()["status"] == "issued"
    docx = clients["steering"].get(f"/api/official-reports/{issued.json()['report']}/file")
    assert "Phường Bến Thành: Chỉ đạo sát sao." in [p.text for p in Document(io.BytesIO(docx.content)).paragraphs]


def test_bad_rounds_answer_422_with_the_field_named(clients):
    early = _open(clients, deadline="2026-10-01")
    assert early.status_code == 422 and early.json()["error"]["details"][0]["field"] == "deadline"
    assert _open(clients, period="2026-13").status_code == 422
    assert _open(clients, deadline="31/02/2026").status_code in (400, 422)
    assert _open(clients, units=["khong-co"]).status_code == 404
    assert _json(clients["reporter"], "post", "/api/report-rounds",
                 {"plan": "4354/KH-UBND", "period": "2026-11", "deadline": "2026-11-20", "units": [BEN_THANH]}).status_code == 404


def test_the_pages_walk_a_ward_report_and_refuse_a_second_submission(clients, web_client):
    rnd = _open(clients).json()
    ward = RoundReport.objects.get(round_id=rnd["id"], unit__code=BEN_THANH)
    reporter = web_client("canbo.web", BEN_THANH, "reporter")
    page = reporter.get(f"/official-reports/unit-reports/{ward.pk}/")
    assert page.status_code == 200 and "Gửi lãnh đạo duyệt" in page.content.decode()
    form = {"version": ward.version, "leadership": "Ban hành kế hoạch.", "results": "", "group_4": "Mở 12 lớp."}
    assert reporter.post(f"/official-reports/unit-reports/{ward.pk}/submit/", form).status_code == 302
    assert RoundReport.objects.get(pk=ward.pk).status == "submitted"
    again = reporter.post(f"/official-reports/unit-reports/{ward.pk}/submit/", form | {"version": RoundReport.objects.get(pk=ward.pk).version},
                          follow=True)
    assert "Báo cáo đang ở trạng thái đã gửi: chỉ báo cáo nháp hoặc bị trả lại mới được sửa hoặc gửi." in again.content.decode()
    stale = reporter.post(f"/official-reports/unit-reports/{ward.pk}/submit/", form, follow=True)  # the version first read
    assert "Bản ghi này đã được người khác cập nhật sau khi trang được mở." in stale.content.decode()
    assert RoundReport.objects.get(pk=ward.pk).sections["groups"]["4"] == "Mở 12 lớp."
    steering = web_client("thuky.web", "79", "steering")
    assert "1 trên 2" in steering.get(f"/official-reports/rounds/{rnd['id']}/").content.decode()
    sheet = list(load_workbook(io.BytesIO(steering.get(f"/official-reports/rounds/{rnd['id']}/?format=xlsx").content)).active.iter_rows(values_only=True))
    assert sheet[2][0] == "Đã gửi 1/2 đơn vị; đã phê duyệt 0" and sheet[4][:3] == ("STT", "Đơn vị", "Tình trạng")
    assert [r[1:3] for r in sheet[5:]] == [("Phường Bến Thành", "Đã gửi"), ("Phường Sài Gòn", "Bản nháp")]
    home = steering.get("/").content.decode()  # the cockpit block "report rounds due"
    assert "Đợt báo cáo cần gửi" in home and "đã gửi 1 trên 2, đã duyệt 0" in home
    ward_home = reporter.get("/").content.decode()
    assert "Đợt báo cáo cần gửi" in ward_home and "Phường Bến Thành: Đã gửi" in ward_home
    # the inbox lists what waits for each person: the leader's decision, nothing more for the reporter who submitted
    leader = web_client("lanhdao.web", BEN_THANH, "approver")
    assert 'id="inbox-rounds"' in leader.get("/inbox/").content.decode()
    assert 'id="inbox-rounds"' not in reporter.get("/inbox/").content.decode()
    saigon = web_client("canbo.sg.web", SAI_GON, "reporter")
    assert "Phường Sài Gòn: Bản nháp" in saigon.get("/inbox/").content.decode()


def test_a_template_with_an_unknown_field_is_refused_and_a_good_one_is_used_with_its_symbol(plan, clients, web_client):
    doc = Document(io.BytesIO(shipped_bytes("brief")))
    doc.add_paragraph("{{ budget.total }}")
    bad = io.BytesIO()
    doc.save(bad)
    bad = _named(bad.getvalue(), "brief.docx")
    refused = clients["steering"].post("/api/report-templates?key=brief", {"file": bad})
    assert refused.status_code == 422, refused.content
    assert refused.json()["error"]["details"][0]["code"] == "template_unknown_field" and "budget" in refused.json()["error"]["details"][0]["message"]
    broken = Document(io.BytesIO(shipped_bytes("brief")))
    broken.add_paragraph("{% for x in tasks %}")
    data = io.BytesIO()
    broken.save(data)
    page = web_client("thuky.web", "79", "steering").post("/official-reports/templates/",
                                                          {"key": "brief", "file": _named(data.getvalue(), "mau.docx")}, follow=True)
    assert "dòng" in page.content.decode() and not ReportTemplate.objects.exists()
    good = clients["steering"].post("/api/report-templates?key=brief&symbol=BC-SKHCN",
                                    {"file": _named(shipped_bytes("brief"), "brief.docx")})
    assert good.status_code == 201 and good.json()["version"] == 1
    built = _json(clients["steering"], "post", "/api/official-reports", {"template": "brief", "plan": "4354/KH-UBND", "as_of": "2026-11-30"})
    assert built.json()["inputs"]["template_version"] == 1 and built.json()["inputs"]["symbol"] == "BC-SKHCN"


def _named(content: bytes, name: str) -> io.BytesIO:
    f = io.BytesIO(content)
    f.name = name
    return f


def test_the_symbol_follows_the_issuing_body(plan, hcmc):
    from dieuhanh.reports.selectors import default_symbol

    assert default_symbol(hcmc["79"]) == "BC-UBND" and default_symbol(hcmc[BEN_THANH]) == "BC-UBND"
    assert default_symbol(hcmc["79.SKHCN"]) == "BC-SKHCN"
