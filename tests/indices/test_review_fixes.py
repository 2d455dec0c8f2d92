"""Regression tests of the review of the composite indices: a pipeline never names a server file, codes, years
and lengths are checked before they reach an address or a column, uploads are refused by size before they are read,
index pages show no task-level detail, numbers read the Vietnamese way, and a re-import replaces only when asked."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile

import pandas as pd
import pytest

from dieuhanh.audit.models import AuditEvent
from dieuhanh.core import coin
from dieuhanh.core.coin.cli import cli_run
from dieuhanh.errors import Conflict, Invalid
from dieuhanh.indices import selectors, tables
from dieuhanh.indices.models import DataPoint, Dataset, Element, Framework, Methodology, Run
from dieuhanh.indices.services import dataset_import, index_run, methodology_save
from tests.conftest import CITY, SYSTEM
from dieuhanh.core.coin.examples import ASEM_DIR as ASEM, ASEM_PIPELINE


def _imeta_bytes() -> bytes:
    return (ASEM / "ASEM_iMeta.csv").read_bytes()


def _upload(content: bytes, name: str) -> io.BytesIO:
    f = io.BytesIO(content)
    f.name = name
    return f


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def _said(response) -> str:
    """Every message the page shows, as one text."""
    return " ".join(_messages(response))


def _vi(exc) -> str:
    """The error's sentence as a Vietnamese page shows it (its own and its details')."""
    from django.utils import translation

    from dieuhanh.pages import error_text

    with translation.override("vi"):
        return error_text(exc)


# ---------------------------------------------------------------- 1. a pipeline is data, never a file name

def test_the_engine_reads_a_file_only_when_given_a_path(tmp_path):
    secret = tmp_path / "server-side.yaml"
    secret.write_text(ASEM_PIPELINE.read_text())
    from_path = coin.load_pipeline(secret)
    assert [s.step for s in from_path] == ["denominate", "impute", "screen", "treat", "normalise", "aggregate"]
    with pytest.raises(coin.FrameworkError) as err:
        coin.load_pipeline(str(secret))  # a string is YAML text: the scalar "/tmp/…/server-side.yaml", not a pipeline
    assert err.value.code == "bad_step" and "server-side" not in str(err.value)
    with pytest.raises(coin.FrameworkError) as err:
        coin.load_pipeline("/etc/definitely-not-here")
    assert err.value.code == "bad_step" and "does not exist" not in str(err.value)
    with pytest.raises(coin.FrameworkError) as err:
        coin.load_pipeline(tmp_path / "missing.yaml")  # the command line still says which file is missing
    assert err.value.code == "missing_file"
    text = coin.load_pipeline(ASEM_PIPELINE.read_text())
    assert [s.to_dict() for s in text] == [s.to_dict() for s in from_path]


def test_cli_run_still_takes_a_file_name_as_text(tmp_path):
    result = cli_run(str(ASEM / "ASEM_iData.csv"), str(ASEM / "ASEM_iMeta.csv"), str(ASEM_PIPELINE), tmp_path / "out")
    assert len(result.results) == 51 and (tmp_path / "out" / "results.csv").is_file()


@pytest.mark.django_db
def test_methodology_save_refuses_a_string_and_accepts_the_bare_list(asem):
    framework, _, _ = asem
    for steps in (str(ASEM_PIPELINE), "steps:\n  - step: aggregate\n", 42, {"stages": []}, {"steps": []}):
        with pytest.raises(Invalid) as err:
            methodology_save(actor=SYSTEM, framework=framework, code="STR", name="x", steps=steps)
        assert err.value.code == "invalid_pipeline" and "Tệp phương pháp" in _vi(err.value)
    assert not Methodology.objects.filter(code="STR").exists()
    listed = methodology_save(actor=SYSTEM, framework=framework, code="LIST", name="x",
                              steps=[{"step": "normalise"}, {"step": "aggregate"}])
    assert listed.steps == {"steps": [{"step": "normalise"}, {"step": "aggregate"}]}


@pytest.mark.django_db
def test_an_uploaded_pipeline_naming_a_server_file_is_refused_in_vietnamese(hcmc, web_client, tmp_path):
    secret = tmp_path / "server-side.yaml"
    secret.write_text(ASEM_PIPELINE.read_text())
    admin = web_client("qt.pipe", CITY, "administrator")
    for content in (str(secret).encode(), b"/etc/definitely-not-here", b"- [unclosed\n", b"\xff\xfe\x00"):
        r = admin.post("/indices/import/", {"code": "SRV", "imeta": _upload(_imeta_bytes(), "ASEM_iMeta.csv"),
                                            "pipeline": _upload(content, "p.yaml")}, follow=True)
        text = " ".join(_messages(r))
        assert "Tệp phương pháp “p.yaml”" in text, text
        assert "does not exist" not in text and "definitely" not in text and "server-side" not in text
    assert not Framework.objects.filter(code="SRV").exists() and not Methodology.objects.exists()  # all or nothing


@pytest.mark.django_db
def test_a_pipeline_file_above_64_kb_is_refused(hcmc, web_client):
    admin = web_client("qt.big", CITY, "administrator")
    big = ASEM_PIPELINE.read_bytes() + b"\n# " + b"x" * (64 * 1024) + b"\n"
    r = admin.post("/indices/import/", {"code": "BIG", "imeta": _upload(_imeta_bytes(), "ASEM_iMeta.csv"),
                                        "pipeline": _upload(big, "big.yaml")}, follow=True)
    assert "Tệp “big.yaml” quá lớn (tối đa 64 KB)." in _said(r)
    assert not Framework.objects.filter(code="BIG").exists()


def test_the_command_line_still_runs_a_pipeline_file(tmp_path):
    from django.core.management import call_command

    out = io.StringIO()
    call_command("index", "run", "--idata", str(ASEM / "ASEM_iData.csv"), "--imeta", str(ASEM / "ASEM_iMeta.csv"),
                 "--pipeline", str(ASEM_PIPELINE), "--out", str(tmp_path / "o"), stdout=out)
    assert "51 units ranked" in out.getvalue()
    assert pd.read_csv(tmp_path / "o" / "results.csv")["Rank"].min() == 1


# ---------------------------------------------------------------- 2. codes, years, lengths and workbooks

@pytest.mark.django_db
@pytest.mark.parametrize("code", ["A/B", "X" * 45, "import", "Import", "1ABC", "a b", "Bến_Thành"])
def test_a_framework_code_that_cannot_be_an_address_is_refused(hcmc, api_client, web_client, code):
    from urllib.parse import quote

    admin = api_client("qt.code", CITY, "administrator")

    r = admin.post(f"/api/indices?code={quote(code)}&name=x", {"imeta": io.BytesIO(_imeta_bytes())})
    if len(code) > 40:  # longer than the column: the request schema refuses it (api/fields.column)
        assert r.status_code == 400, r.content
        assert r.json()["error"]["details"][0]["code"] == "too_long" and r.json()["error"]["details"][0]["field"] == "code"
    else:
        assert r.status_code == 422, r.content
        assert r.json()["error"]["code"] == "invalid_code" and r.json()["error"]["details"][0]["field"] == "code"
    assert not Framework.objects.exists()
    assert web_client("xem.code", CITY, "viewer").get("/indices/").status_code == 200


@pytest.mark.django_db
def test_the_longest_allowed_code_works_end_to_end(hcmc, api_client, web_client):
    code = "A" + "b" * 39
    admin = api_client("qt.long", CITY, "administrator")
    r = admin.post(f"/api/indices?code={code}&name=x&dataset=D{'1' * 39}", {"imeta": io.BytesIO(_imeta_bytes()),
                                                                            "idata": io.BytesIO((ASEM / "ASEM_iData.csv").read_bytes())})
    assert r.status_code == 201, r.content
    assert web_client("xem.long", CITY, "viewer").get(f"/indices/{code}/").status_code == 200


@pytest.mark.django_db
def test_methodology_and_data_set_codes_are_checked_too(asem, api_client):
    admin = api_client("qt.mcode", CITY, "administrator")
    r = admin.post("/api/indices/ASEM/methodologies", {"code": "a/b", "steps": {"steps": [{"step": "aggregate"}]}}, content_type="application/json")
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "methodology"
    r = admin.post("/api/indices/ASEM/methodologies", {"code": "OK", "steps": str(ASEM_PIPELINE)}, content_type="application/json")
    assert r.status_code == 400 and r.json()["error"]["details"][0]["field"].startswith("steps")  # a string is not a pipeline
    framework = Framework.objects.get(code="ASEM")
    with pytest.raises(Invalid) as err:
        dataset_import(actor=SYSTEM, framework=framework, code="D/1", name="x", idata=pd.read_csv(ASEM / "ASEM_iData.csv", dtype=object))
    assert err.value.details[0]["field"] == "dataset"


@pytest.mark.django_db
def test_years_outside_1900_to_2100_are_refused_not_500(hcmc, api_client, asem):
    admin = api_client("qt.yr", CITY, "administrator")
    idata = pd.read_csv(ASEM / "ASEM_iData.csv", dtype=object).drop(columns=["Time"])
    for year in ("99999999999", "1899", "2101"):
        r = admin.post(f"/api/indices?code=YR&name=x&year={year}", {"imeta": io.BytesIO(_imeta_bytes()),
                                                                    "idata": _upload(idata.to_csv(index=False).encode(), "d.csv")})
        assert r.status_code == 400, (year, r.content)
        assert [(d["field"], d["code"]) for d in r.json()["error"]["details"]] == [("year", "out_of_range")]
    with pytest.raises(Invalid) as err:  # the same import from the page, where the year is text
        from dieuhanh.indices.services import index_files_import

        index_files_import(actor=SYSTEM, owner=asem[0].owner, code="YR", imeta=_upload(_imeta_bytes(), "m.csv"),
                           idata=_upload(idata.to_csv(index=False).encode(), "d.csv"), year="2101")
    assert err.value.code == "invalid_year"
    timed = pd.read_csv(ASEM / "ASEM_iData.csv", dtype=object)
    timed.loc[3, "Time"] = "40000"
    with pytest.raises(Invalid) as err:
        dataset_import(actor=SYSTEM, framework=asem[0], code="T", name="T", idata=timed)
    assert err.value.code == "invalid_year" and timed.loc[3, "uCode"] in err.value.details[0]["field"]
    r = admin.post("/api/indices/ASEM/runs", {"dataset": "ASEM2018", "methodology": "COINR", "year": 99999}, content_type="application/json")
    assert r.status_code == 400 and r.json()["error"]["details"][0]["field"] == "year" and not Run.objects.exists()
    with pytest.raises(Invalid):
        index_run(actor=SYSTEM, framework=asem[0], dataset=asem[1], methodology=asem[2], year=40000)
    assert not Framework.objects.filter(code="YR").exists()


@pytest.mark.django_db
def test_codes_longer_than_their_columns_are_named_not_500(hcmc, api_client):
    admin = api_client("qt.len", CITY, "administrator")
    idata = pd.read_csv(ASEM / "ASEM_iData.csv", dtype=object)
    long_unit = "U" * 70
    idata.loc[0, "uCode"] = long_unit
    r = admin.post("/api/indices?code=LU&name=x", {"imeta": io.BytesIO(_imeta_bytes()), "idata": _upload(idata.to_csv(index=False).encode(), "d.csv")})
    assert r.status_code == 422, r.content
    assert r.json()["error"]["details"][0]["field"] == long_unit[:80] and "60" in r.json()["error"]["details"][0]["message"]
    slash = pd.read_csv(ASEM / "ASEM_iData.csv", dtype=object)
    slash.loc[0, "uCode"] = "A/B"
    r = admin.post("/api/indices?code=SL&name=x", {"imeta": io.BytesIO(_imeta_bytes()), "idata": _upload(slash.to_csv(index=False).encode(), "d.csv")})
    assert r.status_code == 422 and r.json()["error"]["details"][0]["code"] == "bad_ucode"
    imeta = pd.read_csv(ASEM / "ASEM_iMeta.csv", dtype=object)
    long_code = "I" * 70
    imeta.loc[imeta["iCode"] == "LPI", "iCode"] = long_code
    r = admin.post("/api/indices?code=LI&name=x", {"imeta": _upload(imeta.to_csv(index=False).encode(), "m.csv")})
    assert r.status_code == 422 and r.json()["error"]["details"][0]["code"] == "too_long"
    assert not Framework.objects.exists() and not Element.objects.exists()


@pytest.mark.django_db
def test_a_zip_that_is_not_a_workbook_is_named_not_500(hcmc, api_client, web_client):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("a.txt", "hello")
    admin = api_client("qt.zip", CITY, "administrator")
    r = admin.post("/api/indices?code=ZIP&name=x", {"imeta": _upload(buf.getvalue(), "x.xlsx")})
    assert r.status_code == 422, r.content
    detail = r.json()["error"]["details"][0]
    assert (r.json()["error"]["code"], detail["field"], detail["code"]) == ("index_unreadable_file", "x.xlsx", "not_a_workbook")
    page = web_client("qt.zipw", CITY, "administrator").post("/indices/import/", {"code": "ZIP", "imeta": _upload(buf.getvalue(), "x.xlsx")},
                                                              follow=True)
    assert "Tệp “x.xlsx” không đọc được. (x.xlsx: Không phải bảng tính XLSX hợp lệ.)" in _messages(page)
    with pytest.raises(Invalid) as err:
        tables.read_table(b"PK\x03\x04 not a zip at all", "broken.xlsx")
    assert err.value.details[0]["field"] == "broken.xlsx"


# ---------------------------------------------------------------- 3. uploads refused by size before they are read

@pytest.mark.django_db
def test_uploads_are_refused_by_the_setting_before_they_are_read(hcmc, api_client, web_client, settings):
    settings.DIEUHANH_INDEX_UPLOAD_MAX_BYTES = 1024
    admin = api_client("qt.size", CITY, "administrator")
    r = admin.post("/api/indices?code=BIG&name=x", {"imeta": _upload(_imeta_bytes(), "ASEM_iMeta.csv")})
    assert r.status_code == 422 and r.json()["error"]["code"] == "file_too_large"
    page = web_client("qt.sizew", CITY, "administrator").post("/indices/import/", {"code": "BIG", "imeta": _upload(_imeta_bytes(), "ASEM_iMeta.csv")},
                                                               follow=True)
    assert "Tệp “ASEM_iMeta.csv” quá lớn (tối đa 1 KB)." in _said(page)
    assert not Framework.objects.exists()

    class Declared:  # an upload that says it is large: refused without a single read
        name, size = "huge.csv", 10**9

        def read(self, *_):
            raise AssertionError("read before the size check")

    with pytest.raises(Invalid) as err:
        tables.upload_bytes(Declared())
    assert err.value.code == "file_too_large"
    settings.DIEUHANH_INDEX_UPLOAD_MAX_BYTES = 20 * 1024 * 1024
    from django.core.files.uploadedfile import SimpleUploadedFile

    assert tables.upload_bytes(SimpleUploadedFile("ASEM_iMeta.csv", _imeta_bytes())) == _imeta_bytes()


# ---------------------------------------------------------------- 4. no task-level detail through index pages

@pytest.mark.django_db
def test_ward_index_pages_show_task_shares_but_no_task_detail(hcmc, plan, web_client, api_client):
    from dieuhanh.indices.shipped import load_shipped
    from dieuhanh.indices.ward import FRAMEWORK, ward_index
    from dieuhanh.plans.models import Task
    from dieuhanh.plans.services import task_create

    load_shipped(actor=SYSTEM, codes=[FRAMEWORK])
    group = plan.groups.get(number=4)
    task_create(actor=SYSTEM, plan=plan, group=group, code="4.9", title="Nhiệm vụ nội bộ KHÔNG-CÔNG-BỐ", lead_unit=hcmc["26743"],
                start_date=dt.date(2025, 7, 1), deadline=dt.date(2026, 6, 30))
    ward_index(actor=SYSTEM, year=2026, run=True)
    framework = Framework.objects.get(code=FRAMEWORK)
    run = selectors.latest_run(framework)
    assert run is not None and DataPoint.objects.filter(dataset__framework=framework, code="TASK_OVERDUE", ucode="26743").exists()
    titles = list(Task.objects.filter(lead_unit=hcmc["26743"]).values_list("title", flat=True))
    assert "Nhiệm vụ nội bộ KHÔNG-CÔNG-BỐ" in titles
    viewer = web_client("xem.ward", "26740", "viewer")  # another ward's viewer: outside 26743's task reach
    api = api_client("xem.wapi", "26740", "viewer")
    pages = [viewer.get(f"/indices/{FRAMEWORK}/").content.decode(),
             viewer.get(f"/indices/{FRAMEWORK}/units/26743/?run={run.pk}").content.decode(),
             viewer.get(f"/indices/{FRAMEWORK}/method/").content.decode(),
             viewer.get(f"/indices/{FRAMEWORK}/runs/{run.pk}/").content.decode(),
             viewer.get(f"/indices/{FRAMEWORK}/datasets/NEN_TANG/idata.csv").content.decode("utf-8-sig"),
             viewer.get(f"/indices/{FRAMEWORK}/runs/{run.pk}/results.csv").content.decode("utf-8-sig"),
             api.get(f"/api/indices/{FRAMEWORK}/units/26743").content.decode(), api.get(f"/api/indices/{FRAMEWORK}").content.decode()]
    assert "TASK_OVERDUE" in pages[4]  # the published share is there
    hidden = [*titles, "Hạ tầng số, nền tảng và dịch vụ số", "4354/KH-UBND", "Kế hoạch thực hiện Nghị quyết 57"]  # tasks, group, plan
    for text in pages:
        for words in hidden:
            assert words not in text
    for source in Dataset.objects.filter(framework=framework).values_list("source", flat=True):
        assert all(title not in source for title in titles)


# ---------------------------------------------------------------- 5. Vietnamese numbers and messages, replace only when asked

@pytest.mark.django_db
def test_the_run_message_and_the_method_use_vietnamese_decimals(asem, web_client):
    admin = web_client("qt.vi", CITY, "administrator")
    r = admin.post("/indices/ASEM/run/", {"dataset": "ASEM2018", "methodology": "COINR", "year": "2018"}, follow=True)
    done = [m for m in _messages(r) if m.startswith("Đã tính xong trong")]
    assert done and "," in done[0] and "." not in done[0].removesuffix(" giây."), done
    framework = asem[0]
    methodology_save(actor=SYSTEM, framework=framework, code="ZS", name="z", steps={"steps": [
        {"step": "treat", "skew": 2.25, "kurt": 3.5}, {"step": "normalise", "method": "zscore", "mean": 10, "sd": 2.5},
        {"step": "aggregate", "method": "generalised", "p": 0.5}]})
    page = admin.get("/indices/ASEM/method/?methodology=ZS").content.decode()
    assert "|độ lệch| &gt; 2,25 và độ nhọn &gt; 3,5" in page or "|độ lệch| > 2,25 và độ nhọn > 3,5" in page
    assert "độ lệch chuẩn 2,5" in page and "(p = 0,5)" in page and "2.25" not in page
    assert selectors.describe_step({"step": "normalise", "method": "minmax", "low": 1, "high": 1000}).startswith(
        "Chuẩn hóa bằng min–max về thang 1–1.000")
    assert selectors.describe_uncertainty({"weights": {"noise": 0.125}}, []) == [
        "Trọng số dao động ngẫu nhiên ±12,5 % quanh giá trị danh nghĩa ở mọi cấp."]


@pytest.mark.django_db
def test_a_run_for_a_year_without_data_fails_with_a_vietnamese_reason(asem):
    framework, dataset, methodology = asem
    run = index_run(actor=SYSTEM, framework=framework, dataset=dataset, methodology=methodology, year=2030)
    assert run.status == "failed" and run.error == "Bộ dữ liệu “ASEM2018” không có giá trị nào cho năm 2030."


@pytest.mark.django_db
def test_replications_that_are_not_a_number_are_said_in_vietnamese(asem, web_client):
    admin = web_client("qt.rep", CITY, "administrator")
    for value in ("abc", "5", "99999"):
        r = admin.post("/indices/ASEM/run/", {"dataset": "ASEM2018", "methodology": "COINR", "year": "2018", "kind": "uncertainty",
                                              "replications": value}, follow=True)
        assert f"Số lần lặp phải là số nguyên từ 10 đến 5.000, không phải “{value}”." in _messages(r)
    assert not Run.objects.exists()


@pytest.mark.django_db
def test_a_mistyped_owner_is_a_field_error_not_404(hcmc, web_client, api_client):
    admin = web_client("qt.own", CITY, "administrator")
    r = admin.post("/indices/import/", {"code": "OWN", "owner": "79.KHONGCO", "imeta": _upload(_imeta_bytes(), "ASEM_iMeta.csv")}, follow=True)
    assert r.status_code == 200 and "Đơn vị sở hữu: không có đơn vị mã “79.KHONGCO”." in _said(r)
    r = api_client("qt.owna", CITY, "administrator").post("/api/indices?code=OWN&name=x&owner=79.KHONGCO", {"imeta": io.BytesIO(_imeta_bytes())})
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "owner"
    assert not Framework.objects.exists()


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@pytest.mark.django_db
def test_reimporting_a_changed_framework_needs_replace_and_records_both_hashes(asem, api_client, web_client):
    framework = asem[0]
    before = tables.imeta_of(framework).to_csv(index=False)
    imeta = pd.read_csv(ASEM / "ASEM_iMeta.csv", dtype=object)
    imeta.loc[imeta["iCode"] == "Conn", "Weight"] = "2"
    changed = imeta.to_csv(index=False).encode()
    admin = api_client("qt.rep", CITY, "administrator")
    r = admin.post("/api/indices?code=ASEM&name=ASEM", {"imeta": _upload(changed, "m.csv")})
    assert r.status_code == 409 and r.json()["error"]["code"] == "framework_exists"
    assert Framework.objects.get(code="ASEM").version == 1 and Element.objects.get(framework=framework, code="Conn").weight == 1.0
    same = admin.post("/api/indices?code=ASEM&name=ASEM", {"imeta": io.BytesIO(_imeta_bytes())})
    assert same.status_code == 201 and same.json()["version"] == 1  # the same tree again: nothing to confirm
    page = web_client("qt.repw", CITY, "administrator").post("/indices/import/", {"code": "ASEM", "name": "ASEM", "imeta": _upload(changed, "m.csv")},
                                                              follow=True)
    assert any("Khung chỉ số “ASEM” đã có. Đánh dấu “Thay thế”" in m for m in _messages(page))
    r = admin.post("/api/indices?code=ASEM&name=ASEM&replace=true", {"imeta": _upload(changed, "m.csv")})
    assert r.status_code == 201 and r.json()["version"] == 2
    event = AuditEvent.objects.filter(action="framework_import").latest("id")
    after = tables.imeta_of(Framework.objects.get(code="ASEM")).to_csv(index=False)
    assert event.changes["tree_sha256"] == [_sha(before), _sha(after)] and _sha(before) != _sha(after)


@pytest.mark.django_db
def test_reimporting_changed_data_needs_replace_a_new_year_does_not(asem, web_client):
    framework, dataset, _ = asem
    idata = pd.read_csv(ASEM / "ASEM_iData.csv", dtype=object)
    changed = idata.copy()
    changed.loc[changed["uCode"] == "AUT", "LPI"] = "1.5"
    with pytest.raises(Conflict) as err:
        dataset_import(actor=SYSTEM, framework=framework, code="ASEM2018", name="ASEM 2018", idata=changed)
    assert err.value.code == "data_set_exists"
    assert DataPoint.objects.get(dataset=dataset, ucode="AUT", code="LPI", year=2018).value != 1.5  # rolled back
    assert dataset_import(actor=SYSTEM, framework=framework, code="ASEM2018", name="ASEM 2018", idata=idata).version == 1  # same data
    other_year = idata.assign(Time="2019")
    assert dataset_import(actor=SYSTEM, framework=framework, code="ASEM2018", name="ASEM 2018", idata=other_year).version == 2
    before = tables.idata_of(Dataset.objects.get(pk=dataset.pk)).to_csv(index=False)
    admin = web_client("qt.data", CITY, "administrator")
    r = admin.post("/indices/import/", {"code": "ASEM", "name": "ASEM", "imeta": _upload(_imeta_bytes(), "ASEM_iMeta.csv"), "dataset": "ASEM2018",
                                        "idata": _upload(changed.to_csv(index=False).encode(), "d.csv")}, follow=True)
    assert any("Bộ dữ liệu “ASEM2018” đã có" in m for m in _messages(r))
    r = admin.post("/indices/import/", {"code": "ASEM", "name": "ASEM", "imeta": _upload(_imeta_bytes(), "ASEM_iMeta.csv"), "dataset": "ASEM2018",
                                        "idata": _upload(changed.to_csv(index=False).encode(), "d.csv"), "replace": "1"})
    assert r.status_code == 302
    assert DataPoint.objects.get(dataset=dataset, ucode="AUT", code="LPI", year=2018).value == 1.5
    assert DataPoint.objects.filter(dataset=dataset, year=2019).exists()  # the other year stays
    event = AuditEvent.objects.filter(action="dataset_import").latest("id")
    after = tables.idata_of(Dataset.objects.get(pk=dataset.pk)).to_csv(index=False)
    assert event.changes["data_sha256"] == [_sha(before), _sha(after)] and event.changes["replaced_years"][1] == [2018]


@pytest.mark.django_db
def test_the_import_command_replaces_only_with_replace(hcmc, tmp_path):
    from django.core.management import CommandError, call_command

    call_command("index", "import", "--framework", "ASEM", "--imeta", str(ASEM / "ASEM_iMeta.csv"))
    imeta = pd.read_csv(ASEM / "ASEM_iMeta.csv", dtype=object)
    imeta.loc[imeta["iCode"] == "Conn", "Weight"] = "2"
    changed = tmp_path / "iMeta.csv"
    imeta.to_csv(changed, index=False)
    with pytest.raises(CommandError, match="framework_exists"):
        call_command("index", "import", "--framework", "ASEM", "--imeta", str(changed))
    call_command("index", "import", "--framework", "ASEM", "--imeta", str(changed), "--replace")
    assert Framework.objects.get(code="ASEM").version == 2
    pipeline = tmp_path / "p.yaml"
    pipeline.write_text(str(ASEM_PIPELINE))  # a file whose content is a path: refused, not followed
    with pytest.raises(CommandError, match="invalid_pipeline"):
        call_command("index", "import", "--framework", "ASEM", "--imeta", str(changed), "--pipeline", str(pipeline))
    assert not Methodology.objects.exists()
    call_command("index", "import", "--framework", "ASEM", "--imeta", str(changed), "--pipeline", str(ASEM_PIPELINE), "--methodology", "COINR")
    assert Methodology.objects.get(code="COINR").steps["steps"][0] == {"step": "denominate"}
