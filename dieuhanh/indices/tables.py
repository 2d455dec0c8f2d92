"""Between the database and the engine: COINr tables in and out, stored rows to ``coin`` objects and back.

No writes here (those are actions in ``services.py``); these functions only parse, convert and describe.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from decimal import Decimal

import pandas as pd
from django.conf import settings
from openpyxl.utils.exceptions import InvalidFileException

from dieuhanh.core.coin.data import UnitData, read_idata
from dieuhanh.core.coin.framework import IMETA_COLUMNS, TREE_KINDS, Element as CoinElement, Framework as CoinFramework, FrameworkError
from dieuhanh.core.common.numerals import format_number
from dieuhanh.errors import Invalid
from dieuhanh.indices.models import DataPoint, Dataset, DatasetUnit, Framework

# Codes that appear in page addresses (/indices/<framework>/, …/datasets/<data set>/): a letter, then letters, digits
# or "_", at most 40 characters; "import" is the address of the import form.
CODE_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,39}")
RESERVED_CODES = frozenset({"import"})
# Column sizes of the stored rows (models.py): iCode/uCode/parent/denominator, names, COINr "Unit", tree depth.
MAX_CODE_CHARS, MAX_NAME_CHARS, MAX_MEASURE_CHARS, MAX_LEVEL = 60, 300, 120, 100
YEAR_MIN, YEAR_MAX = 1900, 2100
PIPELINE_MAX_BYTES = 64 * 1024  # a pipeline is a few dozen lines of YAML


def _invalid(message: str, code: str, field: str, detail_code: str, detail: str, vi: str) -> Invalid:
    return Invalid(message, code=code, details=[{"field": field, "code": detail_code, "message": detail, "message_vi": vi}])


def check_code(value: str, field: str) -> str:
    """A framework, data set or methodology code, stripped; refused unless it fits ``CODE_PATTERN`` (addresses)."""
    code = (value or "").strip()
    if not code:
        raise _invalid(f"{field}: required", "invalid", field, "required", "required", f"Cần nhập mã ({field}).")
    if not CODE_PATTERN.fullmatch(code):
        raise _invalid(f"{field}: invalid code {code[:80]!r}", "invalid_code", field, "invalid_code",
                       "a letter, then letters, digits or _; at most 40 characters",
                       f"Mã “{code[:80]}” ({field}) không hợp lệ: bắt đầu bằng chữ cái, chỉ gồm chữ cái không dấu, chữ số, "
                       "dấu gạch dưới, tối đa 40 ký tự.")
    if code.lower() in RESERVED_CODES:
        raise _invalid(f"{field}: {code} is reserved", "invalid_code", field, "reserved", f"{code} is a reserved word",
                       f"Mã “{code}” ({field}) trùng với một từ dành riêng của hệ thống; hãy chọn mã khác.")
    return code


def check_year(value, field: str = "year") -> int:
    """A year of index data or of a run: a whole number from 1900 to 2100."""
    try:
        year = int(value)
        ok = year == float(value) and YEAR_MIN <= year <= YEAR_MAX
    except (TypeError, ValueError, OverflowError):
        ok = False
    if not ok:
        shown = str(value)[:40]
        raise _invalid(f"{field}: year {shown} out of range", "invalid_year", field, "out_of_range",
                       f"a year from {YEAR_MIN} to {YEAR_MAX}", f"Năm “{shown}” không hợp lệ: cần một năm từ {YEAR_MIN} đến {YEAR_MAX}.")
    return year


def _too_long(what: str, element: str, text, limit: int, vi_what: str) -> Invalid | None:
    if text is not None and len(str(text)) > limit:
        return _invalid(f"{what}: {element[:80]} is longer than {limit} characters", "index_too_long", element[:80], "too_long",
                        f"{what} longer than {limit} characters", f"{vi_what} “{str(text)[:80]}…” dài quá {limit} ký tự.")
    return None


def max_upload_bytes() -> int:
    return int(settings.DIEUHANH_INDEX_UPLOAD_MAX_BYTES)


def _file_too_large(filename: str, limit: int) -> Invalid:
    size_vi = (f"{format_number((Decimal(limit) / 1024 / 1024).quantize(Decimal('0.1')))} MB" if limit >= 1024 * 1024
               else f"{format_number(Decimal(limit // 1024))} KB")
    return _invalid(f"{filename or 'file'}: the file is too large", "file_too_large", filename or "file", "too_large",
                    f"at most {limit} bytes", f"Tệp “{filename or 'tệp'}” quá lớn (tối đa {size_vi}).")


def upload_bytes(upload, *, limit: int | None = None) -> bytes:
    """The content of an uploaded file, refused by its declared size before anything is read."""
    limit = max_upload_bytes() if limit is None else limit
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise _file_too_large(upload.name, limit)
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise _file_too_large(upload.name, limit)
    return content


def read_pipeline(content: bytes, filename: str = "pipeline") -> dict:
    """An uploaded pipeline file (YAML): a mapping with a ``steps`` list, at most ``PIPELINE_MAX_BYTES``."""
    import yaml

    if len(content) > PIPELINE_MAX_BYTES:
        raise _file_too_large(filename, PIPELINE_MAX_BYTES)
    try:
        spec = yaml.safe_load(content.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise _invalid(f"{filename}: not UTF-8 text", "invalid_pipeline", filename, "not_text", "not UTF-8 text",
                       f"Tệp phương pháp “{filename}” không phải văn bản UTF-8.") from None
    except yaml.YAMLError as exc:
        raise _invalid(f"{filename}: not valid YAML", "invalid_pipeline", filename, "bad_yaml", str(exc)[:300],
                       f"Tệp phương pháp “{filename}” không phải YAML hợp lệ.") from None
    return pipeline_spec(spec, filename)


def pipeline_spec(spec, field: str = "steps") -> dict:
    """A methodology's steps as stored: ``{"steps": [...]}`` from that mapping or from the bare list. Anything else
    (a string above all: never a file name) is refused."""
    if isinstance(spec, list):
        spec = {"steps": spec}
    if not isinstance(spec, dict) or not isinstance(spec.get("steps"), list) or not spec["steps"]:
        raise _invalid(f"{field}: the pipeline must be a mapping with a 'steps' list", "invalid_pipeline", field, "not_a_pipeline",
                       "a mapping with a non-empty 'steps' list (or the list itself)",
                       f"Tệp phương pháp “{field}” phải là một bảng YAML có danh sách “steps” (các bước và tùy chọn).")
    return spec

# Vietnamese sentences for the engine's stable error codes; {element} is the iCode, uCode or "uCode:iCode".
FRAMEWORK_ERRORS_VI = {
    "cycle": "Cây chỉ số có vòng lặp tại “{element}”.",
    "orphan": "“{element}” không có phần tử cha (cây phải có đúng một chỉ số gốc).",
    "unknown_parent": "“{element}”: phần tử cha không có trong khung chỉ số.",
    "duplicate_code": "Mã “{element}” xuất hiện nhiều lần.",
    "negative_weight": "“{element}”: trọng số âm.",
    "zero_weights": "Mọi trọng số dưới “{element}” đều bằng 0.",
    "missing_indicator": "Chỉ tiêu “{element}” có trong khung nhưng không có trong dữ liệu.",
    "missing_denominator": "“{element}”: không có cột mẫu số trong dữ liệu.",
    "no_data": "Đơn vị “{element}” không có dữ liệu chỉ tiêu nào.",
    "non_numeric": "“{element}”: giá trị không phải là số.",
    "geometric_nonpositive": "“{element}”: trung bình nhân cần giá trị dương.",
    "bad_level": "“{element}”: cấp (Level) không hợp lệ.",
    "bad_direction": "“{element}”: chiều (Direction) phải là 1 hoặc -1.",
    "bad_kind": "“{element}”: loại (Type) không hợp lệ.",
    "bad_weight": "“{element}”: trọng số không phải là số.",
    "missing_column": "Thiếu cột “{element}”.",
    "missing_code": "{element}: thiếu mã.",
    "empty": "Bảng không có dữ liệu.",
    "empty_aggregate": "“{element}” không có phần tử con.",
    "indicator_with_children": "“{element}”: phần tử cha là một chỉ tiêu.",
    "duplicate_unit": "Đơn vị “{element}” xuất hiện nhiều lần.",
    "bad_step": "Bước “{element}” của phương pháp không hợp lệ.",
    "bad_option": "Tùy chọn của bước “{element}” không hợp lệ.",
    "bad_yaml": "Cấu hình phương pháp không phải YAML hợp lệ.",
    "panel": "Bước “{element}”: dữ liệu có nhiều năm cho một đơn vị; cần thêm bước chọn năm (select_time).",
    "no_units": "Bước “{element}”: sàng lọc đã loại mọi đơn vị.",
    "unknown_element": "“{element}” không phải là chỉ tiêu của khung.",
    "unknown_unit": "Không có đơn vị “{element}” trong dữ liệu.",
    "bad_goalposts": "“{element}”: mốc dưới/mốc trên không hợp lệ.",
    "missing_goalposts": "“{element}”: thiếu mốc dưới/mốc trên.",
    "missing_target": "“{element}”: thiếu mục tiêu (cột Target).",
    "target_reached": "“{element}”: mọi đơn vị đã đạt mục tiêu, không thể đo khoảng cách tới mục tiêu.",
    "bad_denominator": "“{element}”: mẫu số không hợp lệ.",
    "missing_aggregate": "Thiếu phần tử tổng hợp “{element}”.",
}


def invalid_from(exc: FrameworkError, *, what: str) -> Invalid:
    """The engine's error as the domain's ``Invalid``: English code and message, the element as the field,
    and the Vietnamese sentence the UI shows."""
    element = exc.element or ""
    vi = FRAMEWORK_ERRORS_VI.get(exc.code, "{element}: " + str(exc)).format(element=element)
    return Invalid(f"{what}: {exc}", code=f"index_{exc.code}",
                   details=[{"field": element or what, "code": exc.code, "message": str(exc), "message_vi": vi}])


def read_table(content: bytes, filename: str = "", *, sheet: str | None = None) -> pd.DataFrame:
    """A CSV or XLSX file as a text DataFrame (the engine parses numbers, so it can name a bad cell)."""
    if len(content) > max_upload_bytes():
        raise _file_too_large(filename, max_upload_bytes())
    if content[:2] == b"PK":
        try:
            book = pd.read_excel(io.BytesIO(content), sheet_name=None, dtype=object)
        except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError) as exc:
            # a zip that is not a workbook fails inside openpyxl with a KeyError naming the missing part
            raise _invalid(f"{filename or 'file'}: unreadable workbook", "unreadable_file", filename or "file", "unreadable",
                           f"not an XLSX workbook ({type(exc).__name__}: {str(exc)[:200]})",
                           f"Tệp “{filename or 'tệp'}” không đọc được: không phải bảng tính XLSX hợp lệ.") from None
        if sheet is not None:
            match = next((name for name in book if str(name).strip().lower() == sheet.lower()), None)
            if match is None:
                raise _invalid(f"no sheet {sheet}", "missing_sheet", sheet, "missing_sheet", f"the workbook has no {sheet} sheet",
                               f"Bảng tính “{filename or 'tệp'}” không có trang “{sheet}”.")
            return book[match]
        return next(iter(book.values()))
    for encoding in ("utf-8-sig", "cp1258", "latin-1"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    try:
        return pd.read_csv(io.StringIO(text), dtype=object, keep_default_na=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise _invalid(f"{filename or 'file'}: unreadable CSV", "unreadable_file", filename or "file", "unreadable", str(exc)[:300],
                       f"Tệp “{filename or 'tệp'}” không đọc được: không phải tệp CSV hợp lệ.") from None


def parse_framework(imeta: pd.DataFrame) -> CoinFramework:
    """iMeta as the engine's tree, refused also where a value would not fit its stored column."""
    try:
        parsed = CoinFramework.from_imeta(imeta)
    except FrameworkError as exc:
        raise invalid_from(exc, what="iMeta") from None
    for e in parsed.elements:
        problem = (_too_long("iCode", e.code, e.code, MAX_CODE_CHARS, "Mã iCode")
                   or _too_long("Parent", e.code, e.parent, MAX_CODE_CHARS, f"“{e.code[:60]}”: mã phần tử cha")
                   or _too_long("Denominator", e.code, e.denominator, MAX_CODE_CHARS, f"“{e.code[:60]}”: mã mẫu số")
                   or _too_long("iName", e.code, e.name, MAX_NAME_CHARS, f"“{e.code[:60]}”: tên")
                   or _too_long("Unit", e.code, e.unit, MAX_MEASURE_CHARS, f"“{e.code[:60]}”: đơn vị tính"))
        if problem:
            raise problem
        if e.level is not None and e.level > MAX_LEVEL:
            raise invalid_from(FrameworkError("bad_level", f"{e.code}: Level {e.level} is above {MAX_LEVEL}.", e.code), what="iMeta")
    return parsed


def parse_idata(idata: pd.DataFrame, framework: CoinFramework) -> UnitData:
    """iData for ``framework``; a uCode must fit its column and a page address (no "/")."""
    try:
        data = read_idata(idata, framework)
    except FrameworkError as exc:
        raise invalid_from(exc, what="iData") from None
    for ucode, name in zip(data.units.index, data.units["uName"] if "uName" in data.units.columns else data.units.index):
        ucode = str(ucode)
        problem = _too_long("uCode", ucode, ucode, MAX_CODE_CHARS, "Mã đơn vị uCode") or _too_long("uName", ucode, name, MAX_NAME_CHARS,
                                                                                                    f"“{ucode}”: tên đơn vị")
        if problem:
            raise problem
        if "/" in ucode or ucode in (".", ".."):
            raise _invalid(f"uCode {ucode!r} cannot be used in an address", "index_bad_ucode", ucode, "bad_ucode",
                           "a uCode cannot contain '/' or be '.' or '..'", f"Mã đơn vị “{ucode}” không được chứa dấu “/”.")
    return data


def _num(v):
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else v


def coin_framework(framework: Framework) -> CoinFramework:
    """The stored tree as the engine's ``Framework`` (validated again: stored rows went through it once)."""
    elements = []
    for e in framework.elements.all():
        tree = e.kind in TREE_KINDS
        elements.append(CoinElement(
            code=e.code, name=e.name, level=e.level, parent=e.parent or None,
            weight=float(e.weight if e.weight is not None else 1.0) if tree else 1.0,
            direction=int(e.direction if e.direction is not None else 1) if tree else 1,
            kind=e.kind, unit=e.measure or None, target=e.target, denominator=e.denominator or None,
        ))
    try:
        return CoinFramework(elements)
    except FrameworkError as exc:
        raise invalid_from(exc, what=framework.code) from None


def imeta_of(framework: Framework) -> pd.DataFrame:
    return coin_framework(framework).to_imeta()[IMETA_COLUMNS]


def dataset_years(dataset: Dataset) -> list[int]:
    return sorted(DataPoint.objects.filter(dataset=dataset).values_list("year", flat=True).distinct())


def idata_of(dataset: Dataset, year: int | None = None) -> pd.DataFrame:
    """The stored data set as COINr's iData (one year, or every year with a ``Time`` column)."""
    points = pd.DataFrame.from_records(
        DataPoint.objects.filter(dataset=dataset, **({"year": year} if year is not None else {})).values_list("ucode", "year", "code", "value"),
        columns=["uCode", "Time", "code", "value"],
    )
    units = list(DatasetUnit.objects.filter(dataset=dataset).values("ucode", "name", "groups"))
    meta = pd.DataFrame([{"uCode": u["ucode"], "uName": u["name"], **u["groups"]} for u in units])
    if points.empty:
        return meta.iloc[0:0]
    wide = points.pivot_table(index=["uCode", "Time"], columns="code", values="value", aggfunc="first", dropna=False).reset_index()
    wide.columns.name = None
    out = meta.merge(wide, on="uCode", how="inner")
    columns = ["uName", "uCode", *[c for c in meta.columns if c not in ("uName", "uCode")], "Time",
               *[c for c in wide.columns if c not in ("uCode", "Time")]]
    out = out[columns].sort_values(["Time", "uCode"]).reset_index(drop=True)
    if year is not None:
        out = out.drop(columns=["Time"])
    return out


def unit_data_of(dataset: Dataset, framework: CoinFramework, year: int) -> UnitData:
    frame = idata_of(dataset, year)
    if frame.empty:
        raise _invalid(f"no data for {year}", "no_data_for_year", "year", "no_data", f"the data set {dataset.code} holds no value for {year}",
                       f"Bộ dữ liệu “{dataset.code}” không có giá trị nào cho năm {year}.")
    return parse_idata(frame, framework)
