"""Zip bombs (issue 14, defect 2): every uploaded workbook is measured before it is read
(``core/common/sheets.py: open_workbook``). A 0.2 MB .xlsx expanding to tens of MB is refused at once."""

from __future__ import annotations

import io
import time
import zipfile

import pytest
from django.urls import reverse
from openpyxl import Workbook

from dieuhanh.core.common.errors import CoreError
from dieuhanh.core.common.sheets import WorkbookLimits, check_workbook, open_workbook
from dieuhanh.indicators.models import Value
from dieuhanh.plans.models import ProgressReport, Task


def bomb(rows: int = 300_000, columns: int = 10, declare: bool = True) -> bytes:
    """A real workbook whose first sheet holds ``rows`` × ``columns`` cells of "1" (≈ 30 MB of XML, ≈ 0.2 MB zipped)."""
    wb = Workbook()
    wb.active.append(["a"])
    small = io.BytesIO()
    wb.save(small)
    source, out = zipfile.ZipFile(small), io.BytesIO()
    row = b"<row>" + b"<c><v>1</v></c>" * columns + b"</row>"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for item in source.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                target.writestr(item.filename, source.read(item.filename))
                continue
            with target.open(item.filename, "w", force_zip64=True) as sheet:
                sheet.write(b'<?xml version="1.0" encoding="UTF-8"?>'
                            b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
                if declare:
                    sheet.write(f'<dimension ref="A1:{chr(64 + columns)}{rows}"/>'.encode())
                sheet.write(b"<sheetData>")
                for _ in range(rows // 1000):
                    sheet.write(row * 1000)
                sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


@pytest.fixture(scope="module")
def big() -> bytes:
    content = bomb()
    assert len(content) < 300_000  # about 0.2 MB on the wire
    assert sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(content)).infolist()) > 30_000_000  # tens of MB inside
    return content


def refused_quickly(call) -> CoreError:
    started = time.monotonic()
    with pytest.raises(CoreError) as caught:
        call()
    assert time.monotonic() - started < 1.0
    return caught.value


def test_a_bomb_is_refused_before_it_is_read(big):
    assert refused_quickly(lambda: open_workbook(big)).code == "xlsx_too_large"


def test_each_limit_refuses_on_its_own():
    ordinary = bomb(rows=2000, columns=5)
    open_workbook(ordinary)  # within every default limit
    assert refused_quickly(lambda: check_workbook(ordinary, WorkbookLimits(max_cells=9_999))).code == "xlsx_too_large"  # 10 000 declared
    assert refused_quickly(lambda: check_workbook(ordinary, WorkbookLimits(max_members=3))).code == "xlsx_too_large"
    assert refused_quickly(lambda: check_workbook(ordinary, WorkbookLimits(max_uncompressed_bytes=100_000))).code == "xlsx_too_large"
    undeclared = bomb(rows=100_000, declare=False)  # 16 MB of XML that says nothing of its size: the ratio tells
    assert refused_quickly(lambda: check_workbook(undeclared)).code == "xlsx_too_large"


@pytest.mark.django_db
def test_a_bomb_on_the_values_and_index_imports_is_a_quick_4xx(big, plan, api_client):
    city = api_client("admin", "79", "administrator")
    for path, field in (("/api/indicator-data/import", "file"), ("/api/indices?code=X&name=x", "imeta")):
        upload = io.BytesIO(big)
        upload.name = "bom.xlsx"
        started = time.monotonic()
        response = city.post(path, {field: upload})
        assert time.monotonic() - started < 3.0  # 24–36 s before, on a loaded machine
        assert response.status_code in (400, 422), response.content[:300]
        assert "xlsx_too_large" in response.content.decode()
        assert "too large to read" in response.content.decode()
    assert not Value.objects.exists()


@pytest.mark.django_db
def test_a_bomb_on_the_plan_and_progress_import_pages_is_refused_with_the_vietnamese_message(big, plan, web_client):
    client = web_client("bcd", "79", "steering")
    before = (Task.objects.count(), ProgressReport.objects.count())
    for page in ("plan_import", "progress_import"):
        upload = io.BytesIO(big)
        upload.name = "bom.xlsx"
        started = time.monotonic()
        response = client.post(reverse(page, args=[plan.pk]), {"file": upload})
        assert time.monotonic() - started < 3.0  # 24–36 s before, on a loaded machine
        assert "Tệp Excel quá lớn để đọc: tối đa 50 MB khi giải nén và 1.000.000 ô." in response.content.decode(), page
    assert (Task.objects.count(), ProgressReport.objects.count()) == before
