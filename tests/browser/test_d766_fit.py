"""The Decision 766 ranking fits its box at 1280 px wide (issue 11: a 1,825 px table in a 1,162 px box, ward names
on three or four lines), over the hand-made log of ``tests/dossiers/hand_made.py``."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_ranking_fits_its_box_and_ward_names_stay_on_one_line(page, store, make_user, sign_in):
    make_user("xem.d766", "79", "viewer")
    sign_in(page, "xem.d766")
    page.goto("/d766/?period=2026-03")
    table = page.locator("#d766-communes")
    expect(table).to_be_visible()
    widths = table.evaluate("t => ({table: t.scrollWidth, box: t.closest('[role=tabpanel]').clientWidth})")
    assert widths["table"] <= widths["box"], widths
    name = table.locator("tr[data-code='26743'] td.unit a")
    assert name.evaluate("a => a.getClientRects().length") == 1, "the ward's name wraps"  # one line box per line
