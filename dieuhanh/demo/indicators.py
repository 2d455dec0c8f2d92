"""The demo's indicators: every figure and target of the HCMC programme (hcmc-resolution-57.md), with its seed
article as source, plus ward-level service indicators with SYNTHETIC, labelled values for the 168 units."""

from __future__ import annotations

import random
from decimal import Decimal

from dieuhanh.indicators.models import Indicator
from dieuhanh.indicators.services import indicator_create, rule_create, target_set, value_set, values_approve, values_submit
from dieuhanh.units.models import Unit
from dieuhanh.units.official import HCMC_CODE

S000 = "Seed 000 (TP Hồ Chí Minh tích cực thực hiện Nghị quyết 57-NQ/TW, 2025)"
S002 = "Seed 002 (bài viết tháng 12/2025 về kết quả năm 2025 và ba đột phá 2026–2030)"
S003 = "Seed 003 (ba đột phá chiến lược 2026–2030)"
S004 = "Seed 004 (phong trào thi đua đổi mới sáng tạo và chuyển đổi số, 18/07/2025)"
PUBLIC = "Công bố chính thức (báo cáo DTI/PII của Bộ Khoa học và Công nghệ)"

# code, name, kind, measure, value_type, aggregation, values {year: (value, status, comment, source)}, targets {year: (low, high, label)}, baseline year
CITY = [
    ("TFP_GRDP", "Tỷ trọng đóng góp của TFP vào tăng trưởng GRDP", "strategic", "%", "percent", {2025: (59, "estimated", "", S000)}, {}),
    ("KHCN_TFP", "Tỷ trọng đóng góp của khoa học - công nghệ vào tăng trưởng TFP", "strategic", "%", "percent", {2025: (74, "estimated", "", S000)}, {}),
    ("NS_KHCN_TYLE", "Tỷ lệ chi ngân sách cho KH-CN, ĐMST và CĐS trên tổng chi ngân sách", "strategic", "%", "percent",
     {2025: (Decimal("1.84"), "final", "Kế hoạch năm 2025: 1,51% (vượt chỉ tiêu quốc gia)", S002)}, {2025: (Decimal("1.51"), None, "1,51% (kế hoạch 2025)")}),
    ("NS_KHCN_DUTOAN", "Dự toán chi ngân sách cho KH-CN, ĐMST và CĐS", "operational", "tỷ đồng", "money_vnd", {2026: (12705, "final", "Dự toán năm 2026", S002)}, {}),
    ("NS_TONG_DUTOAN", "Tổng dự toán chi ngân sách Thành phố", "operational", "tỷ đồng", "money_vnd", {2026: (305606, "final", "Dự toán năm 2026", S002)}, {}),
    ("HT_CNTT_NS", "Kinh phí đầu tư hạ tầng công nghệ", "operational", "tỷ đồng", "money_vnd", {2025: (2535, "final", "", S002)}, {}),
    ("FDI_CNC", "Vốn FDI vào lĩnh vực công nghệ cao (AI, bán dẫn, dữ liệu)", "strategic", "tỷ USD", "money_usd", {2025: (Decimal("1.8"), "provisional", "9 tháng năm 2025", S000)}, {}),
    ("FDI_CNC_TYLE", "Tỷ trọng FDI công nghệ cao trong tổng vốn FDI", "strategic", "%", "percent", {2025: (40, "provisional", "", S002)}, {}),
    ("TC_KHCN", "Số tổ chức khoa học và công nghệ", "operational", "tổ chức", "count", {2025: (500, "estimated", "Hơn 500 tổ chức", S000)}, {}),
    ("DN_KHCN", "Số doanh nghiệp khoa học và công nghệ được công nhận", "operational", "doanh nghiệp", "count", {2025: (143, "final", "Khoảng 200 doanh nghiệp KH-CN; 143 được công nhận", S002)}, {}),
    ("TRUNG_TAM_DL", "Số trung tâm dữ liệu lớn", "operational", "trung tâm", "count", {2025: (10, "final", "13 khu trung tâm dữ liệu, 9 khu công nghệ số tập trung [002]", S000)}, {}),
    ("XH_KHOINGHIEP", "Xếp hạng hệ sinh thái khởi nghiệp toàn cầu", "strategic", "hạng", "rank", {2025: (110, "final", "Top 5 Đông Nam Á", S000)}, {2030: (100, None, "Top 100 thành phố năng động nhất thế giới")}),
    ("PII_DIEM", "Điểm Chỉ số đổi mới sáng tạo cấp địa phương (PII)", "strategic", "điểm", "number",
     {2023: (Decimal("55.85"), "final", "Hạng 2", PUBLIC), 2025: (Decimal("59.33"), "final", "Hạng 2/34", PUBLIC)}, {}),
    ("PII_HANG", "Xếp hạng PII", "strategic", "hạng", "rank", {2023: (2, "final", "", PUBLIC), 2025: (2, "final", "", S000)}, {}),
    ("DTI_DIEM", "Điểm Chỉ số chuyển đổi số (DTI)", "strategic", "điểm (0–1)", "number", {2024: (Decimal("0.7770"), "final", "Công bố 21/10/2025; hạng 4", PUBLIC)}, {}),
    ("BLOCKCHAIN_HANG", "Xếp hạng thành phố blockchain thế giới", "strategic", "hạng", "rank", {2025: (30, "final", "", S003)}, {}),
    ("CB_DAOTAO_AI", "Số cán bộ được đào tạo về AI và chuyển đổi số", "operational", "người", "count", {2025: (40000, "estimated", "Hơn 40.000 người", S000)}, {}),
    ("TTHC_PHIDIAGIOI", "Số thủ tục hành chính giải quyết không phụ thuộc địa giới hành chính", "operational", "thủ tục", "count", {2025: (1336, "final", "100% theo seed 002", S000)}, {}),
    ("DVC_TRUCTUYEN", "Số dịch vụ công trực tuyến được công bố", "operational", "dịch vụ", "count", {2025: (2000, "estimated", "Khoảng 2.000", S000)}, {}),
    ("TTHC_CATGIAM", "Tỷ lệ thủ tục hành chính được cắt giảm, đơn giản hóa", "operational", "%", "percent",
     {2025: (Decimal("36.36"), "final", "", S002)}, {2025: (30, None, "30%")}),
    ("HS_DUNGHAN_TP", "Tỷ lệ hồ sơ giải quyết đúng hạn (toàn Thành phố)", "operational", "%", "percent", {2025: (96, "estimated", "Cấp xã: 99,44%", S002)}, {}),
    ("NEN_TANG_SO", "Số nền tảng số dùng chung đang vận hành", "operational", "nền tảng", "count", {2025: (20, "estimated", "Hơn 20 nền tảng", S002)}, {}),
    ("VUON_UOM", "Số vườn ươm, cơ sở ươm tạo", "operational", "cơ sở", "count", {2025: (55, "final", "", S002)}, {}),
    ("DA_KHOINGHIEP", "Số dự án khởi nghiệp được phê duyệt", "operational", "dự án", "count", {2025: (162, "final", "", S002)}, {}),
    ("STARTUP", "Số doanh nghiệp khởi nghiệp sáng tạo", "operational", "doanh nghiệp", "count", {2025: (2000, "estimated", "Hơn 2.000", S002)}, {}),
    ("KYLAN", "Số doanh nghiệp kỳ lân", "operational", "doanh nghiệp", "count", {2025: (3, "final", "Tổng giá trị hơn 7,4 tỷ USD", S002)}, {}),
    ("KTS_GRDP", "Tỷ trọng kinh tế số trong GRDP", "strategic", "%", "percent", {}, {2030: (30, 40, "30–40%")}),
    ("TT_NC_QT", "Số trung tâm nghiên cứu chuẩn quốc tế về công nghệ chiến lược", "strategic", "trung tâm", "count", {}, {2030: (5, None, "Ít nhất 5")}),
]
# Targets the seed articles do not give: SYNTHETIC, plausible from the 2025 figure and the programme's direction
# (labelled so on every page that shows them). code → (year, value, label). The volumes that are no goal (total
# budget, dossiers received) get none.
SYNTHETIC = "DỮ LIỆU GIẢ LẬP"
SYNTHETIC_TARGETS = {
    "TFP_GRDP": (2030, 60, "≥ 60%"),
    "KHCN_TFP": (2030, 75, "≥ 75%"),
    "NS_KHCN_DUTOAN": (2030, 20000, "20.000 tỷ đồng"),
    "HT_CNTT_NS": (2030, 3000, "3.000 tỷ đồng"),
    "FDI_CNC": (2030, 3, "3 tỷ USD"),
    "FDI_CNC_TYLE": (2030, 50, "50%"),
    "TC_KHCN": (2030, 600, "600 tổ chức"),
    "DN_KHCN": (2030, 300, "300 doanh nghiệp"),
    "TRUNG_TAM_DL": (2030, 15, "15 trung tâm"),
    "PII_DIEM": (2030, 65, "65 điểm"),
    "PII_HANG": (2030, 1, "Dẫn đầu cả nước"),
    "DTI_DIEM": (2030, Decimal("0.85"), "0,85"),
    "BLOCKCHAIN_HANG": (2030, 20, "Top 20"),
    "CB_DAOTAO_AI": (2030, 100000, "100.000 người"),
    "TTHC_PHIDIAGIOI": (2026, 1500, "1.500 thủ tục"),
    "DVC_TRUCTUYEN": (2030, 2500, "2.500 dịch vụ"),
    "HS_DUNGHAN_TP": (2026, 98, "98%"),
    "NEN_TANG_SO": (2030, 30, "30 nền tảng"),
    "VUON_UOM": (2030, 70, "70 cơ sở"),
    "DA_KHOINGHIEP": (2030, 300, "300 dự án"),
    "STARTUP": (2030, 3000, "3.000 doanh nghiệp"),
    "KYLAN": (2030, 5, "5 doanh nghiệp"),
    "NS_KHCN_TYLE_DT": (2030, 5, "5%"),
}
CITY_VALUES = {code: values for code, _n, _k, _m, _t, values, _ts in CITY}
# Baselines for the on-track path (the first reported year of each indicator with a target).
BASELINES = {"XH_KHOINGHIEP": 2025, "TTHC_CATGIAM": None, "NS_KHCN_TYLE": None}


def load_indicators(*, actor, seed: int = 57) -> int:
    """Create the demo indicators, targets, values (approved per unit and year) and ward-level synthetic data."""
    if Indicator.objects.filter(code="TFP_GRDP").exists():
        return 0
    city = Unit.objects.get(code=HCMC_CODE)  # the programme's figures are Ho Chi Minh City's (seed articles)
    department = Unit.objects.get(code="79.SKHCN")
    for code, name, kind, measure, value_type, values, targets in CITY:
        indicator = indicator_create(actor=actor, owner=department, code=code, name=name, kind=kind, measure=measure, value_type=value_type,
                                     period_type="yearly", aggregation="none", reporting_units=[city], source=S002 if "Seed 002" in str(values) else S000)
        for year, (value, status, comment, source) in values.items():
            value_set(actor=actor, indicator=indicator, unit=city, period=str(year), value=Decimal(str(value)), status=status, comment=comment, source=source)
        for year, (low, high, label) in targets.items():
            target_set(actor=actor, indicator=indicator, unit=city, year=year, value=Decimal(str(low)),
                       value_high=None if high is None else Decimal(str(high)), label=label, source=S003)
        if code in BASELINES and BASELINES[code]:
            first = values[BASELINES[code]][0]
            target_set(actor=actor, indicator=indicator, unit=city, year=BASELINES[code], value=Decimal(str(first)), kind="baseline", source=S000)
    indicator_create(actor=actor, owner=department, code="NS_KHCN_TYLE_DT", name="Tỷ lệ dự toán chi KH-CN, ĐMST, CĐS trên tổng dự toán chi",
                     kind="strategic", measure="%", value_type="percent", period_type="yearly", aggregation="none", reporting_units=[city],
                     formula="NS_KHCN_DUTOAN / NS_TONG_DUTOAN * 100", source=S002, methodology="12.705 ÷ 305.606 tỷ đồng (dự toán 2026)")
    for code, (year, value, label) in SYNTHETIC_TARGETS.items():
        indicator = Indicator.objects.get(code=code)
        target_set(actor=actor, indicator=indicator, unit=city, year=year, value=Decimal(str(value)), label=f"{label} ({SYNTHETIC})",
                   source="synthetic")
        values = CITY_VALUES.get(code)
        if values and min(values) < year:  # the first reported figure is the baseline of the on-track path
            first, (value0, _status, _comment, source) = min(values.items())
            target_set(actor=actor, indicator=indicator, unit=city, year=first, value=Decimal(str(value0)), kind="baseline", source=source)
    _wards(actor, city, random.Random(seed))
    for year in (2023, 2024, 2025, 2026):
        if city.indicator_values.filter(period=str(year)).exists():
            values_submit(actor=actor, unit=city, period=str(year))
            values_approve(actor=actor, unit=city, period=str(year))
    return Indicator.objects.count()


def _wards(actor, city, rng: random.Random) -> None:
    """Ward-level dossier indicators with SYNTHETIC values for 2025 (approved) — labelled as such."""
    office = Unit.objects.get(code="79.VP")
    common = {"actor": actor, "owner": office, "kind": "operational", "period_type": "yearly", "communes_of": city}
    received = indicator_create(code="HS_TIEPNHAN", name="Số hồ sơ thủ tục hành chính tiếp nhận", measure="hồ sơ", value_type="count",
                                aggregation="sum", source="Hệ thống một cửa điện tử (DỮ LIỆU GIẢ LẬP cho demo)", **common)
    online = indicator_create(code="HS_TRUCTUYEN", name="Số hồ sơ tiếp nhận trực tuyến", measure="hồ sơ", value_type="count",
                              aggregation="sum", source="Hệ thống một cửa điện tử (DỮ LIỆU GIẢ LẬP cho demo)", **common)
    on_time = indicator_create(code="HS_DUNGHAN_XA", name="Tỷ lệ hồ sơ giải quyết đúng hạn cấp xã", measure="%", value_type="percent",
                               aggregation="weighted_mean", weight_indicator=received, source="DỮ LIỆU GIẢ LẬP cho demo; số thật cấp xã 2025: 99,44% [002]",
                               **common)
    online_share = indicator_create(code="TYLE_TRUCTUYEN", name="Tỷ lệ hồ sơ tiếp nhận trực tuyến", measure="%", value_type="percent", aggregation="none",
                     formula="HS_TRUCTUYEN / HS_TIEPNHAN * 100", source="Tính từ HS_TRUCTUYEN và HS_TIEPNHAN", **common)
    rule_create(actor=actor, indicator=online, kind="compare", params={"op": "<=", "expression": "HS_TIEPNHAN"},
                message="Số hồ sơ trực tuyến không thể lớn hơn số hồ sơ tiếp nhận.")
    rule_create(actor=actor, indicator=received, kind="jump", params={"max_change": 0.5}, severity="comment",
                message="Số hồ sơ tiếp nhận thay đổi hơn 50% so với năm trước: cần ghi chú giải thích.")
    target_set(actor=actor, indicator=on_time, unit=city, year=2025, value=Decimal(95), label="95% (DỮ LIỆU GIẢ LẬP)", source="synthetic")
    target_set(actor=actor, indicator=online_share, unit=city, year=2026, value=Decimal(80), label="80% (DỮ LIỆU GIẢ LẬP)", source="synthetic")
    for ward in Unit.objects.filter(parent=city, kind="commune"):
        n = rng.randint(4000, 40000)
        label = "DỮ LIỆU GIẢ LẬP"
        value_set(actor=actor, indicator=received, unit=ward, period="2025", value=Decimal(n), comment=label, source="synthetic")
        value_set(actor=actor, indicator=online, unit=ward, period="2025", value=Decimal(int(n * rng.uniform(0.35, 0.85))), comment=label, source="synthetic")
        value_set(actor=actor, indicator=on_time, unit=ward, period="2025", value=Decimal(str(round(rng.uniform(97.5, 100), 2))), comment=label, source="synthetic")
        values_submit(actor=actor, unit=ward, period="2025")
        values_approve(actor=actor, unit=ward, period="2025")
