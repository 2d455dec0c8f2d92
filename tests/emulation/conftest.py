"""Fixtures of initiatives and awards on real HCMC units: an official of Phường Bến Thành applies, the ward's leader
names the council and proposes awards, the city's steering committee recognises at city scope and runs the city's
round of awards."""

from __future__ import annotations

import pytest

from dieuhanh.emulation import services
from dieuhanh.emulation.models import AwardForm
from tests.conftest import BEN_THANH, CITY, SYSTEM

AUTHORS = [
    {"name": "Nguyễn Thị Lan", "born_on": None, "workplace": "UBND phường Bến Thành", "job_title": "Công chức", "qualification": "Kỹ sư",
     "share": "70"},
    {"name": "Trần Văn Minh", "workplace": "UBND phường Bến Thành", "share": "30"},
]


def apply(actor, unit, **changes):
    data = {"title": "Chatbot trả lời thủ tục hành chính", "field": "digital", "substance": "Trợ lý ảo trả lời 300 câu hỏi thường gặp",
            "benefit_author": "Giảm 40 % cuộc gọi", "confidential": "Khoá API và bộ dữ liệu huấn luyện nội bộ", "authors": AUTHORS}
    return services.initiative_apply(actor=actor, unit=unit, **{**data, **changes})


def recognise(item, scope="city", actor=SYSTEM):
    item = services.initiative_council_name(actor=actor, initiative=item, expected_version=item.version, members="Ông A, Chủ tịch")
    return services.initiative_decide(actor=actor, initiative=item, expected_version=item.version, recognise=True, scope=scope,
                                      minutes="Hội đồng thống nhất công nhận", decision_no="12/QĐ")


@pytest.fixture
def cast(make_user):
    return {"official": make_user("canbo", BEN_THANH, "reporter"), "leader": make_user("lanhdao", BEN_THANH, "approver"),
            "city": make_user("thanhpho", CITY, "steering")}


@pytest.fixture
def city_round(hcmc):
    return services.award_round_open(actor=SYSTEM, unit=hcmc[CITY], title="Khen thưởng phong trào ĐMST 2026", year=2026)


@pytest.fixture
def form():
    return lambda code: AwardForm.objects.get(code=code)
