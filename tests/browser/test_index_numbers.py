"""Chart tooltips of the index pages write numbers the way the page's language does (vi: 56,78), in a real Chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from dieuhanh.indices.services import index_run
from tests.conftest import SYSTEM

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_scorecard_tooltip_shows_a_decimal_comma(page, make_user, asem, sign_in):
    framework, dataset, methodology = asem
    run = index_run(actor=SYSTEM, framework=framework, dataset=dataset, methodology=methodology, year=2018)
    first_pillar = run.scores.get(ucode="CHE", code="Conn").value  # the chart's first bar: the index's first child
    make_user("bcd.tip", "79", "steering")
    sign_in(page, "bcd.tip")
    page.goto(f"/indices/ASEM/units/CHE/?run={run.pk}")
    expect(page.locator("#pillar-chart svg")).to_be_visible()
    assert page.evaluate("window.dieuhanhIndexFormat(1234.5)") == "1.234,5"
    page.evaluate("""() => echarts.getInstanceByDom(document.getElementById('pillar-chart'))
                             .dispatchAction({type: 'showTip', seriesIndex: 0, dataIndex: 0})""")
    tip = page.locator("#pillar-chart div:not(:has(svg))").filter(has_text="Trung vị nhóm").first  # the tooltip box
    expect(tip).to_be_visible()
    shown = f"{first_pillar:.2f}".rstrip("0").rstrip(".").replace(".", ",")
    assert "," in shown and shown in tip.inner_text(), (shown, tip.inner_text())
