"""The Content-Security-Policy allows no inline script, and the pages still work under it (every browser test fails
on a violation, see the ``page`` fixture; the unit tree's HTMX toggles in test_shell.py): here the API's Swagger UI."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_policy_is_sent_and_the_unit_tree_and_the_api_docs_work_under_it(page, hcmc, make_user, sign_in):
    make_user("xem", "79", "viewer")
    sign_in(page, "xem")
    response = page.goto("/units/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self';" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert "camera=()" in response.headers["permissions-policy"]

    page.goto("/api/docs")
    expect(page.get_by_role("heading", name="dieuhanh API")).to_be_visible()
    page.evaluate("window.scrollTo(0, 0)")
    expect(page.locator(".opblock").first).to_be_visible()
