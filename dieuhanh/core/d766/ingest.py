"""Loading dossier, procedure-catalogue and feedback files (CSV, Parquet, XLSX) into the ``dossiers``,
``procedures`` and ``feedback`` tables of a DuckDB database, each file all or nothing.

This module owns those tables (``create_schema``; one ``TableSpec`` each: ``DOSSIERS``, ``PROCEDURES``,
``FEEDBACK``), the reading of the three formats, the row checks and the merge by the table's key. A file is
staged by DuckDB into a keyless temporary table (CSV and Parquet read by DuckDB itself, XLSX streamed through
openpyxl into a temporary Parquet file), checked in bulk by SQL over that table (repeated keys by one grouping,
every cell rule by one scan) and, only when no row has a problem, merged into the table: the file's keys the
table already holds are found by one hash join; new rows are appended, existing ones updated. Otherwise nothing
of it is kept and its problems are reported row by row. The tables keep no primary key (DuckDB's index costs more
to keep than the whole load, and memory); the merge keeps the key unique. A dossier file also brings the
``dossier_facts`` table up to date in the same transaction (the facts the scorecard adds up: of the staged rows
only when they are new, of the merged rows for the dossiers it updated), and every file loaded is recorded in
``sources`` with the synthetic label its Parquet metadata carries (``synthetic_labels``: the pages say so). The
result names the agencies and months whose scorecards the import may have changed (``IngestResult.touched``).
Rows never pass through Python one by one (except XLSX cells on their way to Parquet), so a file larger than
memory streams from disk: DuckDB spills to its ``temp_directory`` under its ``memory_limit`` (a CSV needs about
100 MB at least).

How values are read:

- Headers: schema names or their aliases (``schema.canonical_column``); other columns are ignored. A column the
  file lacks is left untouched on re-import (an update sets only the columns the file has) and empty on insert.
- Text: trimmed; an empty cell is no value.
- Timestamps: ISO ("2026-03-05 14:20:00", "2026-03-05T14:20", "2026-03-05") or Vietnamese day-first
  ("05/03/2026 14:20", "05/03/2026"); a date alone is midnight. Times are Ho Chi Minh City time: one written
  with an offset ("2026-03-05T07:20:00Z", "…+07:00") or typed in Parquet with a time zone is converted to it.
- Numbers: "1234.5", or Vietnamese writing ("1.234.567", "12,5"; one dot followed by exactly three digits groups
  thousands, as in ``indicator_excel.parse_number``). Not negative; counts are whole numbers.
- Booleans: 1/0, true/false, có/không, x (yes) or empty. Ratings (dossier ``rating``, feedback
  ``satisfaction``): satisfied/neutral/dissatisfied or hài lòng / bình thường / không hài lòng, stored in English.
  Online level (catalogue): full/partial/none or toàn trình / một phần / không.
- Dates (catalogue): as timestamps, the time of day dropped.
- Row numbers: data rows from 1 (the first row after the header; blank CSV lines are not counted), Excel row
  numbers for XLSX (whose empty rows are skipped, not refused).
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
from openpyxl import load_workbook

from dieuhanh.core.d766.schema import (
    DOSSIER_COLUMNS,
    FEEDBACK_COLUMNS,
    FEEDBACK_REQUIRED,
    PROCEDURE_COLUMNS,
    PROCEDURE_REQUIRED,
    REQUIRED,
    REQUIRED_ELEMENTS,
    canonical_column,
)

TABLE = "dossiers"
ERROR_CAP = 1_000
XLSX_BATCH_ROWS = 50_000
TIME_ZONE = "Asia/Ho_Chi_Minh"

_STAGE = "_d766_stage"
_PARSED = "_d766_parsed"
_DUPLICATES = "_d766_duplicates"
_EXISTING = "_d766_existing"  # the file's keys the table already holds
_CHANGED = "_d766_changed"  # the dossier rows the file wrote, as stored
_NEW_FACTS = "_d766_new_facts"
_KNOWN = "_d766_known_agencies"
_EXCEL_ROW = "__excel_row"

_CHANNELS = (1, 2, 3)
_PAID_ONLINE = (0, 1, 2)
# Day-first and minute-precision forms that a plain cast to TIMESTAMP does not read.
_TIMESTAMP_FORMATS = ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M")
_TRUE = ("1", "true", "co", "x")
_FALSE = ("0", "false", "khong")
_RATING_WORDS = {
    "satisfied": "satisfied", "hai long": "satisfied",
    "neutral": "neutral", "binh thuong": "neutral",
    "dissatisfied": "dissatisfied", "khong hai long": "dissatisfied",
}
_ONLINE_WORDS = {
    "full": "full", "toan trinh": "full", "partial": "partial", "mot phan": "partial", "none": "none", "khong": "none",
}
_NUMERIC_TYPES = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER",
                  "UBIGINT", "UHUGEINT", "FLOAT", "DOUBLE")  # and DECIMAL(p, s)
_TIMESTAMP_TYPES = ("TIMESTAMP", "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS", "DATE")
# Spaces, tabs, line breaks and the no-break space that spreadsheets leave around values in XLSX cells.
_BLANKS = " \t\r\n\u00a0"


@dataclass(frozen=True)
class TableSpec:
    """What a table holds and how its files are checked."""

    table: str
    key: str
    columns: dict[str, tuple[str, tuple[str, ...]]]
    required: tuple[str, ...]
    record_vi: str  # what one row is, for messages: "hồ sơ"
    words: dict[str, dict[str, str]] = field(default_factory=dict)  # column -> folded word -> stored value
    codes: dict[str, tuple[int, ...]] = field(default_factory=dict)  # column -> allowed codes
    counts: dict[str, int] = field(default_factory=dict)  # whole-number column -> its largest value
    after_receipt: tuple[str, ...] = ()  # timestamps that may not precede received_at
    known_agency: bool = True  # agency_code must be a known agency

    def of_kind(self, *kinds: str) -> tuple[str, ...]:
        return tuple(name for name, (kind, _) in self.columns.items() if kind in kinds)

    @property
    def timestamps(self) -> tuple[str, ...]:
        return self.of_kind("TIMESTAMP", "DATE")

    @property
    def booleans(self) -> tuple[str, ...]:
        return self.of_kind("BOOLEAN")

    @property
    def text(self) -> tuple[str, ...]:
        """Text stored as written (trimmed): the VARCHAR columns that are not read as words."""
        return tuple(name for name in self.of_kind("VARCHAR") if name not in self.words)

    @property
    def amounts(self) -> tuple[str, ...]:
        return tuple(name for name in self.of_kind("DOUBLE", "SMALLINT") if name not in self.counts)


DOSSIERS = TableSpec(
    "dossiers", "dossier_id", DOSSIER_COLUMNS, REQUIRED, "hồ sơ",
    words={"rating": _RATING_WORDS}, codes={"channel": _CHANNELS, "paid_online": _PAID_ONLINE},
    counts={"supplement_requests": 32767}, after_receipt=("finished_at",),
)
PROCEDURES = TableSpec(
    "procedures", "procedure_code", PROCEDURE_COLUMNS, PROCEDURE_REQUIRED, "thủ tục",
    words={"online_level": _ONLINE_WORDS}, counts={"elements_published": REQUIRED_ELEMENTS}, known_agency=False,
)
FEEDBACK = TableSpec(
    "feedback", "feedback_id", FEEDBACK_COLUMNS, FEEDBACK_REQUIRED, "phản ánh, kiến nghị",
    words={"satisfaction": _RATING_WORDS}, after_receipt=("rejected_at", "info_requested_at", "handled_at"),
)
SPECS = {spec.table: spec for spec in (DOSSIERS, PROCEDURES, FEEDBACK)}


@dataclass(frozen=True)
class RowError:
    """A problem of a dossier file: a stable code and the parameters of its sentence, which is rendered outside
    the core from the message catalogue (``dieuhanh.messages.render(error.message_code, error.params)``)."""

    row: int  # data row (Excel row for XLSX); 0 for a problem with the file as a whole
    column: str  # schema name, or "" when no single column is at fault
    code: str
    params: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    says: str = ""  # the catalogue code of the sentence when it is more precise than ``code``

    @property
    def message_code(self) -> str:
        return self.says or self.code


@dataclass
class FileReport:
    path: Path
    rows: int  # data rows read; 0 when the file was refused before its rows were read
    errors: list[RowError]
    more_errors: int = 0  # errors beyond the first ERROR_CAP, counted but not listed


@dataclass
class IngestResult:
    inserted: int = 0
    updated: int = 0
    rejected_files: list[FileReport] = field(default_factory=list)
    # (agency code, "YYYY-MM") pairs whose scorecards the kept files may have changed (see ``_write_dossiers``,
    # ``_touched_by``): what a cache of scorecards per agency and month must forget
    touched: set[tuple[str, str]] = field(default_factory=set)


def create_schema(con: duckdb.DuckDBPyConnection, spec: TableSpec = DOSSIERS) -> None:
    """Create ``spec``'s table (the schema's columns and types) if it does not exist. It has no primary key:
    ``ingest`` keeps ``spec.key`` unique (see ``_merge``); a table created with one by an earlier version
    keeps it until ``drop_key``."""
    columns = ", ".join(f'"{name}" {kind}' for name, (kind, _) in spec.columns.items())
    con.execute(f"CREATE TABLE IF NOT EXISTS {spec.table} ({columns})")


def drop_key(con: duckdb.DuckDBPyConnection, spec: TableSpec = DOSSIERS) -> bool:
    """Copy ``spec``'s table without the primary key an earlier version gave it (DuckDB cannot drop one), in
    the caller's transaction; whether it had one. Every write then costs what a keyless table costs."""
    keyed = con.execute("SELECT count(*) FROM duckdb_constraints() WHERE table_name = ? AND schema_name = "
                        "current_schema() AND constraint_type = 'PRIMARY KEY'", [spec.table]).fetchall()[0][0]
    if keyed:
        con.execute(f"CREATE TABLE _d766_unkeyed AS SELECT * FROM {spec.table}")
        con.execute(f"DROP TABLE {spec.table}")
        con.execute(f"ALTER TABLE _d766_unkeyed RENAME TO {spec.table}")
    return bool(keyed)


def ingest(
    con: duckdb.DuckDBPyConnection,
    paths: Sequence[Path],
    *,
    known_agencies: set[str],
    progress: Callable[[int], None] | None = None,
    spec: TableSpec = DOSSIERS,
) -> IngestResult:
    """Load ``paths`` in order into ``spec``'s table (``dossiers`` unless told; created if missing), each file in
    its own transaction.

    A file with any problem keeps nothing and is listed in ``rejected_files``; the others are upserted by the
    table's key (``inserted`` new rows, ``updated`` existing ones). ``progress`` is called with the number
    of rows handled so far over all files, during long reads and writes. The connection must not be inside a
    transaction: each file commits or rolls back its own.
    """
    create_schema(con, spec)
    result = IngestResult()
    handled = 0  # rows of the files done
    in_file = 0  # rows of the current file read (XLSX) or written so far

    def report(rows: int) -> None:
        nonlocal in_file
        # An XLSX file reports its rows as they are read and again as they are written; count each row once.
        if rows > in_file:
            in_file = rows
            if progress is not None:
                progress(handled + in_file)

    con.execute(f"CREATE OR REPLACE TEMP TABLE {_KNOWN} (code VARCHAR PRIMARY KEY)")
    try:
        if known_agencies:
            con.execute(f"INSERT INTO {_KNOWN} SELECT UNNEST(?::VARCHAR[])", [sorted(known_agencies)])
        for path in paths:
            path = Path(path)
            outcome = _ingest_file(con, spec, path, report)
            if isinstance(outcome, FileReport):
                result.rejected_files.append(outcome)
                report(outcome.rows)
            else:
                result.inserted += outcome[0]
                result.updated += outcome[1]
                result.touched |= outcome[2]
            handled += in_file
            in_file = 0
    finally:
        con.execute(f"DROP TABLE IF EXISTS {_KNOWN}")
    return result


# ---------------------------------------------------------------------------------------------------
# One file


class _Refused(Exception):
    """The file as a whole cannot be read (format, headers, encoding); carries the errors to report."""

    def __init__(self, errors: list[RowError]):
        super().__init__(errors[0].code)
        self.errors = errors


@dataclass(frozen=True)
class _Stage:
    spec: TableSpec
    columns: dict[str, str]  # schema name -> DuckDB type of the file's column
    rows: int
    fast: bool = False  # staged the fast way (``_stage_source``): errors are counted, not worded


def _ingest_file(
    con: duckdb.DuckDBPyConnection, spec: TableSpec, path: Path, report: Callable[[int], None]
) -> FileReport | tuple[int, int, set[tuple[str, str]]]:
    """The file's report if it is refused, else how many rows it inserted and updated and the agency months it
    touched."""
    con.begin()
    try:
        drop_key(con, spec)
        try:
            try:
                stage = _stage_file(con, spec, path, report)
            except _NotFast:  # DuckDB's error ended the transaction: again, the general way
                con.rollback()
                con.begin()
                drop_key(con, spec)
                stage = _stage_file(con, spec, path, report, fast=False)
        except _Refused as refused:
            con.rollback()
            return FileReport(path, 0, refused.errors)
        errors, more = _check(con, stage)
        if errors and stage.fast:  # staged again the general way, which keeps the text the errors quote
            _drop_temporaries(con)
            stage = _stage_file(con, spec, path, report, fast=False)
            errors, more = _check(con, stage)
        if errors:
            con.rollback()
            return FileReport(path, stage.rows, errors, more)
        # The tables are written in no particular order (the facts sort themselves): DuckDB then writes them with
        # both cores without keeping the order of the rows (a tenth of an import's time).
        keep_order = con.execute("SELECT current_setting('preserve_insertion_order')").fetchall()[0][0]
        con.execute("SET preserve_insertion_order = false")
        try:
            if spec is DOSSIERS:
                inserted, updated, touched = _write_dossiers(con, stage, report)
            else:
                updated = _existing(con, stage)
                old = _feedback_months(con, f"SELECT * FROM {spec.table} WHERE {spec.key} IN (SELECT key FROM {_EXISTING})") \
                    if spec is FEEDBACK and updated else set()
                _merge(con, stage, updated, report)
                inserted, touched = stage.rows - updated, _touched_by(con, spec, old)
        finally:
            con.execute(f"SET preserve_insertion_order = {bool(keep_order)}")
        _record_source(con, spec, path, stage.rows)
        _drop_temporaries(con)
        con.commit()
        return inserted, updated, touched
    except BaseException:
        con.rollback()
        raise


SOURCES = "sources"
SYNTHETIC_KEY = b"dieuhanh.synthetic"  # Parquet metadata key of the files the synthetic generator writes


def _record_source(con: duckdb.DuckDBPyConnection, spec: TableSpec, path: Path, rows: int) -> None:
    """Remember where the table's rows came from (``sources``: table, file, rows, when, and the synthetic label a
    Parquet file written by the synthetic generator carries), so every page built on them can say whether the
    data is synthetic from its provenance, not from its look."""
    label = None
    if path.suffix.lower() in (".parquet", ".pq"):
        metadata = pq.read_schema(path).metadata or {}
        label = metadata.get(SYNTHETIC_KEY, b"").decode("utf-8") or None
    con.execute(f"CREATE TABLE IF NOT EXISTS {SOURCES} (table_name VARCHAR, file_name VARCHAR, rows BIGINT, "
                "loaded_at TIMESTAMP, synthetic VARCHAR)")
    con.execute(f"INSERT INTO {SOURCES} VALUES (?, ?, ?, now()::TIMESTAMP, ?)", [spec.table, path.name, rows, label])


def synthetic_labels(con: duckdb.DuckDBPyConnection, table: str = TABLE) -> list[str]:
    """The synthetic labels of the files loaded into ``table`` (empty when none was synthetic, or no file was
    recorded)."""
    found = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [SOURCES]).fetchone()[0]
    if not found:
        return []
    return [r[0] for r in con.execute(f"SELECT DISTINCT synthetic FROM {SOURCES} WHERE table_name = ? AND synthetic IS NOT NULL "
                                      "ORDER BY 1", [table]).fetchall()]


def _stage_file(con: duckdb.DuckDBPyConnection, spec: TableSpec, path: Path, report: Callable[[int], None], *,
                fast: bool = True) -> _Stage:
    """Stage ``path`` (see ``_stage_source``); a CSV file the fast way unless ``fast`` is false."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        source = f"read_csv({_literal(path)}, header = true, all_varchar = true)"
        return _stage_source(con, spec, source, row=None, fast=fast)
    if suffix in (".parquet", ".pq"):
        return _stage_source(con, spec, f"read_parquet({_literal(path)}, file_row_number = true)",
                             row="file_row_number + 1")
    if suffix == ".xlsx":
        with tempfile.TemporaryDirectory(prefix="d766-") as folder:
            converted = Path(folder) / "sheet.parquet"
            _xlsx_to_parquet(spec, path, converted, report)
            return _stage_source(con, spec, f"read_parquet({_literal(converted)})", row=f'"{_EXCEL_ROW}"')
    raise _Refused([RowError(0, "", "unsupported_format", {"file": path.name})])


class _NotFast(Exception):
    """The fast reading of a CSV file does not apply to it (a timestamp in another form, or any other error):
    the file is staged again the general way, which also words its errors."""


# A CSV timestamp in this form is parsed by DuckDB's reader as it reads (every other form by the general way).
_CSV_TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S"


def _stage_source(con: duckdb.DuckDBPyConnection, spec: TableSpec, source: str, *, row: str | None,
                  fast: bool = False) -> _Stage:
    """Stage ``source`` (a DuckDB table expression) and define the view that parses it.

    ``row`` is the SQL for the data-row number in the source; None numbers the rows in file order by the staged
    table's rowid (DuckDB keeps insertion order, and read_csv has no row number of its own). Raw values are
    stored, and beside them the values parsed from text (``p_`` columns, parsed once: the checks and the merge
    both read them); the view adds the casts of values the file typed itself and the row number.

    ``fast`` (a CSV file read as text): DuckDB's reader parses the timestamp columns itself when every value is
    written ``_CSV_TIMESTAMP_FORMAT`` (else ``_NotFast``), and a value written the plain way ("true", "0", "12.5",
    "satisfied": ``_plain``) is parsed without trimming or keeping its text; the raw text is kept only for the
    others. The values are then those the general way gives (``tests/core/test_d766_ingest_fast.py``), but a
    plain value has no text to quote in an error: a fast stage reports only whether there are errors, and
    ``_ingest_file`` stages the file again the general way to word them.
    """
    try:
        described = con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()
    except duckdb.Error as error:
        raise _Refused([_unreadable(error)]) from error
    kinds = {name: kind for name, kind, *_ in described if name not in ("file_row_number", _EXCEL_ROW)}
    mapping = _map_headers(spec, list(kinds))
    plain: dict[str, tuple[str, str]] = {}
    if fast:
        typed = {header: "TIMESTAMP" for name, header in mapping.items()
                 if spec.columns[name][0] == "TIMESTAMP" and kinds[header] == "VARCHAR"}
        if typed:
            types = ", ".join(f"{_literal(header)}: 'TIMESTAMP'" for header in typed)
            source = f"{source[:-1]}, types = {{{types}}}, timestampformat = '{_CSV_TIMESTAMP_FORMAT}')"
            kinds |= typed
        plain = {name: form for name, header in mapping.items() if kinds[header] == "VARCHAR"
                 and name not in spec.text and (form := _plain(spec, name, f'"{_identifier(header)}"')) is not None}
    # Text columns are staged as text whatever the file's type (an agency code stored as a number is "26743").
    columns = {name: "VARCHAR" if spec.columns[name][0] == "VARCHAR" else kinds[header]
               for name, header in mapping.items()}
    staged = [f"{row} AS _row"] if row else []
    for name, header in mapping.items():
        raw = value = f'"{_identifier(header)}"'
        if columns[name] == "VARCHAR":
            text = value if kinds[header] == "VARCHAR" else f"CAST({value} AS VARCHAR)"
            # trim() without a character list: the general form is three times slower on a large CSV.
            value = f"NULLIF(trim({text}), '')"
        if name in plain:  # the text is kept only when the value is not written the plain way
            staged.append(f'{raw} AS "u_{name}"')
            value = f"CASE WHEN {plain[name][0]} THEN NULL ELSE {value} END"
        staged.append(f'{value} AS "r_{name}"')
    # Values read from text are parsed once, as they are staged (the checks and the merge both read them);
    # values the file already types are only cast, in the view.
    parsed = {name: f'{_parse(spec, name, f"s.r_{name}", kind)} AS "p_{name}"'
              for name, kind in columns.items() if name not in spec.text}
    for name, (_, value) in plain.items():
        parsed[name] = (f'CASE WHEN s."r_{name}" IS NULL THEN {value.replace("RAW", f"s.u_{name}")} '
                        f'ELSE {_parse(spec, name, f"s.r_{name}", "VARCHAR")} END AS "p_{name}"')
    heavy = [name for name in parsed if kinds[mapping[name]] == "VARCHAR"]
    unkept = f" EXCLUDE ({', '.join(f'u_{name}' for name in plain)})" if plain else ""
    try:
        con.execute(f"CREATE TEMP TABLE {_STAGE} AS SELECT s.*{unkept}{''.join(', ' + parsed[n] for n in heavy)} "
                    f"FROM (SELECT {', '.join(staged)} FROM {source}) s")
        rows, first_rowid = con.execute(f"SELECT count(*), min(rowid) FROM {_STAGE}").fetchall()[0]
        # Inside a transaction DuckDB numbers new rows from a large offset, in order all the same.
        number = "s._row" if row else f"s.rowid - {first_rowid or 0} + 1"
        light = [parsed[name] for name in parsed if name not in heavy]
        # A plain value's text is not kept: the checks see a stand-in, so that "is there a value" stays true.
        shown = [f'CASE WHEN s."r_{name}" IS NULL AND s."p_{name}" IS NOT NULL THEN \'·\' ELSE s."r_{name}" END '
                 f'AS "r_{name}"' for name in plain]
        replaced = f" REPLACE ({', '.join(shown)})" if shown else ""
        selected = ", ".join([f"s.*{replaced}", *light, f"{number} AS row"])  # a file of text columns only parses nothing
        con.execute(f"CREATE TEMP VIEW {_PARSED} AS SELECT {selected} FROM {_STAGE} s")
    except duckdb.Error as error:
        if fast:
            raise _NotFast() from error
        raise _Refused([_unreadable(error)]) from error
    return _Stage(spec, columns, rows, fast)


def _plain(spec: TableSpec, name: str, raw: str) -> tuple[str, str] | None:
    """For column ``name`` read as text ``raw`` (SQL), the condition that the value is written the plain way and
    the SQL of its value then (``RAW`` standing for the text), or None: booleans "true", "false", "1", "0";
    words as stored ("satisfied"); numbers as digits with at most two decimals after a point ("15", "12.5") —
    never "1.234", which groups thousands. The general parsing gives the same value for each."""
    # The value is read from RAW only when the text was not kept: plain, or blank (then no value).
    if name in spec.booleans:
        return (f"{raw} IN ('true', 'false', '1', '0')",
                "CASE WHEN RAW IN ('true', '1') THEN true WHEN RAW IN ('false', '0') THEN false END")
    if name in spec.words:
        words = _list(sorted(set(spec.words[name].values())))
        return f"{raw} IN ({words})", f"CASE WHEN RAW IN ({words}) THEN RAW END"
    if name in spec.timestamps:
        return None
    return f"regexp_full_match({raw}, '[0-9]+(\\.[0-9][0-9]?)?')", "TRY_CAST(RAW AS DOUBLE)"


def _drop_temporaries(con: duckdb.DuckDBPyConnection) -> None:
    for kind, name in (("VIEW", _PARSED), ("TABLE", _STAGE), ("TABLE", _DUPLICATES), ("TABLE", _EXISTING)):
        con.execute(f"DROP {kind} IF EXISTS {name}")


def _map_headers(spec: TableSpec, headers: list[str]) -> dict[str, str]:
    """Schema name -> the file's header for it; refuses duplicated and missing required columns."""
    mapping: dict[str, str] = {}
    errors: list[RowError] = []
    for header in headers:
        name = canonical_column(header, spec.columns)
        if name is None:
            continue
        if name in mapping:
            errors.append(RowError(0, name, "duplicate_column",
                                   {"label": _label(spec, name), "first": mapping[name], "second": header}))
            continue
        mapping[name] = header
    errors += [RowError(0, name, "missing_column", {"label": _label(spec, name)})
               for name in spec.required if name not in mapping]
    if errors:
        raise _Refused(errors)
    return mapping


# ---------------------------------------------------------------------------------------------------
# Parsing, in SQL


def _parse(spec: TableSpec, name: str, value: str, kind: str) -> str:
    """SQL for ``value`` (SQL of DuckDB type ``kind``, the file's type) as the schema reads it: NULL when empty
    or unreadable (the checks tell the two apart by the raw value)."""
    text = value if kind == "VARCHAR" else f"CAST({value} AS VARCHAR)"
    if name in spec.timestamps:
        if kind in _TIMESTAMP_TYPES:
            return f"CAST({value} AS TIMESTAMP)"
        if kind == "TIMESTAMP WITH TIME ZONE":
            return f"timezone('{TIME_ZONE}', {value})"
        formats = ", ".join(f"'{f}'" for f in _TIMESTAMP_FORMATS)
        # A plain cast to TIMESTAMP would drop a written offset ("…Z", "…+07:00") and keep the clock time.
        zoned = f"(contains({text}, '+') OR ends_with({text}, 'Z'))"
        return (f"CASE WHEN {zoned} THEN timezone('{TIME_ZONE}', TRY_CAST({text} AS TIMESTAMPTZ)) "
                f"ELSE coalesce(TRY_CAST({text} AS TIMESTAMP), try_strptime({text}, [{formats}])) END")
    if name in spec.booleans:
        if kind == "BOOLEAN":
            return value
        key = f"lower(strip_accents({text}))"
        return f"CASE WHEN {key} IN ({_list(_TRUE)}) THEN true WHEN {key} IN ({_list(_FALSE)}) THEN false END"
    if name in spec.words:
        key = f"regexp_replace(lower(strip_accents({text})), '\\s+', ' ', 'g')"
        cases = " ".join(f"WHEN {key} = '{word}' THEN '{value}'" for word, value in spec.words[name].items())
        return f"CASE {cases} END"
    if kind in _NUMERIC_TYPES or kind.startswith("DECIMAL"):
        return f"CAST({value} AS DOUBLE)"
    return _number(text)


def _number(text: str) -> str:
    """SQL reading ``text`` as a plain or Vietnamese-written number; letters (inf, nan) make it unreadable."""
    return (
        f"CASE WHEN NOT regexp_full_match({text}, '-?[0-9][0-9.,]*([eE][-+]?[0-9]+)?') THEN NULL "
        f"WHEN regexp_full_match({text}, '-?[1-9][0-9]{{0,2}}(\\.[0-9]{{3}})+(,[0-9]+)?') "
        f"THEN TRY_CAST(replace(replace({text}, '.', ''), ',', '.') AS DOUBLE) "
        f"WHEN contains({text}, ',') THEN TRY_CAST(replace({text}, ',', '.') AS DOUBLE) "
        f"ELSE TRY_CAST({text} AS DOUBLE) END"
    )


def _list(values: Sequence[object]) -> str:
    return ", ".join(f"'{v}'" if isinstance(v, str) else str(v) for v in values)


# ---------------------------------------------------------------------------------------------------
# Checks


@dataclass(frozen=True)
class _Check:
    column: str
    code: str
    condition: str  # SQL over the parsed row ``v``, its duplicate ``d`` and its known agency ``k``
    other: str = "NULL"  # SQL for a second value the message needs


def _checks(stage: _Stage) -> list[_Check]:
    spec, present = stage.spec, stage.columns
    raw = {name: f'v."r_{name}"' for name in present}
    parsed = {name: f'v."p_{name}"' for name in present}
    checks = [_Check(name, "missing_value", f"{raw[name]} IS NULL") for name in spec.required]
    checks.append(_Check(spec.key, "duplicate_id", "v.row > d.first_row", "CAST(d.first_row AS VARCHAR)"))
    if spec.known_agency and "agency_code" in present:
        checks.append(_Check("agency_code", "unknown_agency", f"{raw['agency_code']} IS NOT NULL AND k.code IS NULL"))
    for name, allowed in spec.codes.items():
        if name in present:
            checks.append(_Check(name, f"bad_{name}", f"{raw[name]} IS NOT NULL AND {_outside(parsed[name], allowed)}"))
    for name in spec.timestamps:
        if name in present:
            checks.append(_Check(name, "bad_timestamp", f"{raw[name]} IS NOT NULL AND {parsed[name]} IS NULL"))
    for name in spec.after_receipt:
        if name in present:
            code = "finish_before_receipt" if name == "finished_at" else "before_receipt"
            checks.append(_Check(name, code, f"{parsed[name]} < {parsed['received_at']}",
                                 f"strftime({parsed['received_at']}, '%d/%m/%Y %H:%M')"))
    for name in (*spec.counts, *spec.amounts):
        if name in present:
            unreadable = f"{parsed[name]} IS NULL"
            if name in spec.counts:
                unreadable += f" OR {parsed[name]} <> floor({parsed[name]}) OR {parsed[name]} > {spec.counts[name]}"
            checks.append(_Check(name, "bad_number", f"{raw[name]} IS NOT NULL AND ({unreadable})"))
            checks.append(_Check(name, "negative_number", f"{parsed[name]} < 0"))
    for name in (*spec.booleans, *spec.words):
        if name in present:
            if name in spec.booleans:
                code = "bad_boolean"
            else:
                code = "bad_rating" if spec.words[name] is _RATING_WORDS else "bad_value"
            checks.append(_Check(name, code, f"{raw[name]} IS NOT NULL AND {parsed[name]} IS NULL"))
    return checks


def _outside(value: str, allowed: Sequence[int]) -> str:
    return f"({value} IS NULL OR {value} NOT IN ({_list(allowed)}))"


def _check(con: duckdb.DuckDBPyConnection, stage: _Stage) -> tuple[list[RowError], int]:
    """The first ERROR_CAP problems in row order, and how many more there are."""
    # Repeated keys: grouping by a 64-bit hash of the key is several times cheaper than by the text; only the
    # rows whose hash repeats (the duplicates and the rare collisions) are then grouped by the key itself.
    key = f"r_{stage.spec.key}"
    con.execute(f"""
        CREATE TEMP TABLE {_DUPLICATES} AS
        SELECT v.{key} AS key, min(v.row) AS first_row FROM {_PARSED} v
        WHERE hash(v.{key}) IN (SELECT hash({key}) FROM {_STAGE} WHERE {key} IS NOT NULL GROUP BY 1 HAVING count(*) > 1)
          AND v.{key} IS NOT NULL
        GROUP BY ALL HAVING count(*) > 1
    """)
    checks = _checks(stage)
    conditions = [f"coalesce({c.condition}, false)" for c in checks]
    joined = f"{_PARSED} v LEFT JOIN {_DUPLICATES} d ON v.r_{stage.spec.key} = d.key"
    if "agency_code" in stage.columns:
        joined += f" LEFT JOIN {_KNOWN} k ON v.r_agency_code = k.code"
    # Counting is cheap and almost always zero; the rows themselves are fetched only when something is wrong.
    counted = " + ".join(f"{c}::INTEGER" for c in conditions)
    total = con.execute(f"SELECT coalesce(sum({counted}), 0) FROM {joined}").fetchall()[0][0]
    if total == 0:
        return [], 0
    found = ", ".join(
        f"CASE WHEN {condition} THEN "
        f"{{'check': {i}, 'value': CAST(v.\"r_{c.column}\" AS VARCHAR), 'other': {c.other}}} END"
        for i, (c, condition) in enumerate(zip(checks, conditions))
    )
    listed = con.execute(f"""
        SELECT v.row, list_filter([{found}], lambda x: x IS NOT NULL) FROM {joined}
        WHERE {' OR '.join(conditions)} ORDER BY v.row LIMIT {ERROR_CAP}
    """).fetchall()
    errors = [
        _row_error(row, stage.spec, checks[item["check"]], item["value"], item["other"])
        for row, items in listed for item in items
    ][:ERROR_CAP]
    return errors, int(total) - len(errors)


# ---------------------------------------------------------------------------------------------------
# Writing


def _existing(con: duckdb.DuckDBPyConnection, stage: _Stage) -> int:
    """Keep the file's keys that the table already holds in ``_EXISTING`` (one hash join; none when the table is
    empty) and return how many there are: the rows the file updates."""
    spec = stage.spec
    if con.execute(f"SELECT NOT EXISTS (SELECT 1 FROM {spec.table})").fetchall()[0][0]:
        con.execute(f"CREATE TEMP TABLE {_EXISTING} (key VARCHAR)")
        return 0
    con.execute(f"CREATE TEMP TABLE {_EXISTING} AS SELECT t.{spec.key} AS key FROM {spec.table} t "
                f"WHERE t.{spec.key} IN (SELECT r_{spec.key} FROM {_STAGE})")
    return con.execute(f"SELECT count(*) FROM {_EXISTING}").fetchall()[0][0]


def _merge(con: duckdb.DuckDBPyConnection, stage: _Stage, updated: int, report: Callable[[int], None]) -> None:
    """Write the staged rows to the table by its key: new keys appended, the ``updated`` existing ones (found by
    ``_existing``) updated, only in the columns the file has.

    The table keeps no index: keeping a primary key costs more than the whole load (10 M rows: 22 s against 3.5
    s for the append, and memory for the index); the file has no duplicate key (checked) and the keys it shares
    with the table are found by a hash join, so each key stays unique. When the file only adds rows, they are
    appended by one ``INSERT`` (a statement per slice of rows would scan the staged table for each); otherwise
    one ``MERGE``."""
    spec = stage.spec
    names = list(stage.columns)
    targets = ", ".join(f'"{name}"' for name in names)
    if not updated:
        values = ", ".join(_value(spec, name) for name in names)
        con.execute(f"INSERT INTO {spec.table} ({targets}) SELECT {values} FROM {_PARSED} v")
        report(stage.rows)
        return
    named = ", ".join(f'{_value(spec, name)} AS "{name}"' for name in names)
    updates = ", ".join(f'"{name}" = s."{name}"' for name in names if name != spec.key)
    matched = f"WHEN MATCHED THEN UPDATE SET {updates}" if updates else ""
    inserted = ", ".join(f's."{name}"' for name in names)
    con.execute(f"MERGE INTO {spec.table} t USING (SELECT {named} FROM {_PARSED} v) s "
                f"ON t.{spec.key} = s.{spec.key} {matched} WHEN NOT MATCHED THEN INSERT ({targets}) VALUES ({inserted})")
    report(stage.rows)


def _value(spec: TableSpec, name: str) -> str:
    """SQL for the value the upsert writes to column ``name`` from the parsed row ``v``."""
    return f'CAST(v."{"r" if name in spec.text else "p"}_{name}" AS {spec.columns[name][0]})'


def _written(stage: _Stage) -> str:
    """SQL for the staged rows as the upsert writes them (a column the file lacks is empty): the new dossiers'
    rows when the file only inserted."""
    spec = stage.spec
    return "SELECT " + ", ".join(
        f'{_value(spec, name)} AS "{name}"' if name in stage.columns else f'CAST(NULL AS {kind}) AS "{name}"'
        for name, (kind, _) in spec.columns.items()
    ) + f" FROM {_PARSED} v"


def _months(con: duckdb.DuckDBPyConnection, sql: str) -> set[tuple[str, str]]:
    """The (agency code, "YYYY-MM") pairs of ``sql``, which selects an agency code and a month number (year × 12
    + month)."""
    return {(agency, f"{(m - 1) // 12:04d}-{(m - 1) % 12 + 1:02d}")
            for agency, m in con.execute(f"SELECT DISTINCT * FROM ({sql})").fetchall() if agency is not None}


def _fact_months(source: str, last: str) -> str:
    """SQL for the agency and the months the dossier facts of ``source`` count in: from the month of receipt to
    the month finished or, while open, to the month number ``last`` (SQL)."""
    spans = f"SELECT DISTINCT agency_code, _received_m, _finished_m FROM {source}"  # few: months, not dossiers
    return (f"SELECT agency_code, unnest(range(_received_m, coalesce(_finished_m, "
            f"greatest(_received_m, {last})) + 1)) FROM ({spans})")


def _facts_last_month(con: duckdb.DuckDBPyConnection, facts: str) -> int:
    """The last month number an open dossier counts in: the last with a dossier received or finished in ``facts``,
    or the current month if later (a scorecard of the running month counts the dossiers still open in it)."""
    found = con.execute(f"SELECT max(greatest(_received_m, coalesce(_finished_m, 0))) FROM {facts}").fetchall()
    today = dt.date.today()
    return max(found[0][0] or 0, today.year * 12 + today.month)


def _write_dossiers(con: duckdb.DuckDBPyConnection, stage: _Stage, report: Callable[[int], None]
                    ) -> tuple[int, int, set[tuple[str, str]]]:
    """Merge a dossier file and bring ``dossier_facts`` up to date with it in the same transaction.

    The facts of new dossiers are computed from the staged rows only; an update replaces the facts of the file's
    existing dossiers by facts computed from their rows as merged (an update keeps the columns the file lacks).
    The first file of a store writes the facts in ``execute.FACTS_ORDER``, as a full rebuild
    does (``execute.refresh_facts``, also used when the kept facts were computed otherwise, e.g. with another
    holiday calendar). Returns the inserted and updated counts and the (agency code, "YYYY-MM") pairs whose
    scorecards may have changed: the months the new facts and the replaced ones count in (an open dossier up to
    the store's last month with a dossier received or finished); after a full rebuild, every such pair."""
    from dieuhanh.core.d766 import execute  # Ibis: imported when a dossier file is written, not before
    from dieuhanh.core.d766.workdays import default_calendar

    facts, hashed = execute.FACTS_TABLE, execute.FACTS_KEY
    calendar = default_calendar()
    current = execute.facts_current(con, calendar)
    updated = _existing(con, stage)
    # The kept facts name dossiers by a hash of the id: an update replaces the facts of every dossier whose id
    # hashes like one of the file's ids — its own, and any other that shares a hash, computed again as it is.
    hashes = f"(SELECT {execute.id_hash(f'r_{DOSSIERS.key}')} FROM {_STAGE})"
    touched: set[tuple[str, str]] = set()
    if current and updated:  # the months the replaced facts counted in
        old = f"(SELECT * FROM {facts} WHERE {hashed} IN {hashes})"
        touched |= _months(con, _fact_months(old, str(_facts_last_month(con, facts))))
    before = con.execute(f"SELECT count(*) FROM {DOSSIERS.table}").fetchall()[0][0]
    _merge(con, stage, updated, report)
    inserted = stage.rows - updated
    if updated:
        changed = f"SELECT * FROM {DOSSIERS.table} WHERE {execute.id_hash(DOSSIERS.key)} IN {hashes}"
    else:
        changed = _written(stage)  # the staged rows (in memory), not the table just written
    if before == 0 or current:
        con.execute(f"CREATE OR REPLACE TEMP VIEW {_CHANGED} AS {changed}")
        select = execute.kept_facts_sql(execute.facts_select(con, _CHANGED))
        if before == 0:
            con.execute(f"CREATE OR REPLACE TABLE {facts} AS {select} ORDER BY {execute.FACTS_ORDER}")
            con.execute(f"COMMENT ON TABLE {facts} IS '{execute.facts_digest(calendar)}'")
            new = facts
        else:
            con.execute(f"CREATE TEMP TABLE {_NEW_FACTS} AS {select}")
            if updated:
                con.execute(f"DELETE FROM {facts} WHERE {hashed} IN {hashes}")
            con.execute(f"INSERT INTO {facts} BY NAME SELECT * FROM {_NEW_FACTS}")
            new = _NEW_FACTS
        con.execute(f"DROP VIEW {_CHANGED}")
        if execute.facts_current(con, calendar):
            touched |= _months(con, _fact_months(new, str(_facts_last_month(con, facts))))
            con.execute(f"DROP TABLE IF EXISTS {_NEW_FACTS}")
            return inserted, updated, touched
        con.execute(f"DROP TABLE IF EXISTS {_NEW_FACTS}")
    execute.refresh_facts(con)  # kept facts computed otherwise, or dossiers written by other means too: all again
    return inserted, updated, _months(con, _fact_months(facts, str(_facts_last_month(con, facts))))


def _touched_by(con: duckdb.DuckDBPyConnection, spec: TableSpec, old: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """The (agency code, "YYYY-MM") pairs a catalogue or feedback file changed: for feedback, the months of
    receipt of its records, as they were (``old``) and as written; for the catalogue, the agencies and months
    of receipt of the dossiers of its procedures (their catalogue indicators)."""
    if spec is FEEDBACK:
        return old | _feedback_months(con, f"SELECT * FROM {FEEDBACK.table} WHERE {FEEDBACK.key} IN "
                                           f"(SELECT r_{FEEDBACK.key} FROM {_STAGE})")
    from dieuhanh.core.d766.execute import FACTS_TABLE

    if not con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = ? AND schema_name = "
                       "current_schema()", [FACTS_TABLE]).fetchall()[0][0]:
        return set()
    return _months(con, f"SELECT agency_code, _received_m FROM {FACTS_TABLE} WHERE procedure_code IN "
                        f"(SELECT r_{spec.key} FROM {_STAGE})")


def _feedback_months(con: duckdb.DuckDBPyConnection, rows: str) -> set[tuple[str, str]]:
    return _months(con, f"SELECT agency_code, year(received_at) * 12 + month(received_at) FROM ({rows})")


# ---------------------------------------------------------------------------------------------------
# XLSX


def _xlsx_to_parquet(spec: TableSpec, path: Path, target: Path, report: Callable[[int], None]) -> None:
    """Stream the first sheet into Parquet, every cell as text, with its Excel row number in ``__excel_row``."""
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged or disguised workbook
        raise _Refused([_unreadable(error)]) from error
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        header = next(rows, ())
        headers = [str(h).strip() if h is not None else "" for h in header]
        mapping = _map_headers(spec, headers)
        positions = {name: headers.index(header) for name, header in mapping.items()}
        schema = pa.schema([pa.field(_EXCEL_ROW, pa.int64())] + [pa.field(h, pa.string()) for h in mapping.values()])
        with pq.ParquetWriter(target, schema) as writer:
            read = 0
            for batch in _xlsx_batches(rows, positions):
                writer.write_table(pa.Table.from_pydict(
                    {_EXCEL_ROW: batch[_EXCEL_ROW], **{mapping[name]: batch[name] for name in mapping}}, schema=schema))
                read += len(batch[_EXCEL_ROW])
                report(read)
    finally:
        workbook.close()


def _xlsx_batches(rows: Iterator[tuple[object, ...]], positions: dict[str, int]) -> Iterator[dict[str, list]]:
    def empty() -> dict[str, list]:
        return {_EXCEL_ROW: [], **{name: [] for name in positions}}

    batch = empty()
    for number, cells in enumerate(rows, start=2):  # the header is Excel row 1
        values = {name: _cell_text(cells[i]) if i < len(cells) else None for name, i in positions.items()}
        if all(v is None for v in values.values()):
            continue
        batch[_EXCEL_ROW].append(number)
        for name, value in values.items():
            batch[name].append(value)
        if len(batch[_EXCEL_ROW]) >= XLSX_BATCH_ROWS:
            yield batch
            batch = empty()
    if batch[_EXCEL_ROW]:
        yield batch


def _cell_text(value: object) -> str | None:
    """An Excel cell as the text the SQL parsing reads."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        text = repr(value)
        # Written with a decimal comma: "1.234" would read as 1234 (a thousands group in Vietnamese writing).
        return text if "e" in text else text.replace(".", ",")
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip(_BLANKS) or None


# ---------------------------------------------------------------------------------------------------
# Messages


def _label(spec: TableSpec, name: str) -> str:
    """«Vietnamese header» for a schema column: its first alias that is words rather than a portal field name."""
    aliases = spec.columns[name][1]
    return f"«{next((a for a in aliases if ' ' in a), name)}»"


def _row_error(row: int, spec: TableSpec, check: _Check, value: str | None, other: str | None) -> RowError:
    """The problem of one cell: its code, and what its sentence names (the column's header, the value, the
    other value the check compared with)."""
    params: dict[str, Any] = {"label": _label(spec, check.column), "value": value or "", "other": other or ""}
    says = ""
    if check.code == "bad_number" and check.column in spec.counts:
        says, params["max"] = "bad_count", spec.counts[check.column]
    return RowError(row, check.column, check.code, params, says)


def _unreadable(error: Exception) -> RowError:
    return RowError(0, "", "unreadable_file", {"error": str(error)[:300]})


def _literal(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _identifier(name: str) -> str:
    return name.replace('"', '""')
