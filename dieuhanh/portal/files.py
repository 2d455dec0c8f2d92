"""A published table as a file: CSV (UTF-8 with a byte-order mark so spreadsheet programs read the diacritics),
JSON (rows with the release's provenance) and XLSX (user text written as text). Every file says when the release
is synthetic."""

from __future__ import annotations

import csv
import io
import json
import math
from decimal import Decimal
from typing import Any

from openpyxl import Workbook

from dieuhanh.core.common.sheets import workbook_bytes

from dieuhanh.portal.models import Release
from dieuhanh.portal.tables import LICENCE_URL, Spec

SYNTHETIC_NOTE = "DỮ LIỆU GIẢ LẬP (synthetic data, not official figures)"

CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json",
                 "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _cell(value: Any) -> Any:
    """A value as CSV text: nothing for none; a number as written by hand — 1200000000, not "1200000000.0", and
    never in scientific notation (the data dictionary says ``integer`` or ``number``, the reader parses either)."""
    if value is None:
        return ""
    if isinstance(value, float) and math.isfinite(value):
        return str(int(value)) if value.is_integer() else format(Decimal(repr(value)), "f")
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral_value() else format(value, "f")
    return value


def as_csv(spec: Spec, rows: list[dict], release: Release) -> bytes:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    columns = spec.column_names + (["synthetic"] if release.synthetic else [])
    w.writerow(columns)
    for r in rows:
        w.writerow([_cell(r.get(c)) for c in spec.column_names] + (["true"] if release.synthetic else []))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def as_json(spec: Spec, rows: list[dict], release: Release) -> bytes:
    body = {"dataset": spec.name, "title": spec.title_vi, "release": release.pk, "as_of": release.as_of.isoformat(),
            "sha256": release.sha256, "licence": LICENCE_URL, "synthetic": release.synthetic,
            **({"note": SYNTHETIC_NOTE} if release.synthetic else {}),
            "columns": [{"name": c.name, "type": c.type, "unit": c.unit, "meaning": c.meaning_vi} for c in spec.columns], "rows": rows}
    return json.dumps(body, ensure_ascii=False, indent=1).encode("utf-8")


def as_xlsx(spec: Spec, rows: list[dict], release: Release) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = spec.name[:31]
    ws.append(spec.column_names)
    for r in rows:
        ws.append([r.get(c) for c in spec.column_names])
    about = wb.create_sheet("about")
    about.append(["dataset", spec.name])
    about.append(["title", spec.title_vi])
    about.append(["release", release.pk])
    about.append(["as_of", release.as_of.isoformat()])
    about.append(["sha256", release.sha256])
    about.append(["licence", LICENCE_URL])
    if release.synthetic:
        about.append(["synthetic", SYNTHETIC_NOTE])
    about.append([])
    about.append(["column", "type", "unit", "meaning"])
    for c in spec.columns:
        about.append([c.name, c.type, c.unit, c.meaning_vi])
    return workbook_bytes(wb)  # user text stays text (no formula)


WRITERS = {"csv": as_csv, "json": as_json, "xlsx": as_xlsx}
