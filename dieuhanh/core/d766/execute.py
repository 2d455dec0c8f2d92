"""Decision 766 on DuckDB: runs the definitions of ``metrics.py`` (compiled once per shape) and keeps the
``dossier_facts`` table of a DuckDB store in step with its dossiers.

The definitions (``metrics.py``) know no engine; this module is the DuckDB execution of them. Spark or Trino run
the same ``metrics.scorecard`` expression through their own Ibis backends.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ibis
import ibis.expr.types as ir

from dieuhanh.core.d766.metrics import (
    FACT_COLUMNS, WINDOW_TYPES, Window, dossier_facts, grouped_scorecard, scorecard, window_values,
)
from dieuhanh.core.d766.workdays import WorkingCalendar, default_calendar

if TYPE_CHECKING:
    import duckdb
    import pandas as pd
    from ibis.backends.duckdb import Backend


FACTS_TABLE = "dossier_facts"
POOLS_TABLE = "_d766_pools"  # (agency_code, pool) registered for one call of ``compute`` with ``pools``
# The kept table names a dossier by a 64-bit hash of its id, not by the id: sorting and compressing ten million ids
# was a third of an import. A hash may repeat, so facts are replaced by hash (``ingest`` deletes the facts of
# every hash a file brings and computes them again from every dossier with such a hash), which stays exact.
FACTS_KEY = "_id_hash"
# Sorted by whether a dossier can count after its month of receipt, then by that month, then by agency: the
# later-periods branch and a month's scorecard skip the other storage blocks, and a unit's scorecard skips the
# other units' (a unit's year by month: 111 ms against 188 ms at 10 M dossiers, for 0.5 s more at import). By
# month rather than by the time of receipt: that sort cost a fifth more and the blocks a scorecard skips are the
# same (its periods start on a month's first day).
FACTS_ORDER = "_open_after_month, _received_m, agency_code"


def compute(
    con: duckdb.DuckDBPyConnection | Backend | str | Path,
    table_name_or_expr: str | ir.Table,
    **kw: Any,
) -> pd.DataFrame:
    """Run ``scorecard(**kw)`` on DuckDB: ``con`` is a DuckDB connection, an Ibis DuckDB backend or a database path.

    The ``procedures`` and ``feedback`` tables of the database are used when they exist and ``kw`` does not name
    them (pass ``procedures=None`` or ``feedback=None`` to leave one out).

    For a table given by name, the compiled SQL is kept (per table schemas and arguments, see ``_compiled``):
    building and compiling the Ibis expression costs a few tenths of a second, as much as running it on a
    million dossiers. The period's dates are not in it: the statement reads them from DuckDB variables set for
    the call (``metrics.Window``), so one statement serves every period of a shape (by month, quarter, year or
    none). For the ``dossiers`` table, when the database keeps ``dossier_facts`` up to date (same
    row count, computed with the same calendar; ``ingest`` maintains it), the scorecard adds up those facts
    instead of deriving them from every dossier: the same definitions (``from_facts=True``), a fraction of
    the work (``facts_known_current=True``: the caller knows they are, e.g. a published reader copy).

    ``pools`` (``(agency, pool)`` pairs, a mapping pool → agencies, or an Arrow table ``agency_code``, ``pool``)
    scores only those agencies, one row per pool (``metrics.scorecard(pools=…)``); the pairs are registered as a
    table, so one compiled statement serves every unit, ranking and pool of a shape."""
    backend = _backend(con)
    tables = _catalogue(backend)
    statement = _kept_statement(backend, tables, table_name_or_expr, dict(kw))
    if statement is not None:
        return statement.run(backend.con)
    named = {name: name in tables for name in ("procedures", "feedback") if name not in kw}
    pools = kw.pop("pools", None)
    kw.pop("facts_known_current", None)
    if pools is not None:
        kw["pools"] = ibis.memtable(_pools_arrow(pools))
    dossiers = backend.table(table_name_or_expr) if isinstance(table_name_or_expr, str) else table_name_or_expr
    for name, present in named.items():
        if present:
            kw[name] = backend.table(name)
    return scorecard(dossiers, **kw).execute()


def prepare(con: duckdb.DuckDBPyConnection | Backend | str | Path, table_name: str, **kw: Any) -> None:
    """Compile and keep the statement ``compute(con, table_name, **kw)`` runs, without running it: what a
    served worker does at its start for the shapes its pages use, so that no visitor waits for a compilation.
    Only the period's shape counts (``by``), not its dates, nor the ``pools``' members."""
    backend = _backend(con)
    if _kept_statement(backend, _catalogue(backend), table_name, dict(kw)) is None:
        raise ValueError("only a table given by name, read with the store's own procedures and feedback, has a "
                         "kept statement")


def _backend(con: duckdb.DuckDBPyConnection | Backend | str | Path) -> Backend:
    import duckdb  # here, not at the top: the metric definitions must import where DuckDB is not installed

    if isinstance(con, duckdb.DuckDBPyConnection):
        return ibis.duckdb.from_connection(con)
    if isinstance(con, str | Path):
        return ibis.duckdb.connect(con)
    return con


def _catalogue(backend: Backend) -> dict[str, str | None]:
    """The tables (with their comment) and views of the database."""
    # Ibis' list_tables fails on DuckDB 2 (fetch_arrow_table is gone), so ask the catalogue directly.
    tables = {row[0]: row[1] for row in backend.con.execute(
        "SELECT table_name, comment FROM duckdb_tables() WHERE schema_name = current_schema()").fetchall()}
    return tables | {row[0]: None for row in backend.con.execute(
        "SELECT view_name FROM duckdb_views() WHERE NOT internal AND schema_name = current_schema()").fetchall()}


@dataclasses.dataclass(frozen=True)
class _Statement:
    """A kept statement with what one call gives it: the window's values and the pools."""

    sql: str
    schema: ibis.Schema
    memtables: tuple[tuple[str, Any], ...]
    values: dict[str, Any]
    pools: Any  # an Arrow table, or None

    def run(self, con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
        for name, data in self.memtables:
            con.register(name, data)
        for name, value in self.values.items():
            con.execute(f"SET VARIABLE {_VARIABLE_PREFIX}{name} = ?::{_DUCKDB_TYPES[WINDOW_TYPES[name]]}", [value])
        if self.pools is not None:
            con.register(POOLS_TABLE, self.pools)
        try:
            return _frame(con.sql(self.sql), self.schema)
        finally:
            if self.pools is not None:
                con.unregister(POOLS_TABLE)


def _kept_statement(backend: Backend, tables: Mapping[str, str | None], table_name_or_expr: str | ir.Table,
                    kw: dict[str, Any]) -> _Statement | None:
    """The compiled statement of ``compute(table_name_or_expr, **kw)`` (compiled now, or kept from an earlier
    call of the same shape), or None when the call has none: an expression, or tables given in ``kw``."""
    if not isinstance(table_name_or_expr, str) or any(kw.get(n) is not None for n in ("procedures", "feedback")):
        return None
    named = {name: name in tables for name in ("procedures", "feedback") if name not in kw}
    pools = kw.pop("pools", None)
    calendar = kw.pop("calendar", None) or default_calendar()
    source, facts = table_name_or_expr, False
    if source == "dossiers" and (kw.pop("facts_known_current", False)
                                 or facts_current(backend.con, calendar, tables.get(FACTS_TABLE, ""))):
        source, facts = FACTS_TABLE, True
    used = tuple(sorted(name for name, present in named.items() if present))
    schemas = tuple((name, tuple(backend.get_schema(name).items())) for name in (source, *used))
    if pools is not None:
        # The pools are data, not SQL: one compiled statement serves every list of agencies and pools.
        pools = _pools_arrow(pools)
        schemas += ((POOLS_TABLE, (("agency_code", "string"), ("pool", "string"))),)
    kw = {k: v for k, v in kw.items() if k not in ("procedures", "feedback")}
    kw["keys"] = tuple(kw.get("keys", ("agency_code",)))
    start, end, by = kw.pop("start"), kw.pop("end"), kw.pop("by", None)
    values = window_values(start, end, by, calendar)
    kw["by"] = by
    sql, schema, memtables = _compiled(schemas, facts, calendar, tuple(sorted(kw.items())))
    return _Statement(sql, schema, memtables, values, pools)


# Where compiled statements are also kept beyond this process (an object with ``get(key)`` and ``set(key,
# value)``, e.g. Django's cache, which the dossiers app sets): building and compiling a scorecard's expression
# costs seconds on a busy machine, so a worker started after another has compiled a shape, or a request after a
# restart, only runs the SQL. None: kept in this process only.
kept_sql: Any = None


@functools.lru_cache(maxsize=64)
def _compiled(
    schemas: tuple[tuple[str, tuple], ...], facts: bool, calendar: WorkingCalendar, kw: tuple[tuple[str, Any], ...]
) -> tuple[str, ibis.Schema, tuple[tuple[str, Any], ...]]:
    """DuckDB SQL of the scorecard over the named tables (``schemas``: the source table first, then
    ``procedures``/``feedback`` when used), its result schema and the in-memory tables it reads (name, Arrow);
    from ``kept_sql`` when another process compiled the same shape with the same definitions."""
    store = kept_sql
    if store is None:
        return _compile(schemas, facts, calendar, kw)
    import hashlib

    shape = repr((FACTS_VERSION, ibis.__version__, _definitions_digest(), schemas, facts, facts_digest(calendar), kw))
    key = "d766:sql:" + hashlib.sha256(shape.encode()).hexdigest()
    found = store.get(key)
    if found is None:
        found = _compile(schemas, facts, calendar, kw)
        store.set(key, found)
    return found


@functools.lru_cache(maxsize=1)
def _definitions_digest() -> str:
    """The metric definitions' source: a kept statement compiled from other definitions is never used."""
    import hashlib
    import inspect

    from dieuhanh.core.d766 import metrics, rules

    return hashlib.sha256((inspect.getsource(metrics) + inspect.getsource(rules)).encode()).hexdigest()[:16]


def _compile(
    schemas: tuple[tuple[str, tuple], ...], facts: bool, calendar: WorkingCalendar, kw: tuple[tuple[str, Any], ...]
) -> tuple[str, ibis.Schema, tuple[tuple[str, Any], ...]]:
    import ibis.expr.operations as ops

    source, *others = (ibis.table(dict(columns), name=name) for name, columns in schemas)
    if facts:
        source = kept_facts(source)
    extra = {"pools" if t.get_name() == POOLS_TABLE else t.get_name(): t for t in others}
    kw = dict(kw)
    window = Window(by=kw.pop("by"), **{name: _variable(kind)(_VARIABLE_PREFIX + name) for name, kind in WINDOW_TYPES.items()})
    expr = scorecard(source, calendar=calendar, from_facts=facts, window=window, **extra, **kw)
    memtables = tuple((op.name, op.data.to_pyarrow(op.schema)) for op in expr.op().find(ops.InMemoryTable))
    return ibis.to_sql(expr, dialect="duckdb"), expr.schema(), memtables


# The window's values (``metrics.window_values``) are DuckDB variables named with this prefix: a connection's
# variables are its own, and ``compute`` sets them before each statement it runs.
_VARIABLE_PREFIX = "d766_"
_DUCKDB_TYPES = {"boolean": "BOOLEAN", "timestamp": "TIMESTAMP", "int64": "BIGINT", "array<timestamp>": "TIMESTAMP[]",
                 "array<int64>": "BIGINT[]", "array<date>": "DATE[]"}


@functools.cache
def _variable(kind: str) -> Any:
    """An Ibis function of type ``kind`` reading a DuckDB variable by name (DuckDB folds it into a constant
    when it binds the statement, so its filters still skip storage blocks as a literal's do)."""
    def getvariable(variable: str) -> Any:  # not ``name``: an Ibis operation has a ``name`` of its own
        ...

    getvariable.__name__ = "getvariable_" + "".join(c if c.isalnum() else "_" for c in kind)
    return ibis.udf.scalar.builtin(getvariable, name="getvariable", signature=(("string",), kind))


def _pools_arrow(pools: Any) -> Any:
    """``pools`` — (agency, pool) pairs or a mapping pool → agencies — as an Arrow table (agency_code, pool)."""
    import pyarrow as pa

    if isinstance(pools, pa.Table):
        return pools
    pairs = [(a, p) for p, agencies in pools.items() for a in agencies] if isinstance(pools, dict) else list(pools)
    return pa.table({"agency_code": pa.array([a for a, _ in pairs], pa.string()),
                     "pool": pa.array([p for _, p in pairs], pa.string())})


def _frame(relation: Any, schema: ibis.Schema) -> pd.DataFrame:
    """A DuckDB relation's rows as the DataFrame Ibis' ``execute`` gives for an expression of ``schema``."""
    import pandas as pd
    import pyarrow.types as pat
    from ibis.backends.duckdb.converter import DuckDBPandasData

    table = relation.to_arrow_table()
    df = pd.DataFrame({
        name: col.to_pylist() if pat.is_nested(col.type) or pat.is_dictionary(col.type) or col.null_count
        else col.to_pandas()
        for name, col in zip(table.column_names, table.columns)
    })
    return DuckDBPandasData.convert_table(df, schema)


def compute_groups(con: duckdb.DuckDBPyConnection, groups: Mapping[str, str], **kw: Any) -> pd.DataFrame:
    """``metrics.grouped_scorecard`` on a DuckDB store: the pooled scorecards of groups of agencies (e.g. every
    province) in one query — from ``dossier_facts`` when it is current, else from the dossiers — with the
    store's ``procedures`` and ``feedback`` tables when it has them and ``kw`` does not name them."""
    backend = ibis.duckdb.from_connection(con)
    calendar = kw.pop("calendar", None) or default_calendar()
    tables = {row[0] for row in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE schema_name = current_schema()").fetchall()}
    for name in ("procedures", "feedback"):
        if name not in kw and name in tables:
            kw[name] = backend.table(name)
    facts = facts_current(con, calendar)
    source = kept_facts(backend.table(FACTS_TABLE)) if facts else backend.table("dossiers")
    return grouped_scorecard(source, groups, calendar=calendar, from_facts=facts, **kw).execute()


# Raise when dossier_facts changes meaning with the same columns: kept tables are then computed again.
FACTS_VERSION = 2


def id_hash(value: str) -> str:
    """SQL for the hash of a dossier id (SQL) that names its row of kept facts (``FACTS_KEY``)."""
    return f"hash({value})"


# The kept table is narrower than ``metrics.dossier_facts``: the quarter and year numbers are left out (they follow
# from the month number, at no measurable cost to a scorecard). Writing the facts was half of an import, and the
# table's width most of that; ``kept_facts`` gives the facts back as ``dossier_facts`` does. (Packing the twelve
# flags into the bits of one column would save another tenth of an import but costs every scorecard a fifth more:
# measured, not taken.)
_DERIVED = ("_received_q", "_received_y", "_finished_q", "_finished_y")


def kept_facts_sql(select: str) -> str:
    """SQL for the rows of the kept ``dossier_facts`` table from ``select`` (the facts of dossier rows,
    ``facts_select``): the dossier id replaced by its hash (``FACTS_KEY``), the quarter and year numbers left
    out."""
    dropped = ", ".join(("dossier_id", *_DERIVED))
    return f"SELECT * EXCLUDE ({dropped}), {id_hash('dossier_id')} AS {FACTS_KEY} FROM ({select})"


def kept_facts(table: ir.Table) -> ir.Table:
    """The kept ``dossier_facts`` table (``kept_facts_sql``) as ``metrics.dossier_facts`` gives the facts: the
    quarter and year numbers computed from the month number."""
    if FACTS_KEY not in table.columns:
        return table
    derived = {}
    for prefix in ("received", "finished"):
        before = table[f"_{prefix}_m"] - 1  # months since the start of year 0
        year = (before // 12).cast("int32")
        derived[f"_{prefix}_q"] = (year * 4 + (before % 12) // 3 + 1).cast("int32")
        derived[f"_{prefix}_y"] = year
    return table.mutate(**derived).drop(FACTS_KEY)


@functools.lru_cache(maxsize=8)
def facts_digest(calendar: WorkingCalendar) -> str:
    """What identifies how a ``dossier_facts`` table was computed — the facts' version and columns, the DuckDB
    version (whose ``hash`` names the dossiers, ``FACTS_KEY``) and the calendar — kept as the table's comment."""
    import hashlib

    import duckdb

    text = "\n".join([str(FACTS_VERSION), ",".join(FACT_COLUMNS), duckdb.__version__,
                      *(f"{d.date.isoformat()},{d.kind}" for d in calendar.days)])
    return "d766 facts " + hashlib.sha256(text.encode()).hexdigest()[:16]


def facts_current(con: duckdb.DuckDBPyConnection, calendar: WorkingCalendar, comment: str | None = None) -> bool:
    """Whether ``dossier_facts`` exists, was computed by this version with ``calendar`` and has a row per
    dossier (a table written to by other means than ``ingest`` no longer matches, and the scorecard then reads
    the dossiers)."""
    if comment is None:
        found = con.execute("SELECT comment FROM duckdb_tables() WHERE table_name = ? AND schema_name = "
                            "current_schema()", [FACTS_TABLE]).fetchall()
        comment = found[0][0] if found else ""
    if comment != facts_digest(calendar):
        return False
    counts = f"SELECT (SELECT count(*) FROM dossiers), (SELECT count(*) FROM {FACTS_TABLE})"
    dossiers, facts = con.execute(counts).fetchall()[0]
    return dossiers == facts


def refresh_facts(con: duckdb.DuckDBPyConnection, *, calendar: WorkingCalendar | None = None) -> None:
    """Compute ``dossier_facts`` (see ``dossier_facts``) again from every row of the ``dossiers`` table of a DuckDB
    database, in ``FACTS_ORDER`` (so that a scorecard skips the storage blocks of the dossiers it does not need:
    those finished in their month of receipt when it looks for the later periods, the other months' when it
    scores one month), with ``calendar``'s digest as its comment. Runs in the caller's transaction. ``ingest``
    keeps the table in step with each file; this is for a store whose facts were computed otherwise (another
    calendar or version) or whose dossiers were written by other means."""
    calendar = calendar or default_calendar()
    schema = tuple(ibis.duckdb.from_connection(con).get_schema("dossiers").items())
    sql, memtables = _facts_sql(schema, "dossiers", calendar)
    for name, data in memtables:
        con.register(name, data)
    con.execute(f"CREATE OR REPLACE TABLE {FACTS_TABLE} AS {kept_facts_sql(sql)} ORDER BY {FACTS_ORDER}")
    con.execute(f"COMMENT ON TABLE {FACTS_TABLE} IS '{facts_digest(calendar)}'")


def facts_select(con: duckdb.DuckDBPyConnection, source: str, *, calendar: WorkingCalendar | None = None) -> str:
    """SQL selecting the facts (``dossier_facts``) of the dossier rows of ``source``, a table or view of ``con``
    with every column of ``dossiers``; the in-memory tables it reads (the calendar) are registered on ``con``."""
    schema = tuple(ibis.duckdb.from_connection(con).get_schema("dossiers").items())
    sql, memtables = _facts_sql(schema, source, calendar or default_calendar())
    for name, data in memtables:
        con.register(name, data)
    return sql


@functools.lru_cache(maxsize=8)
def _facts_sql(schema: tuple, source: str, calendar: WorkingCalendar) -> tuple[str, tuple[tuple[str, Any], ...]]:
    import ibis.expr.operations as ops

    expr = dossier_facts(ibis.table(dict(schema), name=source), calendar)
    memtables = tuple((op.name, op.data.to_pyarrow(op.schema)) for op in expr.op().find(ops.InMemoryTable))
    return ibis.to_sql(expr, dialect="duckdb"), memtables
