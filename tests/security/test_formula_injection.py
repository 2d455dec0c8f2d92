"""Spreadsheet formula injection (issue 14, defect 7): every export writes user text as text. A task title
``=HYPERLINK("http://x","y")`` read back with openpyxl is a string cell holding exactly that text, never a formula."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from dieuhanh.core.common.sheets import text_only, workbook_bytes
from dieuhanh.plans.models import Task

EVIL = '=HYPERLINK("http://x","y")'


def cells_holding(content: bytes, text: str) -> list:
    wb = load_workbook(io.BytesIO(content))
    found = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value == text]
    assert found, f"{text!r} not in the workbook"
    return found


def assert_text(content: bytes, text: str = EVIL) -> None:
    assert {c.data_type for c in cells_holding(content, text)} == {"s"}


def test_a_plain_workbook_saved_by_the_helper_keeps_formula_like_text_as_text():
    wb = Workbook()
    wb.active.append([EVIL, "+84 số máy", "@SUM(A1)", 12])
    content = workbook_bytes(wb)
    assert_text(content)
    ws = load_workbook(io.BytesIO(content)).active
    assert [ws["B1"].value, ws["C1"].value, ws["D1"].value, ws["D1"].data_type] == ["+84 số máy", "@SUM(A1)", 12, "n"]


def test_a_pandas_workbook_keeps_formula_like_text_as_text():
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        pd.DataFrame({"name": [EVIL], "value": [1.5]}).to_excel(writer, index=False)
        text_only(writer.book)
    assert_text(buf.getvalue())


@pytest.mark.django_db
def test_the_plan_export_and_the_progress_sheet_write_a_formula_like_title_as_text(plan, web_client):
    Task.objects.filter(code="4.2").update(title=EVIL)
    city, ward = web_client("bcd", "79", "steering"), web_client("canbo.benthanh", "26743", "reporter")
    for client, page in ((city, "plan_export"), (ward, "progress_sheet")):  # the progress sheet lists one's own tasks
        response = client.get(reverse(page, args=[plan.pk]))
        assert response.status_code == 200, page
        assert_text(response.content)


def test_the_d766_and_portal_workbooks_write_formula_like_text_as_text():
    from dieuhanh.dossiers.exports import Column, Sheet, to_xlsx
    from dieuhanh.portal.files import as_xlsx
    from dieuhanh.portal.tables import Column as PortalColumn, Spec

    sheet = Sheet("Xếp hạng", "Xếp hạng", [Column("name", "Tên", "text")], [{"name": EVIL}])
    assert_text(to_xlsx([sheet]))

    class Release:
        pk, synthetic, sha256 = 1, False, "0" * 64
        as_of = __import__("datetime").date(2026, 11, 30)

    spec = Spec("units", "Đơn vị", "Units", "", "", (), (PortalColumn("name", "string", "", "tên", "name"),))
    assert_text(as_xlsx(spec, [{"name": EVIL}], Release()))
