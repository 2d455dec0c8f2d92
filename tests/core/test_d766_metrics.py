"""Decision 766 scorecard from dossier logs: each indicator and edge rule with hand-computed numbers.

Every example runs the Ibis definitions on an in-memory DuckDB and the independent pandas reference, and checks
that they agree before checking the numbers; a property test then compares the two on random dossier sets.
Unless a test says otherwise the period is January 2025, which ends at midnight on 1 February.
"""

import datetime as dt
import json
import math
from dataclasses import replace
from itertools import count

import duckdb
import ibis
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dieuhanh.core.d766.metrics import KEYS, period_spans, scorecard
from dieuhanh.core.d766.execute import compute
from dieuhanh.core.d766.reference import scorecard_pandas
from dieuhanh.core.d766.rules import DEFAULT, Band, Indicator, Scoring
from dieuhanh.core.d766.schema import DOSSIER_COLUMNS

D = dt.date
T = pd.Timestamp
JAN = {"start": D(2025, 1, 1), "end": D(2025, 1, 31)}
_ids = count(1)


def dossier(**fields):
    """A dossier received on 2 January 08:00 at agency A, in person; every other field null unless given."""
    return {
        "dossier_id": f"H{next(_ids)}",
        "procedure_code": "1.001",
        "agency_code": "A",
        "channel": 1,
        "received_at": T("2025-01-02 08:00"),
        **fields,
    }


def load(rows) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("CREATE TABLE dossiers (" + ", ".join(f"{c} {t}" for c, (t, _) in DOSSIER_COLUMNS.items()) + ")")
    incoming = pd.DataFrame(rows, columns=list(DOSSIER_COLUMNS)).astype(object)  # None stays a null
    con.register("incoming", incoming)
    con.execute("INSERT INTO dossiers BY NAME SELECT * FROM incoming")
    return con


def assert_same(ours: pd.DataFrame, reference: pd.DataFrame) -> None:
    assert list(ours.columns) == list(reference.columns)
    assert len(ours) == len(reference)
    for column in ours.columns:
        for a, b in zip(ours[column], reference[column], strict=True):
            if pd.isna(a) or pd.isna(b):
                assert pd.isna(a) and pd.isna(b), (column, a, b)
            elif isinstance(a, float):
                assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9), (column, a, b)
            else:
                assert a == b, (column, a, b)


def score(rows, **kw) -> pd.DataFrame:
    """The Ibis scorecard on DuckDB, after checking the pandas reference gives the same numbers."""
    kw = {**JAN, **kw}
    con = load(rows)
    ours = compute(con, "dossiers", **kw)
    assert_same(ours, scorecard_pandas(con.execute("SELECT * FROM dossiers").df(), **kw))
    return ours


def one(rows, **kw) -> pd.Series:
    result = score(rows, **kw)
    assert len(result) == 1
    return result.iloc[0]


# --- 2.1 on time -------------------------------------------------------------------------------------------------


def test_finished_by_the_due_date_is_on_time_and_a_minute_later_is_late():
    row = one(
        [
            dossier(due_at=T("2025-01-10 17:00"), finished_at=T("2025-01-10 17:00")),
            dossier(due_at=T("2025-01-10 17:00"), finished_at=T("2025-01-10 17:01")),
        ]
    )
    assert row.n_in_2_1 == 2
    assert row.r_2_1 == 0.5
    assert row.p_2_1 == 10.0  # 20 × min(1, 0.5 ÷ 1)


def test_more_than_one_supplement_request_is_late_even_when_finished_early():
    row = one(
        [
            dossier(due_at=T("2025-01-10"), finished_at=T("2025-01-03"), supplement_requests=2),
            dossier(due_at=T("2025-01-10"), finished_at=T("2025-01-03"), supplement_requests=1),
            dossier(due_at=T("2025-01-10"), finished_at=T("2025-01-03"), supplement_requests=0),
        ]
    )
    assert row.r_2_1 == pytest.approx(2 / 3)


def test_time_waiting_for_supplements_is_subtracted():
    a_day_late = {"due_at": T("2025-01-10 08:00"), "finished_at": T("2025-01-11 08:00")}
    row = one(
        [
            # finished a day after the due date, but 24 h were spent waiting for the applicant
            dossier(**a_day_late, supplement_requests=1, supplement_hours=24),
            dossier(**a_day_late, supplement_requests=1, supplement_hours=23.5),
        ]
    )
    assert row.r_2_1 == 0.5


def test_without_a_due_date_the_statutory_limit_counts_working_days():
    # Thursday 2 January 08:00 + 5 working days of 24 h: 16 h of Thursday, Friday, Monday–Wednesday, 8 h of Thursday.
    row = one(
        [
            dossier(statutory_days=5, finished_at=T("2025-01-09 08:00")),
            dossier(statutory_days=5, finished_at=T("2025-01-09 08:01")),
            dossier(statutory_days=5, finished_at=T("2025-01-10 08:00"), supplement_requests=1, supplement_hours=24),
            dossier(statutory_days=0.5, finished_at=T("2025-01-02 20:00")),
        ]
    )
    assert row.r_2_1 == 0.75


def test_a_dossier_received_on_a_day_off_starts_its_clock_at_the_next_working_day():
    saturday = T("2025-01-04 10:00")
    row = one(
        [
            dossier(received_at=saturday, statutory_days=1, finished_at=T("2025-01-06 23:59")),  # Monday: on time
            dossier(received_at=saturday, statutory_days=1, finished_at=T("2025-01-07 00:01")),
        ]
    )
    assert row.r_2_1 == 0.5


def test_tet_holidays_stop_the_clock():
    # Friday 24/01/2025 08:00, 3 working days: Tết Ất Tỵ (27–31/01) and two weekends are off, so the limit runs
    # out on Wednesday 05/02/2025 08:00 (16 h of the Friday, Monday 3 and Tuesday 4 February, 8 h of the 5th).
    friday = T("2025-01-24 08:00")
    rows = [
        dossier(received_at=friday, statutory_days=3, finished_at=T("2025-02-05 08:00")),
        dossier(received_at=friday, statutory_days=3, finished_at=T("2025-02-05 08:01")),
    ]
    row = one(rows, start=D(2025, 2, 1), end=D(2025, 2, 28))
    assert (row.n_in_2_1, row.r_2_1) == (2, 0.5)


def test_the_due_date_wins_over_the_statutory_limit():
    row = one([dossier(due_at=T("2025-01-03"), statutory_days=30, finished_at=T("2025-01-04"))])
    assert row.r_2_1 == 0.0


def test_a_dossier_with_no_deadline_at_all_cannot_be_on_time():
    row = one([dossier(finished_at=T("2025-01-03")), dossier(due_at=T("2025-01-10"), finished_at=T("2025-01-03"))])
    assert row.r_2_1 == 0.5


def test_open_at_the_period_end_is_within_deadline_while_the_period_end_is_not_past_due():
    row = one(
        [
            dossier(due_at=T("2025-02-01 00:00")),  # the period ends exactly at its due time: within
            dossier(due_at=T("2025-01-31 23:59")),  # overdue
            dossier(due_at=T("2025-02-10"), finished_at=T("2025-02-05")),  # finished after the period: open then
            dossier(due_at=T("2025-01-20"), finished_at=T("2025-02-05")),  # open at the period end and past due
        ]
    )
    assert (row.n_in_2_1, row.r_2_1) == (4, 0.5)


def test_open_without_a_due_date_measures_to_the_period_end_less_supplement_time():
    row = one(
        [
            # Received Monday 20 January: five working days to Saturday 1 February 00:00
            dossier(received_at=T("2025-01-20"), statutory_days=5),  # within
            dossier(received_at=T("2025-01-20"), statutory_days=4, supplement_hours=24),  # 5 days − 24 h: within
            dossier(received_at=T("2025-01-20"), statutory_days=4),  # overdue
        ]
    )
    assert row.r_2_1 == pytest.approx(2 / 3)


def test_open_with_a_due_date_compares_the_period_end_itself_with_the_due_date():
    # The rule as specified: only a finished dossier has its supplement time subtracted before the due date.
    row = one([dossier(due_at=T("2025-01-31 12:00"), supplement_requests=1, supplement_hours=48)])
    assert row.r_2_1 == 0.0


def test_the_2_1_population_is_every_dossier_in_process_during_the_month():
    rows = [
        dossier(received_at=T("2024-12-20"), due_at=T("2025-03-01")),  # V: open throughout, never received in Jan/Feb
        dossier(received_at=T("2025-01-20"), due_at=T("2025-02-10"), finished_at=T("2025-02-05")),  # X
        dossier(received_at=T("2025-01-03"), due_at=T("2025-01-15"), finished_at=T("2025-01-10")),  # Y: January only
        dossier(received_at=T("2025-01-25"), due_at=T("2025-01-30"), finished_at=T("2025-02-03")),  # Z: late in both
        dossier(received_at=T("2025-01-05"), due_at=T("2025-02-05"), finished_at=T("2025-01-31 23:00")),  # W: Jan only
        # U: late in both
        dossier(received_at=T("2025-01-28"), due_at=T("2025-01-30"), finished_at=T("2025-02-01 00:00")),
    ]
    jan, feb = score(rows, start=D(2025, 1, 1), end=D(2025, 2, 28), by="month").itertuples()
    assert (jan.period_start, jan.period_end) == (T("2025-01-01"), T("2025-01-31"))
    assert (feb.period_start, feb.period_end) == (T("2025-02-01"), T("2025-02-28"))
    # January: V, X within deadline at the month end, Y and W on time, Z and U overdue (U finished at midnight,
    # the first instant of February, so it was still open when January ended).
    assert (jan.n_in_2_1, jan.r_2_1, jan.n_received) == (6, pytest.approx(4 / 6), 5)
    # February: V within, X finished on time, Z and U finished late; nothing received, so 2.1 is all there is to score.
    assert (feb.n_in_2_1, feb.r_2_1, feb.n_received) == (4, 0.5, 0)
    assert pd.isna(feb.r_1_4)  # no dossier received, no rate
    assert feb.max_points == 20.0
    assert feb.total == 50.0  # 10 of the 20 available points, rescaled to 100
    assert feb.band == "average"


# --- the other indicators: dossiers received in the period ---------------------------------------------------------


def test_other_indicators_count_the_dossiers_received_in_the_period():
    row = one(
        [
            dossier(received_at=T("2024-12-31 23:59"), synced=True),
            dossier(received_at=T("2025-01-01 00:00"), synced=True),
            dossier(received_at=T("2025-01-31 23:59"), synced=False),
            dossier(received_at=T("2025-02-01 00:00"), synced=True),
        ]
    )
    assert (row.n_received, row.r_1_4, row.p_1_4) == (2, 0.5, 3.0)


def test_every_dossier_indicator_on_four_dossiers():
    common = {"due_at": T("2025-02-15")}
    row = one(
        [
            dossier(
                **common, channel=2, synced=True, fee_total=50_000, paid_online=1, e_result=True,
                digitised_components=True, reused_data=True, personal_store=True, vneid_verified=True,
                applicant_ward_code="A", rating="satisfied", finished_at=T("2025-01-04 08:00"),
            ),
            dossier(
                **common, channel=2, synced=True, fee_total=0, paid_online=2, e_result=True,
                digitised_components=False, reused_data=False, personal_store=False, vneid_verified=None,
                applicant_ward_code="B", rating="dissatisfied", finished_at=T("2025-01-03 08:00"),
            ),
            dossier(
                **common, channel=1, synced=False, fee_total=20_000, paid_online=0, e_result=False,
                digitised_components=True, vneid_verified=True, has_feedback=True,
                finished_at=T("2025-01-08 08:00"), supplement_requests=1, supplement_hours=48,
            ),
            dossier(**common, channel=3, applicant_ward_code="C"),  # still open, within deadline
        ]
    )
    assert (row.n_received, row.n_in_2_1, row.n_finished) == (4, 4, 3)
    assert row.avg_processing_days == pytest.approx((2 + 1 + (6 - 2)) / 3)  # the third waited 2 of its 6 days
    assert row.r_outside_ward == pytest.approx(2 / 3)  # B and C of the three with a ward
    expected = {
        "1_4": (0.5, 3.0),  # synced: 2 of 4
        "2_1": (1.0, 20.0),
        "3_3": (0.25, 6.0),  # online 2/4 × synced 2/4; full points at 50 %
        "3_6": (0.5, 3.0),  # fee > 0: the first and third; the second (fee 0) and fourth (no fee) are left out
        "4_1": (0.5, 3.0),
        "4_2": (0.25, 1.25),  # digitised and e-result: only the first; 4 × 0.25 ÷ 0.8
        "4_3": (0.25, 0.625),  # 2 × 0.25 ÷ 0.8
        "4_4": (0.25, 1.0),
        "4_5": (0.5, 1.0),  # VNeID: first and third; the null counts as no
        "5_4": (0.5, 6 * 0.5 / 0.9),  # 1 − (0 overdue + 2 with feedback or dislike) ÷ 4; full points at 90 %
    }
    for key, (rate, points) in expected.items():
        assert row[f"r_{key}"] == pytest.approx(rate), key
        assert row[f"p_{key}"] == pytest.approx(points), key
    assert row.g_transparency == 3.0
    assert row.g_progress == 20.0
    assert row.g_online_service == 6.0
    assert row.g_online_payment == 3.0
    assert row.g_digitisation == pytest.approx(3 + 1.25 + 0.625 + 1 + 1)
    assert row.g_satisfaction == pytest.approx(6 * 0.5 / 0.9)
    earned = 3 + 20 + 6 + 3 + 3 + 1.25 + 0.625 + 1 + 1 + 6 * 0.5 / 0.9
    assert row.max_points == 68.0  # the indicators this module computes
    assert row.total == pytest.approx(100 * earned / 68)  # 62.07
    assert row.band == "average"


def test_satisfaction_adds_the_overdue_rate_and_the_feedback_rate_and_stops_at_zero():
    row = one(
        [
            dossier(due_at=T("2025-01-03"), finished_at=T("2025-01-05"), rating="dissatisfied"),
            dossier(due_at=T("2025-01-10"), finished_at=T("2025-01-05"), rating="satisfied"),
            dossier(due_at=T("2025-01-10"), finished_at=T("2025-01-05"), rating="neutral"),
            dossier(due_at=T("2025-01-10"), finished_at=T("2025-01-05"), has_feedback=False),
        ]
    )
    assert row.r_5_4 == 0.5  # 1 − (1 overdue + 1 dissatisfied) ÷ 4: the same dossier counts in both
    worst = one([dossier(due_at=T("2025-01-03"), finished_at=T("2025-01-05"), has_feedback=True)])
    assert (worst.r_5_4, worst.p_5_4) == (0.0, 0.0)  # 1 − (1 + 1) would be −1


def test_null_booleans_count_as_no_and_missing_supplement_fields_as_zero():
    row = one([dossier(due_at=T("2025-01-10"), finished_at=T("2025-01-05"))])  # no supplement fields either
    assert row.r_2_1 == 1.0
    for key in ("1_4", "3_3", "4_1", "4_2", "4_3", "4_4", "4_5"):
        assert row[f"r_{key}"] == 0.0, key
    assert row.r_5_4 == 1.0
    assert pd.isna(row.r_3_6)  # no fee-bearing dossier
    assert pd.isna(row.r_outside_ward)  # no applicant ward


@pytest.mark.parametrize(
    ("online", "received", "rate", "points"),
    [(1, 4, 0.25, 6.0), (2, 4, 0.5, 12.0), (4, 4, 1.0, 12.0), (0, 4, 0.0, 0.0)],
)
def test_points_grow_with_the_rate_up_to_full_at_and_stop_there(online, received, rate, points):
    rows = [dossier(synced=True, channel=2 if i < online else 1) for i in range(received)]
    row = one(rows)
    assert (row.r_3_3, row.p_3_3) == (rate, points)  # 12 × min(1, r ÷ 0.5)


# --- total and band ----------------------------------------------------------------------------------------------

ON_TIME_ONLY = Scoring(indicators=(Indicator("2.1", "progress", "Đúng hạn", 20, 1.0),), bands=DEFAULT.bands)


@pytest.mark.parametrize(
    ("on_time", "of", "band"),
    [(20, 20, "excellent"), (18, 20, "excellent"), (899, 1000, "good"), (16, 20, "good"), (13, 20, "fair"),
     (64, 100, "average"), (10, 20, "average"), (499, 1000, "weak"), (0, 20, "weak")],
)
def test_band_edges(on_time, of, band):
    finished = [T("2025-01-05")] * on_time + [T("2025-01-15")] * (of - on_time)
    rows = [dossier(due_at=T("2025-01-10"), finished_at=day) for day in finished]
    row = one(rows, scoring=ON_TIME_ONLY)
    assert row.total == pytest.approx(100 * on_time / of)
    assert row.band == band


def test_missing_indicators_are_left_out_and_the_total_is_rescaled_to_100():
    perfect = dossier(
        due_at=T("2025-01-10"), finished_at=T("2025-01-05"), channel=2, synced=True, e_result=True,
        digitised_components=True, reused_data=True, personal_store=True, vneid_verified=True, rating="satisfied",
    )
    row = one([perfect])
    # No fee-bearing dossier: 3.6 has no rate, so its 6 points leave the maximum; the catalogue indicators never count.
    assert pd.isna(row.r_3_6) and pd.isna(row.g_online_payment)
    assert "r_1_1" not in row.index and "r_2_2" not in row.index
    assert (row.max_points, row.total, row.band) == (62.0, 100.0, "excellent")


def test_an_agency_with_nothing_to_score_has_no_total():
    fees_only = Scoring(indicators=(Indicator("3.6", "online_payment", "Thanh toán", 6, 1.0),), bands=DEFAULT.bands)
    row = one([dossier(fee_total=0)], scoring=fees_only)
    assert row.max_points == 0.0
    assert pd.isna(row.total) and pd.isna(row.band)


# --- periods, rows and the API -----------------------------------------------------------------------------------


def test_rows_are_per_agency_and_period_sorted():
    rows = [
        dossier(agency_code="B", received_at=T("2025-02-03")),
        dossier(agency_code="A", received_at=T("2025-03-03"), finished_at=T("2025-03-04")),
        dossier(agency_code="A", received_at=T("2025-01-03"), finished_at=T("2025-01-04")),
    ]
    result = score(rows, start=D(2025, 1, 1), end=D(2025, 3, 31), by="month")
    assert [(r.agency_code, r.period_start.month, r.n_received) for r in result.itertuples()] == [
        ("A", 1, 1), ("A", 3, 1), ("B", 2, 1), ("B", 3, 0),  # B's dossier is still open in March
    ]
    whole = score(rows, start=D(2025, 1, 1), end=D(2025, 3, 31))
    assert [(r.agency_code, r.period_start, r.period_end, r.n_received) for r in whole.itertuples()] == [
        ("A", T("2025-01-01"), T("2025-03-31"), 2), ("B", T("2025-01-01"), T("2025-03-31"), 1),
    ]


def test_periods_are_calendar_periods_clipped_to_the_window():
    assert period_spans(D(2025, 1, 15), D(2025, 4, 10), "quarter") == [
        (D(2025, 1, 15), D(2025, 3, 31)), (D(2025, 4, 1), D(2025, 4, 10)),
    ]
    assert period_spans(D(2025, 1, 15), D(2025, 2, 10), "month") == [
        (D(2025, 1, 15), D(2025, 1, 31)), (D(2025, 2, 1), D(2025, 2, 10)),
    ]
    assert period_spans(D(2024, 12, 1), D(2025, 1, 31), "year") == [
        (D(2024, 12, 1), D(2024, 12, 31)), (D(2025, 1, 1), D(2025, 1, 31)),
    ]
    assert period_spans(D(2025, 1, 15), D(2025, 2, 10), None) == [(D(2025, 1, 15), D(2025, 2, 10))]
    with pytest.raises(ValueError):
        period_spans(D(2025, 2, 1), D(2025, 1, 1), None)
    rows = [dossier(received_at=T("2025-01-10"), finished_at=T("2025-01-11")), dossier(received_at=T("2025-01-20"))]
    row = one(rows, start=D(2025, 1, 15), end=D(2025, 3, 31), by="quarter")
    assert (row.period_start, row.period_end, row.n_received) == (T("2025-01-15"), T("2025-03-31"), 1)


def test_scorecard_is_a_lazy_ibis_table_that_runs_from_an_expression_too():
    con = load([dossier(synced=True)])
    table = ibis.duckdb.from_connection(con).table("dossiers")
    expr = scorecard(table, **JAN)
    assert isinstance(expr, ibis.Table)
    assert compute(con, table, **JAN).r_1_4.tolist() == [1.0]


# --- rules as data -----------------------------------------------------------------------------------------------


def test_default_rules_are_the_100_points_of_official_methods():
    by_group: dict[str, float] = {}
    for i in DEFAULT.indicators:
        by_group[i.group] = by_group.get(i.group, 0) + i.points
    assert by_group == {
        "transparency": 18, "progress": 20, "online_service": 12, "online_payment": 10, "digitisation": 22,
        "satisfaction": 18,
    }
    assert [(b.key, b.min_score) for b in DEFAULT.bands] == [
        ("excellent", 90), ("good", 80), ("fair", 65), ("average", 50), ("weak", 0),
    ]


def test_officials_can_change_the_rules_as_data():
    data = DEFAULT.to_dict()
    assert Scoring.from_dict(data) == DEFAULT
    data["bands"] = [
        {"key": "fail", "name_vi": "không đạt", "min_score": 0},
        {"key": "pass", "name_vi": "đạt", "min_score": 60},
    ]
    changed = Scoring.from_dict(data)
    assert [b.key for b in changed.bands] == ["pass", "fail"]
    assert Scoring.from_dict({"bands": data["bands"]}).indicators == DEFAULT.indicators
    with pytest.raises(ValueError):
        Indicator("2.2", "progress", "Thời gian", 5, None)  # points need a full_at
    with pytest.raises(ValueError):
        Indicator("3.3", "online_service", "Trực tuyến", 12, 0)
    with pytest.raises(ValueError):
        Scoring(indicators=DEFAULT.indicators * 2, bands=DEFAULT.bands)
    with pytest.raises(ValueError):
        Scoring(indicators=DEFAULT.indicators, bands=())


def test_changed_rules_change_the_score():
    lenient = Scoring(
        indicators=tuple(replace(i, full_at=0.5) if i.id == "2.1" else i for i in DEFAULT.indicators),
        bands=(Band("pass", "đạt", 50), Band("fail", "không đạt", 0)),
    )
    rows = [dossier(due_at=T("2025-01-10"), finished_at=T(day)) for day in ("2025-01-05", "2025-01-15")]
    row = one(rows, scoring=lenient)
    assert (row.r_2_1, row.p_2_1) == (0.5, 20.0)


# --- the Ibis definitions agree with the pandas reference ----------------------------------------------------------

BASE = T("2025-01-01")
# Times on a 6-hour grid, sometimes a minute off it, so that deadlines, period edges and supplement times often
# meet exactly: the edges are where two readings of a rule differ.
SIX_HOURS = pd.Timedelta(hours=6)
nudge = st.sampled_from([0, 0, 0, 1, -1]).map(lambda m: pd.Timedelta(minutes=m))
maybe = st.none() | st.booleans()
hours = st.integers(0, 40).map(lambda k: 6.0 * k) | st.integers(0, 200).map(lambda h: h / 2)  # on the grid or not
random_dossier = st.fixed_dictionaries(
    {
        "agency_code": st.sampled_from(["A", "B", "C"]),
        "channel": st.sampled_from([None, 1, 2, 3]),
        "received": st.tuples(st.integers(-80, 360), nudge).map(lambda x: BASE + x[0] * SIX_HOURS + x[1]),
        "due_after": st.none() | st.tuples(st.integers(0, 120), nudge).map(lambda x: x[0] * SIX_HOURS + x[1]),
        "finished_after": st.none() | st.tuples(st.integers(0, 160), nudge).map(lambda x: x[0] * SIX_HOURS + x[1]),
        "supplement_requests": st.sampled_from([None, 0, 1, 2, 3]),
        "supplement_hours": st.none() | hours,
        "statutory_days": st.sampled_from([None, 0, 0.25, 0.5, 1, 2, 5, 10, 15]),
        "fee_total": st.sampled_from([None, 0.0, 10_000.0]),
        "paid_online": st.sampled_from([None, 0, 1, 2]),
        "e_result": maybe, "digitised_components": maybe, "reused_data": maybe, "personal_store": maybe,
        "vneid_verified": maybe, "synced": maybe, "has_feedback": maybe,
        "applicant_ward_code": st.sampled_from([None, "A", "B", "D"]),
        "rating": st.sampled_from([None, "satisfied", "neutral", "dissatisfied"]),
    }
)


def _materialise(drawn: dict) -> dict:
    fields = dict(drawn)
    received, due, finished = fields.pop("received"), fields.pop("due_after"), fields.pop("finished_after")
    return dossier(
        **fields,
        received_at=received,
        due_at=None if due is None else received + due,
        finished_at=None if finished is None else received + finished,
    )


@settings(max_examples=40, deadline=None)
@given(
    st.lists(random_dossier, max_size=60),
    st.integers(0, 45),
    st.integers(0, 80),
    st.sampled_from([None, "month", "quarter", "year"]),
)
def test_ibis_on_duckdb_equals_the_pandas_reference(drawn, start_offset, length, by):
    start = D(2025, 1, 1) + dt.timedelta(days=start_offset)
    kw = {"start": start, "end": start + dt.timedelta(days=length), "by": by}
    con = load([_materialise(d) for d in drawn])
    ours = compute(con, "dossiers", **kw)
    assert_same(ours, scorecard_pandas(con.execute("SELECT * FROM dossiers").df(), **kw))


def test_one_compiled_statement_serves_every_period_of_a_shape(monkeypatch):
    """The period's dates are data (DuckDB variables), not SQL: a unit's page for a period nobody asked for
    before runs a kept statement instead of compiling one, and each period still gets its own numbers."""
    from dieuhanh.core.d766 import execute

    rows = [  # every 18 hours from 1 January into April, at two agencies; some late, some still open
        dossier(agency_code="AB"[k % 2], received_at=BASE + k * 3 * SIX_HOURS,
                due_at=BASE + k * 3 * SIX_HOURS + 8 * SIX_HOURS,
                finished_at=None if k % 7 == 0 else BASE + k * 3 * SIX_HOURS + (k % 13) * SIX_HOURS)
        for k in range(150)]
    con = load(rows)
    execute.refresh_facts(con)
    compiled = []
    compile_ = execute._compile
    monkeypatch.setattr(execute, "_compile", lambda *a: compiled.append(a) or compile_(*a))
    execute._compiled.cache_clear()
    dossiers = con.execute("SELECT * FROM dossiers").df()
    windows = [  # (start, end, by): two shapes
        (D(2025, 1, 1), D(2025, 1, 31), None), (D(2025, 2, 1), D(2025, 2, 28), None),
        (D(2025, 3, 1), D(2025, 3, 31), None), (D(2025, 1, 1), D(2025, 3, 31), "month"),
        (D(2025, 2, 1), D(2025, 4, 30), "month"), (D(2025, 1, 15), D(2025, 2, 20), None),
        (D(2025, 1, 10), D(2025, 3, 10), None),
    ]
    totals = set()
    for start, end, by in windows:
        ours = compute(con, "dossiers", start=start, end=end, by=by)
        assert_same(ours, scorecard_pandas(dossiers, start=start, end=end, by=by))
        totals.add(tuple(ours.n_received))
    assert len(totals) == len(windows)  # each window its own numbers, not the first one's
    assert len(compiled) == 2  # without by (from a month's first day or not), by month


def test_a_period_read_from_variables_still_skips_the_other_months_blocks():
    """DuckDB folds the window's variables into constants when it binds the statement, so the kept facts'
    scan filters on the month's dates as it would on literals (and skips the other months' storage blocks)."""
    from dieuhanh.core.d766 import execute

    con = load([dossier(received_at=T(f"2025-{month:02}-03 08:00"), finished_at=T(f"2025-{month:02}-{day} 08:00"))
                for month in (1, 2, 3) for day in (4, 28)] + [dossier(received_at=T("2025-01-30 08:00"))])
    execute.refresh_facts(con)
    execute.compute(con, "dossiers", start=D(2025, 2, 1), end=D(2025, 2, 28))  # sets the variables
    facts = tuple(ibis.duckdb.from_connection(con).get_schema("dossier_facts").items())
    sql, _, _ = execute._compile((("dossier_facts", facts),), True, execute.default_calendar(),
                                 (("by", None), ("keys", ("agency_code",))))
    plan = con.execute("EXPLAIN (FORMAT json) " + sql).fetchall()[0][1]
    assert "getvariable" not in plan.lower()

    def scans(node):
        if isinstance(node, list):
            return [s for n in node for s in scans(n)]
        own = [node["extra_info"]] if node["extra_info"].get("Table", "").endswith(".dossier_facts") else []
        return own + scans(node.get("children", []))

    filters = [str(scan.get("Filters", "")).replace(" ", "") for scan in scans(json.loads(plan))]
    assert any("received_at>='2025-02-0100:00:00'::TIMESTAMP" in f and "received_at<'2025-03-0100:00:00'::TIMESTAMP"
               in f for f in filters), filters
    # The dossiers that can count after their month of receipt, by the sort key: only when the window opens on a
    # month's first day (from the 15th, a dossier finished on the 20th of its month counts too).
    assert any("_open_after_month" in f for f in filters), filters
    execute.compute(con, "dossiers", start=D(2025, 2, 15), end=D(2025, 3, 14))
    plan = con.execute("EXPLAIN (FORMAT json) " + sql).fetchall()[0][1]
    filters = [str(scan.get("Filters", "")).replace(" ", "") for scan in scans(json.loads(plan))]
    assert not any("_open_after_month" in f for f in filters), filters


# --- drill-down keys -----------------------------------------------------------------------------------------------


def test_drill_down_by_procedure_and_by_channel_keeps_the_key_columns_first():
    rows = [
        dossier(procedure_code="P1", channel=2, synced=True),
        dossier(procedure_code="P1", channel=1),
        dossier(procedure_code="P2", channel=2, synced=True),
    ]
    by_procedure = score(rows, keys=("agency_code", "procedure_code"))
    assert list(by_procedure.columns[:4]) == ["agency_code", "procedure_code", "period_start", "period_end"]
    assert [(r.procedure_code, r.n_received, r.r_1_4) for r in by_procedure.itertuples()] == [
        ("P1", 2, 0.5), ("P2", 1, 1.0),
    ]
    by_channel = score(rows, keys=("agency_code", "channel"))
    assert [(r.channel, r.n_received, r.r_1_4) for r in by_channel.itertuples()] == [(1, 1, 0.0), (2, 2, 1.0)]
    with pytest.raises(ValueError):
        scorecard(ibis.memtable(pd.DataFrame(rows)), keys=("procedure_code",), **JAN)


# --- the procedure catalogue and feedback (PAKN) ---------------------------------------------------------------------

PROCEDURE_FIELDS = ("procedure_code", "name", "level", "fee_bearing", "fee_integrated", "online_level", "statutory_days",
                    "fee", "effective_at", "announced_at", "published_at", "elements_published", "population_db",
                    "certification")
FEEDBACK_FIELDS = ("feedback_id", "agency_code", "procedure_code", "received_at", "rejected_at", "info_requested_at",
                   "handled_at", "satisfaction")


def procedure(code, **fields):
    return {"procedure_code": code, "name": f"Thủ tục {code}", **fields}


def feedback(**fields):
    return {"feedback_id": f"F{next(_ids)}", "agency_code": "A", "received_at": T("2025-01-06 09:00"), **fields}


def load_all(rows, procedures=(), feedbacks=()) -> duckdb.DuckDBPyConnection:
    from dieuhanh.core.d766.ingest import FEEDBACK, PROCEDURES, create_schema

    con = load(rows)
    for spec, records, fields in ((PROCEDURES, procedures, PROCEDURE_FIELDS), (FEEDBACK, feedbacks, FEEDBACK_FIELDS)):
        create_schema(con, spec)
        if records:
            con.register("incoming", pd.DataFrame(list(records), columns=list(fields)).astype(object))
            con.execute(f"INSERT INTO {spec.table} BY NAME SELECT * FROM incoming")
            con.unregister("incoming")
    return con


def score_all(rows, procedures=(), feedbacks=(), kept_facts=False, **kw) -> pd.DataFrame:
    """``compute`` equals the pandas reference; with ``kept_facts``, ``compute`` reads a ``dossier_facts`` table."""
    from dieuhanh.core.d766.workdays import default_calendar
    from dieuhanh.core.d766.execute import facts_current, refresh_facts

    kw = {**JAN, **kw}
    con = load_all(rows, procedures, feedbacks)
    if kept_facts:
        refresh_facts(con)
        assert facts_current(con, default_calendar())  # so compute reads the facts, not the dossiers
    ours = compute(con, "dossiers", **kw)
    table = {name: con.execute(f"SELECT * FROM {name}").df() for name in ("dossiers", "procedures", "feedback")}
    reference = scorecard_pandas(table["dossiers"], procedures=table["procedures"], feedback=table["feedback"], **kw)
    assert_same(ours, reference)
    return ours


CATALOGUE = [
    # effective Monday 10/02/2025; announced Friday 31/01 (Tết 27–31/01 off: 0 working days before? see below)
    procedure("P1", effective_at=D(2025, 2, 10), announced_at=D(2025, 2, 3), published_at=D(2025, 2, 10),
              elements_published=7, fee_bearing=True, fee_integrated=True, population_db=True, certification=True),
    procedure("P2", effective_at=D(2025, 2, 10), announced_at=D(2025, 2, 4), published_at=D(2025, 2, 12),
              elements_published=6, fee_bearing=True, fee_integrated=False, population_db=False),
    procedure("P3", effective_at=None, announced_at=None, elements_published=7, fee_bearing=False),
    procedure("P4", effective_at=D(2025, 2, 10), announced_at=D(2025, 1, 2), elements_published=7),  # no dossier
]


def test_catalogue_indicators_count_the_procedures_the_agency_received_dossiers_of():
    rows = [
        dossier(procedure_code="P1", fee_total=10_000, paid_online=1, e_result=True),
        dossier(procedure_code="P1", fee_total=10_000, paid_online=0, e_result=False),
        dossier(procedure_code="P2", fee_total=20_000, paid_online=0),
        dossier(procedure_code="P3"),
        dossier(procedure_code="P9"),  # not in the catalogue: left out of the catalogue indicators
    ]
    row = score_all(rows, CATALOGUE).iloc[0]
    assert row.n_procedures == 3  # P1, P2, P3; P4 had no dossier here, P9 is not listed
    # 1.1: P1 announced 3/2, 5 working days before 10/2 (3, 4, 5, 6, 7): on time; P2 4/2, only 4: late;
    # P3 has no effective date and is left out.
    assert row.r_1_1 == 0.5
    # 1.2: P1 public 5 working days after its announcement (3/2 → 10/2): on time; P2 6 (4/2 → 12/2): late.
    assert row.r_1_2 == 0.5
    assert row.r_1_3 == pytest.approx(2 / 3)  # P1 and P3 publish all 7 elements
    assert (row.r_3_5, row.r_3_5b) == (0.5, 0.5)  # of the fee-bearing P1, P2: P1 integrated and paid online
    assert row.r_4_2b == 0.5  # P1 is a certification procedure: one of its two dossiers had an e-result
    assert row.r_4_5b == pytest.approx(1 / 3)
    assert row.p_1_1 == 3.0 and row.p_3_5 == pytest.approx(2 * 0.5 / 0.8)


def test_feedback_handled_on_time_uses_working_days_for_each_step():
    monday = T("2025-01-06 09:00")
    feedbacks = [
        feedback(received_at=monday, rejected_at=T("2025-01-08 09:00")),  # refused after exactly 2 working days
        feedback(received_at=monday, rejected_at=T("2025-01-08 09:01")),  # late
        feedback(received_at=monday, info_requested_at=T("2025-01-13 09:00"), handled_at=T("2025-01-20")),  # 5 wd
        feedback(received_at=monday, info_requested_at=T("2025-01-13 09:01"), handled_at=T("2025-01-20")),  # late ask
        # 15 working days from Thursday 2/1 09:00 end on Thursday 23/1 09:00
        feedback(received_at=T("2025-01-02 09:00"), handled_at=T("2025-01-23 09:00"), satisfaction="satisfied"),
        feedback(received_at=T("2025-01-02 09:00"), handled_at=T("2025-01-23 09:01"), satisfaction="dissatisfied"),
        feedback(received_at=T("2025-01-30 10:00")),  # open at the end of January, received during Tết: within
        feedback(received_at=T("2025-02-03 09:00")),  # February: another period
    ]
    result = score_all([dossier()], feedbacks=feedbacks, start=D(2025, 1, 1), end=D(2025, 2, 28), by="month")
    jan, feb = result.itertuples()
    assert jan.n_feedback == 7
    assert jan.r_5_2 == pytest.approx(4 / 7)
    assert jan.r_5_3 == 0.5  # of the two rated
    # A row for feedback alone; still unanswered at the end of February, 20 working days after receipt: late.
    assert (feb.n_received, feb.n_feedback, feb.r_5_2) == (0, 1, 0.0)
    assert pd.isna(feb.r_5_3)


def test_catalogue_and_feedback_enter_the_total():
    rows = [dossier(procedure_code="P1", due_at=T("2025-01-10"), finished_at=T("2025-01-05"), synced=True, channel=2,
                    e_result=True, digitised_components=True, reused_data=True, personal_store=True,
                    vneid_verified=True, fee_total=5_000, paid_online=2)]
    row = score_all(rows, CATALOGUE[:1], [feedback(handled_at=T("2025-01-07"), satisfaction="satisfied")]).iloc[0]
    assert row.max_points == 100.0  # every indicator has a rate
    assert (row.total, row.band) == (100.0, "excellent")
    assert row.g_transparency == 18.0 and row.g_satisfaction == 18.0


# property test over every input: dossiers, the catalogue and feedback, any key

random_procedure = st.fixed_dictionaries(
    {
        "procedure_code": st.sampled_from(["P1", "P2", "P3", "P4"]),
        "effective_at": st.none() | st.integers(0, 60).map(lambda k: D(2025, 1, 1) + dt.timedelta(days=k)),
        "announced_at": st.none() | st.integers(0, 60).map(lambda k: D(2024, 12, 20) + dt.timedelta(days=k)),
        "published_at": st.none() | st.integers(0, 60).map(lambda k: D(2025, 1, 1) + dt.timedelta(days=k)),
        "elements_published": st.none() | st.integers(0, 7),
        "fee_bearing": maybe, "fee_integrated": maybe, "population_db": maybe, "certification": maybe,
    }
)
random_feedback = st.fixed_dictionaries(
    {
        "agency_code": st.sampled_from(["A", "B", "C"]),
        "procedure_code": st.sampled_from([None, "P1", "P2"]),
        "received": st.tuples(st.integers(-10, 300), nudge).map(lambda x: BASE + x[0] * SIX_HOURS + x[1]),
        "rejected": st.none() | st.integers(0, 40).map(lambda k: k * SIX_HOURS),
        "asked": st.none() | st.integers(0, 60).map(lambda k: k * SIX_HOURS),
        "handled": st.none() | st.integers(0, 120).map(lambda k: k * SIX_HOURS),
        "satisfaction": st.sampled_from([None, "satisfied", "neutral", "dissatisfied"]),
    }
)


def _feedback_row(drawn: dict) -> dict:
    received = drawn["received"]
    return feedback(
        agency_code=drawn["agency_code"], procedure_code=drawn["procedure_code"], received_at=received,
        satisfaction=drawn["satisfaction"],
        **{f"{name}_at": None if drawn[key] is None else received + drawn[key]
           for name, key in (("rejected", "rejected"), ("info_requested", "asked"), ("handled", "handled"))},
    )


@pytest.mark.parametrize("kept_facts", [False, True], ids=["from-dossiers", "from-kept-facts"])
@settings(max_examples=20, deadline=None)
@given(
    st.lists(random_dossier.map(lambda d: {**d, "procedure_code": None}), max_size=30),
    st.lists(st.sampled_from(["P1", "P2", "P3", "P5"]), min_size=30, max_size=30),
    st.lists(random_procedure, max_size=4, unique_by=lambda p: p["procedure_code"]),
    st.lists(random_feedback, max_size=15),
    st.integers(0, 45),
    st.integers(0, 80),
    st.sampled_from([None, "month", "quarter", "year"]),
    st.sampled_from(KEYS),
)
def test_ibis_equals_the_pandas_reference_with_catalogue_feedback_and_keys(
    kept_facts, drawn, codes, catalogue, feedbacks, start_offset, length, by, keys
):
    """From the dossiers and, with ``kept_facts``, from a ``dossier_facts`` table as ``ingest`` keeps it."""
    start = D(2025, 1, 1) + dt.timedelta(days=start_offset)
    rows = [_materialise({**d, "procedure_code": code}) for d, code in zip(drawn, codes)]
    score_all(rows, [procedure(p.pop("procedure_code"), **p) for p in map(dict, catalogue)], [_feedback_row(f) for f in feedbacks],
              start=start, end=start + dt.timedelta(days=length), by=by, keys=keys, kept_facts=kept_facts)


def test_feedback_and_publication_deadlines_are_data():
    monday = T("2025-01-06 09:00")
    late_refusal = [feedback(received_at=monday, rejected_at=T("2025-01-09 09:00"))]  # 3 working days
    assert score_all([dossier()], feedbacks=late_refusal).iloc[0].r_5_2 == 0.0
    lenient = Scoring.from_dict({"deadlines": {"feedback_reject": 3, "announce_before_effective": 4}})
    assert lenient.deadlines.feedback_handle == 15  # the deadlines not named keep their defaults
    row = score_all([dossier(procedure_code="P2")], CATALOGUE, late_refusal, scoring=lenient).iloc[0]
    assert (row.r_5_2, row.r_1_1) == (1.0, 1.0)  # P2 was announced 4 working days ahead


# --- the per-dossier facts a database keeps (dossier_facts) --------------------------------------------------------

def test_kept_facts_computed_with_another_calendar_are_not_used():
    from dieuhanh.core.d766.workdays import WorkingCalendar, default_calendar
    from dieuhanh.core.d766.execute import facts_current, refresh_facts

    # received Friday 24/01/2025, no due date, 3 working days: Tết (27–31/01) stops the clock
    rows = [dossier(received_at=T("2025-01-24 09:00"), finished_at=T("2025-02-05 09:00"), statutory_days=3.0)]
    con = load(rows)
    no_holidays = WorkingCalendar([])
    refresh_facts(con, calendar=no_holidays)
    assert facts_current(con, no_holidays) and not facts_current(con, default_calendar())
    assert compute(con, "dossiers", start=D(2025, 1, 1), end=D(2025, 2, 28)).r_2_1.tolist() == [1.0]
    by_no_holidays = compute(con, "dossiers", start=D(2025, 1, 1), end=D(2025, 2, 28), calendar=no_holidays)
    assert by_no_holidays.r_2_1.tolist() == [0.0]
