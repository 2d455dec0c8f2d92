"""An anonymous visitor walks the public portal: reads the programme, opens a task card and its deadline history, an
indicator and its method, a ward's Decision 766 scorecard (the hand-computed March 2026 numbers of
``tests/dossiers/hand_made.py``), and downloads a CSV. No login is ever asked for."""

from __future__ import annotations

import csv
import re

import pytest
from playwright.sync_api import expect

from dieuhanh.portal.services import release_publish
from tests.portal.conftest import AS_OF, people, world  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_anonymous_walk_through_the_portal(page, store, tmp_path, request):
    scene = request.getfixturevalue("world")  # tests/portal/conftest.py's small published world, imported above
    release_publish(actor=scene["steering"], city=scene["steering"].role_assignments.get().unit, as_of=AS_OF, periods=["2026-03"])
    page.goto("/cong-khai/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Chương trình: Thành phố đã cam kết gì và đã làm được gì")
    expect(page.get_by_text("Số liệu chính thức đến ngày 30/06/2026")).to_be_visible()
    goals = page.get_by_role("table").filter(has_text="Tỷ trọng kinh tế số trong GRDP")
    expect(goals.get_by_role("row", name=re.compile("Tỷ trọng kinh tế số trong GRDP"))).to_contain_text("24,5 %")
    expect(goals).to_contain_text("30–40 %")

    # A task group, then the fund's card with its deadline history.
    page.get_by_role("link", name="4. Hạ tầng số, nền tảng và dịch vụ số").click()
    page.get_by_role("link", name="Thành lập Quỹ đầu tư mạo hiểm").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thành lập Quỹ đầu tư mạo hiểm")
    history = page.locator("ol.events li")
    expect(history).to_have_count(2)
    expect(history.nth(0)).to_contain_text("giao thời hạn: 31/03/2026")
    expect(history.nth(1)).to_contain_text("20/03/2026")
    expect(history.nth(1)).to_contain_text("gia hạn từ 31/03/2026 đến 30/09/2026")

    # An indicator and its method.
    page.get_by_role("navigation", name="Cổng công khai").get_by_role("link", name="Chỉ tiêu").click()
    page.get_by_role("link", name="Tỷ trọng kinh tế số trong GRDP").click()
    expect(page.locator("dd.method")).to_have_text("Giá trị tăng thêm của kinh tế số chia cho GRDP theo giá hiện hành")

    # A ward's Decision 766 scorecard: Bến Thành, March 2026, 90,32 points, 5 points lost on 2.1.
    page.get_by_role("navigation", name="Cổng công khai").get_by_role("link", name="Chỉ số phục vụ (QĐ 766)").click()
    row = page.get_by_role("row", name=re.compile("Phường Bến Thành"))
    expect(row).to_contain_text("90,32")
    expect(row).to_contain_text("xuất sắc")
    row.get_by_role("link", name="Phường Bến Thành").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kết quả Quyết định 766: Phường Bến Thành")
    on_time = page.get_by_role("row", name=re.compile(r"^2\.1 "))
    expect(on_time.locator("td").nth(0)).to_have_text("75,00 %")
    expect(on_time.locator("td").nth(3)).to_have_text("5,00")

    # Download the table beside the chart as CSV: the same numbers, machine-readable.
    with page.expect_download() as info:
        page.get_by_role("link", name="CSV").first.click()
    path = tmp_path / "indicators.csv"
    info.value.save_as(path)
    rows = list(csv.DictReader(path.read_text(encoding="utf-8-sig").splitlines()))
    mine = next(r for r in rows if r["unit_code"] == "26743" and r["indicator"] == "2.1")
    assert (mine["period"], float(mine["rate"]), float(mine["points"]), float(mine["earned"]), float(mine["lost"])) == ("2026-03", 0.75, 20, 15, 5)


def test_the_public_pages_pass_axe_core_at_wcag_2_1_aa(page, store, request):
    from tests.browser.test_accessibility import AXE, AXE_TAGS

    scene = request.getfixturevalue("world")
    release = release_publish(actor=scene["steering"], city=scene["steering"].role_assignments.get().unit, as_of=AS_OF, periods=["2026-03"])
    page.context.add_init_script(path=str(AXE))  # axe-core from npm, in every document the page opens

    def violations():
        return page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
                             AXE_TAGS)["violations"]

    found = {}
    for url in ("/cong-khai/", "/cong-khai/nhiem-vu/", "/cong-khai/nhiem-vu/4354_KH-UBND/4.1/", "/cong-khai/chi-tieu/",
                "/cong-khai/chi-tieu/KTS_GRDP/", "/cong-khai/766/", "/cong-khai/766/26743/", "/cong-khai/chi-so/", "/cong-khai/ngan-sach/",
                "/cong-khai/don-vi/26743/", "/cong-khai/du-lieu/", "/cong-khai/du-lieu/tasks/", "/cong-khai/ban-phat-hanh/",
                f"/cong-khai/ban-phat-hanh/{release.pk}/nhung/chi-tieu/KTS_GRDP/"):
        page.goto(url)
        if found_here := violations():
            found[url] = [(v["id"], v["nodes"][0]["target"]) for v in found_here]
    assert not found, found
    page.set_content('<html lang="vi"><body><main><img src="/static/portal/portal.css"><a href="#"></a></main></body></html>')
    page.evaluate(AXE.read_text())  # set_content opens no new document: load axe into it (as the browser's own script,
    # which the page's Content-Security-Policy does not govern; a script tag would be an inline script)
    assert {v["id"] for v in violations()} >= {"image-alt", "link-name"}  # axe does run
