"""The bulk write path of ``core/d766/ingest.py``: a file is staged in a keyless table, checked in bulk, merged by
its key into the keyless ``dossiers`` table, and ``dossier_facts`` is brought up to date from the staged rows.

Expected scorecards come from the plain pandas reference (``reference.scorecard_pandas``) run on the combined log
built here with pandas (the later file's row replaces the earlier one's), never from the code under test.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from vietnam_provinces import Ward

from dieuhanh.core.d766.execute import compute, facts_current
from dieuhanh.core.d766.ingest import FEEDBACK, PROCEDURES, ingest
from dieuhanh.core.d766.reference import scorecard_pandas
from dieuhanh.core.d766.workdays import default_calendar
from dieuhanh.demo.synthetic_dossiers import DOSSIER_SCHEMA, generate

WARDS = sorted(f"{int(w.code):05d}" for w in Ward.iter_by_province(79))[:20]
AGENCIES = [*WARDS, "79.STP", "79.SYT"]
START, END = dt.date(2025, 9, 1), dt.date(2025, 12, 31)


@pytest.fixture
def con(tmp_path):
    connection = duckdb.connect(str(tmp_path / "d766.duckdb"))
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def log(tmp_path_factory) -> pd.DataFrame:
    folder = tmp_path_factory.mktemp("merge")
    path = generate(folder / "log.parquet", rows=6_000, agencies=AGENCIES, start=START, end=END - dt.timedelta(days=5),
                    seed=16)
    return pq.read_table(path).to_pandas()


def write(frame: pd.DataFrame | pa.Table, path) -> object:
    if isinstance(frame, pd.DataFrame):
        frame = pa.Table.from_pandas(frame, schema=DOSSIER_SCHEMA, preserve_index=False)
    pq.write_table(frame, path)
    return path


def expected(frame: pd.DataFrame, by: str | None = "month") -> pd.DataFrame:
    return scorecard_pandas(frame, start=START, end=END, by=by)


def same(ours: pd.DataFrame, reference: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(ours.reset_index(drop=True), reference.reset_index(drop=True), check_dtype=False,
                                  check_exact=False, rtol=1e-9, atol=1e-9)


def counts(con) -> tuple[int, int, int]:
    return con.execute("SELECT (SELECT count(*) FROM dossiers), (SELECT count(*) FROM dossier_facts), "
                       "(SELECT count(*) FROM sources)").fetchone()


def test_an_update_replaces_the_facts_of_existing_dossiers_exactly(con, log, tmp_path):
    first, rest = log.iloc[:4_000], log.iloc[4_000:]
    ingest(con, [write(first, tmp_path / "first.parquet")], known_agencies=set(AGENCIES))
    # The second file: 1,500 of the first file's dossiers changed (finished later, a second supplement request,
    # moved to another agency, received in another month) and the 2,000 others new.
    changed = first.iloc[::2].iloc[:1_500].copy()
    changed["finished_at"] = changed["finished_at"] + pd.Timedelta(days=9)
    changed.loc[changed.index[::3], "supplement_requests"] = 2
    changed.loc[changed.index[::5], "agency_code"] = "79.SYT"
    changed.loc[changed.index[::7], "received_at"] -= pd.Timedelta(days=31)
    changed.loc[changed.index[::11], "finished_at"] = pd.NaT
    second = pd.concat([changed, rest])
    result = ingest(con, [write(second, tmp_path / "second.parquet")], known_agencies=set(AGENCIES))
    assert (result.inserted, result.updated, result.rejected_files) == (2_000, 1_500, [])

    combined = pd.concat([first[~first.dossier_id.isin(changed.dossier_id)], second])
    assert len(combined) == len(log) and combined.dossier_id.is_unique
    assert counts(con)[:2] == (len(log), len(log))
    assert facts_current(con, default_calendar())
    for by in ("month", None):
        same(compute(con, "dossiers", start=START, end=END, by=by), expected(combined, by))


def test_a_duplicate_in_the_middle_of_a_file_refuses_it_all_and_names_both_rows(con, log, tmp_path):
    ingest(con, [write(log.iloc[:1_000], tmp_path / "first.parquet")], known_agencies=set(AGENCIES))
    before = counts(con)
    frame = log.iloc[1_000:4_000].copy()
    frame.iloc[2_000, frame.columns.get_loc("dossier_id")] = frame.iloc[700]["dossier_id"]
    result = ingest(con, [write(frame, tmp_path / "dup.parquet")], known_agencies=set(AGENCIES))
    report, = result.rejected_files
    assert [(e.row, e.column, e.code, e.params["other"]) for e in report.errors] == [
        (2_001, "dossier_id", "duplicate_id", "701")]
    assert (result.inserted, result.updated, result.touched) == (0, 0, set())
    assert counts(con) == before


def test_an_invalid_row_in_the_middle_of_an_update_leaves_nothing_written(con, log, tmp_path):
    ingest(con, [write(log.iloc[:3_000], tmp_path / "first.parquet")], known_agencies=set(AGENCIES))
    dossiers = con.execute("SELECT * FROM dossiers ORDER BY dossier_id").fetchall()
    facts = con.execute("SELECT * FROM dossier_facts ORDER BY ALL").fetchall()
    frame = log.iloc[1_500:4_500].copy()  # half updates, half new
    frame["finished_at"] = frame["finished_at"] + pd.Timedelta(days=3)
    frame.iloc[1_499, frame.columns.get_loc("finished_at")] = frame.iloc[1_499]["received_at"] - pd.Timedelta(hours=1)
    result = ingest(con, [write(frame, tmp_path / "bad.parquet")], known_agencies=set(AGENCIES))
    report, = result.rejected_files
    assert [(e.row, e.code) for e in report.errors] == [(1_500, "finish_before_receipt")]
    assert con.execute("SELECT * FROM dossiers ORDER BY dossier_id").fetchall() == dossiers
    assert con.execute("SELECT * FROM dossier_facts ORDER BY ALL").fetchall() == facts
    assert con.execute("SELECT count(*) FROM sources").fetchone() == (1,)
    assert not con.execute("SELECT table_name FROM duckdb_tables() WHERE temporary").fetchall()  # staging gone


def test_a_day_of_new_dossiers_is_appended_and_scored_as_the_reference_does(con, log, tmp_path):
    ingest(con, [write(log.iloc[:5_000], tmp_path / "first.parquet")], known_agencies=set(AGENCIES))
    result = ingest(con, [write(log.iloc[5_000:], tmp_path / "day.parquet")], known_agencies=set(AGENCIES))
    assert (result.inserted, result.updated) == (1_000, 0)
    same(compute(con, "dossiers", start=START, end=END, by="month"), expected(log))


# --- which agency months an import touched -------------------------------------------------------------------------

def dossier(dossier_id: str, agency: str, received: str, finished: str | None) -> dict[str, object]:
    return {"dossier_id": dossier_id, "procedure_code": "1.001234", "agency_code": agency, "channel": 1,
            "received_at": dt.datetime.fromisoformat(received),
            "finished_at": dt.datetime.fromisoformat(finished) if finished else None, "statutory_days": 5.0}


def frame_of(*rows: dict[str, object]) -> pa.Table:
    return pa.Table.from_pylist(list(rows), schema=DOSSIER_SCHEMA)


@pytest.mark.today(dt.date(2025, 5, 20))  # the running month is the store's last month
def test_touched_names_every_agency_month_a_dossier_counts_in_before_and_after_its_update(con, tmp_path):
    known = {"26734", "26737", "79.STP"}
    first = frame_of(
        dossier("A", "26734", "2025-01-20 09:00", "2025-03-02 10:00"),  # counts in January to March
        dossier("B", "26737", "2025-02-10 09:00", None),  # open: to the store's last month (May, C's) = the running month
        dossier("C", "79.STP", "2025-05-05 09:00", "2025-05-06 09:00"),
    )
    result = ingest(con, [write(first, tmp_path / "first.parquet")], known_agencies=known)
    assert result.touched == {("26734", "2025-01"), ("26734", "2025-02"), ("26734", "2025-03"),
                              ("26737", "2025-02"), ("26737", "2025-03"), ("26737", "2025-04"),
                              ("26737", "2025-05"), ("79.STP", "2025-05")}
    # A moves to 79.STP and finishes in January: its old months and its new one; B is finished in April.
    update = frame_of(dossier("A", "79.STP", "2025-01-20 09:00", "2025-01-25 10:00"),
                      dossier("B", "26737", "2025-02-10 09:00", "2025-04-01 08:00"))
    result = ingest(con, [write(update, tmp_path / "update.parquet")], known_agencies=known)
    assert result.touched == {("26734", "2025-01"), ("26734", "2025-02"), ("26734", "2025-03"),
                              ("79.STP", "2025-01"),
                              ("26737", "2025-02"), ("26737", "2025-03"), ("26737", "2025-04"),
                              ("26737", "2025-05")}
    # Feedback: its months of receipt; the catalogue: the agencies and months with dossiers of its procedures.
    feedback = tmp_path / "pakn.csv"
    feedback.write_text("feedback_id,agency_code,received_at\nF-1,26734,2025-06-03 10:00\n", encoding="utf-8")
    assert ingest(con, [feedback], known_agencies=known, spec=FEEDBACK).touched == {("26734", "2025-06")}
    catalogue = tmp_path / "procedures.csv"
    catalogue.write_text("procedure_code,name\n1.001234,Cấp bản sao\n9.999,Khác\n", encoding="utf-8")
    assert ingest(con, [catalogue], known_agencies=known, spec=PROCEDURES).touched == {
        ("79.STP", "2025-01"), ("26737", "2025-02"), ("79.STP", "2025-05")}


def test_a_csv_larger_than_the_memory_limit_streams_through(con, tmp_path):
    """DuckDB spills to its temporary directory: a CSV larger than the memory limit imports whole (96 MB is about
    the least a CSV needs here: DuckDB reads it in blocks of about 30 MB, and parses it as it stages it)."""
    source = tmp_path / "big.parquet"
    generate(source, rows=650_000, agencies=AGENCIES, start=START, end=END, seed=3)
    csv = tmp_path / "big.csv"
    duckdb.sql(f"COPY (SELECT * FROM '{source}') TO '{csv}' (FORMAT csv, HEADER)")
    assert csv.stat().st_size > 96 * 2**20  # and its staged rows take several times that in memory
    con.execute(f"SET temp_directory = '{tmp_path / 'spill'}'")
    con.execute("SET memory_limit = '96MB'")
    con.execute("SET threads = 1")
    result = ingest(con, [csv], known_agencies=set(AGENCIES))
    assert (result.inserted, result.rejected_files) == (650_000, [])
    con.execute("RESET memory_limit")
    assert counts(con)[:2] == (650_000, 650_000)


@pytest.mark.today(dt.date(2025, 7, 3))
def test_an_open_dossier_touches_every_month_up_to_the_running_one_even_past_the_stores_last(con, tmp_path):
    """The running month's scorecard counts the dossiers still open in it, so an import changing an open dossier
    must drop it too, though no dossier was received or finished in it yet (store's last month May, today July)."""
    known = {"26737", "79.STP"}
    first = frame_of(dossier("B", "26737", "2025-04-10 09:00", None), dossier("C", "79.STP", "2025-05-05 09:00", "2025-05-06 09:00"))
    assert ingest(con, [write(first, tmp_path / "first.parquet")], known_agencies=known).touched == {
        ("26737", "2025-04"), ("26737", "2025-05"), ("26737", "2025-06"), ("26737", "2025-07"), ("79.STP", "2025-05")}
