"""The demo's initiatives and awards: the city's innovation and digital-transformation emulation movement (launched
by the plan of 18/7/2025, 2025–2027; from the seed article) with SYNTHETIC registrations, a few SYNTHETIC initiatives
at every stage, a decided round of awards of 2025 and a round of 2026 posted for public comment. Everything made up
is marked ``synthetic`` and labelled on every page and export; dates are relative to today."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from dieuhanh.emulation import services
from dieuhanh.emulation.models import AwardForm, Initiative, Movement
from dieuhanh.units.models import Unit

MOVEMENT = ("DMST-CDS-2025-2027", "Phong trào thi đua đổi mới sáng tạo và chuyển đổi số giai đoạn 2025–2027",
            "Kế hoạch phát động phong trào thi đua đổi mới sáng tạo và chuyển đổi số của Thành phố, 18/7/2025 (bài báo nguồn)")
# unit, title, field, substance, benefit, days ago received, (scope, days ago decided) | "review" | None
INITIATIVES = [
    ("26743", "Trợ lý ảo hướng dẫn thủ tục hành chính tại bộ phận một cửa (giả lập)", "digital",
     "Trợ lý ảo trả lời câu hỏi về 120 thủ tục hành chính cấp phường, tích hợp trên Zalo và cổng dịch vụ công.",
     "Giảm khoảng 40 % lượt hỏi trực tiếp tại bộ phận một cửa.", 200, ("city", 120)),
    ("26740", "Số hoá sổ hộ tịch bằng quy trình hai lần nhập, một lần đối chiếu (giả lập)", "public_service",
     "Quy trình nhập liệu hai lần độc lập, đối chiếu tự động các trường khác nhau trước khi ghi vào cơ sở dữ liệu.",
     "Tỷ lệ sai sót nhập liệu giảm từ 3 % xuống dưới 0,5 %.", 150, ("unit", 90)),
    ("26732", "Bản đồ số điểm phát sóng và vùng lõm sóng di động trên đặc khu (giả lập)", "technique",
     "Thu thập đo đạc cường độ sóng bằng điện thoại của cán bộ, hiển thị trên bản đồ số dùng chung.", "Xác định 14 vùng lõm sóng để ưu tiên lắp trạm.",
     40, "review"),
    ("79.SKHCN", "Mẫu hồ sơ điện tử dùng chung cho nhiệm vụ khoa học cấp cơ sở (giả lập)", "management",
     "Bộ mẫu hồ sơ điện tử và quy trình ký số cho nhiệm vụ khoa học cấp cơ sở.", "Rút ngắn thời gian xét duyệt từ 45 xuống 20 ngày.", 6, None),
]
AUTHORS = [{"name": "Tác giả giả lập A", "workplace": "Đơn vị giả lập", "share": Decimal("70")},
           {"name": "Tác giả giả lập B", "workplace": "Đơn vị giả lập", "share": Decimal("30")}]


def load_emulation(*, actor, today: dt.date | None = None) -> int:
    """Create the movement, initiatives and rounds (nothing if the demo's initiatives exist); returns the initiatives made."""
    if Initiative.objects.filter(synthetic=True).exists():
        return 0
    today = today or timezone.localdate()
    units = {u.code: u for u in Unit.objects.filter(code__in=["79", "26743", "26740", "26732", "79.SKHCN"])}
    if len(units) < 5:
        return 0
    ago = lambda days: today - dt.timedelta(days=days)
    movement = Movement.objects.filter(code=MOVEMENT[0]).first() or services.movement_launch(
        actor=actor, unit=units["79"], code=MOVEMENT[0], title=MOVEMENT[1], starts_on=dt.date(2025, 7, 18), ends_on=dt.date(2027, 12, 31),
        source=MOVEMENT[2], description="Kêu gọi doanh nghiệp, cơ quan, tổ chức, cá nhân, nhà khoa học, doanh nhân đóng góp sáng kiến.")
    for code, commitment in (("26743", "100 % thủ tục đủ điều kiện được cung cấp trực tuyến toàn trình (cam kết giả lập)."),
                             ("26740", "Mỗi công chức có ít nhất một giải pháp cải tiến mỗi năm (cam kết giả lập).")):
        if not movement.registrations.filter(unit=units[code]).exists():
            services.movement_register(actor=actor, movement=movement, unit=units[code], commitments=commitment, on=ago(100), synthetic=True)
    made = {}
    for code, title, field, substance, benefit, received, outcome in INITIATIVES:
        item = services.initiative_apply(actor=actor, unit=units[code], title=title, field=field, substance=substance, benefit_author=benefit,
                                         confidential="Phần bảo mật giả lập: không bao giờ hiển thị công khai.", authors=AUTHORS,
                                         first_applied_on=ago(received + 60), on=ago(received), synthetic=True)
        if outcome is not None:
            item = services.initiative_council_name(actor=actor, initiative=item, expected_version=item.version, on=ago(received - 10),
                                                    members="Chủ tịch hội đồng (giả lập)\nThành viên (giả lập)")
        if isinstance(outcome, tuple):
            scope, decided = outcome
            item = services.initiative_decide(actor=actor, initiative=item, expected_version=item.version, recognise=True, scope=scope,
                                              minutes="Hội đồng thống nhất đề nghị công nhận (biên bản giả lập).", decision_no="GL/QĐ",
                                              on=ago(decided))
        made[code] = item
    forms = {f.code: f for f in AwardForm.objects.all()}
    past = services.award_round_open(actor=actor, unit=units["79"], title="Khen thưởng phong trào đổi mới sáng tạo năm 2025 (giả lập)",
                                     year=2025, movement=movement, synthetic=True)
    earlier = services.award_propose(actor=actor, award_round=past, unit=units["26740"], form=forms["bang_khen_chu_tich"], nominee_kind="person",
                                     nominee_name="Cá nhân giả lập Sài Gòn", period=2025, achievements="Thành tích giả lập.",
                                     summary="Số hoá sổ hộ tịch của phường (giả lập)", initiatives=[made["26740"]], on=ago(80))
    past = services.award_round_post(actor=actor, award_round=past, expected_version=past.version, on=ago(75))
    services.award_round_decide(actor=actor, award_round=past, expected_version=past.version, decisions={earlier.pk: True},
                                minutes="Biên bản họp hội đồng thi đua - khen thưởng (giả lập).", decision_no="GL-2025/QĐ-UBND", on=ago(45))
    current = services.award_round_open(actor=actor, unit=units["79"], title="Khen thưởng phong trào đổi mới sáng tạo năm 2026 (giả lập)",
                                        year=2026, movement=movement, synthetic=True)
    services.award_propose(actor=actor, award_round=current, unit=units["26743"], form=forms["bang_khen_chu_tich"], nominee_kind="person",
                           nominee_name="Cá nhân giả lập Bến Thành", period=2026, achievements="Thành tích giả lập.",
                           summary="Xây dựng trợ lý ảo hướng dẫn thủ tục hành chính (giả lập)", initiatives=[made["26743"]], on=ago(5))
    services.award_propose(actor=actor, award_round=current, unit=units["26743"], form=forms["tap_the_ldxs"], nominee_kind="collective",
                           nominee_name="Bộ phận một cửa phường Bến Thành (giả lập)", period=2026, achievements="Thành tích giả lập.",
                           summary="Giải quyết hồ sơ đúng hạn 99 % (giả lập)", on=ago(5))
    services.award_round_post(actor=actor, award_round=current, expected_version=current.version, on=ago(3))
    return len(made)
