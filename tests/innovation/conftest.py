"""A call of Sở KH&CN (79.SKHCN) with three criteria, published (open until 15/12/2026); two verified proposers (an
enterprise and a university) and a citizen; council members from the department and the city."""

from __future__ import annotations

import pytest

from dieuhanh.innovation import services
from dieuhanh.innovation.models import Call, Proposer
from tests.conftest import DEPARTMENT, PASSWORD, SYSTEM, D

CRITERIA = [("Phù hợp nhu cầu", 50), ("Khả thi, chi phí", 30), ("Năng lực nhóm", 20)]


def make_proposer(email: str, kind: str = "enterprise", name: str = "Công ty TNHH Giải Pháp Số", tax_code: str = "0312345678") -> Proposer:
    p = services.proposer_register(actor=SYSTEM, email=email, password=PASSWORD, kind=kind, name=name, tax_code=tax_code)

    token = services.verification_token(p.user)
    return services.proposer_verify(actor=SYSTEM, token=token)


@pytest.fixture
def call(hcmc) -> Call:
    c = services.call_create(actor=SYSTEM, owner=hcmc[DEPARTMENT], title="Giám sát ngập bằng cảm biến IoT", need="Cảnh báo ngập sớm",
                             criteria=CRITERIA, field="environment", budget=5_000_000_000, closes_on=D(2026, 12, 15),
                             evaluation_by=D(2027, 1, 15), rules="Thể lệ: giải pháp đã thử nghiệm.")
    return services.call_move(actor=SYSTEM, call=c, expected_version=c.version, to="published")


@pytest.fixture
def proposers(db):
    return {"a": make_proposer("a@congty.vn"),
            "b": make_proposer("b@daihoc.edu.vn", kind="university", name="Trường Đại học Bách khoa", tax_code="0301234567-001"),
            "citizen": make_proposer("dan@gmail.com", kind="citizen", name="Nguyễn Văn Dân", tax_code="")}


def proposal_of(call, proposer, title="Mạng cảm biến ngập LoRa"):
    return services.proposal_submit(actor=proposer.user, call=call, title=title, summary="Tóm tắt", description="Mô tả đầy đủ",
                                    rules_accepted=True, budget=1_000_000_000)
