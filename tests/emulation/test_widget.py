"""The cockpit widget "initiatives": counts by stage and scope within the reader's reach, each stage linking to the
register filtered to it (the register lists as many)."""

from __future__ import annotations

import re

import pytest

from dieuhanh.cockpit.services import dashboard_create, dashboard_widget_add
from tests.cockpit.pages import get, links
from tests.conftest import BEN_THANH, SAI_GON, SYSTEM
from tests.emulation.conftest import apply, recognise

pytestmark = pytest.mark.django_db


def test_the_widget_counts_what_the_reader_sees(hcmc, make_user, web_client):
    recognise(apply(SYSTEM, hcmc[BEN_THANH]), scope="city")
    apply(SYSTEM, hcmc[BEN_THANH], title="Sổ tay số")
    apply(SYSTEM, hcmc[SAI_GON], title="Sáng kiến Sài Gòn")
    client = web_client("lanhdao.bt", BEN_THANH, "approver")
    from dieuhanh.accounts.models import User

    owner = User.objects.get(username="lanhdao.bt")
    d = dashboard_create(actor=owner, title="Sáng kiến")
    dashboard_widget_add(actor=owner, dashboard=d, expected_version=d.version, widget="initiatives")
    page = get(client, f"/dashboards/{d.pk}/")
    [(url, total)] = links(page, 'data-count="total"')
    assert total == "2"  # Bến Thành's two; Sài Gòn's is out of reach
    stages = {u: n for u, n in links(page) if "?status=" in u}
    assert stages == {"/sang-kien/?status=received": "1", "/sang-kien/?status=under_review": "0", "/sang-kien/?status=recognised": "1",
                      "/sang-kien/?status=refused": "0"}
    register = get(client, "/sang-kien/?status=received")
    assert len(re.findall(r'href="/sang-kien/\d+/"', register)) == 1
