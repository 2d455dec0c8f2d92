"""The register's rules without a database: ageing and its buckets, a report's text as items, inert sheet text,
and the Vietnamese order of names."""

from __future__ import annotations

import datetime as dt

from dieuhanh.core.common.text import collation_key
from dieuhanh.core.difficulties.register import (
    ItemText,
    age_bucket,
    age_days,
    days_past_deadline,
    items_from_report,
    overdue_to_handle,
)
from dieuhanh.core.common.workbook import safe_text

D = dt.date


def test_age_runs_to_today_while_open_and_stops_on_the_closing_day():
    assert age_days(D(2026, 11, 1), D(2026, 11, 30)) == 29
    assert age_days(D(2026, 11, 1), D(2026, 11, 30), closed_on=D(2026, 11, 11)) == 10


def test_the_buckets_are_up_to_30_days_31_to_90_and_more_than_90():
    assert [age_bucket(n) for n in (0, 30, 31, 90, 91, 400)] == ["le_30", "le_30", "31_90", "31_90", "gt_90", "gt_90"]


def test_days_past_the_deadline_count_to_the_answer_or_to_today():
    assert days_past_deadline(D(2026, 11, 20), D(2026, 11, 30)) == 10
    assert days_past_deadline(D(2026, 11, 20), D(2026, 11, 30), answered_on=D(2026, 11, 22)) == 2
    assert days_past_deadline(D(2026, 12, 20), D(2026, 11, 30)) == 0
    assert days_past_deadline(None, D(2026, 11, 30)) == 0


def test_only_an_assigned_item_past_its_deadline_is_overdue_to_handle():
    assert overdue_to_handle("assigned", D(2026, 11, 29), D(2026, 11, 30))
    assert not overdue_to_handle("assigned", D(2026, 11, 30), D(2026, 11, 30))  # due today is not late yet
    assert not overdue_to_handle("answered", D(2026, 11, 1), D(2026, 11, 30))


def test_a_report_with_as_many_proposals_as_difficulties_pairs_them_line_by_line():
    items = items_from_report("- Thiếu kinh phí\n\n• Chưa có hướng dẫn", "1. Bổ sung kinh phí\n2) Ban hành hướng dẫn")
    assert items == [ItemText("Thiếu kinh phí", "Bổ sung kinh phí"), ItemText("Chưa có hướng dẫn", "Ban hành hướng dẫn")]


def test_one_proposal_goes_with_the_first_of_several_difficulties():
    assert items_from_report("a) Thiếu người\nb) Thiếu máy", "Tuyển thêm") == [ItemText("Thiếu người", "Tuyển thêm"), ItemText("Thiếu máy", "")]


def test_unmatched_lists_make_one_item_and_empty_texts_none():
    assert items_from_report("A\nB", "X\nY\nZ") == [ItemText("A\nB", "X\nY\nZ")]
    assert items_from_report("", "  ") == []
    assert items_from_report("", "Đề nghị hỗ trợ") == [ItemText("Đề nghị hỗ trợ", "")]


def test_text_that_looks_like_a_formula_is_kept_as_text():
    assert [safe_text(v) for v in ("=1+1", "+84", "-5", "@SUM(A1)", "Bình thường", "a=b")] == [
        "'=1+1", "'+84", "'-5", "'@SUM(A1)", "Bình thường", "a=b"]
    assert safe_text("x\x07y") == "xy"


def test_names_sort_in_vietnamese_dictionary_order():
    names = ["Phường Trung Mỹ Tây", "Phường Đông Hưng Thuận", "Phường Tân Định", "Phường Dĩ An", "Phường An Lạc", "Phường Ánh Sáng",
             "Phường Ấp Bắc", "Phường Ăn Ý"]
    assert sorted(names, key=collation_key) == ["Phường An Lạc", "Phường Ánh Sáng", "Phường Ăn Ý", "Phường Ấp Bắc", "Phường Dĩ An",
                                                "Phường Đông Hưng Thuận", "Phường Tân Định", "Phường Trung Mỹ Tây"]
