"""The demo's difficulties register: a handful of SYNTHETIC items (marked ``synthetic``, labelled on every page and
export) at each step of the workflow, raised by real HCMC units and dated relative to today so that ageing,
overdue handling and the age buckets all show."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from dieuhanh.difficulties.models import Difficulty
from dieuhanh.difficulties.services import difficulty_answer, difficulty_assign, difficulty_close, difficulty_raise
from dieuhanh.indicators.models import Indicator
from dieuhanh.plans.models import Task
from dieuhanh.units.models import Unit

# unit, category, content, proposal, addressed to, days ago raised,
# (handling unit, days ago assigned, deadline in days from then) or None, days ago answered and answer or None,
# (days ago closed, outcome, note) or None, linked task lead (the unit's first task of plan 4354) / indicator code
ITEMS = [
    ("26743", "funding", "Thiếu kinh phí trang bị máy tính cho điểm hỗ trợ người dân sử dụng dịch vụ công trực tuyến.",
     "Đề nghị bổ sung kinh phí từ nguồn chi chuyển đổi số năm 2027.", "79.BCD57", 75, ("79.STC", 70, 30), None, None, "task", None),
    ("26743", "technology", "Chưa kết nối được dữ liệu dân cư với hệ thống một cửa của phường.",
     "Đề nghị Sở Khoa học và Công nghệ hướng dẫn kết nối qua nền tảng tích hợp, chia sẻ dữ liệu.", "79.BCD57", 40,
     ("79.SKHCN", 38, 28), (12, "Sở đã cấp tài khoản kết nối và cử cán bộ hỗ trợ phường từ tuần sau."), None, None, "TYLE_TRUCTUYEN"),
    ("26740", "institutions", "Chưa có quy định về thử nghiệm có kiểm soát cho thanh toán không dùng tiền mặt tại chợ truyền thống.",
     "Kiến nghị Trung ương ban hành khung thể chế thử nghiệm có kiểm soát.", "79.BCD57", 120, ("79.STP", 110, 30),
     (85, "Vượt thẩm quyền của Thành phố; đề nghị kiến nghị Bộ Tư pháp."), (60, "escalated", "Đã kiến nghị Bộ Tư pháp."), None, None),
    ("79.SKHCN", "personnel", "Thiếu nhân lực chuyên trách an toàn thông tin cho các hệ thống dùng chung.",
     "Đề xuất cơ chế thu hút chuyên gia an toàn thông tin với mức thu nhập đặc thù.", "79.BCD57", 20, None, None, None, None, None),
    ("26732", "land", "Vướng mặt bằng lắp đặt trạm phát sóng 5G tại khu dân cư.", "Đề nghị Sở Xây dựng hướng dẫn thủ tục cho thuê mặt bằng.",
     "79.BCD57", 100, ("79.SXD", 95, 30), (70, "Sở đã ban hành văn bản hướng dẫn thủ tục."), (50, "resolved", ""), None, None),
    ("26743", "coordination", "Chưa rõ đầu mối phối hợp giữa phường và Trung tâm Chuyển đổi số Thành phố khi triển khai nền tảng số.",
     "Đề nghị phân công đầu mối liên hệ cố định.", "79.BCD57", 5, None, None, None, None, None),
]


def load_difficulties(*, actor, today: dt.date | None = None) -> int:
    """Create the synthetic items (none if the register already holds synthetic ones); returns how many."""
    if Difficulty.objects.filter(synthetic=True).exists():
        return 0
    today = today or timezone.localdate()
    units = {u.code: u for u in Unit.objects.filter(code__in={c for i in ITEMS for c in (i[0], i[4], (i[6] or ("",))[0])})}
    made = 0
    for unit, category, content, proposal, addressed, raised, assign, answer, close, task, indicator in ITEMS:
        if unit not in units or addressed not in units:
            continue
        linked_task = Task.objects.filter(lead_unit__code=unit, parent__isnull=True).order_by("plan_id", "id").first() if task else None
        item = difficulty_raise(actor=actor, unit=units[unit], category=category, content=content, proposal=proposal,
                                addressed_to=units[addressed], task=linked_task,
                                indicator=Indicator.objects.filter(code=indicator).first() if indicator else None,
                                on=today - dt.timedelta(days=raised), synthetic=True)
        made += 1
        if assign is None or assign[0] not in units:
            continue
        handler, assigned, within = assign
        assigned_on = today - dt.timedelta(days=assigned)
        item = difficulty_assign(actor=actor, difficulty=item, expected_version=item.version, handling_unit=units[handler],
                                 deadline=assigned_on + dt.timedelta(days=within), note="Dữ liệu giả lập (demo).", on=assigned_on)
        if answer is not None:
            item = difficulty_answer(actor=actor, difficulty=item, expected_version=item.version, answer=answer[1],
                                     on=today - dt.timedelta(days=answer[0]))
        if close is not None:
            difficulty_close(actor=actor, difficulty=item, expected_version=item.version, outcome=close[1], note=close[2],
                             on=today - dt.timedelta(days=close[0]))
    return made
