"""The batch command line: ``dieuhanh dossiers import`` and ``dieuhanh dossiers scorecard``."""

import csv
import datetime as dt
import io

import pytest
from django.core.management import call_command

from dieuhanh.core.d766.generate import generate


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
    err = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("dossiers", "import", str(bad), stdout=io.StringIO(), stderr=err)
    assert "unknown_agency" in err.getvalue() and "nothing from it was kept" in err.getvalue()
