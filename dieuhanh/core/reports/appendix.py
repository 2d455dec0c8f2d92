"""A table as a report's appendix in the Decree 30 layout (a landscape A4 page: "Phụ lục I", its title, "(Kèm theo Báo
cáo số …)", the table in Times New Roman), deterministic like the reports; the statistics page exports it."""
from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH

from dieuhanh.core.reports.decree30 import setup_document, setup_section, styled
from dieuhanh.core.reports.render import fixed_zip

C = WD_ALIGN_PARAGRAPH.CENTER


def appendix_docx(*, numeral: str, title: str, attached_to: str, headers: Sequence[str], rows: Sequence[Sequence[object]],
                  day: dt.date, notes: Sequence[str] = ()) -> bytes:
    doc = Document()
    setup_document(doc)
    setup_section(doc.sections[0], landscape=True, first=False)
    styled(doc.add_paragraph(), f"Phụ lục {numeral}", bold=True, size=14, align=C)
    styled(doc.add_paragraph(), title, bold=True, size=14, align=C)
    styled(doc.add_paragraph(), f"(Kèm theo {attached_to})", italic=True, size=13, align=C)
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = doc.styles["Table Grid"]
    for i, head in enumerate(headers):
        styled(table.rows[0].cells[i].paragraphs[0], str(head), bold=True, size=12, align=C)
    for values in rows:
        cells = table.add_row().cells
        for i, value in enumerate(values):
            styled(cells[i].paragraphs[0], "" if value is None else str(value), size=12, align=C if i else None)
    for note in notes:
        styled(doc.add_paragraph(), note, italic=True, size=12)
    props = doc.core_properties
    props.title, props.author, props.last_modified_by = title, "dieuhanh", "dieuhanh"
    props.created = props.modified = dt.datetime.combine(day, dt.time())
    out = io.BytesIO()
    doc.save(out)
    return fixed_zip(out.getvalue())
