"""Official reports: the shipped templates generate as of 30/11/2026 in the Decree 30 format (the checker passes them
and catches each broken rule), Phụ lục I and II hold the numbers of the statistics page and the indicators as of the
date, the same inputs give the same bytes, the PDF shows the header block, and the command line builds and checks."""

import datetime as dt
import io
import re
import subprocess
from decimal import Decimal

import pytest
from django.core.management import call_command
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

from dieuhanh.core.common.errors import CoreError
from dieuhanh.core.reports import decree30, render
from dieuhanh.indicators.services import indicator_create, target_set, value_set, values_approve, values_submit
from dieuhanh.plans.models import Task
from dieuhanh.plans.services import report_approve, report_save
from dieuhanh.reports import pdf, selectors
from dieuhanh.reports.models import GeneratedReport
from dieuhanh.reports.services import report_build
from tests.conftest import SYSTEM

D = dt.date
AS_OF = D(2026, 11, 30)


@pytest.fixture
def city_report(plan, hcmc):
    """The small plan (1.1 due 31/12/2025, 4.1 due 31/03/2026, 4.2 due 31/12/2026 with 40 % approved on 05/11/2026) and
    one city indicator with an approved 2025 value (23) and an approved 2026 value (30) for a year not ended by the date."""
    t = Task.objects.get(plan=plan, code="4.2")
    r = report_save(actor=SYSTEM, task=t, period="2026-10", percent=Decimal(40), submit=True)
    report_approve(actor=SYSTEM, report=r, expected_version=r.version, approved_on=D(2026, 11, 5))
    city = hcmc["79"]
    grdp = indicator_create(actor=SYSTEM, owner=hcmc["79.SKHCN"], code="KTS_GRDP", name="Tỷ trọng kinh tế số trong GRDP",
                            kind="strategic", value_type="percent", aggregation="none", reporting_units=[city])
    target_set(actor=SYSTEM, indicator=grdp, unit=city, year=2030, value=Decimal(40))
    target_set(actor=SYSTEM, indicator=grdp, unit=city, year=2024, value=Decimal(20), kind="baseline")
    for period, value in (("2025", 23), ("2026", 30)):
        value_set(actor=SYSTEM, indicator=grdp, unit=city, period=period, value=Decimal(value))
        values_submit(actor=SYSTEM, unit=city, period=period)
        values_approve(actor=SYSTEM, unit=city, period=period)
    return report_build(actor=SYSTEM, template="city-periodic", plan=plan, unit=city, as_of=AS_OF, number=5,
                        issued_on=D(2026, 12, 5), signer_name="Nguyễn Văn A")


def appendix_table(doc, numeral: str) -> list[list[str]]:
    """The rows (header first) of the table following "Phụ lục <numeral>"."""
    body = doc.element.body
    seen = False
    for el in body.iterchildren():
        if el.tag.endswith("}p") and Paragraph(el, doc).text.strip() == f"Phụ lục {numeral}":
            seen = True
        elif seen and el.tag.endswith("}tbl"):
            return [[c.text.strip() for c in row.cells] for row in Table(el, doc).rows]
    raise AssertionError(f"no Phụ lục {numeral}")


def test_city_report_holds_the_numbers_as_of_the_date_and_passes_decree_30(city_report, plan):
    doc = Document(io.BytesIO(bytes(city_report.content)))
    assert decree30.check(io.BytesIO(bytes(city_report.content))) == []
    text = [p.text for p in doc.paragraphs]
    assert "BÁO CÁO" in text
    header = [c.text for row in doc.tables[0].rows for c in row.cells]
    assert "Số: 05/BC-UBND" in header and "Thành phố Hồ Chí Minh, ngày 05 tháng 12 năm 2026" in header
    # hand computed: 1.1 overdue since 31/12/2025, 4.1 overdue since 31/03/2026, 4.2 within its deadline at 40 %
    assert any(t.startswith("Tính đến ngày 30/11/2026, Thành phố có 3 nhiệm vụ được giao; hoàn thành đúng hạn 0, hoàn thành "
                            "quá hạn 0, đang thực hiện trong hạn 1, quá hạn chưa hoàn thành 2") for t in text)
    rows = appendix_table(doc, "I")
    assert rows[0] == ["STT", "Nhiệm vụ", "Đơn vị chủ trì", "Đơn vị phối hợp", "Sản phẩm", "Thời hạn", "Tình trạng", "Tiến độ (%)"]
    by_title = {r[1]: r for r in rows[1:]}
    assert len(rows) == 4  # the sub-tasks of 4.1 are not listed, as the statistics do not count them
    assert by_title["Phổ cập kỹ năng số cho người dân phường"][5:] == ["31/12/2026", "Đang thực hiện trong hạn", "40"]
    assert by_title["Thành lập Quỹ đầu tư mạo hiểm"][5:7] == ["31/03/2026", "Quá hạn"]
    assert by_title["Ban hành khung quản trị thực hiện Nghị quyết 57"][3] == "Sở Nội vụ; Sở Tài chính"
    kpi = appendix_table(doc, "II")
    assert kpi[1][1:5] == ["KTS_GRDP", "Tỷ trọng kinh tế số trong GRDP", "Năm 2025", kpi[1][4]]
    assert kpi[1][4].startswith("23")  # the 2026 value belongs to a year not ended by 30/11/2026
    assert kpi[1][5] == "40 (2030)"
    assert appendix_table(doc, "IV")[0][2] == "Khó khăn, vướng mắc"
    # the same inputs give the same file: the stored report is returned
    again = report_build(actor=SYSTEM, template="city-periodic", plan=plan, unit=plan.issuer, as_of=AS_OF, number=5,
                         issued_on=D(2026, 12, 5), signer_name="Nguyễn Văn A")
    assert again.pk == city_report.pk and GeneratedReport.objects.count() == 1
    assert city_report.sha256 == render.sha256(bytes(city_report.content))
    with pytest.raises(ValueError):
        city_report.save()
    with pytest.raises(ValueError):
        city_report.delete()


def test_the_statistics_page_agrees_with_the_appendix(city_report, plan, web_client):
    client = web_client("thuky", "79", "steering")
    page = client.get(f"/plans/{plan.pk}/statistics/?as_of=2026-11-30").content.decode()
    doc = Document(io.BytesIO(bytes(city_report.content)))
    groups = [p.text for p in doc.paragraphs if p.text.startswith(("1. ", "4. "))]
    assert groups[0].startswith("1. Lãnh đạo, chỉ đạo: 1 nhiệm vụ; hoàn thành đúng hạn 0, hoàn thành quá hạn 0, đang thực hiện "
                                "trong hạn 0, quá hạn chưa hoàn thành 1")
    assert groups[1].startswith("4. Hạ tầng số, nền tảng và dịch vụ số: 2 nhiệm vụ; hoàn thành đúng hạn 0, hoàn thành quá hạn 0, "
                                "đang thực hiện trong hạn 1, quá hạn chưa hoàn thành 1")
    cells = {}
    for label, rest in re.findall(r'<tr><th scope="row">([^<]+)</th>(.*?)</tr>', page, re.S):
        cells[label.strip()] = re.findall(r">\s*(\d+)\s*<", rest)
    # the page's row (total, on time, late, within deadline, overdue) = the report's figures
    assert cells["1. Lãnh đạo, chỉ đạo"] == ["1", "0", "0", "0", "1"]
    assert cells["4. Hạ tầng số, nền tảng và dịch vụ số"] == ["2", "0", "0", "1", "1"]


@pytest.mark.parametrize("template,unit", [("unit-periodic", "79.STC"), ("brief", "79")])
def test_every_shipped_template_passes_the_checker(plan, hcmc, template, unit):
    report = report_build(actor=SYSTEM, template=template, plan=plan, unit=hcmc[unit], as_of=AS_OF, number=12,
                          issued_on=D(2026, 12, 5))
    assert decree30.check(io.BytesIO(bytes(report.content))) == []
    again = render.render(selectors.template_bytes(template), selectors.report_context(
        SYSTEM, template=template, plan=plan, as_of=AS_OF, unit=hcmc[unit], number=12, issued_on=D(2026, 12, 5)),
        title=Document(io.BytesIO(bytes(report.content))).core_properties.title, as_of=AS_OF)
    assert again == bytes(report.content)


def _break(content: bytes, rule: str) -> bytes:
    doc = Document(io.BytesIO(content))
    paragraphs = [p for t in doc.tables for row in t.rows for c in row.cells for p in c.paragraphs] + doc.paragraphs

    def find(text):
        return next(p for p in paragraphs if p.text.strip().startswith(text))

    if rule == "a4":
        doc.sections[0].page_height = Mm(279)
    elif rule == "margins":
        doc.sections[0].left_margin = Mm(20)
    elif rule == "font":
        find("I. CÔNG TÁC").runs[0].font.name = "Arial"
    elif rule == "quoc_hieu":
        find(decree30.QUOC_HIEU).runs[0].font.size = Pt(15)
    elif rule == "tieu_ngu":
        p = find(decree30.TIEU_NGU)
        p._p.pPr.remove(p._p.pPr.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}pBdr"))
    elif rule == "issuer":
        find("THÀNH PHỐ HỒ CHÍ MINH").runs[0].bold = False
    elif rule == "number":
        find("Số:").runs[0].text = "Số: 5/BC-UBND"
    elif rule == "place_date":
        find("Thành phố Hồ Chí Minh, ngày").runs[0].italic = False
    elif rule == "title":
        find("BÁO CÁO").runs[0].bold = False
    elif rule == "body":
        find("Tính đến ngày").alignment = WD_ALIGN_PARAGRAPH.LEFT
    elif rule == "page_numbers":
        doc.sections[0].different_first_page_header_footer = False
    elif rule == "signature":
        find("TM.").runs[0].text = "ỦY BAN NHÂN DÂN"
    elif rule == "recipients":
        find("- Lưu").runs[0].text = "- Văn phòng."
    elif rule == "appendix":
        find("(Kèm theo").runs[0].text = "Ghi chú"
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def test_the_checker_names_each_broken_rule(city_report, tmp_path, capsys):
    content = bytes(city_report.content)
    for rule in decree30.RULES:
        broken = tmp_path / f"{rule}.docx"
        broken.write_bytes(_break(content, rule))
        failures = decree30.check(str(broken))
        assert rule in {f.rule for f in failures}, (rule, failures)
    # the command line names what fails and exits non-zero
    with pytest.raises(SystemExit) as exit_:
        call_command("reports", "check", str(tmp_path / "number.docx"))
    assert exit_.value.code == 1
    assert 'number: "Số: 5/BC-UBND": numbers below 10 are written with a leading zero' in capsys.readouterr().out


def test_the_command_line_builds_docx_and_pdf_with_the_header_block(plan, tmp_path):
    out = tmp_path / "bao-cao.docx"
    call_command("reports", "build", "--plan", "4354/KH-UBND", "--as-of", "2026-11-30", "--template", "city-periodic",
                 "--issued-on", "2026-12-05", "--out", str(out))
    assert decree30.check(str(out)) == []
    call_command("reports", "check", str(out))
    pdf_out = tmp_path / "bao-cao.pdf"
    call_command("reports", "build", "--plan", "4354/KH-UBND", "--as-of", "2026-11-30", "--template", "city-periodic",
                 "--issued-on", "2026-12-05", "--out", str(pdf_out))
    assert GeneratedReport.objects.count() == 1  # the same inputs: the same stored report
    page1 = subprocess.run(["pdftotext", "-l", "1", "-layout", str(pdf_out), "-"], capture_output=True, text=True, check=True).stdout
    flat = " ".join(page1.split())
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in flat and "BÁO CÁO" in flat and "Số: 01/BC-UBND" in flat
    subprocess.run(["pdftoppm", "-r", "30", "-f", "1", "-l", "1", "-gray", "-png", str(pdf_out), str(tmp_path / "p")], check=True)
    png = next(tmp_path.glob("p*.png"))
    from PIL import Image
    dark = sum(Image.open(png).convert("L").histogram()[:128])
    assert dark > 200  # not blank: the header block and the text are drawn
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith((".bao", "bao"))) == ["bao-cao.docx", "bao-cao.pdf"]


def test_libreoffice_missing_or_hanging_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("DIEUHANH_SOFFICE", "/nonexistent/soffice")
    with pytest.raises(pdf.ConversionFailed) as e:
        pdf.to_pdf(b"not a docx")
    assert e.value.code == "libreoffice_missing"
    monkeypatch.delenv("DIEUHANH_SOFFICE")
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(pdf.ConversionFailed) as e:
        pdf.to_pdf(b"x")
    assert e.value.code == "libreoffice_missing"
    hang = tmp_path / "soffice"
    hang.write_text("#!/bin/sh\nexec /bin/sleep 30\n")
    hang.chmod(0o755)
    monkeypatch.setenv("DIEUHANH_SOFFICE", str(hang))
    with pytest.raises(pdf.ConversionFailed) as e:
        pdf.to_pdf(b"x", timeout=1)
    assert e.value.code == "libreoffice_timeout"


def test_a_template_with_an_unknown_field_or_broken_tags_is_refused():
    shipped = selectors.shipped_bytes("brief")
    render.check_fields(shipped, selectors.FIELDS)
    doc = Document(io.BytesIO(shipped))
    doc.add_paragraph("{{ budget.total }}")
    unknown = io.BytesIO()
    doc.save(unknown)
    with pytest.raises(CoreError) as e:
        render.check_fields(unknown.getvalue(), selectors.FIELDS)
    assert e.value.code == "template_unknown_field" and e.value.params["field"] == "budget"
    doc.add_paragraph("{% for x in tasks %}")
    broken = io.BytesIO()
    doc.save(broken)
    with pytest.raises(CoreError) as e:
        render.check_fields(broken.getvalue(), selectors.FIELDS)
    assert e.value.code == "template_syntax" and e.value.params["line"] >= 1
