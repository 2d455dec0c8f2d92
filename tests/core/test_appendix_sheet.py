"""Reading and writing a plan's appendix ("Phụ lục") in officials' Excel layout (no database)."""

import dataclasses
import io
import subprocess
import sys
from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from dieuhanh.core.tasks.deadlines import format_deadline, parse_deadline
from dieuhanh.core.tasks.appendix_sheet import (
    COLUMNS,
    FUNDING_SOURCES,
    Appendix,
    AppendixError,
    AppendixGroup,
    AppendixTask,
    read_appendix,
    write_appendix,
)
from dieuhanh.core.common.text import fold

HEADER = ["STT", "Nội dung nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Sản phẩm", "Thời gian hoàn thành"]


def workbook_bytes(rows, merges=()):
    """An .xlsx in memory: ``rows`` from row 1, ``merges`` as "B7:F7" ranges."""
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(list(row))
    for cells in merges:
        ws.merge_cells(cells)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def without_rows(appendix):
    """The appendix with every ``row`` zeroed: what a round trip must preserve."""
    return dataclasses.replace(appendix, groups=tuple(
        dataclasses.replace(group, row=0, tasks=tuple(dataclasses.replace(task, row=0) for task in group.tasks))
        for group in appendix.groups
    ))


def errors_of(source, sheet=None):
    with pytest.raises(AppendixError) as raised:
        read_appendix(source, sheet)
    return [(error.row, error.column, error.code) for error in raised.value.errors]


# -------------------------------------------------------------------------------------------------
# An official-looking appendix, as a department would send it

OFFICIAL_ROWS = [
    ["PHỤ LỤC"],                                                                     # 1
    ["DANH MỤC NHIỆM VỤ TRIỂN KHAI KẾ HOẠCH 4354/KH-UBND"],                           # 2
    ["(Kèm theo Kế hoạch số 4354/KH-UBND của Ủy ban nhân dân Thành phố)"],            # 3
    [],                                                                              # 4
    ["STT", "Nội dung\nnhiệm vụ", "Cơ quan\nchủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành",
     "Sản phẩm", "Kinh phí (triệu đồng)", "Trọng điểm"],                              # 5 (columns in their own order)
    ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)", "(8)"],                          # 6
    ["I", "LÃNH ĐẠO, CHỈ ĐẠO"],                                                     # 7 merged B:H
    ["1", "Ban hành kế hoạch  triển khai", "Sở Khoa học và Công nghệ", "Sở Tài chính; Sở Nội vụ",
     "Quý I/2026", "Kế hoạch", 150, "x"],                                            # 8 lead merged C8:C10
    ["2", "Xây dựng bộ chỉ số theo dõi", None, "Sở Tư pháp, Văn phòng UBND Thành phố",
     datetime(2026, 6, 30), "Bộ chỉ số", "1.250,5", None],                           # 9
    ["3", "Tổ chức sơ kết", None, None, "6 tháng cuối năm 2026", "Báo cáo", None, None],  # 10
    ["3.1", "Sơ kết tại các phường", "UBND các phường, xã, đặc khu", None, "Tháng 11/2026", None, None, None],  # 11
    ["a)", "Tổng hợp kết quả", None, None, "Thường xuyên", None, None, None],        # 12
    [],                                                                              # 13
    ["II", "NÂNG CAO NHẬN THỨC"],                                                    # 14 merged B:H
    ["1", "Tuyên truyền về Nghị quyết 57", "Sở Văn hóa và Thể thao",
     "- Sở Giáo dục và Đào tạo\n- Trung tâm Chuyển đổi số", "2025-2027", "Chuyên mục", 0, "X"],  # 15
    [None, None, None, None, None, None, None, None],                                # 16
    ["Ghi chú: Kinh phí tính theo triệu đồng."],                                     # 17
    [None, None, None, None, None, "KT. CHỦ TỊCH"],                                  # 18
]
OFFICIAL_MERGES = ["A1:H1", "A2:H2", "A3:H3", "B7:H7", "C8:C10", "B14:H14"]


@pytest.fixture
def official():
    return read_appendix(workbook_bytes(OFFICIAL_ROWS, OFFICIAL_MERGES))


def test_title_block_is_kept_line_by_line(official):
    assert official.title == (
        "PHỤ LỤC\nDANH MỤC NHIỆM VỤ TRIỂN KHAI KẾ HOẠCH 4354/KH-UBND\n"
        "(Kèm theo Kế hoạch số 4354/KH-UBND của Ủy ban nhân dân Thành phố)"
    )


def test_groups_come_from_roman_rows(official):
    assert [(g.row, g.number, g.title) for g in official.groups] == [
        (7, "I", "LÃNH ĐẠO, CHỈ ĐẠO"), (14, "II", "NÂNG CAO NHẬN THỨC")]


def test_tasks_and_sub_tasks_in_sheet_order_with_depth(official):
    first, second = official.groups
    assert [(t.row, t.stt, t.depth) for t in first.tasks] == [
        (8, "1", 0), (9, "2", 0), (10, "3", 0), (11, "3.1", 1), (12, "a)", 2)]
    assert [(t.row, t.stt, t.depth) for t in second.tasks] == [(15, "1", 0)]


def test_merged_lead_applies_to_every_row_it_spans(official):
    assert [t.lead for t in official.groups[0].tasks[:3]] == ["Sở Khoa học và Công nghệ"] * 3


def test_an_older_sheet_without_the_money_columns_says_nothing_about_them(official):
    tasks = [t for g in official.groups for t in g.tasks]
    assert {(t.allocated_million_vnd, t.funding_source) for t in tasks} == {(None, "")}
    assert not {"allocated", "source"} & official.columns and "budget" in official.columns


def test_allocation_and_funding_source_columns_in_officials_wordings():
    rows = [
        ["STT", "Nhiệm vụ", "Chủ trì", "Kinh phí dự kiến", "Nguồn vốn", "Kinh phí đã phân bổ"],
        ["I", "Hạ tầng số"],
        ["1", "Trung tâm dữ liệu", "Sở Khoa học và Công nghệ", "2.000", "Ngân sách Thành phố", "1.950,5"],
        ["2", "Đào tạo AI", "Sở Nội vụ", 30, "Xã hội hóa.", None],
        ["3", "Cổng dữ liệu mở", "Sở Khoa học và Công nghệ", None, "ODA", 0],
        ["4", "Chợ số", "UBND phường Bến Thành", None, "", None],
    ]
    tasks = read_appendix(workbook_bytes(rows)).groups[0].tasks
    assert [(t.budget_million_vnd, t.allocated_million_vnd, t.funding_source) for t in tasks] == [
        (Decimal(2000), Decimal("1950.5"), "city"), (Decimal(30), None, "socialised"), (None, Decimal(0), "oda"), (None, None, "")]


def test_an_unknown_funding_source_or_a_bad_allocation_is_reported_by_row():
    rows = [
        ["STT", "Nhiệm vụ", "Chủ trì", "Kinh phí được giao/phân bổ (triệu đồng)", "Nguồn kinh phí"],
        ["1", "Trung tâm dữ liệu", "Sở Khoa học và Công nghệ", "nhiều", "ngân sách tỉnh"],
        ["2", "Đào tạo AI", "Sở Nội vụ", -3, "khác"],
    ]
    assert errors_of(workbook_bytes(rows)) == [(2, "D", "bad_budget"), (2, "E", "bad_funding_source"), (3, "D", "bad_budget")]


def test_sub_task_without_lead_takes_its_parents(official):
    sub, letter = official.groups[0].tasks[3:]
    assert sub.lead == "UBND các phường, xã, đặc khu"
    assert letter.lead == sub.lead  # "a)" sits under the last numbered task, 3.1


def test_task_fields(official):
    plan, indices, review = official.groups[0].tasks[:3]
    assert plan == AppendixTask(
        row=8, stt="1", depth=0, code="", title="Ban hành kế hoạch triển khai", lead="Sở Khoa học và Công nghệ",
        coordinators=("Sở Tài chính", "Sở Nội vụ"), product="Kế hoạch", deadline_text="Quý I/2026",
        deadline=date(2026, 3, 31), key=True, budget_million_vnd=Decimal("150"),
    )
    assert indices.coordinators == ("Sở Tư pháp", "Văn phòng UBND Thành phố")
    assert (indices.deadline_text, indices.deadline) == ("30/06/2026", date(2026, 6, 30))  # a real Excel date
    assert indices.budget_million_vnd == Decimal("1250.5")  # Vietnamese number writing
    assert (indices.key, review.key) == (False, False)
    assert (review.deadline_text, review.deadline) == ("6 tháng cuối năm 2026", date(2026, 12, 31))
    assert review.budget_million_vnd is None


def test_bulleted_coordinators_and_other_values(official):
    (awareness,) = official.groups[1].tasks
    assert awareness.coordinators == ("Sở Giáo dục và Đào tạo", "Trung tâm Chuyển đổi số")
    assert (awareness.deadline, awareness.key, awareness.budget_million_vnd) == (date(2027, 12, 31), True, Decimal(0))
    assert official.groups[0].tasks[4].deadline is None  # "Thường xuyên"


def test_every_problem_is_reported_with_its_row():
    rows = [
        ["DANH MỤC NHIỆM VỤ"],                                                                  # 1
        HEADER + ["Kinh phí (triệu đồng)", "Trọng điểm"],                                     # 2
        ["1", "Nhiệm vụ trước nhóm", "Sở Y tế", None, None, "Năm 2026"],                      # 3 task_before_group
        ["I", "Nhóm thứ nhất"],                                                               # 4
        ["1", None, "Sở Y tế", None, None, "Quý I/2026"],                                     # 5 missing_title
        ["2", "Thiếu chủ trì", None, "Sở Tư pháp", None, "Năm 2026"],                         # 6 missing_lead
        ["3", "Hạn lạ", "Sở Y tế", None, None, "Sau Tết"],                                    # 7 unknown_deadline
        ["4", "Kinh phí sai", "Sở Y tế", None, None, "31/02/2026", "một tỷ"],                 # 8 unknown_deadline + bad_budget
        ["3.1", "Con lạc", "Sở Y tế", None, None, None],                                      # 9 orphan_subtask (last task is 4)
        ["5", "Trọng điểm lạ", "Sở Y tế", None, None, None, -5, "có lẽ"],                     # 10 bad_budget + bad_key
        ["1/2", "Số thứ tự lạ", "Sở Y tế", None, None, None],                                 # 11 bad_stt
        ["II", None, None, None, None, None],                                                 # 12 missing_group_title
    ]
    assert errors_of(workbook_bytes(rows)) == [
        (3, "A", "task_before_group"),
        (5, "B", "missing_title"),
        (6, "C", "missing_lead"),
        (7, "F", "unknown_deadline"),
        (8, "F", "unknown_deadline"),
        (8, "G", "bad_budget"),
        (9, "A", "orphan_subtask"),
        (10, "G", "bad_budget"),
        (10, "H", "bad_key"),
        (11, "A", "bad_stt"),
        (12, "B", "missing_group_title"),
    ]


def test_errors_are_codes_with_parameters_and_read_in_vietnamese_naming_the_row():
    from django.utils import translation

    from dieuhanh.messages import render

    rows = [HEADER, ["I", "Nhóm"], ["1", "Nhiệm vụ", None, None, None, "Năm 2026"], ["1", "Khác", "Sở Y tế", None, None, "Sau Tết"]]
    with pytest.raises(AppendixError) as raised:
        read_appendix(workbook_bytes(rows))
    lead, deadline = raised.value.errors
    assert (lead.row, lead.code, lead.params, lead.message) == (3, "missing_lead", {"row": 3}, "")  # no sentence in the core
    assert (deadline.code, deadline.params) == ("unknown_deadline", {"row": 4, "value": "Sau Tết"})
    with translation.override("vi"):
        assert render(lead.code, lead.params) == "Dòng 3: nhiệm vụ chưa có cơ quan chủ trì."
        assert render(deadline.code, deadline.params).startswith("Dòng 4: không hiểu thời gian hoàn thành “Sau Tết” (ví dụ")


def test_sheet_without_groups_gives_one_unnamed_group():
    rows = [HEADER, ["1", "Một", "Sở Y tế", None, None, "2026"], ["1.1", "Một một", None, None, None, None],
            ["2", "Hai", "Sở Nội vụ", None, None, None]]
    appendix = read_appendix(workbook_bytes(rows))
    (group,) = appendix.groups
    assert (group.row, group.number, group.title, appendix.title) == (0, "", "", "")
    assert [(t.stt, t.depth, t.lead) for t in group.tasks] == [("1", 0, "Sở Y tế"), ("1.1", 1, "Sở Y tế"), ("2", 0, "Sở Nội vụ")]


def test_group_rows_without_roman_numerals_and_running_numbers():
    """Groups as "STT + title only" rows; task numbers that run on across groups."""
    rows = [
        HEADER,
        [None, "Nhóm nhiệm vụ về thể chế"],
        ["1", "Rà soát quy định", "Sở Tư pháp", None, None, "Quý II/2026"],
        ["2", "Nhóm nhiệm vụ về hạ tầng số", None, None, None, None],
        ["3", "Mở rộng băng rộng", "Sở KH&CN", None, None, "2026"],
    ]
    appendix = read_appendix(workbook_bytes(rows))
    assert [(g.number, g.title, [t.stt for t in g.tasks]) for g in appendix.groups] == [
        ("", "Nhóm nhiệm vụ về thể chế", ["1"]), ("2", "Nhóm nhiệm vụ về hạ tầng số", ["3"])]


def test_group_title_typed_into_the_stt_cell():
    rows = [HEADER, ["I. LÃNH ĐẠO, CHỈ ĐẠO"], ["1", "Ban hành kế hoạch", "Sở KH&CN", None, None, "2026"]]
    (group,) = read_appendix(workbook_bytes(rows, ["A2:F2"])).groups
    assert (group.number, group.title, len(group.tasks)) == ("I", "LÃNH ĐẠO, CHỈ ĐẠO", 1)


def test_two_row_header_and_other_wordings():
    rows = [
        ["TT", "Tên nhiệm vụ", "Cơ quan thực hiện", None, "Thời hạn", "Kết quả/sản phẩm", "Mã nhiệm vụ"],
        [None, None, "Chủ trì", "Phối hợp", None, None, None],
        ["I", "Nhóm"],
        ["1", "Nhiệm vụ", "Sở Y tế", "Sở Tư pháp", "Tháng 6/2026", "Báo cáo", "NV-001"],
    ]
    (group,) = read_appendix(workbook_bytes(rows, ["A1:A2", "B1:B2", "C1:D1"])).groups
    (task,) = group.tasks
    assert (task.lead, task.coordinators, task.deadline, task.product, task.code) == (
        "Sở Y tế", ("Sở Tư pháp",), date(2026, 6, 30), "Báo cáo", "NV-001")


def test_merged_deadline_applies_to_each_row_but_budget_only_once():
    rows = [
        HEADER + ["Kinh phí (triệu đồng)"],
        ["I", "Nhóm"],
        ["1", "Một", "Sở Y tế", None, None, "Quý III/2026", 300],
        ["2", "Hai", "Sở Y tế", None, None, None, None],
    ]
    tasks = read_appendix(workbook_bytes(rows, ["F3:F4", "G3:G4"])).groups[0].tasks
    assert [t.deadline for t in tasks] == [date(2026, 9, 30)] * 2
    assert [t.budget_million_vnd for t in tasks] == [Decimal(300), None]  # a shared amount is not counted twice


def test_named_sheet_or_first_sheet_with_a_header():
    wb = Workbook()
    wb.active.title = "Tờ trình"
    wb.active.append(["Nội dung tờ trình"])
    appendix_sheet = wb.create_sheet("Phụ lục II")
    for row in [HEADER, ["1", "Một", "Sở Y tế", None, None, None]]:
        appendix_sheet.append(row)
    out = io.BytesIO()
    wb.save(out)
    assert read_appendix(io.BytesIO(out.getvalue())).groups[0].tasks[0].title == "Một"
    assert read_appendix(io.BytesIO(out.getvalue()), "Phụ lục II").groups[0].tasks[0].title == "Một"
    assert errors_of(io.BytesIO(out.getvalue()), "Tờ trình") == [(0, "", "no_header")]
    assert errors_of(io.BytesIO(out.getvalue()), "Không có") == [(0, "", "no_sheet")]


def test_no_header_row():
    assert errors_of(workbook_bytes([["Danh sách"], ["1", "Một", "Sở Y tế"]])) == [(0, "", "no_header")]


def test_header_without_lead_column():
    assert errors_of(workbook_bytes([["STT", "Nội dung nhiệm vụ", "Thời hạn"]])) == [(1, "", "missing_column")]


def test_files_that_are_not_xlsx(tmp_path):
    text_file = tmp_path / "phu-luc.csv"
    text_file.write_text("STT;Nội dung nhiệm vụ\n", encoding="utf-8")
    assert errors_of(text_file) == [(0, "", "not_xlsx")]
    assert errors_of(io.BytesIO(b"PK\x03\x04 broken zip")) == [(0, "", "not_xlsx")]
    assert errors_of(str(tmp_path / "missing.xlsx")) == [(0, "", "not_xlsx")]


# -------------------------------------------------------------------------------------------------
# Writing

def _task(stt, depth=0, **fields):
    values = dict(row=0, stt=stt, depth=depth, code="", title=f"Nhiệm vụ {stt}", lead="Sở Khoa học và Công nghệ",
                  coordinators=(), product="", deadline_text="", deadline=None, key=False, budget_million_vnd=None)
    values.update(fields)
    return AppendixTask(**values)


SAMPLE = Appendix(
    title="PHỤ LỤC\nDANH MỤC NHIỆM VỤ NĂM 2026",
    groups=(
        AppendixGroup(0, "I", "Lãnh đạo, chỉ đạo", (
            _task("1", coordinators=("Sở Tài chính", "UBND các phường, xã, đặc khu"), deadline_text="Quý I/2026",
                  deadline=date(2026, 3, 31), key=True, budget_million_vnd=Decimal("1234.5"), code="NV-001",
                  allocated_million_vnd=Decimal(1000), funding_source="central"),
            _task("1.1", 1),
            _task("b)", 2),
        )),
        AppendixGroup(0, "II", "Nâng cao nhận thức", ()),
    ),
)


@pytest.fixture
def written(tmp_path):
    path = tmp_path / "phu-luc.xlsx"
    write_appendix(SAMPLE, path)
    return path


def test_written_appendix_reads_back(written):
    assert without_rows(read_appendix(written)) == SAMPLE


def test_written_layout_is_the_official_one(written):
    ws = load_workbook(written).active
    assert [ws.cell(4, column).value for column in range(1, 12)] == [
        "STT", "Nội dung nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Sản phẩm", "Thời gian hoàn thành",
        "Trọng điểm", "Kinh phí (triệu đồng)", "Kinh phí được giao/phân bổ (triệu đồng)", "Nguồn kinh phí", "Mã nhiệm vụ"]
    assert [label for _name, label in COLUMNS] == [ws.cell(4, column).value for column in range(1, 12)]
    merged = {str(cells) for cells in ws.merged_cells.ranges}
    assert {"A1:K1", "A2:K2", "B5:K5", "B9:K9"} <= merged  # title lines; group titles
    assert (ws["A5"].value, ws["B5"].value, ws["B5"].font.b) == ("I", "Lãnh đạo, chỉ đạo", True)
    assert ws["A1"].font.b and ws["C4"].font.b
    assert ws["D6"].value == "Sở Tài chính; UBND các phường, xã, đặc khu"
    assert (ws["G6"].value, ws["H6"].value, ws["I6"].value, ws["J6"].value, ws["K6"].value) == (
        "x", 1234.5, 1000, "ngân sách trung ương", "NV-001")
    assert ws["I6"].number_format == "#,##0"
    assert ws["B8"].alignment.indent == 2  # sub-tasks indented by depth
    for cell in (ws["A1"], ws["A4"], ws["B6"], ws["D6"]):
        assert (cell.font.name, cell.font.sz) == ("Times New Roman", 12)
    assert ws["D6"].alignment.wrap_text
    assert ws.freeze_panes == "A5"
    assert ws.print_title_rows == "$4:$4"
    assert (ws.page_setup.orientation, ws.page_setup.paperSize) == ("landscape", 9)  # 9 = A4
    assert ws.column_dimensions["B"].width > ws.column_dimensions["A"].width


def test_appendix_without_groups_is_written_without_group_row(tmp_path):
    flat = Appendix(title="", groups=(AppendixGroup(0, "", "", (_task("1"), _task("2"))),))
    out = io.BytesIO()
    write_appendix(flat, out)
    out.seek(0)
    assert load_workbook(io.BytesIO(out.getvalue())).active["A2"].value == "1"
    assert without_rows(read_appendix(out)) == flat


def test_cores_do_not_import_django():
    """These modules are framework-free cores; checked in a fresh interpreter (pytest-django imports Django)."""
    code = ("import sys, dieuhanh.core.tasks.appendix_sheet, dieuhanh.core.tasks.unit_match, dieuhanh.core.tasks.deadlines; "
            "print(sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')))")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "[]"


# -------------------------------------------------------------------------------------------------
# Round trip: whatever we write reads back as it was

_LETTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"
_WORD = st.text(alphabet=_LETTERS + _LETTERS.upper(), min_size=1, max_size=8).filter(lambda w: fold(w) != "va")
TEXT = st.lists(_WORD, min_size=1, max_size=6).map(" ".join)
UNIT = st.builds(lambda kind, name: f"{kind} {name}", st.sampled_from(["Sở", "UBND phường", "Trung tâm", "Ban", "Viện"]), TEXT)
ROMAN = ("I", "II", "III", "IV")
DEADLINE = st.one_of(
    st.just(""),
    st.dates(min_value=date(2025, 1, 1), max_value=date(2035, 12, 31)).map(format_deadline),
    st.builds(lambda q, y: f"Quý {ROMAN[q - 1]}/{y}", st.integers(1, 4), st.integers(2025, 2035)),
    st.builds(lambda q, y: f"Quý {q} năm {y}", st.integers(1, 4), st.integers(2025, 2035)),
)
BUDGET = st.one_of(st.none(), st.decimals(min_value=0, max_value=Decimal("999999999.999"), places=3))


@st.composite
def tasks(draw):
    """0–6 tasks in one group: numbered tasks, each followed by dotted ("2.1") or lettered ("a)") sub-tasks."""
    shapes = draw(st.lists(st.sampled_from(["task", "sub"]), max_size=6))
    result, number, subs, style = [], 0, 0, "dotted"
    for shape in shapes:
        if shape == "task" or number == 0:
            number, subs, style = number + 1, 0, draw(st.sampled_from(["dotted", "letter"]))
            stt, depth = str(number), 0
        else:
            subs += 1
            stt, depth = (f"{number}.{subs}" if style == "dotted" else f"{'abcdefgh'[subs - 1]})"), 1
        deadline_text = draw(DEADLINE)
        result.append(AppendixTask(
            row=0, stt=stt, depth=depth, code=draw(st.one_of(st.just(""), st.integers(1, 999).map(lambda n: f"NV-{n:03d}"))),
            title=draw(TEXT), lead=draw(UNIT), coordinators=tuple(draw(st.lists(UNIT, max_size=3))),
            product=draw(st.one_of(st.just(""), TEXT)), deadline_text=deadline_text,
            deadline=parse_deadline(deadline_text).date, key=draw(st.booleans()), budget_million_vnd=draw(BUDGET),
            allocated_million_vnd=draw(BUDGET), funding_source=draw(st.sampled_from(["", *FUNDING_SOURCES])),
        ))
    return tuple(result)


@st.composite
def appendices(draw):
    groups = tuple(AppendixGroup(0, ROMAN[i], draw(TEXT), draw(tasks())) for i in range(draw(st.integers(1, 4))))
    return Appendix(title="\n".join(draw(st.lists(TEXT, max_size=3))), groups=groups)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(appendices())
def test_round_trip(appendix):
    out = io.BytesIO()
    write_appendix(appendix, out)
    out.seek(0)
    assert without_rows(read_appendix(out)) == appendix
