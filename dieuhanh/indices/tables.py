"""Between the database and the engine: COINr tables in and out, stored rows to ``coin`` objects and back.

No writes here (those are actions in ``services.py``); these functions only parse, convert and describe.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal

import pandas as pd
from django.conf import settings
from openpyxl.utils.exceptions import InvalidFileException

from dieuhanh.core.coin.data import UnitData, read_idata
from dieuhanh.core.coin.framework import IMETA_COLUMNS, TREE_KINDS, Element as CoinElement, Framework as CoinFramework, FrameworkError
from dieuhanh.core.common.errors import CoreError
from dieuhanh.core.common.numerals import format_number
from dieuhanh.core.common.sheets import open_workbook
from dieuhanh.errors import Invalid, detail
from dieuhanh.messages import MESSAGES
from dieuhanh.indices.models import DataPoint, Dataset, DatasetUnit, Framework

# Codes that appear in page addresses (/indices/<framework>/, …/datasets/<data set>/): a letter, then letters, digits
# or "_", at most 40 characters; "import" is the address of the import form.
CODE_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,39}")
RESERVED_CODES = frozenset({"import"})
# Column sizes of the stored rows (models.py): iCode/uCode/parent/denominator, names, COINr "Unit", tree depth.
MAX_CODE_CHARS, MAX_NAME_CHARS, MAX_MEASURE_CHARS, MAX_LEVEL = 60, 300, 120, 100
YEAR_MIN, YEAR_MAX = 1900, 2100
PIPELINE_MAX_BYTES = 64 * 1024  # a pipeline is a few dozen lines of YAML


def _invalid(log: str, code: str, field: str, detail_code: str, **params) -> Invalid:
    """``Invalid`` with a sentence rendered from the catalogue (``dieuhanh.messages``: ``code`` with ``params``) and one
    detail naming ``field``."""
    return Invalid(log, code=code, params=params, details=[detail(field, detail_code, **params)])


def check_code(value: str, field: str) -> str:
    """A framework, data set or methodology code, stripped; refused unless it fits ``CODE_PATTERN`` (addresses)."""
    code = (value or "").strip()
    if not code:
        raise _invalid(f"{field}: required", "index_code_required", field, "required", name=field)
    if not CODE_PATTERN.fullmatch(code):
        raise _invalid(f"{field}: invalid code {code[:80]!r}", "invalid_code", field, "invalid_code", name=field, value=code[:80])
    if code.lower() in RESERVED_CODES:
        raise _invalid(f"{field}: {code} is reserved", "invalid_code", field, "reserved", name=field, value=code)
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
        raise _invalid(f"{field}: year {shown} out of range", "invalid_year", field, "out_of_range", value=shown, min=YEAR_MIN,
                       max=YEAR_MAX)
    return year


# What a too-long value is, by the column it would go to (the sentence names it; the field is the element)
_LONG_WHAT = {"iCode": "code", "Parent": "parent code", "Denominator": "denominator code", "iName": "name", "Unit": "unit of measure",
              "uCode": "unit code", "uName": "unit name"}


def _too_long(what: str, element: str, text, limit: int) -> Invalid | None:
    if text is not None and len(str(text)) > limit:
        return Invalid(f"{what}: {element[:80]} is longer than {limit} characters", code=f"index_too_long_{_LONG_WHAT[what].replace(' ', '_')}",
                       params={"element": element[:60], "value": str(text)[:80], "max_length": limit},
                       details=[detail(element[:80], "too_long", max_length=limit)])
    return None


def max_upload_bytes() -> int:
    return int(settings.DIEUHANH_INDEX_UPLOAD_MAX_BYTES)


def _file_too_large(filename: str, limit: int) -> Invalid:
    size = (f"{format_number((Decimal(limit) / 1024 / 1024).quantize(Decimal('0.1')))} MB" if limit >= 1024 * 1024
            else f"{format_number(Decimal(limit // 1024))} KB")
    return _invalid(f"{filename or 'file'}: the file is too large", "file_too_large", filename or "file", "upload_too_large",
                    file=filename or "", size=size)
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


@dataclass(frozen=True)
class IndexFiles:
    """COINr files of one import, read: iMeta, optionally iData and a pipeline."""

    imeta: pd.DataFrame
    idata: pd.DataFrame | None = None
    steps: dict | None = None


def read_index_files(*, imeta, idata=None, pipeline=None) -> IndexFiles:
    """Uploaded files of an index import, each refused by its size before it is read: iMeta as CSV, or an XLSX
    workbook with an ``iMeta`` sheet (and an ``iData`` sheet, read when no separate iData file is given); iData as
    CSV or XLSX; the pipeline as YAML (a mapping with a ``steps`` list, at most ``PIPELINE_MAX_BYTES``)."""
    if imeta is None:
        raise _invalid("no iMeta", "index_imeta_required", "imeta", "required")
    imeta_bytes = upload_bytes(imeta)
    workbook = imeta_bytes[:2] == b"PK"
    imeta_table = read_table(imeta_bytes, imeta.name, sheet="iMeta" if workbook else None)
    idata_table = None
    if idata is not None:
        idata_table = read_table(upload_bytes(idata), idata.name)
    elif workbook:
        idata_table = read_table(imeta_bytes, imeta.name, sheet="iData")
    steps = read_pipeline(upload_bytes(pipeline, limit=PIPELINE_MAX_BYTES), pipeline.name) if pipeline is not None else None
    return IndexFiles(imeta=imeta_table, idata=idata_table, steps=steps)


def read_pipeline(content: bytes, filename: str = "pipeline") -> dict:
    """An uploaded pipeline file (YAML): a mapping with a ``steps`` list, at most ``PIPELINE_MAX_BYTES``."""
    import yaml

    if len(content) > PIPELINE_MAX_BYTES:
        raise _file_too_large(filename, PIPELINE_MAX_BYTES)
    try:
        spec = yaml.safe_load(content.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise _invalid(f"{filename}: not UTF-8 text", "invalid_pipeline", filename, "not_text", file=filename) from None
    except yaml.YAMLError as exc:
        raise _invalid(f"{filename}: not valid YAML ({str(exc)[:300]})", "invalid_pipeline", filename, "bad_yaml",
                       file=filename) from None
    return pipeline_spec(spec, filename)


def pipeline_spec(spec, field: str = "steps") -> dict:
    """A methodology's steps as stored: ``{"steps": [...]}`` from that mapping or from the bare list. Anything else
    (a string above all: never a file name) is refused."""
    if isinstance(spec, list):
        spec = {"steps": spec}
    if not isinstance(spec, dict) or not isinstance(spec.get("steps"), list) or not spec["steps"]:
        raise _invalid(f"{field}: the pipeline must be a mapping with a 'steps' list", "invalid_pipeline", field, "not_a_pipeline",
                       file=field)
    return spec

def invalid_from(exc: FrameworkError, *, what: str) -> Invalid:
    """The engine's error as the domain's ``Invalid``: the code ``index_<engine code>`` with the element as its
    parameter (the sentence comes from the catalogue), and one detail naming the element with the engine's code."""
    element = exc.element or ""
    code = f"index_{exc.code}"
    if code not in MESSAGES:
        code = "index_engine_error"
    return Invalid(f"{what}: {exc}", code=code, params={"element": element, "what": what},
                   details=[detail(element or what, ENGINE_DETAIL_CODES.get(exc.code, exc.code), element=element)])


# Engine codes whose name the catalogue already gives another domain's sentence
ENGINE_DETAIL_CODES = {"unknown_parent": "unknown_parent_element", "missing_column": "missing_column_element",
                       "missing_code": "missing_code_element", "negative_weight": "negative_weight_element",
                       "missing_indicator": "missing_indicator_element", "unknown_unit": "unknown_unit_element"}


def read_table(content: bytes, filename: str = "", *, sheet: str | None = None) -> pd.DataFrame:
    """A CSV or XLSX file as a text DataFrame (the engine parses numbers, so it can name a bad cell)."""
    if len(content) > max_upload_bytes():
        raise _file_too_large(filename, max_upload_bytes())
    if content[:2] == b"PK":
        try:
            book = pd.read_excel(open_workbook(content), sheet_name=None, dtype=object, engine="openpyxl")
        except CoreError as exc:
            raise _invalid(f"{filename or 'file'}: {exc}", "index_unreadable_file", filename or "file",
                           "not_a_workbook" if exc.code == "not_xlsx" else exc.code,
                           file=filename or "", **exc.params) from None
        except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError) as exc:
            # a zip that is not a workbook fails inside openpyxl with a KeyError naming the missing part
            raise _invalid(f"{filename or 'file'}: not an XLSX workbook ({type(exc).__name__}: {str(exc)[:200]})", "index_unreadable_file",
                           filename or "file", "not_a_workbook", file=filename or "") from None
        if sheet is not None:
            match = next((name for name in book if str(name).strip().lower() == sheet.lower()), None)
            if match is None:
                raise _invalid(f"no sheet {sheet}", "index_missing_sheet", sheet, "missing_sheet", file=filename or "", sheet=sheet)
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
        raise _invalid(f"{filename or 'file'}: unreadable CSV ({str(exc)[:300]})", "index_unreadable_file", filename or "file", "not_a_csv",
                       file=filename or "") from None


def parse_framework(imeta: pd.DataFrame) -> CoinFramework:
    """iMeta as the engine's tree, refused also where a value would not fit its stored column."""
    try:
        parsed = CoinFramework.from_imeta(imeta)
    except FrameworkError as exc:
        raise invalid_from(exc, what="iMeta") from None
    for e in parsed.elements:
        problem = (_too_long("iCode", e.code, e.code, MAX_CODE_CHARS)
                   or _too_long("Parent", e.code, e.parent, MAX_CODE_CHARS)
                   or _too_long("Denominator", e.code, e.denominator, MAX_CODE_CHARS)
                   or _too_long("iName", e.code, e.name, MAX_NAME_CHARS)
                   or _too_long("Unit", e.code, e.unit, MAX_MEASURE_CHARS))
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
        problem = _too_long("uCode", ucode, ucode, MAX_CODE_CHARS) or _too_long("uName", ucode, name, MAX_NAME_CHARS)
        if problem:
            raise problem
        if "/" in ucode or ucode in (".", ".."):
            raise _invalid(f"uCode {ucode!r} cannot be used in an address", "index_bad_ucode", ucode, "bad_ucode", value=ucode)
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
        raise _invalid(f"no data for {year}", "no_data_for_year", "year", "no_values_for_year", dataset=dataset.code, year=year)
    return parse_idata(frame, framework)
