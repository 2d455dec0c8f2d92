"""The demo's ordered problems and support programmes: a few SYNTHETIC calls (marked ``synthetic``, labelled on every
page) owned by real HCMC departments, at different stages — one open for proposals, one under evaluation, one whose
solution is in use — and a support programme with a recipient; their proposers are synthetic organisations with
made-up tax codes. No public source lists the city's 22 ordered problems: these are examples, not the city's."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from dieuhanh.accounts.models import User
from dieuhanh.innovation import services
from dieuhanh.innovation.models import Call
from dieuhanh.units.models import Unit

CRITERIA = [("Đáp ứng nhu cầu", 40), ("Tính khả thi và chi phí", 30), ("Năng lực nhóm thực hiện", 30)]
PROPOSERS = [("demo.doanhnghiep@example.vn", "enterprise", "Công ty TNHH Giải pháp Đô thị Minh họa (demo)", "0399999901"),
             ("demo.daihoc@example.edu.vn", "university", "Trường Đại học Minh họa (demo)", "0399999902")]
PASSWORD = "demo-de-xuat-2026"


def load_innovation(*, actor, today: dt.date | None = None) -> int:
    """Create the synthetic calls (none if synthetic ones exist); returns how many."""
    if Call.objects.filter(synthetic=True).exists():
        return 0
    day = today or timezone.localdate()
    units = {u.code: u for u in Unit.objects.filter(code__in=["79.SKHCN", "79.SXD", "79.SYT", "26743"])}
    if len(units) < 4:
        return 0
    proposers = [services.proposer_register(actor=actor, email=e, password=PASSWORD, kind=k, name=n, tax_code=t, verified=True)
                 for e, k, n, t in PROPOSERS]
    council = list(User.objects.filter(username__in=["skhcn.lanhdao", "skhcn.canbo"]))

    def call(owner, title, need, kind="problem", field="other"):
        c = services.call_create(actor=actor, owner=units[owner], kind=kind, title=title, need=need, criteria=CRITERIA, field=field,
                                 budget=3_000_000_000, closes_on=day + dt.timedelta(days=30), evaluation_by=day + dt.timedelta(days=60),
                                 eligibility="Doanh nghiệp, viện, trường, người dân", synthetic=True)
        return services.call_move(actor=actor, call=c, expected_version=c.version, to="published")

    def propose(c, proposer, title):
        return services.proposal_submit(actor=proposer.user, call=c, title=title, summary=f"{title} (minh họa)",
                                        description="Nội dung minh họa cho bản trình diễn.", rules_accepted=True, budget=900_000_000)

    def to_evaluation(c):
        c = services.call_move(actor=actor, call=c, expected_version=c.version, to="closed")
        c = services.council_set(actor=actor, call=c, expected_version=c.version, members=council)
        return services.call_move(actor=actor, call=c, expected_version=c.version, to="evaluation")

    call("79.SXD", "Giảm ùn tắc tại các nút giao trọng điểm bằng điều khiển đèn thích ứng (minh họa)",
         "Thời gian chờ tại nút giao giờ cao điểm vượt 5 phút.", field="transport")
    c = call("79.SYT", "Hẹn khám và trả kết quả xét nghiệm trực tuyến cho bệnh viện quận (minh họa)",
             "Người bệnh chờ lâu, giấy tờ thủ công.", field="health")
    propose(c, proposers[0], "Nền tảng hẹn khám một chạm")
    propose(c, proposers[1], "Ứng dụng trả kết quả xét nghiệm")
    to_evaluation(c)
    c = call("79.SKHCN", "Cảnh báo ngập bằng cảm biến IoT (minh họa)", "Cảnh báo ngập chậm, thiệt hại cho người dân.", field="environment")
    chosen = propose(c, proposers[0], "Mạng cảm biến mực nước LoRaWAN")
    c = to_evaluation(c)
    c = services.call_select(actor=actor, call=c, expected_version=c.version, selected=[chosen.pk], minutes="Biên bản họp minh họa.",
                             reasons="Điểm cao nhất (minh họa).")
    c = services.call_move(actor=actor, call=c, expected_version=c.version, to="contracted")
    c = services.call_accept(actor=actor, call=c, expected_version=c.version, passed=True, note="Nghiệm thu đạt (minh họa).")
    services.adoption_add(actor=actor, call=c, expected_version=c.version, unit=units["26743"], since=day, result="Cảnh báo sớm 30 phút (minh họa).")
    g = call("79.SKHCN", "Hỗ trợ không hoàn lại cho dự án đổi mới sáng tạo 2027 (minh họa)", "Thúc đẩy đổi mới sáng tạo.", kind="grant")
    funded = propose(g, proposers[1], "Vật liệu xây dựng tái chế")
    g = to_evaluation(g)
    services.call_select(actor=actor, call=g, expected_version=g.version, selected=[funded.pk], minutes="Biên bản minh họa.",
                         reasons="Đủ điều kiện (minh họa).", amounts={funded.pk: 500_000_000})
    return 4
