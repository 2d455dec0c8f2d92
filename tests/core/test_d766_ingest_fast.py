"""A CSV dossier file is staged the fast way first (``ingest._stage_source(fast=True)``: DuckDB's reader parses
ISO timestamps, plain values are parsed without trimming or keeping their text) and the general way when that
does not apply or the file has errors. Both ways must give the same table and the same errors for any file."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dieuhanh.core.d766 import ingest as ingest_module
from dieuhanh.core.d766.ingest import ingest

KNOWN = {"26743", "79.STP"}
HEADER = ["dossier_id", "procedure_code", "agency_code", "channel", "received_at", "due_at", "finished_at",
          "supplement_requests", "supplement_hours", "fee_total", "paid_online", "e_result", "synced", "rating"]


def _row(dossier_id: str, **values: str) -> dict[str, str]:
    base = {"dossier_id": dossier_id, "procedure_code": "1.001234", "agency_code": "26743", "channel": "2",
            "received_at": "2026-03-05 14:20:00", "due_at": "2026-03-10 17:00:00", "finished_at": "2026-03-06 09:00:00",
            "supplement_requests": "0", "supplement_hours": "0.0", "fee_total": "", "paid_online": "",
            "e_result": "true", "synced": "0", "rating": ""}
    return base | values


def _write(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=HEADER)
        writer.writeheader()
        writer.writerows(rows)
    return path


def _load(path: Path, database: Path, *, fast: bool, monkeypatch: pytest.MonkeyPatch) -> tuple:
    """The table and the errors ``ingest`` gives for ``path``, staged the fast way first or the general way
    only; with which ways it staged."""
    real = ingest_module._stage_source
    ways = []

    def stage(con, spec, source, *, row, fast=False, _allowed=fast):
        ways.append(fast and _allowed)
        return real(con, spec, source, row=row, fast=fast and _allowed)

    with monkeypatch.context() as patched:
        patched.setattr(ingest_module, "_stage_source", stage)
        con = duckdb.connect(str(database))
        try:
            result = ingest(con, [path], known_agencies=KNOWN)
            rows = con.execute("SELECT * FROM dossiers ORDER BY dossier_id").fetchall() if not result.rejected_files else []
            facts = con.execute("SELECT * EXCLUDE (_id_hash) FROM dossier_facts ORDER BY ALL").fetchall() if rows else []
        finally:
            con.close()
    errors = [(e.row, e.column, e.code, e.params.get("value"), e.params.get("other"))
              for report in result.rejected_files for e in report.errors]
    return (rows, facts, errors, result.inserted), ways


def _both_ways(tmp_path_factory, monkeypatch, cells: list[dict[str, str]]) -> tuple:
    """A file of ``cells`` (one row each) loaded the fast way first, the ways it took, and loaded the general way."""
    folder = tmp_path_factory.mktemp("fast")
    path = _write(folder / "file.csv", [_row(f"HS-{i}", **c) for i, c in enumerate(cells)])
    fast, ways = _load(path, folder / "fast.duckdb", fast=True, monkeypatch=monkeypatch)
    general, _ = _load(path, folder / "general.duckdb", fast=False, monkeypatch=monkeypatch)
    return fast, ways, general


def test_a_plain_file_is_staged_once_the_fast_way_with_the_values_of_the_general_way(tmp_path, monkeypatch):
    rows = [_row("HS-1"), _row("HS-2", channel="1", supplement_hours="12.5", fee_total="50000", paid_online="1",
                              e_result="false", synced="1", rating="satisfied", finished_at=""),
            _row("HS-3", rating="dissatisfied", supplement_requests="2", fee_total="0.25")]
    path = _write(tmp_path / "plain.csv", rows)
    fast, ways = _load(path, tmp_path / "fast.duckdb", fast=True, monkeypatch=monkeypatch)
    assert ways == [True]  # read once, the fast way
    general, ways = _load(path, tmp_path / "general.duckdb", fast=False, monkeypatch=monkeypatch)
    assert ways == [False]
    assert fast == general and fast[3] == 3
    hs2 = fast[0][1]
    # supplement hours, fee, e_result, synced, rating (the table's columns in schema order)
    assert (hs2[8], hs2[10], hs2[12], hs2[17], hs2[19]) == (12.5, 50000.0, False, True, "satisfied")


def test_a_timestamp_in_another_form_falls_back_to_the_general_way(tmp_path, monkeypatch):
    path = _write(tmp_path / "vn.csv", [_row("HS-1"), _row("HS-2", received_at="05/03/2026 08:15")])
    fast, ways = _load(path, tmp_path / "fast.duckdb", fast=True, monkeypatch=monkeypatch)
    assert ways == [True, False]
    assert fast == _load(path, tmp_path / "general.duckdb", fast=False, monkeypatch=monkeypatch)[0]
    assert fast[0][1][4].isoformat() == "2026-03-05T08:15:00"


def test_errors_are_worded_from_the_text_as_written(tmp_path, monkeypatch):
    rows = [_row("HS-1", channel="7"), _row("HS-2", e_result="maybe"), _row("HS-3", fee_total="-5"),
            _row("HS-4", rating="great")]
    path = _write(tmp_path / "bad.csv", rows)
    fast, ways = _load(path, tmp_path / "fast.duckdb", fast=True, monkeypatch=monkeypatch)
    assert ways == [True, False]  # counted the fast way, worded the general way
    assert fast == _load(path, tmp_path / "general.duckdb", fast=False, monkeypatch=monkeypatch)[0]
    assert [(e[0], e[2], e[3]) for e in fast[2]] == [
        (1, "bad_channel", "7"), (2, "bad_boolean", "maybe"), (3, "negative_number", "-5"), (4, "bad_rating", "great")]


# Cells near the plain forms: spaces, case, decimal commas, thousands groups, Vietnamese words, signs, letters.
_NUMBER = st.one_of(st.sampled_from(["0", "15", "12.5", "0.25", "1.234", "1.234,5", "12,5", " 12 ", "+3", "-1", "1e3",
                                     "inf", "1_000", "15.000", "007", "3.14159", "", " "]),
                    st.from_regex(r"[0-9]{1,4}([.,][0-9]{1,4})?", fullmatch=True))
_BOOLEAN = st.sampled_from(["true", "false", "1", "0", "TRUE", " true", "có", "không", "x", "X", "yes", "t", "", "2"])
_RATING = st.sampled_from(["satisfied", "neutral", "dissatisfied", "Hài lòng", "không hài lòng", "bình thường",
                           " satisfied", "SATISFIED", "good", ""])
_CHANNEL = st.sampled_from(["1", "2", "3", "2.0", " 2", "4", "0", ""])


# Cells the general way accepts, written the plain way or not: every file of them is kept, staged the fast way.
_VALID_AMOUNT = st.one_of(st.sampled_from(["0", "15", "12.5", "0.25", "1.234", "1.234,5", "12,5", " 12 ", "1e3", "15.000",
                                           "007", "3.14159", "2.50", "1.000.000", ""]),
                          st.from_regex(r"[1-9][0-9]{0,3}([.,][0-9]{1,4})?", fullmatch=True))
_VALID_COUNT = st.sampled_from(["0", "1", "2", "007", "1.000", " 3 ", "12", ""])
_VALID_BOOLEAN = st.sampled_from(["true", "false", "1", "0", "TRUE", " true", "có", "không", "x", "X", "False", ""])
_VALID_RATING = st.sampled_from(["satisfied", "neutral", "dissatisfied", "Hài lòng", "không hài lòng", "bình thường",
                                 " satisfied", "SATISFIED", "Không  hài lòng", ""])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cells=st.lists(st.fixed_dictionaries({
    "channel": st.sampled_from(["1", "2", "3", "2.0", " 2"]), "supplement_requests": _VALID_COUNT,
    "supplement_hours": _VALID_AMOUNT, "fee_total": _VALID_AMOUNT, "paid_online": st.sampled_from(["0", "1", "2", ""]),
    "e_result": _VALID_BOOLEAN, "synced": _VALID_BOOLEAN, "rating": _VALID_RATING,
}), min_size=1, max_size=6))
def test_any_valid_file_is_kept_the_fast_way_with_the_values_of_the_general_way(tmp_path_factory, monkeypatch, cells):
    fast, ways, general = _both_ways(tmp_path_factory, monkeypatch, cells)
    assert ways == [True] and fast[2] == []
    assert fast == general


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cells=st.lists(st.fixed_dictionaries({
    "channel": _CHANNEL, "supplement_requests": _NUMBER, "supplement_hours": _NUMBER, "fee_total": _NUMBER,
    "paid_online": st.sampled_from(["0", "1", "2", "", "3"]), "e_result": _BOOLEAN, "synced": _BOOLEAN,
    "rating": _RATING,
}), min_size=1, max_size=6))
def test_any_file_gives_the_same_table_or_the_same_errors_both_ways(tmp_path_factory, monkeypatch, cells):
    fast, _, general = _both_ways(tmp_path_factory, monkeypatch, cells)
    assert fast == general
