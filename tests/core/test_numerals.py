"""The one number formatter: numbers, percentages and money in Vietnamese and English marks (no database).

Every expectation is written out by hand, as a reader of the page would read it.
"""

from decimal import Decimal

import pytest

from dieuhanh.core.common.numerals import format_money, format_number, format_percent, parse_number


@pytest.mark.parametrize(("value", "decimals", "vi", "en"), [
    (Decimal("1234.5"), None, "1.234,5", "1,234.5"),
    (1234567, None, "1.234.567", "1,234,567"),
    (Decimal("45.00"), None, "45", "45"),  # trailing zeros dropped without decimals
    (Decimal("12.5"), 2, "12,50", "12.50"),  # kept with them
    (46.5, None, "46,5", "46.5"),
    (0.1, None, "0,1", "0.1"),  # a float through its shortest text: no 0,1000000000000000055511
    (Decimal("-1234.5"), None, "-1.234,5", "-1,234.5"),
    (-0.04, 1, "0,0", "0.0"),  # no "-0"
    (Decimal("-0"), None, "0", "0"),
    (Decimal("2.25"), 1, "2,3", "2.3"),  # half up, as officials round (not to even)
    (Decimal("-2.25"), 1, "-2,3", "-2.3"),
    (2.675, 2, "2,68", "2.68"),  # the float 2.675 is read as 2,675, so it rounds up
    (Decimal("1234.5"), 0, "1.235", "1,235"),
    (Decimal("12705000000000"), None, "12.705.000.000.000", "12,705,000,000,000"),
    (Decimal("1E+3"), None, "1.000", "1,000"),
    (999, None, "999", "999"),
])
def test_format_number_in_both_languages(value, decimals, vi, en):
    assert format_number(value, decimals, "vi") == vi
    assert format_number(value, decimals, "en") == en


def test_no_value_is_empty_text():
    assert format_number(None) == ""
    assert format_number(float("nan")) == ""  # pandas' missing value
    assert format_number("") == ""
    assert format_percent(None) == ""
    assert format_money(None) == ""


def test_infinity_is_refused():
    with pytest.raises(ValueError):
        format_number(float("inf"))


def test_vietnamese_is_the_default_and_any_english_variant_is_english():
    assert format_number(Decimal("1234.5")) == "1.234,5"
    assert format_number(Decimal("1234.5"), lang="en-gb") == "1,234.5"
    assert format_number(Decimal("1234.5"), lang=None) == "1.234,5"


def test_at_most_some_places_drops_trailing_zeros_after_rounding():
    assert format_number(Decimal("12.50"), 2, drop_zeros=True) == "12,5"
    assert format_number(Decimal("12.345"), 2, drop_zeros=True) == "12,35"
    assert format_number(Decimal("12.001"), 2, drop_zeros=True) == "12"


@pytest.mark.parametrize(("value", "decimals", "ratio", "vi", "en"), [
    (45, None, False, "45 %", "45 %"),
    (Decimal("45.5"), 1, False, "45,5 %", "45.5 %"),
    (0.8333333, 2, True, "83,33 %", "83.33 %"),  # a rate 0–1
    (Decimal("0.875"), 2, True, "87,50 %", "87.50 %"),
    (1, 0, True, "100 %", "100 %"),
    (-0.125, 1, True, "-12,5 %", "-12.5 %"),
])
def test_format_percent(value, decimals, ratio, vi, en):
    assert format_percent(value, decimals, "vi", ratio=ratio) == vi
    assert format_percent(value, decimals, "en", ratio=ratio) == en


def test_format_money_in_whole_dong():
    assert format_money(1_500_000_000) == "1.500.000.000 đ"
    assert format_money(Decimal("1500000000.5"), "en") == "1,500,000,001 đ"  # half up to the whole đồng
    assert format_money(0) == "0 đ"
    assert format_money(Decimal("-250000")) == "-250.000 đ"


def test_what_is_written_reads_back():
    for value in (Decimal("1234567.125"), Decimal("-0.5"), Decimal("45"), Decimal("1000000")):
        assert parse_number(format_number(value)) == value
    assert parse_number(format_percent(Decimal("12.5"))) == Decimal("12.5")
