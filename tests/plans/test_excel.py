"""Excel round-trip against the database: import the appendix, export it back; bulk progress by sheet."""

import dataclasses
import datetime as dt
import io
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from dieuhanh.audit.models import AuditEvent
from dieuhanh.core.tasks.deadlines import format_deadline, parse_deadline
from dieuhanh.core.tasks.appendix_sheet import Appendix, AppendixGroup, AppendixTask, read_appendix, write_appendix
from dieuhanh.core.tasks.progress_sheet import read_progress_sheet
from dieuhanh.errors import Invalid
from dieuhanh.plans.excel import appendix_of, appendix_xlsx, plan_import, preview_appendix, progress_import, progress_sheet_xlsx
from dieuhanh.plans.models import ProgressReport, Task
from dieuhanh.plans.services import plan_create
from tests.conftest import SYSTEM

D = dt.date
UNIT_NAMES = ["Sở Khoa học và Công nghệ", "Sở Tài chính", "Sở Nội vụ", "Phường Bến Thành", "Phường Sài Gòn", "Đặc khu Côn Đảo",
              "Khu Công nghệ cao Thành phố Hồ Chí Minh", "Sở Giáo dục và Đào tạo"]
ROMAN = ["I", "II", "III", "IV"]
WORDS = st.sampled_from(["Xây dựng", "nền tảng", "dữ liệu", "số", "đổi mới", "sáng tạo", "hạ tầng", "Đề án", "phường", "trí tuệ nhân tạo", "(AI)", "5G"])
TEXT = st.lists(WORDS, min_size=1, max_size=6).map(" ".join)
DEADLINE = st.one_of(st.just(""), st.dates(D(2025, 1, 1), D(2030, 12, 31)).map(format_deadline),
                     st.builds(lambda q, y: f"Quý {ROMAN[q - 1]}/{y}", st.integers(1, 4), st.integers(2025, 2030)))


@st.composite
def group_tasks(draw, group_no):
    tasks, n = [], 0
    for shape in draw(st.lists(st.sampled_from(["task", "sub"]), min_size=1, max_size=5)):
        if shape == "task" or n == 0:
            n, subs = n + 1, 0
            stt, depth, code = str(n), 0, f"{group_no}.{n}"
        else:
            subs += 1
            stt, depth, code = f"{n}.{subs}", 1, f"{group_no}.{n}.{subs}"
        text = draw(DEADLINE)
        lead = draw(st.sampled_from(UNIT_NAMES))
        coordinators = tuple(sorted(set(draw(st.lists(st.sampled_from(UNIT_NAMES), max_size=3))) - {lead}, key=UNIT_NAMES.index))
        tasks.append(AppendixTask(row=0, stt=stt, depth=depth, code=code, title=draw(TEXT), lead=lead, coordinators=coordinators,
                                  product=draw(st.one_of(st.just(""), TEXT)), deadline_text=text, deadline=parse_deadline(text).date,
                                  key=draw(st.booleans()), budget_million_vnd=draw(st.one_of(st.none(), st.integers(0, 10**6).map(Decimal)))))
    return tuple(tasks)


@st.composite
def appendices(draw):
    groups = tuple(AppendixGroup(0, ROMAN[i], draw(TEXT), draw(group_tasks(i + 1))) for i in range(draw(st.integers(1, 3))))
    return Appendix(title="", groups=groups)


def without_rows(a: Appendix) -> Appendix:
    return dataclasses.replace(a, title="", groups=tuple(
        dataclasses.replace(g, row=0, tasks=tuple(dataclasses.replace(t, row=0) for t in g.tasks)) for g in a.groups))


def xlsx(appendix: Appendix) -> bytes:
    buf = io.BytesIO()
    write_appendix(appendix, buf)
    return buf.getvalue()


def order_coordinators(a: Appendix) -> Appendix:
    """The export lists coordinating units by unit code; compare as sets in a fixed order."""
    return dataclasses.replace(a, groups=tuple(dataclasses.replace(g, tasks=tuple(
        dataclasses.replace(t, coordinators=tuple(sorted(t.coordinators))) for t in g.tasks)) for g in a.groups))


_PLAN_NUMBERS = [0]


def new_plan(units, n=_PLAN_NUMBERS):
    n[0] += 1
    return plan_create(actor=SYSTEM, issuer=units["79"], number=f"{n[0]}/KH-TEST", title="Kế hoạch thử", issued_on=D(2025, 3, 1),
                       period_start=D(2025, 1, 1), period_end=D(2030, 12, 31))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(appendix=appendices())
def test_export_of_import_reproduces_the_appendix(hcmc, appendix):
    plan = new_plan(hcmc)
    plan_import(actor=SYSTEM, plan=plan, content=xlsx(appendix))
    exported = read_appendix(io.BytesIO(appendix_xlsx(plan)))
    assert order_coordinators(without_rows(exported)) == order_coordinators(without_rows(appendix))


def test_the_demo_plan_survives_export_and_import_into_a_new_plan(hcmc):
    from dieuhanh.demo.plans import load_plan_4354

    source = load_plan_4354(actor=SYSTEM, today=D(2026, 11, 22))
    copy = new_plan(hcmc)
    result = plan_import(actor=SYSTEM, plan=copy, content=appendix_xlsx(source))
    assert result.created == source.tasks.count() == 55
    assert without_rows(appendix_of(copy)).groups == without_rows(appendix_of(source)).groups


def official_sheet(rows) -> bytes:
    """A sheet as officials make them: title block, header, Roman group rows, merged lead cell."""
    wb = Workbook()
    ws = wb.active
    ws.append(["PHỤ LỤC"])
    ws.merge_cells("A1:F1")
    ws.append(["STT", "Nội dung nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Sản phẩm", "Thời gian hoàn thành"])
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_uncertain_unit_names_need_a_reviewer_and_nothing_is_written_before(hcmc):
    plan = new_plan(hcmc)
    content = official_sheet([
        ["I", "Lãnh đạo, chỉ đạo"],
        ["1", "Ban hành khung quản trị", "UBND phường Bến Thành", "Sở KH&CN", "Quyết định", "Quý I/2026"],
        ["2", "Thành lập quỹ", "Sở Khoa học Công nghệ", "", "Quỹ", "Tháng 6/2026"],
    ])
    preview = preview_appendix(content)
    assert preview.matches["UBND phường Bến Thành"].certain and preview.matches["UBND phường Bến Thành"].code == "26743"
    assert preview.matches["Sở KH&CN"].certain
    assert list(preview.uncertain) == ["Sở Khoa học Công nghệ"] and preview.uncertain["Sở Khoa học Công nghệ"].code == "79.SKHCN"
    events = AuditEvent.objects.count()
    with pytest.raises(Invalid) as err:
        plan_import(actor=SYSTEM, plan=plan, content=content)
    assert [d["code"] for d in err.value.details] == ["unit_unresolved"] and err.value.details[0]["row"] == 5
    assert plan.tasks.count() == 0 and plan.groups.count() == 0 and AuditEvent.objects.count() == events
    plan_import(actor=SYSTEM, plan=plan, content=content, resolutions={"Sở Khoa học Công nghệ": "79.SKHCN"})
    assert sorted(plan.tasks.values_list("code", "lead_unit__code", "deadline")) == [
        ("1.1", "26743", D(2026, 3, 31)), ("1.2", "79.SKHCN", D(2026, 6, 30))]


def test_a_malformed_sheet_reports_every_bad_row_and_imports_nothing(hcmc):
    plan = new_plan(hcmc)
    content = official_sheet([
        ["I", "Nhóm 1"],
        ["1", "", "Sở Tài chính", "", "", "Quý I/2026"],
        ["2", "Nhiệm vụ có hạn lạ", "Sở Tài chính", "", "", "khi nào xong"],
        ["3", "Nhiệm vụ tốt", "Sở Tài chính", "", "", "2026"],
    ])
    with pytest.raises(Invalid) as err:
        plan_import(actor=SYSTEM, plan=plan, content=content)
    assert [(d["row"], d["code"]) for d in err.value.details] == [(4, "missing_title"), (5, "unknown_deadline")]
    assert plan.tasks.count() == 0


def test_a_file_that_is_not_excel_is_refused(hcmc):
    with pytest.raises(Invalid) as err:
        plan_import(actor=SYSTEM, plan=new_plan(hcmc), content=b"%PDF-1.4 not a workbook")
    assert err.value.details[0]["code"] == "not_xlsx"


def test_reimporting_the_export_updates_in_place_and_never_moves_a_deadline(plan):
    content = appendix_xlsx(plan)
    result = plan_import(actor=SYSTEM, plan=plan, content=content)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 5)  # the plan's own export changes nothing
    Task.objects.filter(code="4.2").update(title="Phổ cập kỹ năng số")
    result = plan_import(actor=SYSTEM, plan=plan, content=content)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 4)
    Task.objects.filter(code="1.1").update(deadline=D(2026, 6, 30))  # as if an extension had been approved
    with pytest.raises(Invalid) as err:
        plan_import(actor=SYSTEM, plan=plan, content=content)
    assert [d["code"] for d in err.value.details] == ["deadline_changed"]


@pytest.fixture
def stc(make_user):
    return make_user("canbo.stc", "79.STC", "reporter")


def filled(sheet: bytes, values: dict[str, dict]) -> bytes:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(sheet))
    ws = wb.active
    header = [c.value for c in ws[2]]
    for row in ws.iter_rows(min_row=3):
        code = row[0].value
        for column, value in values.get(code, {}).items():
            row[header.index(column)].value = value
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_the_progress_sheet_lists_my_leaf_tasks_and_saves_every_row(plan, stc):
    sheet = progress_sheet_xlsx(stc, plan)
    assert [r[0].value for r in __import__("openpyxl").load_workbook(io.BytesIO(sheet)).active.iter_rows(min_row=3)] == ["4.1.1", "4.1.2"]
    content = filled(sheet, {"4.1.1": {"Kỳ báo cáo": "2025-09", "Tiến độ (%)": 60, "Kết quả thực hiện": "Đã trình dự thảo", "Nộp duyệt (x)": "x"},
                             "4.1.2": {"Kỳ báo cáo": "2025-09", "Tiến độ (%)": "10,5"}})
    assert progress_import(actor=stc, plan=plan, content=content) == 2
    reports = {r.task.code: r for r in ProgressReport.objects.select_related("task")}
    assert (reports["4.1.1"].percent, reports["4.1.1"].status) == (60, "submitted")
    assert (reports["4.1.2"].percent, reports["4.1.2"].status) == (Decimal("10.5"), "draft")


def test_one_bad_row_saves_nothing_and_names_every_bad_row(plan, stc):
    sheet = progress_sheet_xlsx(stc, plan)
    content = filled(sheet, {"4.1.1": {"Kỳ báo cáo": "2025-09", "Tiến độ (%)": 60}, "4.1.2": {"Kỳ báo cáo": "2025-09", "Tiến độ (%)": 140}})
    with pytest.raises(Invalid) as err:
        progress_import(actor=stc, plan=plan, content=content)
    assert [(d["row"], d["code"]) for d in err.value.details] == [(4, "out_of_range")]
    assert ProgressReport.objects.count() == 0


def test_rows_for_tasks_of_other_units_are_refused(plan, stc, make_user):
    ward = make_user("canbo.benthanh", "26743", "reporter")
    sheet = progress_sheet_xlsx(ward, plan)
    wb = __import__("openpyxl").load_workbook(io.BytesIO(sheet))
    wb.active.append(["4.1.1", "", "", "2025-09", None, 50])
    wb.active.append(["9.9", "", "", "2025-09", None, 50])
    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(Invalid) as err:
        progress_import(actor=ward, plan=plan, content=buf.getvalue())
    assert [d["code"] for d in err.value.details] == ["unknown_task", "unknown_task"]
    assert [r.code for r in read_progress_sheet(io.BytesIO(buf.getvalue()))] == ["4.1.1", "9.9"]  # the untouched 4.2 row is no update
    assert ProgressReport.objects.count() == 0
