"""The demo's initiatives and awards: labelled synthetic, at every stage, loaded once."""

from __future__ import annotations

import pytest
from django.test import Client

from dieuhanh.demo.emulation import load_emulation
from dieuhanh.emulation.models import AwardRound, Initiative, Proposal, Registration
from tests.conftest import SYSTEM

pytestmark = pytest.mark.django_db


def test_the_demo_step_makes_labelled_synthetic_initiatives_and_rounds_once(hcmc):
    assert load_emulation(actor=SYSTEM) == 4
    assert load_emulation(actor=SYSTEM) == 0
    assert sorted(Initiative.objects.values_list("status", flat=True)) == ["received", "recognised", "recognised", "under_review"]
    assert all(Initiative.objects.values_list("synthetic", flat=True)) and all(Registration.objects.values_list("synthetic", flat=True))
    assert sorted(AwardRound.objects.values_list("status", "synthetic")) == [("consultation", True), ("decided", True)]
    assert list(Proposal.objects.filter(status="approved").values_list("nominee_name", flat=True)) == ["Cá nhân giả lập Sài Gòn"]
    posted = AwardRound.objects.get(status="consultation")
    public = Client().get(f"/cong-khai/khen-thuong/{posted.pk}/").content.decode()
    assert "DỮ LIỆU GIẢ LẬP" in public and "Phần bảo mật giả lập" not in Client().get("/cong-khai/sang-kien/").content.decode()
