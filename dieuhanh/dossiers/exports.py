"""The ranking and a unit's scorecard as CSV (rates 0–1) and as XLSX (percentages and points as numbers with their
formats, for officials).

Both formats carry the same rows. The pages' downloads have the Vietnamese headers officials read; the API's CSV
keeps the machine names (``headers="codes"``: ``r_2.1``, ``p_2.1``, as ``dieuhanh dossiers scorecard`` writes
them) for pipelines. Months are keys in the CSV (``2026-03``) and written as officials write them in the workbook
(``03/2026``). A sheet computed from synthetic data says so: a last column holding the label on every CSV row, and
a line under the workbook's heading. The ranking's pooled rows carry ``city``, ``communes`` and ``departments`` as their
``agency_code``, so each code names one row.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from dieuhanh.core.d766.rules import DEFAULT, Scoring
from dieuhanh.core.common.numerals import format_number
from dieuhanh.core.common.periods import parse_period
from dieuhanh.core.common.sheets import workbook_bytes
from dieuhanh.dossiers.selectors import POOL_CITY, POOL_COMMUNES, POOL_DEPARTMENTS, Ranking, UnitScorecard, groups_of

_PERCENT = "0.00%"
_POINTS = "0.00"
_COUNT = "#,##0"


@dataclass(frozen=True)
class Column:
    key: str  # CSV header
    title_vi: str  # XLSX header
    kind: str  # "text", "count", "rate", "points", "days", "month" (a month key: 03/2026 in the workbook)


@dataclass(frozen=True)
class Sheet:
    title: str
    heading: str
    columns: Sequence[Column]
    rows: Sequence[dict[str, Any]]
    synthetic: str | None = None  # the label of the synthetic data the rows are computed from


SYNTHETIC_COLUMN = Column("synthetic", "Dữ liệu giả lập (không phải số liệu thật)", "text")


def _ranking_columns(scoring: Scoring) -> list[Column]:
    return [
        Column("section", "Nhóm", "text"),
        Column("rank", "Hạng", "count"),
        Column("agency_code", "Mã đơn vị", "text"),
        Column("name", "Tên đơn vị", "text"),
        Column("total", "Tổng điểm (thang 100)", "points"),
        Column("band", "Xếp loại (mã)", "text"),
        Column("band_name", "Xếp loại", "text"),
        *(Column(f"g_{g}", f"{name} (tối đa {pts:g})", "points") for g, name, pts in groups_of(scoring)),
        Column("max_points", "Điểm tối đa có dữ liệu", "points"),
        Column("n_received", "Số hồ sơ tiếp nhận", "count"),
        Column("n_in_2_1", "Số hồ sơ giải quyết trong kỳ", "count"),
        Column("r_2.1", "Tỷ lệ đúng hạn, trong hạn", "rate"),
        Column("r_outside_ward", "Tỷ lệ nộp ngoài phường, xã cư trú", "rate"),
    ]


def _flat(section: str, code: str, name: str, row: dict[str, Any]) -> dict[str, Any]:
    flat = {"section": section, "agency_code": code, "name": name, "rank": row.get("rank"), "total": row["total"],
            "band": row["band"], "band_name": row["band_name"], "max_points": row["max_points"],
            "n_received": row["n_received"], "n_in_2_1": row["n_in_2_1"], "r_2.1": row["r_2_1"],
            "r_outside_ward": row["r_outside_ward"]}
    flat.update({f"g_{g}": v for g, v in row["groups"].items()})
    return flat


def ranking_sheet(ranking: Ranking, scoring: Scoring = DEFAULT) -> Sheet:
    rows = [
        _flat("city", POOL_CITY, "Toàn Thành phố", ranking.city),
        _flat("communes_total", POOL_COMMUNES, "Cấp xã (168 phường, xã, đặc khu)", ranking.communes_total),
        _flat("departments_total", POOL_DEPARTMENTS, "Các sở, ban, ngành", ranking.departments_total),
        *(_flat("commune", r["code"], r["name"], r) for r in ranking.communes),
        *(_flat("department", r["code"], r["name"], r) for r in ranking.departments),
    ]
    return Sheet("Xep hang", f"Xếp hạng Bộ chỉ số Quyết định 766 – {ranking.span.label_vi}", _ranking_columns(scoring), rows,
                 ranking.synthetic)


_SCORECARD_COLUMNS = [
    Column("indicator", "Chỉ tiêu", "text"),
    Column("name", "Tên chỉ tiêu", "text"),
    Column("group", "Nhóm", "text"),
    Column("rate", "Tỷ lệ đạt", "rate"),
    Column("full_at", "Đạt đủ điểm khi", "rate"),
    Column("points_earned", "Điểm đạt", "points"),
    Column("points_max", "Điểm tối đa", "points"),
    Column("points_lost", "Điểm bị trừ", "points"),
    Column("shortfall", "Số hồ sơ làm mất điểm", "count"),
    Column("shortfall_what", "Nguyên nhân", "text"),
]
_MONTHLY_COLUMNS = [
    Column("period", "Tháng", "month"),
    Column("n_received", "Số hồ sơ tiếp nhận", "count"),
    Column("n_in_2_1", "Số hồ sơ giải quyết trong kỳ", "count"),
    Column("r_2.1", "Tỷ lệ đúng hạn, trong hạn", "rate"),
    Column("total", "Tổng điểm (thang 100)", "points"),
    Column("band", "Xếp loại", "text"),
]


def scorecard_sheets(card: UnitScorecard, scoring: Scoring = DEFAULT) -> list[Sheet]:
    indicators = [{"indicator": r["id"], "name": r["name"], "group": r["group_name"], "rate": r["rate"], "full_at": r["full_at"],
                   "points_earned": r["earned"], "points_max": r["points"] if r["computed"] else None,
                   "points_lost": r["lost"], "shortfall": r["shortfall"], "shortfall_what": r["shortfall_words"]}
                  for r in card.indicators]
    total = card.row
    # The total has no shortfall: the dossiers received are said in words, not in the shortfall column.
    indicators.append({"indicator": "total", "name": f"Tổng điểm (thang 100), xếp loại: {total['band_name'] or '—'}",
                       "group": "", "rate": None, "full_at": None, "points_earned": total["total"], "points_max": 100.0,
                       "points_lost": None, "shortfall": None,
                       "shortfall_what": f"{format_number(Decimal(total['n_received']))} hồ sơ tiếp nhận trong kỳ"})
    monthly = [{"period": m["period"], "n_received": m["n_received"], "n_in_2_1": m["n_in_2_1"], "r_2.1": m["r_2_1"],
                "total": m["total"], "band": m["band"]} for m in card.monthly]
    heading = f"{card.unit.name} ({card.unit.code}) – Quyết định 766 – {card.span.label_vi}"
    return [Sheet("Chi tieu", heading, _SCORECARD_COLUMNS, indicators, card.synthetic),
            Sheet("Theo thang", f"{card.unit.name} – theo tháng", _MONTHLY_COLUMNS, monthly, card.synthetic)]


def to_csv(sheets: Sequence[Sheet], headers: str = "vi") -> bytes:
    """The first sheet as CSV (UTF-8 with BOM so spreadsheet programs read Vietnamese names correctly), headed by
    the Vietnamese titles (``headers="vi"``) or the machine names (``"codes"``)."""
    sheet = sheets[0]
    columns = [*sheet.columns, SYNTHETIC_COLUMN] if sheet.synthetic else list(sheet.columns)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([c.key if headers == "codes" else c.title_vi for c in columns])
    for row in sheet.rows:
        row = {**row, SYNTHETIC_COLUMN.key: sheet.synthetic}
        writer.writerow(["" if row.get(c.key) is None else row.get(c.key) for c in columns])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(sheets: Sequence[Sheet]) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for sheet in sheets:
        ws = wb.create_sheet(sheet.title)
        ws.cell(row=1, column=1, value=sheet.heading).font = Font(bold=True, size=13)
        if sheet.synthetic:
            ws.cell(row=2, column=1, value=f"{SYNTHETIC_COLUMN.title_vi}: {sheet.synthetic}").font = Font(bold=True, color="9A3412")
        for col, c in enumerate(sheet.columns, start=1):
            ws.cell(row=3, column=col, value=c.title_vi).font = Font(bold=True)
            ws.column_dimensions[get_column_letter(col)].width = 40 if c.kind == "text" and c.key in ("name", "shortfall_what") else 16
        for r, row in enumerate(sheet.rows, start=4):
            for col, c in enumerate(sheet.columns, start=1):
                value = row.get(c.key)
                if c.kind == "month" and value:
                    value = f"{parse_period(value).start:%m/%Y}"
                cell = ws.cell(row=r, column=col, value=value)
                cell.number_format = {"rate": _PERCENT, "points": _POINTS, "count": _COUNT}.get(c.kind, "@")
        ws.freeze_panes = ws.cell(row=4, column=1)
    return workbook_bytes(wb)


def file_response(sheets: Sequence, filename: str, fmt: str, *, headers: str = "vi") -> HttpResponse:
    """The sheets as a download: CSV (UTF-8; ``headers`` as ``to_csv``) or XLSX, named ``<filename>.<fmt>``; used by
    the pages (Vietnamese headers) and the API (machine names)."""
    content = to_csv(sheets, headers) if fmt == "csv" else to_xlsx(sheets)
    kind = "text/csv; charset=utf-8" if fmt == "csv" else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(content, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
