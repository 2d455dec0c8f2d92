"""A steering member opens the ward digital-transformation ranking, sees the rank intervals, and opens one ward's scorecard."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from dieuhanh.indices.services import uncertainty_run
from dieuhanh.indices.models import Framework
from dieuhanh.indices.selectors import latest_run
from tests.conftest import SYSTEM

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def ward_index(hcmc):
    from dieuhanh.indicators.services import indicator_create, value_set, values_approve, values_submit
    from dieuhanh.indices.shipped import load_shipped
    from dieuhanh.indices.ward import ward_index as compute

    common = {"actor": SYSTEM, "owner": hcmc["79.VP"], "kind": "operational", "period_type": "yearly", "communes_of": hcmc["79"]}
    received = indicator_create(code="HS_TIEPNHAN", name="Số hồ sơ tiếp nhận", value_type="count", aggregation="sum", **common)
    online = indicator_create(code="HS_TRUCTUYEN", name="Số hồ sơ trực tuyến", value_type="count", aggregation="sum", **common)
    on_time = indicator_create(code="HS_DUNGHAN_XA", name="Tỷ lệ đúng hạn cấp xã", value_type="percent", aggregation="weighted_mean",
                               weight_indicator=received, **common)
    indicator_create(code="TYLE_TRUCTUYEN", name="Tỷ lệ trực tuyến", value_type="percent", aggregation="none",
                     formula="HS_TRUCTUYEN / HS_TIEPNHAN * 100", **common)
    wards = sorted(c for c, u in hcmc.items() if u.kind == "commune" and u.parent_id == hcmc["79"].pk)[:12]
    for i, code in enumerate(wards):
        value_set(actor=SYSTEM, indicator=received, unit=hcmc[code], period="2026", value=Decimal(1000))
        value_set(actor=SYSTEM, indicator=online, unit=hcmc[code], period="2026", value=Decimal(300 + 40 * i))
        value_set(actor=SYSTEM, indicator=on_time, unit=hcmc[code], period="2026", value=Decimal(str(95 + (i * 7) % 5)))
        values_submit(actor=SYSTEM, unit=hcmc[code], period="2026")
        values_approve(actor=SYSTEM, unit=hcmc[code], period="2026")
    load_shipped(actor=SYSTEM, codes=["PHUONG_CDS"])
    compute(actor=SYSTEM, year=2026, run=True)
    framework = Framework.objects.get(code="PHUONG_CDS")
    run = latest_run(framework)
    uncertainty_run(actor=SYSTEM, framework=framework, dataset=run.dataset, methodology=run.methodology, year=2026, replications=50)
    return run, wards


def test_ward_ranking_with_intervals_and_a_ward_scorecard(page, make_user, ward_index, sign_in):
    run, wards = ward_index
    make_user("bcd.xem", "79", "steering")
    sign_in(page, "bcd.xem")
    page.goto("/")
    page.get_by_role("link", name="Chỉ số tổng hợp").click()
    page.get_by_role("link", name="PHUONG_CDS").click()
    page.goto(f"/indices/PHUONG_CDS/?run={run.pk}")
    expect(page.locator("#ranking tbody tr")).to_have_count(12)
    first = page.locator("#ranking tbody tr").first
    expect(first.locator("td").first).to_have_text("1")
    expect(first.locator("td").nth(-1)).to_contain_text("–")  # its 5–95 % rank interval
    expect(page.locator("#rank-chart svg")).to_be_visible()
    name = first.locator("td").nth(1).inner_text()
    first.locator("td a").first.click()
    expect(page.locator("#scorecard-title")).to_have_text(name)
    expect(page.locator("#scores tbody tr").first).to_contain_text("Chỉ số chuyển đổi số cấp xã")
    expect(page.locator("#scores tbody tr").first).to_contain_text("1/12")
    expect(page.locator("#pillar-chart svg")).to_be_visible()
    expect(page.locator("#trend tbody tr")).to_have_count(1)
