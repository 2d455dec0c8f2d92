"""The presentation rules of Decree 30/2020/NĐ-CP (Appendix I) for a report (báo cáo), as python-docx can write and
read them: the layout helpers the shipped templates are built with, and ``check``, which verifies each rule on any
DOCX and names what fails.

Rules checked (``RULES``; each failure carries one of these codes):
``a4`` every section is A4 (portrait or landscape) · ``margins`` top/bottom 20–25 mm, left 30–35 mm, right 15–20 mm ·
``font`` Times New Roman everywhere · ``quoc_hieu`` "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" bold 12–13 pt ·
``tieu_ngu`` "Độc lập - Tự do - Hạnh phúc" bold 13–14 pt with its rule (a bottom border) · ``issuer`` the issuing
body in capitals, bold · ``number`` "Số: 12/BC-UBND" (numbers below 10 zero-padded) · ``place_date`` "…, ngày 05 tháng
12 năm 2026" in italics (day below 10 and months 1–2 zero-padded) · ``title`` "BÁO CÁO" bold and its summary line ·
``body`` body paragraphs 13–14 pt, justified, plain ones with a first-line indent · ``page_numbers`` the page number
centred in the header from page 2 (none on page 1) · ``signature`` "TM."/"KT."/"Q." block with a title ·
``recipients`` "Nơi nhận:" bold italic 12 pt, list 11 pt ending "- Lưu: VT, …" · ``appendix`` each "Phụ lục I…" heading
followed by "(Kèm theo Báo cáo số …)".
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import IO

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

FONT = "Times New Roman"
QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"
A4 = (210.0, 297.0)
MARGINS = {"top": (20, 25), "bottom": (20, 25), "left": (30, 35), "right": (15, 20)}
USED_MARGINS = {"top": 20, "bottom": 20, "left": 30, "right": 15}
BODY_PT = (13, 14)

RULES = ("a4", "margins", "font", "quoc_hieu", "tieu_ngu", "issuer", "number", "place_date", "title", "body",
         "page_numbers", "signature", "recipients", "appendix")

NUMBER_RE = re.compile(r"^Số:\s*(\d+)/BC-[A-ZĐ0-9.\-]+$")
DATE_RE = re.compile(r",\s*ngày (\d{2}) tháng (\d{1,2}) năm (\d{4})$")
APPENDIX_RE = re.compile(r"^Phụ lục [IVXL]+\b")
SIGN_RE = re.compile(r"^(TM|KT|Q|TL|TUQ)\.\s")


@dataclass(frozen=True)
class Failure:
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.rule}: {self.message}"


# ---------------------------------------------------------------- writing

def date_line(place: str, day) -> str:
    """"Thành phố Hồ Chí Minh, ngày 05 tháng 12 năm 2026": days below 10 and months 1–2 zero-padded."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def number_line(number: int, symbol: str = "BC-UBND") -> str:
    return f"Số: {number:02d}/{symbol}"


def setup_document(doc) -> None:
    """Times New Roman 13 pt justified body (Normal style), A4 and the margins on the first section, page numbers
    from page 2."""
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(13)
    rpr = normal.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    pf = normal.paragraph_format
    pf.space_before, pf.space_after = Pt(0), Pt(6)
    for name in ("Table Grid",):
        if name in [s.name for s in doc.styles]:
            doc.styles[name].font.name = FONT
    setup_section(doc.sections[0], landscape=False)


def setup_section(section, *, landscape: bool, first: bool = True) -> None:
    """A4 and the margins; the page number centred in the header, not on the document's first page."""
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    w, h = (Mm(A4[1]), Mm(A4[0])) if landscape else (Mm(A4[0]), Mm(A4[1]))
    section.page_width, section.page_height = w, h
    section.top_margin, section.bottom_margin = Mm(USED_MARGINS["top"]), Mm(USED_MARGINS["bottom"])
    section.left_margin, section.right_margin = Mm(USED_MARGINS["left"]), Mm(USED_MARGINS["right"])
    section.header_distance = Mm(10)
    section.different_first_page_header_footer = first
    header = section.header
    header.is_linked_to_previous = False
    p = header.paragraphs[0]
    p.text = ""
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_field(p.add_run())
    if first:
        section.first_page_header.is_linked_to_previous = False


def _page_field(run) -> None:
    run.font.name, run.font.size = FONT, Pt(13)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "2"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText" if text.strip() == "PAGE" else "w:t")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._r.append(el)


def styled(paragraph, text: str, *, size: float = 13, bold: bool = False, italic: bool = False, align=None,
           indent_mm: float | None = None):
    run = paragraph.add_run(text)
    run.font.name, run.font.size, run.bold, run.italic = FONT, Pt(size), bold, italic
    if align is not None:
        paragraph.alignment = align
    if indent_mm is not None:
        paragraph.paragraph_format.first_line_indent = Mm(indent_mm)
    return run


def bottom_rule(paragraph) -> None:
    """The short rule under the Tiêu ngữ (and under the issuing body): a bottom border on the paragraph."""
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(k), v)
    borders.append(bottom)
    ppr.append(borders)


def no_borders(table) -> None:
    tblpr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    tblpr.append(borders)


# ---------------------------------------------------------------- reading

def _size(run, paragraph, doc) -> float | None:
    for source in (run.font.size, paragraph.style.font.size if paragraph.style is not None else None,
                   doc.styles["Normal"].font.size):
        if source is not None:
            return source.pt
    return None


def _flag(run, paragraph, attr: str) -> bool:
    value = getattr(run, attr)
    if value is None and paragraph.style is not None:
        value = getattr(paragraph.style.font, attr)
    return bool(value)


def _runs(paragraph):
    return [r for r in paragraph.runs if r.text.strip()]


def _all_bold(p) -> bool:
    return bool(_runs(p)) and all(_flag(r, p, "bold") for r in _runs(p))


def _all_italic(p) -> bool:
    return bool(_runs(p)) and all(_flag(r, p, "italic") for r in _runs(p))


def _sizes(p, doc) -> set[float]:
    return {_size(r, p, doc) for r in _runs(p)}


def _within(sizes: set, lo: float, hi: float) -> bool:
    return bool(sizes) and all(s is not None and lo <= s <= hi for s in sizes)


def _iter_paragraphs(doc):
    """Every paragraph in document order, those in tables included (the header block is a table)."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    def walk(parent_el, parent):
        for child in parent_el.iterchildren():
            if child.tag == qn("w:p"):
                yield Paragraph(child, parent), False
            elif child.tag == qn("w:tbl"):
                table = Table(child, parent)
                for row in table.rows:
                    for cell in row.cells:
                        for p, _ in walk(cell._tc, cell):
                            yield p, True
    seen = set()
    for p, in_table in walk(doc.element.body, doc):
        if id(p._p) in seen:  # merged cells repeat
            continue
        seen.add(id(p._p))
        yield p, in_table


def _inherited(p, name: str):
    """A paragraph format value (``alignment``, ``first_line_indent``): the paragraph's own, else its styles'."""
    value = getattr(p.paragraph_format, name)
    style = p.style
    while value is None and style is not None:
        value, style = getattr(style.paragraph_format, name), style.base_style
    return value


def _effective_alignment(p):
    return _inherited(p, "alignment")


def _first_indent(p):
    return _inherited(p, "first_line_indent")


def check(source: str | IO[bytes]) -> list[Failure]:
    """Every Decree 30 rule the DOCX breaks (empty: it passes)."""
    doc = Document(source)
    fails: list[Failure] = []
    fail = lambda rule, message: fails.append(Failure(rule, message))

    for i, s in enumerate(doc.sections, start=1):
        w, h = s.page_width.mm if s.page_width else 0, s.page_height.mm if s.page_height else 0
        if sorted((round(w), round(h))) != [210, 297]:
            fail("a4", f"section {i} is {w:.0f}×{h:.0f} mm, not A4 (210×297 mm)")
        for side, (lo, hi) in MARGINS.items():
            value = getattr(s, f"{side}_margin")
            mm = value.mm if value is not None else 0
            if not lo - 0.2 <= mm <= hi + 0.2:
                fail("margins", f"section {i}: {side} margin {mm:.1f} mm, not {lo}–{hi} mm")

    paragraphs = [(p, t) for p, t in _iter_paragraphs(doc)]
    texts = [p.text.strip() for p, _ in paragraphs]

    bad_fonts = set()
    normal_font = doc.styles["Normal"].font.name
    for p, _ in paragraphs:
        for r in _runs(p):
            name = r.font.name or (p.style.font.name if p.style is not None else None) or normal_font
            if name != FONT:
                bad_fonts.add(name or "(default)")
    if bad_fonts:
        fail("font", f"text in {', '.join(sorted(bad_fonts))}, not {FONT}")

    def find(pred):
        return next((i for i, t in enumerate(texts) if pred(t)), None)

    qh = find(lambda t: t.upper() == QUOC_HIEU and t == QUOC_HIEU)
    if qh is None:
        fail("quoc_hieu", f'no "{QUOC_HIEU}" in capitals')
    else:
        p = paragraphs[qh][0]
        if not _all_bold(p) or not _within(_sizes(p, doc), 12, 13):
            fail("quoc_hieu", "the Quốc hiệu is not bold 12–13 pt")
    tn = find(lambda t: t == TIEU_NGU)
    if tn is None:
        fail("tieu_ngu", f'no "{TIEU_NGU}"')
    else:
        p = paragraphs[tn][0]
        if not _all_bold(p) or not _within(_sizes(p, doc), 13, 14):
            fail("tieu_ngu", "the Tiêu ngữ is not bold 13–14 pt")
        ppr = p._p.pPr
        if ppr is None or ppr.find(qn("w:pBdr")) is None or ppr.find(qn("w:pBdr")).find(qn("w:bottom")) is None:
            fail("tieu_ngu", "the Tiêu ngữ has no rule under it")

    num = find(lambda t: t.startswith("Số:"))
    if num is None:
        fail("number", 'no "Số: …/BC-…" line')
    else:
        m = NUMBER_RE.match(texts[num])
        if not m:
            fail("number", f'"{texts[num]}" is not "Số: 12/BC-UBND"')
        elif len(m.group(1)) < 2:
            fail("number", f'"{texts[num]}": numbers below 10 are written with a leading zero')
        # the issuing body: the capitalised lines above "Số:"
        above = [i for i in range(num) if texts[i] and i != qh and i != tn]
        if not above:
            fail("issuer", "no issuing body above the number")
        else:
            last = paragraphs[above[-1]][0]
            if texts[above[-1]] != texts[above[-1]].upper() or not _all_bold(last):
                fail("issuer", f'the issuing body "{texts[above[-1]]}" is not in bold capitals')

    pd = find(lambda t: bool(DATE_RE.search(t)))
    if pd is None:
        fail("place_date", 'no place and date line "…, ngày 05 tháng 12 năm 2026"')
    else:
        m = DATE_RE.search(texts[pd])
        if int(m.group(2)) < 3 and len(m.group(2)) < 2:
            fail("place_date", "months 1 and 2 are written with a leading zero")
        if not _all_italic(paragraphs[pd][0]):
            fail("place_date", "the place and date are not in italics")

    title = find(lambda t: t == "BÁO CÁO")
    summary = None
    if title is None:
        fail("title", 'no document type "BÁO CÁO"')
    else:
        if not _all_bold(paragraphs[title][0]):
            fail("title", '"BÁO CÁO" is not bold')
        summary = next((i for i in range(title + 1, len(texts)) if texts[i]), None)
        if summary is None or not _all_bold(paragraphs[summary][0]):
            fail("title", "no bold summary line under BÁO CÁO")

    recipients = find(lambda t: t == "Nơi nhận:")
    sign = find(lambda t: bool(SIGN_RE.match(t)))
    end = min(i for i in (recipients, sign, len(texts)) if i is not None)
    if summary is not None:
        body_bad: list[str] = []
        for i in range(summary + 1, end):
            p, in_table = paragraphs[i]
            if in_table or not texts[i]:
                continue
            if APPENDIX_RE.match(texts[i]):
                break
            if not _within(_sizes(p, doc), *BODY_PT):
                body_bad.append(f'"{texts[i][:40]}" is not {BODY_PT[0]}–{BODY_PT[1]} pt')
            elif _effective_alignment(p) != WD_ALIGN_PARAGRAPH.JUSTIFY:
                body_bad.append(f'"{texts[i][:40]}" is not justified')
            elif not _all_bold(p) and not (_first_indent(p) and _first_indent(p) > 0):
                body_bad.append(f'"{texts[i][:40]}" has no first-line indent')
        for message in body_bad[:5]:
            fail("body", message)

    _check_page_numbers(doc, fail)

    if sign is None:
        fail("signature", 'no signature block ("TM. …", "KT. …")')
    else:
        nxt = next((i for i in range(sign + 1, len(texts)) if texts[i]), None)
        if not _all_bold(paragraphs[sign][0]) or nxt is None or not _all_bold(paragraphs[nxt][0]):
            fail("signature", "the signature block is not bold with the signer's title under it")

    if recipients is None:
        fail("recipients", 'no "Nơi nhận:"')
    else:
        p = paragraphs[recipients][0]
        if not (_all_bold(p) and _all_italic(p) and _within(_sizes(p, doc), 12, 12)):
            fail("recipients", '"Nơi nhận:" is not bold italic 12 pt')
        items = []
        for i in range(recipients + 1, len(texts)):
            if not texts[i].startswith("-"):
                if texts[i] and items:
                    break
                continue
            items.append(i)
        if not items:
            fail("recipients", 'no list under "Nơi nhận:"')
        else:
            if not all(_within(_sizes(paragraphs[i][0], doc), 11, 11) for i in items):
                fail("recipients", "the recipients are not 11 pt")
            if not texts[items[-1]].startswith("- Lưu: VT"):
                fail("recipients", 'the list does not end with "- Lưu: VT, …"')

    for i, t in enumerate(texts):
        if APPENDIX_RE.match(t) and not any(x.startswith("(Kèm theo Báo cáo số") for x in texts[i + 1:i + 4]):
            fail("appendix", f'"{t}" has no "(Kèm theo Báo cáo số …)" under it')
    return fails


def _has_page_field(part) -> bool:
    xml = part._element.xml if part is not None else ""
    return "PAGE" in xml and ("w:fldSimple" in xml or "w:instrText" in xml)


def _check_page_numbers(doc, fail) -> None:
    first = doc.sections[0]
    if not first.different_first_page_header_footer:
        fail("page_numbers", "page 1 is not given its own header (no number on page 1)")
    elif _has_page_field(first.first_page_header):
        fail("page_numbers", "page 1 shows a page number")
    for i, s in enumerate(doc.sections, start=1):
        header = s.header
        if not _has_page_field(header):
            fail("page_numbers", f"section {i}: no page number in the header")
            continue
        centred = any(_has_page_field(p) and _effective_alignment(p) == WD_ALIGN_PARAGRAPH.CENTER for p in header.paragraphs)
        if not centred:
            fail("page_numbers", f"section {i}: the page number is not centred")
