"""A statistician opens the statistical audit of the ASEM run from its ranking and reads the statistics table, the
correlation heatmaps and the sensitivity analysis."""

import pytest
from playwright.sync_api import expect

from dieuhanh.indices.services import index_run, uncertainty_run
from tests.conftest import CITY, SYSTEM

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def asem_runs(asem):
    framework, dataset, methodology = asem
    run = index_run(actor=SYSTEM, framework=framework, dataset=dataset, methodology=methodology, year=2018)
    uncertainty_run(actor=SYSTEM, framework=framework, dataset=dataset, methodology=methodology, year=2018, replications=20)
    return run


def test_the_audit_of_the_asem_run_shows_statistics_heatmaps_and_sensitivity(page, make_user, asem_runs, sign_in):
    make_user("thongke", CITY, "viewer")
    sign_in(page, "thongke")
    page.goto(f"/indices/ASEM/?run={asem_runs.pk}")
    page.get_by_role("link", name="Kiểm định thống kê").click()
    expect(page.locator("#audit-title")).to_contain_text("Kiểm định thống kê")
    expect(page.locator("#audit-statistics tbody tr")).to_have_count(49)
    expect(page.locator('#audit-statistics tr[data-icode="Flights"]')).to_have_class("flagged")
    expect(page.locator("#audit-treatment tbody tr")).to_have_count(15)
    expect(page.locator("#corr-overview canvas")).to_be_visible()
    expect(page.locator("#corr-group-chart canvas")).to_be_visible()
    page.locator("#corr-group").select_option(label="Social (Social)")
    expect(page.locator("#corr-group-chart canvas")).to_be_visible()
    expect(page.locator('#audit-groups tr[data-icode="Social"] td.coherent')).to_contain_text("✓")
    expect(page.locator("#weights-chart svg")).to_be_visible()
    expect(page.locator("#audit-sensitivity tbody tr").first).to_contain_text("Điền giá trị thiếu")
    expect(page.locator("#audit-removal tbody tr")).to_have_count(8)
