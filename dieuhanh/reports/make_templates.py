"""Writes the shipped report templates (``templates_docx/*.docx``) with python-docx in the Decree 30 layout, holding
docxtpl (Jinja) tags for the data of docs/REPORTS.md. Officials edit the result in Word; this script regenerates the
shipped ones: ``python -m dieuhanh.reports.make_templates``."""
from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm

from dieuhanh.core.reports.render import fixed_zip
from dieuhanh.core.reports.decree30 import QUOC_HIEU, TIEU_NGU, bottom_rule, no_borders, setup_document, setup_section, styled

HERE = Path(__file__).resolve().parent / "templates_docx"
J, C, L = WD_ALIGN_PARAGRAPH.JUSTIFY, WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT


def _cell_text(cell, text, *, bold=False, italic=False, size=13, align=C):
    p = cell.paragraphs[0]
    styled(p, text, bold=bold, italic=italic, size=size, align=align)
    return p


def header(doc) -> None:
    t = doc.add_table(rows=2, cols=2)
    no_borders(t)
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = t.rows[0].cells
    _cell_text(left, "{{ report.issuer_parent }}", size=12)
    p = left.add_paragraph()
    styled(p, "{{ report.issuer }}", bold=True, size=12, align=C)
    bottom_rule(p)
    _cell_text(right, QUOC_HIEU, bold=True, size=12)
    p = right.add_paragraph()
    styled(p, TIEU_NGU, bold=True, size=13, align=C)
    bottom_rule(p)
    left, right = t.rows[1].cells
    _cell_text(left, "{{ report.number_line }}", size=13)
    _cell_text(right, "{{ report.date_line }}", italic=True, size=13)
    t.autofit = False
    for i, width in enumerate((Mm(72), Mm(93))):
        t.columns[i].width = width
        for row in t.rows:
            row.cells[i].width = width
    p = doc.add_paragraph()
    styled(p, "BÁO CÁO", bold=True, size=14, align=C)
    p.paragraph_format.space_before = Mm(4)
    p = doc.add_paragraph()
    styled(p, "{{ report.summary }}", bold=True, size=14, align=C)
    p = doc.add_paragraph()
    styled(p, "{{ report.provisional_note }}", italic=True, size=13, align=C)


def heading(doc, text) -> None:
    styled(doc.add_paragraph(), text, bold=True, size=14, align=J, indent_mm=10)


def body(doc, text) -> None:
    styled(doc.add_paragraph(), text, size=14, align=J, indent_mm=10)


def paragraphs(doc, loop: str) -> None:
    """One body paragraph per item of ``loop`` (a list of paragraphs, e.g. ``sections.leadership``)."""
    tag(doc, f"{{%p for x in {loop} %}}")
    body(doc, "{{ x }}")
    tag(doc, "{%p endfor %}")


def tag(doc, text) -> None:
    """A docxtpl paragraph tag ({%p … %}); the paragraph is removed when rendered."""
    styled(doc.add_paragraph(), text, size=14, align=J, indent_mm=10)


def signature(doc) -> None:
    t = doc.add_table(rows=1, cols=2)
    no_borders(t)
    left, right = t.rows[0].cells
    _cell_text(left, "Nơi nhận:", bold=True, italic=True, size=12, align=L)
    styled(left.add_paragraph(), "{%p for r in recipients %}", size=11, align=L)
    styled(left.add_paragraph(), "- {{ r }};", size=11, align=L)
    styled(left.add_paragraph(), "{%p endfor %}", size=11, align=L)
    styled(left.add_paragraph(), "- Lưu: VT, {{ report.archive }}.", size=11, align=L)
    _cell_text(right, "{{ signer.mode }}", bold=True, size=14)
    styled(right.add_paragraph(), "{{ signer.title }}", bold=True, size=14, align=C)
    for _ in range(3):
        right.add_paragraph()
    styled(right.add_paragraph(), "{{ signer.name }}", bold=True, size=14, align=C)
    for c, w in zip(t.rows[0].cells, (Mm(80), Mm(85))):
        c.width = w


def appendix(doc, numeral: str, title: str, columns: list[tuple[str, str, float]], loop: str) -> None:
    """A landscape section: "Phụ lục …", its title, "(Kèm theo Báo cáo số …)", and a table with one row per item of
    ``loop`` (``for x in …``); ``columns``: (heading, field expression, width in mm)."""
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    setup_section(section, landscape=True, first=False)
    styled(doc.add_paragraph(), f"Phụ lục {numeral}", bold=True, size=14, align=C)
    styled(doc.add_paragraph(), title, bold=True, size=14, align=C)
    styled(doc.add_paragraph(), "(Kèm theo Báo cáo số {{ report.number_line[4:] }} ngày {{ report.issued_on }} của {{ report.issuer_name }})",
           italic=True, size=13, align=C)
    t = doc.add_table(rows=4, cols=len(columns))
    t.style = doc.styles["Table Grid"]
    t.autofit = False
    for i, (head, expr, width) in enumerate(columns):
        t.columns[i].width = Mm(width)
        _cell_text(t.rows[0].cells[i], head, bold=True, size=12)
        _cell_text(t.rows[2].cells[i], f"{{{{ {expr} }}}}", size=12, align=C if i == 0 else L)
        for row in t.rows:
            row.cells[i].width = Mm(width)
    _cell_text(t.rows[1].cells[0], f"{{%tr {loop} %}}", size=12)
    _cell_text(t.rows[3].cells[0], "{%tr endfor %}", size=12)


TASK_COLUMNS = [("STT", "t.stt", 12), ("Nhiệm vụ", "t.title", 60), ("Đơn vị chủ trì", "t.lead_unit", 35),
                ("Đơn vị phối hợp", "t.coordinating", 35), ("Sản phẩm", "t.product", 35),
                ("Thời hạn", "t.deadline", 27), ("Tình trạng", "t.status", 30), ("Tiến độ (%)", "t.progress", 18)]
KPI_COLUMNS = [("STT", "k.stt", 12), ("Mã", "k.code", 20), ("Chỉ tiêu", "k.name", 90), ("Kỳ", "k.period", 25),
               ("Giá trị", "k.value", 30), ("Mục tiêu", "k.target", 30), ("Đánh giá", "k.colour", 40)]
RANK_COLUMNS = [("Hạng", "r.rank", 15), ("Đơn vị", "r.name", 110), ("Số hồ sơ", "r.received", 30),
                ("Điểm", "r.total", 30), ("Xếp loại", "r.band", 60)]
DIFF_COLUMNS = [("STT", "d.stt", 12), ("Đơn vị", "d.unit", 40), ("Khó khăn, vướng mắc", "d.content", 90),
                ("Đề xuất, kiến nghị", "d.proposal", 70), ("Tình trạng", "d.status", 35)]
GROUP_LINE = ("{{ g.label }}: {{ g.total }} nhiệm vụ; hoàn thành đúng hạn {{ g.completed_on_time }}, hoàn thành quá hạn "
              "{{ g.completed_late }}, đang thực hiện trong hạn {{ g.within_deadline }}, quá hạn chưa hoàn thành {{ g.overdue }} "
              "(tỷ lệ hoàn thành {{ g.completed_share }}).")


def periodic(unit: bool) -> Document:
    doc = Document()
    setup_document(doc)
    header(doc)
    heading(doc, "I. CÔNG TÁC LÃNH ĐẠO, CHỈ ĐẠO")
    paragraphs(doc, "sections.leadership")
    heading(doc, "II. KẾT QUẢ THỰC HIỆN THEO CÁC NHÓM NHIỆM VỤ")
    body(doc, "Tính đến ngày {{ report.as_of }}, {{ scope }} có {{ totals.total }} nhiệm vụ được giao; hoàn thành đúng hạn "
              "{{ totals.completed_on_time }}, hoàn thành quá hạn {{ totals.completed_late }}, đang thực hiện trong hạn "
              "{{ totals.within_deadline }}, quá hạn chưa hoàn thành {{ totals.overdue }} (tỷ lệ hoàn thành {{ totals.completed_share }}). "
              "Chi tiết tại Phụ lục I và Phụ lục II.")
    paragraphs(doc, "sections.results")
    tag(doc, "{%p for g in groups %}")
    body(doc, GROUP_LINE)
    paragraphs(doc, "g.narrative")
    tag(doc, "{%p endfor %}")
    heading(doc, "III. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN")
    paragraphs(doc, "sections.shortcomings")
    heading(doc, "IV. NHIỆM VỤ TRỌNG TÂM KỲ TỚI")
    paragraphs(doc, "sections.next_tasks")
    heading(doc, "V. ĐỀ XUẤT, KIẾN NGHỊ")
    paragraphs(doc, "sections.proposals")
    body(doc, "{{ report.synthetic_note }}")
    signature(doc)
    appendix(doc, "I", "DANH MỤC NHIỆM VỤ VÀ TÌNH TRẠNG THỰC HIỆN ĐẾN NGÀY {{ report.as_of }}", TASK_COLUMNS, "for t in tasks")
    appendix(doc, "II", "KẾT QUẢ CÁC CHỈ TIÊU", KPI_COLUMNS, "for k in kpis")
    if not unit:
        appendix(doc, "III", "XẾP HẠNG CHỈ SỐ PHỤC VỤ NGƯỜI DÂN, DOANH NGHIỆP (QUYẾT ĐỊNH 766/QĐ-TTg) {{ ranking_label }}",
                 RANK_COLUMNS, "for r in ranking")
        appendix(doc, "IV", "KHÓ KHĂN, VƯỚNG MẮC VÀ ĐỀ XUẤT, KIẾN NGHỊ", DIFF_COLUMNS, "for d in difficulties")
    else:
        appendix(doc, "III", "KHÓ KHĂN, VƯỚNG MẮC VÀ ĐỀ XUẤT, KIẾN NGHỊ", DIFF_COLUMNS, "for d in difficulties")
    return doc


def brief() -> Document:
    doc = Document()
    setup_document(doc)
    header(doc)
    heading(doc, "1. Tình hình chung")
    body(doc, "Tính đến ngày {{ report.as_of }}, {{ scope }} có {{ totals.total }} nhiệm vụ; đã hoàn thành {{ totals.completed }} "
              "(tỷ lệ {{ totals.completed_share }}), trong đó quá hạn {{ totals.completed_late }}; quá hạn chưa hoàn thành "
              "{{ totals.overdue }}; đang thực hiện trong hạn {{ totals.within_deadline }}.")
    heading(doc, "2. Chỉ tiêu cần lưu ý")
    tag(doc, "{%p for k in kpis_attention %}")
    body(doc, "{{ k.name }}: {{ k.value }} (mục tiêu {{ k.target }}, {{ k.colour }}).")
    tag(doc, "{%p endfor %}")
    heading(doc, "3. Đề xuất")
    paragraphs(doc, "sections.proposals")
    body(doc, "{{ report.synthetic_note }}")
    signature(doc)
    return doc


TEMPLATES = {"city-periodic": lambda: periodic(False), "unit-periodic": lambda: periodic(True), "brief": brief}


def main() -> None:
    HERE.mkdir(exist_ok=True)
    for key, make in TEMPLATES.items():
        buf = io.BytesIO()
        doc = make()
        doc.core_properties.created = doc.core_properties.modified = dt.datetime(2026, 1, 1)
        doc.core_properties.author = doc.core_properties.last_modified_by = "dieuhanh"
        doc.save(buf)
        (HERE / f"{key}.docx").write_bytes(fixed_zip(buf.getvalue()))


if __name__ == "__main__":
    main()
