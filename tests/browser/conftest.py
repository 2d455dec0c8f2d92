"""A real Chromium (Debian's, started by Playwright) against the live test server."""

from __future__ import annotations

import glob
import os

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.conftest import PASSWORD

CHROMIUM = os.environ.get("DIEUHANH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-quic", "--no-first-run"]


# Under ``make test-clock`` (tests/wall_clock.py) Chromium's own clock is moved too, with libfaketime.
LIBFAKETIME = next(iter(sorted(glob.glob("/usr/lib/*/faketime/libfaketime.so.1"))), "")


def _chromium_env() -> dict[str, str] | None:
    moved = os.environ.get("DIEUHANH_TEST_WALL_CLOCK")
    if not moved or not LIBFAKETIME:
        return None
    import datetime as dt

    import time_machine

    # An offset from the real clock ("+49000000"), so the time zone does not matter; the clock keeps running.
    offset = dt.datetime.fromisoformat(moved).timestamp() - time_machine.escape_hatch.time.time()
    return {**os.environ, "LD_PRELOAD": LIBFAKETIME, "FAKETIME": f"{offset:+.0f}"}


# Assertions wait as long as actions: under a loaded machine (two test workers on two cores) an HTMX swap can take
# more than Playwright's default 5 s.
expect.set_options(timeout=15_000)


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS, env=_chromium_env())
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    """A browser tab on the live server. Every browser test also checks the Content-Security-Policy: a page whose
    script, style or resource the policy refuses (Chromium reports it in the console) fails the test."""
    context = browser.new_context(base_url=live_server.url, locale="vi-VN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.csp_violations = []
    page.on("console", lambda message: "Content Security Policy" in message.text and page.csp_violations.append(message.text))
    yield page
    context.close()
    assert page.csp_violations == [], "the Content-Security-Policy refused something: " + "\n".join(page.csp_violations)


@pytest.fixture
def sign_in():
    """``sign_in(page, "name")``: signs that person in through the login form (password ``PASSWORD``) and waits
    until the signed-in page is there (a script evaluated earlier would run in the login page being left)."""

    def sign_in(page, username: str) -> None:
        page.goto("/")
        expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()
        page.get_by_label("Tên đăng nhập").fill(username)
        page.get_by_label("Mật khẩu").fill(PASSWORD)
        page.get_by_role("button", name="Đăng nhập").click()
        expect(page.locator(".who")).to_be_visible()

    return sign_in
