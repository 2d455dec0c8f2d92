"""The published tables: each is one open-data dataset, described here once (title, description, keywords,
frequency and the data dictionary of its columns). The release stores rows in the order of these columns; pages,
files, the DCAT-AP catalogue and the CKAN API all read this description.

A column is ``(name, type, unit, meaning_vi, meaning_en)``; types are ``string``, ``integer``, ``number``, ``date``
(ISO 8601) and ``boolean``.
"""

from __future__ import annotations

from dataclasses import dataclass

from dieuhanh.core.tasks.appendix_sheet import FUNDING_SOURCES

# A task's money in its stages, in order (VND): planned in the plan, allocated (given to the unit), disbursed.
MONEY_STAGES = ("budget_planned", "budget_allocated", "budget_disbursed")


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    unit: str
    meaning_vi: str
    meaning_en: str


@dataclass(frozen=True)
class Spec:
    name: str
    title_vi: str
    title_en: str
    description_vi: str
    description_en: str
    keywords: tuple[str, ...]
    columns: tuple[Column, ...]
    frequency: str = "MONTHLY"  # EU frequency authority code

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


def _c(name, type_, unit, vi, en) -> Column:
    return Column(name, type_, unit, vi, en)


UNIT_CODE = _c("unit_code", "string", "", "Mã đơn vị (mã hành chính chính thức)", "Unit code (official administrative code)")
PLAN = _c("plan", "string", "", "Số hiệu kế hoạch", "Plan number")
TASK_CODE = _c("task_code", "string", "", "Mã nhiệm vụ trong kế hoạch", "Task code within the plan")
INDICATOR = _c("indicator_code", "string", "", "Mã chỉ tiêu", "Indicator code")
PERIOD = _c("period", "string", "", "Kỳ (2026, 2026-Q2, 2026-06)", "Period (2026, 2026-Q2, 2026-06)")

SPECS: tuple[Spec, ...] = (
    Spec("units", "Danh sách đơn vị", "Units",
         "Các đơn vị (phường, xã, đặc khu, sở, ban, ngành) xuất hiện trong bản công bố, theo mã hành chính chính thức.",
         "The units (wards, communes, special zone, departments) that appear in the release, by official code.",
         ("đơn vị hành chính", "administrative units"),
         (UNIT_CODE, _c("name", "string", "", "Tên đơn vị", "Unit name"),
          _c("kind", "string", "", "Loại: province, department, commune, body", "Kind: province, department, commune, body"),
          _c("division_type", "string", "", "Loại hình theo văn bản (phường, xã, sở…)", "Official type (ward, commune, department…)"),
          _c("parent_code", "string", "", "Mã đơn vị cấp trên", "Code of the unit above")), "IRREG"),
    Spec("task_groups", "Nhóm nhiệm vụ và tiến độ", "Task groups and progress",
         "Các nhóm nhiệm vụ của kế hoạch, số nhiệm vụ theo tình trạng chính thức tại ngày công bố và tiến độ bình quân.",
         "The plan's task groups, their tasks by official status on the release date and mean progress.",
         ("nhiệm vụ", "tasks", "tiến độ", "progress"),
         (PLAN, _c("group", "integer", "", "Số thứ tự nhóm", "Group number"), _c("title", "string", "", "Tên nhóm nhiệm vụ", "Group title"),
          _c("tasks", "integer", "nhiệm vụ", "Số nhiệm vụ được tính", "Tasks counted"),
          _c("completed_on_time", "integer", "nhiệm vụ", "Hoàn thành đúng hạn", "Completed on time"),
          _c("completed_late", "integer", "nhiệm vụ", "Hoàn thành trễ hạn", "Completed late"),
          _c("within_deadline", "integer", "nhiệm vụ", "Đang thực hiện trong hạn", "In progress within the deadline"),
          _c("overdue", "integer", "nhiệm vụ", "Quá hạn chưa hoàn thành", "Overdue, not completed"),
          _c("progress", "number", "%", "Tiến độ bình quân đã duyệt", "Mean approved progress"),
          _c("budget_planned", "number", "VND", "Kinh phí kế hoạch", "Planned budget"),
          _c("budget_allocated", "number", "VND", "Kinh phí được giao/phân bổ", "Allocated"),
          _c("budget_disbursed", "number", "VND", "Kinh phí đã giải ngân", "Disbursed"))),
    Spec("tasks", "Nhiệm vụ công khai", "Public tasks",
         "Mỗi nhiệm vụ cấp một của kế hoạch: đơn vị chủ trì, phối hợp, sản phẩm, thời hạn ban đầu và thời hạn đang áp dụng, "
         "tình trạng và tiến độ đã duyệt tại ngày công bố, kinh phí theo giai đoạn.",
         "Each top-level task of the plan: lead and coordinating units, product, original and current deadline, status and "
         "approved progress on the release date, money by stage.",
         ("nhiệm vụ", "tasks", "thời hạn", "deadlines", "kinh phí", "budget"),
         (PLAN, TASK_CODE, _c("group", "integer", "", "Nhóm nhiệm vụ", "Task group"), _c("title", "string", "", "Nhiệm vụ", "Task"),
          _c("lead_unit_code", "string", "", "Mã đơn vị chủ trì", "Lead unit code"),
          _c("coordinating_unit_codes", "string", "", "Mã các đơn vị phối hợp, cách nhau bởi dấu ;", "Coordinating unit codes, separated by ;"),
          _c("product", "string", "", "Sản phẩm", "Product"),
          _c("assigned_on", "date", "", "Ngày giao", "Assigned on"),
          _c("original_deadline", "date", "", "Thời hạn ban đầu", "Original deadline"),
          _c("deadline", "date", "", "Thời hạn đang áp dụng tại ngày công bố", "Deadline in force on the release date"),
          _c("status", "string", "", "Tình trạng chính thức: completed_on_time, completed_late, within_deadline, overdue, excluded",
             "Official status: completed_on_time, completed_late, within_deadline, overdue, excluded"),
          _c("progress", "number", "%", "Tiến độ đã duyệt", "Approved progress"),
          _c("colour", "string", "", "Màu cảnh báo: green, orange, red, grey", "Warning colour: green, orange, red, grey"),
          _c("completed_on", "date", "", "Ngày hoàn thành", "Completed on"),
          _c("key", "boolean", "", "Nhiệm vụ trọng điểm", "Key task"),
          _c("budget_planned", "number", "VND", "Kinh phí kế hoạch", "Planned budget"),
          _c("budget_allocated", "number", "VND", "Kinh phí được giao/phân bổ (trống: chưa ghi nhận)", "Allocated (empty: not recorded)"),
          _c("budget_disbursed", "number", "VND", "Kinh phí đã giải ngân", "Disbursed"),
          _c("funding_source", "string", "", "Nguồn kinh phí: " + ", ".join(f"{k} ({v})" for k, v in FUNDING_SOURCES.items())
             + "; trống: chưa ghi nhận", "Funding source: city, central, commune, socialised, oda, other; empty: not recorded"))),
    Spec("task_events", "Lịch sử thời hạn và tình trạng nhiệm vụ", "Task deadline and state history",
         "Mỗi sự kiện có ngày của một nhiệm vụ: thời hạn ban đầu, mỗi lần gia hạn được chấp thuận, mỗi thay đổi trạng thái. "
         "Một lời hứa không bao giờ bị ghi đè.",
         "Each dated event of a task: the original deadline, every approved extension, every change of state. A promise is "
         "never overwritten.",
         ("thời hạn", "deadlines", "gia hạn", "extensions"),
         (PLAN, TASK_CODE, _c("date", "date", "", "Ngày của sự kiện", "Date of the event"),
          _c("event", "string", "", "Loại: deadline_set, deadline_extended, state_changed", "Kind: deadline_set, deadline_extended, state_changed"),
          _c("old_deadline", "date", "", "Thời hạn trước đó", "Previous deadline"),
          _c("new_deadline", "date", "", "Thời hạn mới", "New deadline"),
          _c("state", "string", "", "Trạng thái mới: open, paused, cancelled, completed", "New state: open, paused, cancelled, completed"))),
    Spec("task_evidence", "Minh chứng công khai của nhiệm vụ", "Public evidence of tasks",
         "Các tệp minh chứng của báo cáo tiến độ đã duyệt mà Ban Chỉ đạo quyết định công khai: tên tệp, loại, dung lượng và "
         "mã SHA-256 để kiểm tra tệp tải về.",
         "The evidence files of approved progress reports that the steering committee decided to make public: file name, kind, "
         "size and SHA-256 to check a downloaded file.",
         ("minh chứng", "evidence"),
         (PLAN, TASK_CODE, PERIOD, _c("filename", "string", "", "Tên tệp", "File name"), _c("kind", "string", "", "Loại tệp (pdf, docx…)", "File kind (pdf, docx…)"),
          _c("size", "integer", "byte", "Dung lượng", "Size"), _c("sha256", "string", "", "Mã SHA-256 của nội dung", "SHA-256 of the content"))),
    Spec("kpis", "Chỉ tiêu và phương pháp", "Indicators and their method",
         "Các chỉ tiêu của chương trình: tên, đơn vị tính, chiều tốt, phương pháp, nguồn, và đánh giá tiến độ so với mục tiêu "
         "của cấp Thành phố (màu, xu hướng) theo số liệu đã phê duyệt.",
         "The programme's indicators: name, measure, direction, method, source and the city's on-track assessment against its "
         "target (colour, trend) from approved values.",
         ("chỉ tiêu", "indicators", "KPI"),
         (INDICATOR, _c("name", "string", "", "Tên chỉ tiêu", "Name (Vietnamese)"), _c("name_en", "string", "", "Tên tiếng Anh", "Name (English)"),
          _c("kind", "string", "", "strategic (chiến lược) hoặc operational (tác nghiệp)", "strategic or operational"),
          _c("measure", "string", "", "Đơn vị tính", "Unit of measure"),
          _c("higher_is_better", "boolean", "", "Càng cao càng tốt", "Higher is better"),
          _c("formula", "string", "", "Công thức (nếu là chỉ tiêu tính toán)", "Formula (computed indicators)"),
          _c("method", "string", "", "Phương pháp tính", "Method"), _c("source", "string", "", "Nguồn số liệu", "Source"),
          _c("latest_period", "string", "", "Kỳ mới nhất có số liệu đã duyệt (cấp Thành phố)", "Latest approved period (city)"),
          _c("latest_value", "number", "", "Giá trị mới nhất đã duyệt (cấp Thành phố)", "Latest approved value (city)"),
          _c("target_year", "integer", "", "Năm mục tiêu", "Target year"),
          _c("target_label", "string", "", "Mục tiêu như văn bản ghi", "Target as written"),
          _c("colour", "string", "", "Đánh giá: green, orange, red, grey", "Assessment: green, orange, red, grey"),
          _c("assessment", "string", "", "met, on_path, behind, far_behind, no_baseline, no_target, no_value, no_time",
             "met, on_path, behind, far_behind, no_baseline, no_target, no_value, no_time"),
          _c("projected", "number", "", "Giá trị dự báo theo xu hướng tại năm mục tiêu", "Trend projection at the target year"))),
    Spec("kpi_values", "Giá trị chỉ tiêu đã phê duyệt", "Approved indicator values",
         "Giá trị của các chỉ tiêu theo đơn vị và kỳ, chỉ gồm số liệu đã được phê duyệt trước hoặc trong ngày công bố.",
         "Indicator values by unit and period: only values approved on or before the release date.",
         ("chỉ tiêu", "indicators", "số liệu chính thức", "official statistics"),
         (INDICATOR, UNIT_CODE, PERIOD, _c("period_end", "date", "", "Ngày cuối kỳ", "Last day of the period"),
          _c("value", "number", "", "Giá trị (theo đơn vị tính của chỉ tiêu)", "Value (in the indicator's measure)"),
          _c("status", "string", "", "estimated, provisional, final; computed (tính theo công thức); rollup (tổng hợp từ các đơn vị "
             "cấp dưới, khi tất cả đã được phê duyệt)",
             "estimated, provisional, final; computed (by the formula); rollup (from the units below, when all of them are approved)"),
          _c("approved_on", "date", "", "Ngày phê duyệt", "Approved on"), _c("source", "string", "", "Nguồn", "Source"))),
    Spec("kpi_targets", "Mục tiêu chỉ tiêu", "Indicator targets",
         "Mục tiêu và giá trị gốc của các chỉ tiêu theo đơn vị và năm, như văn bản ghi (ví dụ 30–40 %, Top 100).",
         "Targets and baselines of the indicators by unit and year, as written (e.g. 30–40 %, top 100).",
         ("mục tiêu", "targets"),
         (INDICATOR, UNIT_CODE, _c("kind", "string", "", "target (mục tiêu) hoặc baseline (giá trị gốc)", "target or baseline"),
          _c("year", "integer", "", "Năm", "Year"), _c("value", "number", "", "Giá trị (cận dưới)", "Value (low end)"),
          _c("value_high", "number", "", "Cận trên của khoảng", "High end of a range"),
          _c("label", "string", "", "Như văn bản ghi", "As written"), _c("source", "string", "", "Nguồn", "Source")), "ANNUAL"),
    Spec("d766_scorecards", "Chỉ số phục vụ người dân (Quyết định 766)", "Service index (Decision 766)",
         "Điểm, xếp loại và thứ hạng của các phường, xã, đặc khu và sở, ngành theo Bộ chỉ số Quyết định 766, tính từ nhật ký hồ sơ.",
         "Score, band and rank of wards, communes and departments under Decision 766's indicators, computed from dossier logs.",
         ("Quyết định 766", "Decision 766", "dịch vụ công", "public services"),
         (PERIOD, UNIT_CODE, _c("unit_kind", "string", "", "commune hoặc department", "commune or department"),
          _c("rank", "integer", "", "Thứ hạng trong nhóm (cùng điểm cùng hạng)", "Rank within the group (equal totals share a rank)"),
          _c("total", "number", "điểm", "Tổng điểm (thang 100)", "Total points (out of 100)"),
          _c("band", "string", "", "Xếp loại", "Band"), _c("dossiers", "integer", "hồ sơ", "Số hồ sơ tiếp nhận", "Dossiers received"),
          _c("on_time_rate", "number", "tỷ lệ 0–1", "Tỷ lệ giải quyết đúng hạn (chỉ tiêu 2.1)", "On-time rate (indicator 2.1)"))),
    Spec("d766_indicators", "Chỉ tiêu Quyết định 766 theo đơn vị", "Decision 766 indicators by unit",
         "Từng chỉ tiêu Quyết định 766 của từng đơn vị: tỷ lệ, điểm đạt, điểm tối đa, điểm bị mất.",
         "Each Decision 766 indicator of each unit: rate, points earned, points available, points lost.",
         ("Quyết định 766", "Decision 766"),
         (PERIOD, UNIT_CODE, _c("indicator", "string", "", "Mã chỉ tiêu 766", "Decision 766 indicator"),
          _c("name", "string", "", "Tên chỉ tiêu", "Name"), _c("rate", "number", "tỷ lệ 0–1", "Tỷ lệ đạt", "Rate"),
          _c("points", "number", "điểm", "Điểm tối đa", "Points available"), _c("earned", "number", "điểm", "Điểm đạt", "Points earned"),
          _c("lost", "number", "điểm", "Điểm bị mất", "Points lost"))),
    Spec("index_results", "Chỉ số chuyển đổi số cấp xã", "Ward digital-transformation index",
         "Điểm và thứ hạng của các phường, xã theo chỉ số tổng hợp (phương pháp JRC/COINr) với khoảng thứ hạng 5–95 % "
         "từ phân tích độ bất định.",
         "Scores and ranks of the wards under the composite index (JRC/COINr method) with 5–95 % rank intervals from the "
         "uncertainty analysis.",
         ("chỉ số tổng hợp", "composite index", "chuyển đổi số", "digital transformation"),
         (_c("framework", "string", "", "Mã bộ chỉ số", "Index framework"), _c("year", "integer", "", "Năm", "Year"),
          UNIT_CODE, _c("name", "string", "", "Tên đơn vị", "Unit name"), _c("score", "number", "điểm", "Điểm (0–100)", "Score (0–100)"),
          _c("rank", "integer", "", "Thứ hạng", "Rank"), _c("rank_median", "number", "", "Thứ hạng trung vị", "Median rank"),
          _c("rank_low", "number", "", "Thứ hạng tốt (5 %)", "Best rank (5 %)"), _c("rank_high", "number", "", "Thứ hạng kém (95 %)", "Worst rank (95 %)")),
         "ANNUAL"),
)

BY_NAME = {s.name: s for s in SPECS}
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
LICENCE_ID = "CC-BY-4.0"
LICENCE_TITLE = "Creative Commons Attribution 4.0 International (CC BY 4.0)"


# The columns naming a row of each table (task_events: the whole row, an event is never edited).
KEYS: dict[str, tuple[str, ...]] = {
    "units": ("unit_code",),
    "task_groups": ("plan", "group"),
    "tasks": ("plan", "task_code"),
    "task_evidence": ("plan", "task_code", "sha256"),
    "kpis": ("indicator_code",),
    "kpi_values": ("indicator_code", "unit_code", "period"),
    "kpi_targets": ("indicator_code", "unit_code", "kind", "year"),
    "d766_scorecards": ("period", "unit_code"),
    "d766_indicators": ("period", "unit_code", "indicator"),
    "index_results": ("framework", "year", "unit_code"),
}
