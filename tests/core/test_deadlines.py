"""Vietnamese deadline phrases read as the last day they allow (pure functions, no database)."""

import unicodedata
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dieuhanh.core.tasks.deadlines import ParsedDeadline, format_deadline, parse_deadline


@pytest.mark.parametrize(
    ("text", "day", "kind"),
    [
        # full dates, in every way officials type them
        ("30/6/2026", date(2026, 6, 30), "date"),
        ("30/06/2026", date(2026, 6, 30), "date"),
        ("30-6-2026", date(2026, 6, 30), "date"),
        ("30.6.2026", date(2026, 6, 30), "date"),
        ("2026-06-30", date(2026, 6, 30), "date"),
        ("Trước ngày 30/6/2026", date(2026, 6, 30), "date"),
        ("Chậm nhất ngày 15/9/2026", date(2026, 9, 15), "date"),
        ("Hoàn thành trước 31/12/2025.", date(2025, 12, 31), "date"),
        ("ngày 30 tháng 6 năm 2026", date(2026, 6, 30), "date"),
        ("29/02/2028", date(2028, 2, 29), "date"),
        # months
        ("Tháng 6/2026", date(2026, 6, 30), "month"),
        ("tháng 06 năm 2026", date(2026, 6, 30), "month"),
        ("06/2026", date(2026, 6, 30), "month"),
        ("Tháng 2/2026", date(2026, 2, 28), "month"),
        ("Trong tháng 9/2025", date(2025, 9, 30), "month"),
        ("Tháng 6 - 2026", date(2026, 6, 30), "month"),
        # quarters, Roman or Arabic
        ("Quý I/2026", date(2026, 3, 31), "quarter"),
        ("Quý 1/2026", date(2026, 3, 31), "quarter"),
        ("quý IV năm 2025", date(2025, 12, 31), "quarter"),
        ("QUÝ III/2026", date(2026, 9, 30), "quarter"),
        ("Hoàn thành trong Quý II/2026", date(2026, 6, 30), "quarter"),
        ("Quý II - 2026", date(2026, 6, 30), "quarter"),
        ("Quy II/2026", date(2026, 6, 30), "quarter"),
        # halves
        ("6 tháng đầu năm 2026", date(2026, 6, 30), "half"),
        ("6 tháng cuối năm 2026", date(2026, 12, 31), "half"),
        ("Nửa đầu năm 2026", date(2026, 6, 30), "half"),
        # years
        ("Năm 2026", date(2026, 12, 31), "year"),
        ("2026", date(2026, 12, 31), "year"),
        ("Trong năm 2026", date(2026, 12, 31), "year"),
        ("Cuối năm 2025", date(2025, 12, 31), "year"),
        ("Đến hết năm 2027", date(2027, 12, 31), "year"),
        # periods
        ("2025-2027", date(2027, 12, 31), "period"),
        ("Giai đoạn 2025 - 2027", date(2027, 12, 31), "period"),
        ("2025–2030", date(2030, 12, 31), "period"),
        ("Giai đoạn 2026—2030", date(2030, 12, 31), "period"),
        ("Từ năm 2025 đến năm 2027", date(2027, 12, 31), "period"),
    ],
)
def test_phrases_give_the_last_day_they_allow(text, day, kind):
    assert parse_deadline(text) == ParsedDeadline(day, kind)


@pytest.mark.parametrize(
    "text", ["Thường xuyên", "Hằng năm", "Hàng năm", "Liên tục", "THƯỜNG XUYÊN", "Thuong xuyen", "Định kỳ hằng quý",
             "Năm 2025 và hằng năm"]
)
def test_recurring_work_has_no_last_day(text):
    assert parse_deadline(text) == ParsedDeadline(None, "ongoing")


@pytest.mark.parametrize("text", ["", "   ", "\n"])
def test_empty_cells_are_empty(text):
    assert parse_deadline(text) == ParsedDeadline(None, "empty")


@pytest.mark.parametrize(
    "text",
    [
        "31/02/2026",  # no such day
        "31/4/2026",
        "Tháng 13/2026",
        "Quý V/2026",
        "2027-2025",  # period running backwards
        "30/06-2026",  # mixed separators
        "Sau khi có hướng dẫn của Bộ",
        "Trước Tết 2026",  # words we do not understand are never guessed away
        "Quý II/2026 (trước 30/6/2026)",
        "Tháng 6 và tháng 12/2026",
        "xyz",
    ],
)
def test_anything_else_is_unknown(text):
    assert parse_deadline(text) == ParsedDeadline(None, "unknown")


def test_decomposed_unicode_reads_like_precomposed():
    assert parse_deadline(unicodedata.normalize("NFD", "Quý IV năm 2025")) == ParsedDeadline(date(2025, 12, 31), "quarter")


def test_format_deadline_pads_day_and_month():
    assert format_deadline(date(2026, 6, 5)) == "05/06/2026"


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)))
def test_formatted_dates_read_back(day):
    assert parse_deadline(format_deadline(day)) == ParsedDeadline(day, "date")
    assert parse_deadline(f"{day.day}/{day.month}/{day.year}") == ParsedDeadline(day, "date")


@given(st.integers(min_value=1, max_value=4), st.integers(min_value=2000, max_value=2100), st.booleans())
def test_a_quarter_ends_the_day_before_the_next_one_starts(quarter, year, roman):
    number = ("I", "II", "III", "IV")[quarter - 1] if roman else str(quarter)
    parsed = parse_deadline(f"Quý {number}/{year}")
    assert parsed.kind == "quarter"
    assert parsed.date + timedelta(days=1) == (date(year, 3 * quarter + 1, 1) if quarter < 4 else date(year + 1, 1, 1))
