"""National scale: the synthetic national log (34 provinces, 3,321 communes) and the scorecards of every province
in one call (``metrics.grouped_scorecard``), on DuckDB and on Spark (PySpark in local mode), checked against the
pandas reference.

Spark needs a Java runtime and pyspark (``make test`` installs both: ``make java`` and the test extras); without
them the Spark comparison is skipped and says why, the DuckDB checks still run.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import shutil

import duckdb
import ibis
import pandas as pd
import pyarrow.parquet as pq
import pytest

from dieuhanh.core.d766 import metrics
from dieuhanh.core.d766.reference import scorecard_pandas
from dieuhanh.demo.synthetic_dossiers import generate_national, national_communes

START, END = dt.date(2025, 1, 1), dt.date(2025, 12, 31)
ROWS = 20_000

NO_SPARK = (
    "Spark needs pyspark (the test extras) and a Java runtime (`make java`); "
    f"pyspark {'found' if importlib.util.find_spec('pyspark') else 'missing'}, "
    f"java {'found' if shutil.which('java') else 'missing'}"
)
needs_spark = pytest.mark.skipif(importlib.util.find_spec("pyspark") is None or shutil.which("java") is None,
                                 reason=NO_SPARK)


@pytest.fixture(scope="module")
def national(tmp_path_factory):
    path = tmp_path_factory.mktemp("national") / "national.parquet"
    return generate_national(path, rows=ROWS, start=START, end=END, seed=34)


@pytest.fixture(scope="module")
def provinces() -> dict[str, str]:
    """Commune code -> province code, from the national list (not from the generator's internals)."""
    return {commune: province for province, communes in national_communes().items() for commune in communes}


def test_the_national_list_has_34_provinces_and_3321_communes_and_the_log_spreads_over_them(national, provinces):
    communes = national_communes()
    assert len(communes) == 34 and len(provinces) == 3_321
    assert communes["79"][:1] and all(len(code) == 5 for code in provinces)
    frame = pq.read_table(national).to_pandas()
    assert len(frame) == ROWS and frame.dossier_id.is_unique
    assert set(frame.agency_code) <= set(provinces)
    assert frame.agency_code.map(provinces).nunique() == 34  # every province has dossiers
    assert frame.agency_code.nunique() > 2_500
    # applicants live in the receiving commune or another commune of the same province, never elsewhere
    known = frame.dropna(subset=["applicant_ward_code"])
    assert (known.applicant_ward_code.map(provinces) == known.agency_code.map(provinces)).all()
    assert 0.8 < (known.applicant_ward_code == known.agency_code).mean() < 0.9


def test_province_scorecards_in_one_call_pool_every_commune_of_the_province(national, provinces):
    frame = pq.read_table(national).to_pandas()
    backend = ibis.duckdb.connect()
    card = metrics.grouped_scorecard(backend.read_parquet(national), provinces, start=START, end=END,
                                     by="quarter").execute()
    assert sorted(card.agency_code.unique()) == sorted(national_communes())
    # The reference: the same log with each commune's code replaced by its province's, as one agency per
    # province. Filing outside one's own ward compares the applicant's ward with the receiving commune, so that
    # share is counted by hand on the original codes.
    pooled = frame.assign(agency_code=frame.agency_code.map(provinces))
    expected = scorecard_pandas(pooled, start=START, end=END, by="quarter")
    outside = frame.assign(province=frame.agency_code.map(provinces),
                           quarter=frame.received_at.dt.quarter, known=frame.applicant_ward_code.notna(),
                           away=frame.applicant_ward_code.notna() & (frame.applicant_ward_code != frame.agency_code))
    counted = outside.groupby(["province", "quarter"]).agg(known=("known", "sum"), away=("away", "sum"))
    by_hand = (counted.away / counted.known).to_numpy()
    ours = card.drop(columns="r_outside_ward")
    pd.testing.assert_frame_equal(ours.reset_index(drop=True),
                                  expected.drop(columns="r_outside_ward").reset_index(drop=True),
                                  check_dtype=False, check_exact=False, rtol=1e-9, atol=1e-9)
    assert card.r_outside_ward.to_numpy() == pytest.approx(by_hand, rel=1e-12)


@needs_spark
def test_spark_gives_the_duckdb_scorecards_of_every_province_and_every_commune(spark, national, provinces):
    spark.read.parquet(str(national)).createOrReplaceTempView("national_dossiers")
    on_spark = ibis.pyspark.connect(spark).table("national_dossiers")
    con = duckdb.connect()
    on_duckdb = ibis.duckdb.from_connection(con).read_parquet(national)

    def same(a: pd.DataFrame, b: pd.DataFrame) -> None:
        pd.testing.assert_frame_equal(a, b, check_dtype=False, check_exact=False, rtol=1e-9, atol=1e-9)

    kw = {"start": START, "end": END, "by": "month"}
    provinces_spark = metrics.grouped_scorecard(on_spark, provinces, **kw).execute()
    assert len(provinces_spark) == 34 * 12
    same(provinces_spark, metrics.grouped_scorecard(on_duckdb, provinces, **kw).execute())
    communes_spark = metrics.scorecard(on_spark, start=START, end=END).execute()  # the year, every commune
    assert len(communes_spark) > 2_500
    same(communes_spark, metrics.scorecard(on_duckdb, start=START, end=END).execute())
    con.close()
