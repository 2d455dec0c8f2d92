"""The Decision 766 metric definitions are portable: the same ``metrics.scorecard`` Ibis expression, run on Spark
(PySpark in local mode) and on DuckDB over the same Parquet files, gives the same scorecard — with and without
the procedure catalogue and feedback, for each drill-down key — and both equal the independent pandas reference.
The same expression also compiles to Trino SQL (no Trino server here to run it).

The sample is a few thousand synthetic dossiers received from November 2024 to mid-January 2026 (so some were
received before the scored year and some are still open after it), plus hand-made rows for every edge rule:
supplements, no due date, no time limit at all, open at a period's end, processing across months, timestamps on
period boundaries, nulls in every optional column, and an agency with months that have a 2.1 population but no
dossier received. The sample is checked to contain each case, so the comparison cannot pass on data that misses
them.

Spark needs a Java 17 runtime (``make test`` installs ``openjdk-17-jre-headless`` when ``java`` is missing).
Timestamps in the dossier table are naive local wall-clock times; the session time zone is UTC so that Spark
never shifts them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import ibis
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from vietnam_provinces import Ward

from dieuhanh.core.d766 import metrics
from dieuhanh.demo.synthetic_dossiers import DOSSIER_SCHEMA, generate
from dieuhanh.core.d766.reference import scorecard_pandas
from dieuhanh.core.d766.schema import DOSSIER_COLUMNS, FEEDBACK_COLUMNS, PROCEDURE_COLUMNS, RATINGS

WARDS = sorted(f"{int(w.code):05d}" for w in Ward.iter_by_province(79))[:6]
DEPARTMENTS = ["79.STP", "79.SYT"]
EDGE_AGENCY = "79.SKHCN"  # only hand-made rows: several months with a 2.1 population and nothing received
T = pd.Timestamp


def _edge(n: int, **fields: object) -> dict[str, object]:
    """A hand-made dossier at EDGE_AGENCY received 20/01/2025 10:00 in person; other fields null unless given."""
    return {
        "dossier_id": f"EDGE-{n:03d}",
        "procedure_code": "1.001",
        "agency_code": EDGE_AGENCY,
        "channel": 1,
        "received_at": T("2025-01-20 10:00"),
        **fields,
    }


EDGE_ROWS = [
    # supplements: two requests make a dossier late however early it finished; one request's waiting time is
    # taken off the elapsed time, to the half hour
    _edge(1, due_at=T("2025-01-30 17:00"), finished_at=T("2025-01-21 09:00"), supplement_requests=2,
          supplement_hours=10.0),
    _edge(2, due_at=T("2025-01-30 17:00"), finished_at=T("2025-01-31 17:00"), supplement_requests=1,
          supplement_hours=24.0),
    _edge(3, due_at=T("2025-01-30 17:00"), finished_at=T("2025-01-31 17:00"), supplement_requests=1,
          supplement_hours=23.5),
    # no due date: the statutory limit in days of 24 h, met, missed, and absent (never on time)
    _edge(4, finished_at=T("2025-01-23 10:00"), statutory_days=3.0),
    _edge(5, finished_at=T("2025-01-23 10:01"), statutory_days=3.0),
    _edge(6, finished_at=T("2025-01-22 10:00")),
    # open at the end of January: within deadline when the period end is not after the due date
    _edge(7, due_at=T("2025-02-01 00:00")),
    _edge(8, due_at=T("2025-01-31 23:59")),
    # no due date, still open: elapsed time up to the period end against the statutory limit
    _edge(9, statutory_days=15.0),
    # finished exactly at the midnight that ends January: open at January's end, finished in February
    _edge(10, due_at=T("2025-02-03 17:00"), finished_at=T("2025-02-01 00:00")),
    # processing across months: received in January, finished in April (in the 2.1 population of four months)
    _edge(11, due_at=T("2025-03-01 17:00"), finished_at=T("2025-04-02 11:00"), channel=2, fee_total=50_000.0,
          paid_online=1, e_result=True, digitised_components=True, synced=True, vneid_verified=True),
    # received before the scored range, finished inside it
    _edge(12, received_at=T("2024-12-28 08:00"), due_at=T("2025-01-06 17:00"), finished_at=T("2025-02-10 08:00")),
    # received at the first instant of a period; fee 0 is not fee-bearing; dissatisfied and feedback
    _edge(13, received_at=T("2025-03-01 00:00"), due_at=T("2025-03-05 17:00"), finished_at=T("2025-03-05 17:00"),
          fee_total=0.0, rating="dissatisfied", has_feedback=True, applicant_ward_code=WARDS[0], channel=3),
    # received in the last second of a period and never finished (still open at the end of the year)
    _edge(14, received_at=T("2025-06-30 23:59:59"), due_at=T("2025-07-15 17:00"), statutory_days=10.0,
          fee_total=30_000.0, paid_online=0, rating="neutral", applicant_ward_code=EDGE_AGENCY),
]


def _sample(directory: Path) -> Path:
    generated = generate(
        directory / "generated.parquet",
        rows=4000,
        agencies=[*WARDS, *DEPARTMENTS],
        start=dt.date(2024, 11, 1),
        end=dt.date(2026, 1, 15),
        seed=766,
    )
    edges = pa.Table.from_pylist(EDGE_ROWS, schema=DOSSIER_SCHEMA)
    sample = pa.concat_tables([pq.read_table(generated), edges])
    path = directory / "sample.parquet"
    pq.write_table(sample, path)
    return path


_ARROW = {"VARCHAR": pa.string(), "BOOLEAN": pa.bool_(), "DOUBLE": pa.float64(), "DATE": pa.date32(),
          "SMALLINT": pa.int16(), "TIMESTAMP": pa.timestamp("us")}


def _arrow_schema(columns: dict[str, tuple[str, tuple[str, ...]]]) -> pa.Schema:
    return pa.schema([pa.field(name, _ARROW[kind]) for name, (kind, _) in columns.items()])


def _catalogue_and_feedback(dossiers: pa.Table, directory: Path) -> tuple[Path, Path]:
    """A seeded procedure catalogue for the sample's procedures (a tenth left out, so some dossiers have no
    catalogue entry) and 600 feedback records, with nulls in every optional column."""
    rng = np.random.default_rng(766)
    codes = sorted(set(dossiers["procedure_code"].to_pylist()))
    listed = [c for c in codes if rng.random() > 0.1]
    n = len(listed)

    def maybe(values: list, p_null: float) -> list:
        return [None if rng.random() < p_null else v for v in values]

    effective = [dt.date(2024, 6, 1) + dt.timedelta(days=int(d)) for d in rng.integers(0, 500, n)]
    announced = [e - dt.timedelta(days=int(d)) for e, d in zip(effective, rng.integers(0, 40, n))]
    published = [a + dt.timedelta(days=int(d)) for a, d in zip(announced, rng.integers(0, 12, n))]
    procedures = {
        "procedure_code": listed,
        "name": [f"Thủ tục {c}" for c in listed],
        "level": maybe(["commune" if rng.random() < 0.4 else "province" for _ in listed], 0.05),
        "fee_bearing": maybe([bool(b) for b in rng.random(n) < 0.3], 0.05),
        "fee_integrated": maybe([bool(b) for b in rng.random(n) < 0.7], 0.05),
        "online_level": maybe([str(rng.choice(["full", "partial", "none"])) for _ in listed], 0.05),
        "statutory_days": maybe([float(d) for d in rng.choice([0.5, 1, 3, 5, 10, 15], n)], 0.05),
        "fee": [None] * n,
        "effective_at": maybe(effective, 0.1),
        "announced_at": maybe(announced, 0.1),
        "published_at": maybe(published, 0.15),
        "elements_published": maybe([int(k) for k in rng.integers(5, 8, n)], 0.05),
        "population_db": maybe([bool(b) for b in rng.random(n) < 0.6], 0.05),
        "certification": maybe([bool(b) for b in rng.random(n) < 0.1], 0.05),
    }
    k = 600
    agencies = [*WARDS, *DEPARTMENTS, EDGE_AGENCY]
    received = [dt.datetime(2024, 12, 1) + dt.timedelta(minutes=int(m)) for m in rng.integers(0, 400 * 1440, k)]

    def after(p_set: float, max_days: int) -> list:
        return [r + dt.timedelta(minutes=int(m)) if rng.random() < p_set else None
                for r, m in zip(received, rng.integers(1, max_days * 1440, k))]

    feedback = {
        "feedback_id": [f"PAKN-{i:05d}" for i in range(k)],
        "agency_code": [agencies[int(i)] for i in rng.integers(0, len(agencies), k)],
        "procedure_code": maybe([codes[int(i)] for i in rng.integers(0, len(codes), k)], 0.2),
        "received_at": received,
        "rejected_at": after(0.1, 5),
        "info_requested_at": after(0.25, 12),
        "handled_at": after(0.7, 30),
        "satisfaction": maybe([str(rng.choice(RATINGS)) for _ in range(k)], 0.4),
    }
    paths = directory / "procedures.parquet", directory / "feedback.parquet"
    pq.write_table(pa.Table.from_pydict(procedures, schema=_arrow_schema(PROCEDURE_COLUMNS)), paths[0])
    pq.write_table(pa.Table.from_pydict(feedback, schema=_arrow_schema(FEEDBACK_COLUMNS)), paths[1])
    return paths


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    return _sample(tmp_path_factory.mktemp("d766-spark"))


@pytest.fixture(scope="module")
def side_tables(sample) -> tuple[Path, Path]:
    return _catalogue_and_feedback(pq.read_table(sample), sample.parent)


@pytest.fixture(scope="module")
def spark_backend(spark, sample, side_tables):
    for name, path in (("dossiers", sample), ("procedures", side_tables[0]), ("feedback", side_tables[1])):
        spark.read.parquet(str(path)).createOrReplaceTempView(name)
    return ibis.pyspark.connect(spark)


@pytest.fixture(scope="module")
def duckdb_backend(sample, side_tables):
    backend = ibis.duckdb.connect()
    for name, path in (("dossiers", sample), ("procedures", side_tables[0]), ("feedback", side_tables[1])):
        backend.read_parquet(path, table_name=name)
    return backend


@pytest.fixture(scope="module")
def spark_dossiers(spark_backend):
    return spark_backend.table("dossiers")


@pytest.fixture(scope="module")
def duckdb_dossiers(duckdb_backend):
    return duckdb_backend.table("dossiers")


def test_the_sample_holds_every_edge_case(sample):
    d = pq.read_table(sample).to_pandas()
    received, finished = d["received_at"], d["finished_at"]
    year_start, year_end = T("2025-01-01"), T("2026-01-01")
    assert len(d) > 4000
    assert d["dossier_id"].is_unique
    assert (d["supplement_requests"] > 1).sum() >= 10
    assert ((d["supplement_requests"] == 1) & (d["supplement_hours"] > 0)).sum() >= 50
    assert (d["due_at"].isna() & d["statutory_days"].notna()).sum() >= 50
    assert (d["due_at"].isna() & d["statutory_days"].isna()).sum() >= 1
    assert (finished.isna() | (finished >= year_end)).sum() >= 50  # open at the end of the scored year
    assert (finished.dt.to_period("M") > received.dt.to_period("M")).sum() >= 500  # across months
    assert ((received < year_start) & (finished >= year_start)).sum() >= 50  # begun before the range
    assert (d["due_at"].notna() & (finished > d["due_at"])).sum() >= 50  # late
    assert d["fee_total"].isna().sum() and (d["fee_total"] == 0).sum() and (d["fee_total"] > 0).sum()
    assert (d["rating"] == "dissatisfied").sum() and d["has_feedback"].sum()
    for flag in ("e_result", "synced", "vneid_verified", "applicant_ward_code"):
        assert d[flag].isna().sum() >= 1, flag


@pytest.mark.parametrize(
    ("start", "end", "by"),
    [
        (dt.date(2025, 1, 1), dt.date(2025, 12, 31), "month"),
        # clipped periods: a range that starts and ends inside quarters, and one free date range
        (dt.date(2025, 1, 15), dt.date(2025, 8, 10), "quarter"),
        (dt.date(2025, 1, 20), dt.date(2025, 3, 1), None),
    ],
    ids=["a-year-by-month", "clipped-quarters", "date-range"],
)
def test_spark_gives_the_duckdb_scorecard(spark_dossiers, duckdb_dossiers, sample, start, end, by):
    on_spark = metrics.scorecard(spark_dossiers, start=start, end=end, by=by).execute()
    on_duckdb = metrics.scorecard(duckdb_dossiers, start=start, end=end, by=by).execute()

    periods = len(metrics.period_spans(start, end, by))
    assert len(on_duckdb) >= periods * len(WARDS)  # every unit has dossiers in every period of this sample
    assert on_duckdb["band"].notna().all()
    assert (on_duckdb["r_2_1"] < 1).any() and (on_duckdb["r_2_1"] == 1).any()  # the on-time rule decides

    # the same rows in the same order, the same integers, dates and bands, floats to 1e-9
    pd.testing.assert_frame_equal(
        on_spark, on_duckdb, check_dtype=True, check_exact=False, rtol=1e-9, atol=1e-9
    )
    pd.testing.assert_frame_equal(
        on_duckdb,
        scorecard_pandas(pq.read_table(sample).to_pandas(), start=start, end=end, by=by),
        check_dtype=False,
        check_exact=False,
        rtol=1e-9,
        atol=1e-9,
    )


def test_facts_materialised_on_spark_give_the_scorecard_of_the_raw_dossiers(
    spark, spark_backend, spark_dossiers, duckdb_dossiers, tmp_path
):
    """A lakehouse keeps ``dossier_facts`` as a table (here Parquet files written by Spark), as ``ingest`` does in
    DuckDB; the scorecard over that table on Spark equals the one derived from the raw dossiers on DuckDB."""
    facts = metrics.dossier_facts(spark_dossiers)
    spark_backend._run_pre_execute_hooks(facts)  # registers the calendar table with the session
    spark_backend.raw_sql(spark_backend.compile(facts)).write.parquet(str(tmp_path / "facts"))
    spark.read.parquet(str(tmp_path / "facts")).createOrReplaceTempView("d766_facts_kept")
    kept = spark_backend.table("d766_facts_kept")
    kw = {"start": dt.date(2025, 1, 1), "end": dt.date(2025, 12, 31), "by": "month"}
    on_spark = metrics.scorecard(kept, from_facts=True, **kw).execute()
    on_duckdb = metrics.scorecard(duckdb_dossiers, **kw).execute()
    assert len(on_spark) >= 12 * len(WARDS)
    pd.testing.assert_frame_equal(on_spark, on_duckdb, check_dtype=True, check_exact=False, rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize(
    "keys", [("agency_code",), ("agency_code", "procedure_code"), ("agency_code", "channel")],
    ids=["by-agency", "by-procedure", "by-channel"],
)
def test_spark_gives_the_duckdb_scorecard_with_catalogue_feedback_and_drill_down(
    spark_backend, duckdb_backend, sample, side_tables, keys
):
    kw = {"start": dt.date(2025, 1, 1), "end": dt.date(2025, 6, 30), "by": "quarter", "keys": keys}

    def run(backend):
        return metrics.scorecard(
            backend.table("dossiers"), procedures=backend.table("procedures"), feedback=backend.table("feedback"),
            **kw,
        ).execute()

    on_spark, on_duckdb = run(spark_backend), run(duckdb_backend)
    assert len(on_duckdb) > 2 * len(WARDS)
    assert on_duckdb["r_1_3"].notna().any() and on_duckdb["r_3_5"].notna().any()  # the catalogue was used
    if "channel" not in keys:  # feedback has no channel, so it is left out of the drill-down by channel
        assert on_duckdb["r_5_2"].notna().any() and on_duckdb["n_feedback"].sum() > 100
    pd.testing.assert_frame_equal(on_spark, on_duckdb, check_exact=False, rtol=1e-9, atol=1e-9)
    reference = scorecard_pandas(
        pq.read_table(sample).to_pandas(),
        procedures=pq.read_table(side_tables[0]).to_pandas(),
        feedback=pq.read_table(side_tables[1]).to_pandas(),
        **kw,
    )
    pd.testing.assert_frame_equal(on_duckdb, reference, check_dtype=False, check_exact=False, rtol=1e-9, atol=1e-9)


def test_the_edge_rules_give_the_hand_computed_numbers_on_spark(spark_dossiers):
    """The hand-made agency, January to April 2025, on Spark: agreement with DuckDB above is not enough, the two
    engines could share a misreading of the rules."""
    result = metrics.scorecard(
        spark_dossiers.filter(spark_dossiers.agency_code == EDGE_AGENCY),
        start=dt.date(2025, 1, 1),
        end=dt.date(2025, 4, 30),
        by="month",
    ).execute()
    assert list(result["period_start"].dt.month) == [1, 2, 3, 4]
    jan, feb, mar, apr = (result.iloc[i] for i in range(4))
    # January: 1–11 received; 12 (received in December, finished in February) joins the 2.1 population.
    # On time: 2 (24 h late, 24 h waiting), 4 (exactly 3 days), 7 (open, due at the midnight ending January),
    # 9 (open, 11.6 of 15 days used), 10 (finished at that midnight, so open at January's end, due 03/02) and
    # 11 (open at January's end, due 01/03). Late: 1 (two requests), 3, 5, 6 (no limit), 8 and 12.
    assert (jan.n_received, jan.n_in_2_1) == (11, 12)
    assert jan.r_2_1 == pytest.approx(6 / 12)
    # February: 7, 8, 9 (open), 10 (finished 01/02 00:00 before its due date), 11 (open at the end, due
    # 01/03 17:00) and 12 (finished 10/02, due 06/01). On time: 10 and 11. Nothing received, so 2.1 is the only
    # indicator with a rate and the total rescales its 20 points to 100.
    assert (feb.n_received, feb.n_in_2_1) == (0, 6)
    assert feb.r_2_1 == pytest.approx(2 / 6)
    assert pd.isna(feb.r_1_4) and pd.isna(feb.r_5_4) and pd.isna(feb.avg_processing_days)
    assert feb.max_points == 20.0
    assert feb.total == pytest.approx(100 / 3)
    assert feb.band == "weak"
    # March: 7, 8, 9, 11 (open at the end, due 01/03: late) and 13 (received 01/03 00:00, finished exactly at
    # its due date: on time).
    assert (mar.n_received, mar.n_in_2_1) == (1, 5)
    assert mar.r_2_1 == pytest.approx(1 / 5)
    assert pd.isna(mar.r_3_6)  # a fee of 0 is not fee-bearing
    assert mar.r_5_4 == 0.0  # 1 − (0 overdue + 1 disliked) ÷ 1: dissatisfied and with feedback counts once
    assert mar.r_outside_ward == 1.0
    assert mar.avg_processing_days == pytest.approx(4 + 17 / 24)
    # April: 7, 8, 9 (open, late) and 11 (finished 02/04, a month late).
    assert (apr.n_received, apr.n_in_2_1, apr.r_2_1) == (0, 4, 0.0)


@pytest.mark.parametrize("keys", [("agency_code",), ("agency_code", "procedure_code"), ("agency_code", "channel")])
def test_the_definitions_compile_for_trino(keys):
    """No Trino server here, so this only proves that Ibis can express every rule in Trino's SQL (an operation
    without a Trino translation raises at compile time); docs/ARCHITECTURE.md says how to run it there."""
    kinds = {"VARCHAR": "string", "TINYINT": "int8", "SMALLINT": "int16", "DOUBLE": "float64", "BOOLEAN": "boolean",
             "TIMESTAMP": "timestamp", "DATE": "date"}

    def table(name, columns):
        return ibis.table({column: kinds[kind] for column, (kind, _) in columns.items()}, name=name)

    expr = metrics.scorecard(
        table("dossiers", DOSSIER_COLUMNS), procedures=table("procedures", PROCEDURE_COLUMNS),
        feedback=table("feedback", FEEDBACK_COLUMNS), start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31),
        by="month", keys=keys,
    )
    sql = str(ibis.to_sql(expr, dialect="trino"))
    assert '"dossiers"' in sql and '"procedures"' in sql and "UNNEST" in sql.upper()
