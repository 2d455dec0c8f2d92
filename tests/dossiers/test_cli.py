"""The batch command line: ``dieuhanh dossiers import`` and ``dieuhanh dossiers scorecard``."""

import csv
import datetime as dt
import io

import pytest
from django.core.management import call_command

from dieuhanh.demo.synthetic_dossiers import generate


@pytest.fixture
def files(tmp_path, hcmc):
    wards = ["26743", "26740", "26732"]
    return generate(tmp_path / "dossiers.parquet", rows=3000, agencies=wards, start=dt.date(2026, 1, 1), end=dt.date(2026, 3, 31), seed=7)


def test_import_then_scorecard_by_month(files, tmp_path, settings):
    settings.DIEUHANH_DUCKDB_PATH = tmp_path / "d.duckdb"
    out = io.StringIO()
    call_command("dossiers", "import", str(files), stdout=out, stderr=io.StringIO())
    assert "3000 inserted, 0 updated" in out.getvalue()
    again = io.StringIO()
    call_command("dossiers", "import", str(files), stdout=again, stderr=io.StringIO())
    assert "0 inserted, 3000 updated" in again.getvalue()
    target = tmp_path / "scorecard.csv"
    call_command("dossiers", "scorecard", "--from", "2026-01-01", "--to", "2026-03-31", "--by", "month", "--out", str(target), stdout=io.StringIO())
    rows = list(csv.DictReader(target.open()))
    assert {r["agency_code"] for r in rows} == {"26743", "26740", "26732"} and len(rows) == 9
    assert {"r_2.1", "p_2.1", "total", "band"} <= set(rows[0])
    assert all(0 <= float(r["r_2.1"]) <= 1 for r in rows)


def test_a_file_with_an_unknown_agency_is_refused_and_the_command_fails(tmp_path, hcmc, settings):
    settings.DIEUHANH_DUCKDB_PATH = tmp_path / "d.duckdb"
    bad = tmp_path / "bad.csv"
    bad.write_text("dossier_id,procedure_code,agency_code,channel,received_at\nA1,1.001,99999,2,2026-01-05 08:00:00\n", encoding="utf-8")
    err = refused_import(str(bad))
    assert "unknown_agency" in err and "nothing from it was kept" in err


def refused_import(*args: str) -> str:
    """Run ``dieuhanh dossiers import`` expecting a refused file: the exit status is 1; returns what it wrote."""
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("dossiers", "import", *args, stdout=io.StringIO(), stderr=err)
    assert exit_.value.code == 1
    return err.getvalue()


def test_import_with_the_catalogue_and_feedback_adds_their_indicators_to_the_scorecard(files, tmp_path, settings):
    import pyarrow.parquet as pq

    settings.DIEUHANH_DUCKDB_PATH = tmp_path / "d.duckdb"
    codes = sorted(set(pq.read_table(files, columns=["procedure_code"])["procedure_code"].to_pylist()))
    catalogue = tmp_path / "thu_tuc.csv"
    with catalogue.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["Mã thủ tục", "Tên thủ tục", "Ngày có hiệu lực", "Ngày công bố", "Số thành phần công khai"])
        for i, code in enumerate(codes):
            writer.writerow([code, f"Thủ tục {i}", "01/03/2026", "20/02/2026", 7 if i % 2 else 5])
    pakn = tmp_path / "pakn.csv"
    pakn.write_text("Mã PAKN,Cơ quan xử lý,Ngày tiếp nhận,Ngày trả lời,Mức độ hài lòng\n"
                    "PA1,26743,05/01/2026 09:00,07/01/2026 09:00,hài lòng\n", encoding="utf-8")
    out = io.StringIO()
    call_command("dossiers", "import", str(files), "--procedures", str(catalogue), "--feedback", str(pakn),
                 stdout=out, stderr=io.StringIO())
    assert f"procedures: {len(codes)} inserted" in out.getvalue() and "feedback: 1 inserted" in out.getvalue()
    target = tmp_path / "scorecard.csv"
    call_command("dossiers", "scorecard", "--from", "2026-01-01", "--to", "2026-03-31", "--by", "month",
                 "--out", str(target), stdout=io.StringIO())
    rows = list(csv.DictReader(target.open()))
    assert {"r_1.1", "p_1.3", "r_4.5b", "r_5.2", "p_5.3", "n_procedures", "n_feedback"} <= set(rows[0])
    january = next(r for r in rows if r["agency_code"] == "26743" and r["period_start"] == "2026-01-01")
    assert (january["n_feedback"], float(january["r_5.2"]), float(january["r_5.3"])) == ("1", 1.0, 1.0)
    assert 0 < float(january["r_1.3"]) < 1 and float(january["r_1.1"]) == 1.0  # announced 6 working days ahead


def test_a_bad_catalogue_row_is_reported_and_nothing_is_kept(tmp_path, hcmc, settings):
    settings.DIEUHANH_DUCKDB_PATH = tmp_path / "d.duckdb"
    bad = tmp_path / "thu_tuc.csv"
    bad.write_text("procedure_code,name,elements_published\n1.001,A,7\n1.002,B,9\n", encoding="utf-8")
    assert "row 2 elements_published bad_number" in refused_import("--procedures", str(bad))
    import duckdb

    with duckdb.connect(str(tmp_path / "d.duckdb")) as con:
        assert con.execute("SELECT count(*) FROM procedures").fetchall() == [(0,)]


def test_scorecard_by_province_pools_every_unit_of_the_province_in_one_row_per_period(files, tmp_path, settings):
    import pyarrow.parquet as pq

    settings.DIEUHANH_DUCKDB_PATH = tmp_path / "d.duckdb"
    call_command("dossiers", "import", str(files), stdout=io.StringIO(), stderr=io.StringIO())
    target = tmp_path / "provinces.csv"
    call_command("dossiers", "scorecard", "--from", "2026-01-01", "--to", "2026-03-31", "--by", "month", "--provinces",
                 "--out", str(target), stdout=io.StringIO())
    rows = list(csv.DictReader(target.open()))
    # the three wards are Ho Chi Minh City's: one row per month for province 79, every dossier counted
    frame = pq.read_table(files).to_pandas()
    per_month = frame.received_at.dt.month.value_counts().sort_index().tolist()
    assert [(r["agency_code"], r["period_start"][:7]) for r in rows] == [("79", "2026-01"), ("79", "2026-02"),
                                                                         ("79", "2026-03")]
    assert [int(r["n_received"]) for r in rows] == per_month
    synced = frame.groupby(frame.received_at.dt.month).synced.mean().tolist()
    assert [float(r["r_1.4"]) for r in rows] == pytest.approx(synced, rel=1e-12)
