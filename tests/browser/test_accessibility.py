"""Every page passes axe-core's WCAG 2.1 A/AA rules with no serious or critical violation, and the main navigation
and a form work with the keyboard alone, with the focus visible.

axe-core comes from npm (``package.json``; ``make assets`` installs it into ``node_modules``) and is injected into
every page of a browser context before the page's own scripts. One browser, one signed-in context per role; the
pages are walked in one test that collects every violation and prints them all.

To add a page: append a ``Page(role, path)`` to ``PAGES``; ``path`` may name the fixture data's ids with
``{plan}``, ``{task}``, ``{ward_task}``, ``{run}`` (the ids the ``site`` fixture returns); ``status`` is the
answer expected (200 unless an error page is meant). Roles are the keys of ``PEOPLE``; ``None`` is an anonymous
visitor. A page needing more data adds it to ``site``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from datetime import date
from decimal import Decimal
from typing import NamedTuple

import pytest
from django.conf import settings
from playwright.sync_api import expect

from dieuhanh.indicators.models import Indicator
from dieuhanh.indicators.services import value_set
from dieuhanh.plans.models import Task
from dieuhanh.accounts.models import User
from dieuhanh.cockpit.services import dashboard_create, dashboard_widget_add
from dieuhanh.difficulties.services import difficulty_raise
from dieuhanh.jobs.models import Job
from dieuhanh.plans.services import explanation_request, report_save
from dieuhanh.reports.services import round_consolidate, round_open
from dieuhanh.units.models import Unit
from tests.conftest import BEN_THANH, CITY, DEPARTMENT, PASSWORD, SYSTEM

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = settings.NODE_MODULES / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}

# role → (username, unit, role held); every person is created by the ``site`` fixture.
PEOPLE = {
    "steering": ("a11y.bcd", CITY, "steering"),
    "department": ("a11y.skhcn", DEPARTMENT, "approver"),
    "ward": ("a11y.benthanh", BEN_THANH, "reporter"),
    "admin": ("a11y.quantri", CITY, "administrator"),
    "proposer": ("a11y@congty.vn", None, None),  # from outside government: created by ``site`` as a verified proposer
}


class Page(NamedTuple):
    role: str | None  # a key of PEOPLE, or None: not signed in
    path: str  # may hold {plan}, {task}, {ward_task}, {run}
    status: int = 200


# initiatives and awards (their data: ``emulation_data``)
EMULATION_PAGES = [
    Page("steering", "/sang-kien/"),
    Page("ward", "/sang-kien/moi/"),
    Page("steering", "/sang-kien/{initiative}/"),  # with the council, opinion and decision forms
    Page("steering", "/thi-dua/"),
    Page("steering", "/khen-thuong/"),
    Page("steering", "/khen-thuong/dot/{award_round}/"),  # comments to moderate, the council's decision form
    Page("department", "/khen-thuong/dot/{open_round}/de-nghi/"),
    Page("steering", "/khen-thuong/de-nghi/{award_proposal}/"),
    Page("steering", "/khen-thuong/so/"),
    Page(None, "/cong-khai/sang-kien/"),
    Page(None, "/cong-khai/khen-thuong/"),
    Page(None, "/cong-khai/khen-thuong/{award_round}/"),  # with the comment form
]

PAGES = [
    # plans
    Page("steering", "/"),
    Page("steering", "/inbox/"),
    Page("steering", "/inbox/overdue/"),  # one inbox list in full, paged, with its search box
    Page("steering", "/plans/"),
    Page("steering", "/plans/{plan}/"),
    Page("steering", "/plans/{plan}/statistics/"),
    Page("steering", "/plans/{plan}/import/"),
    Page("steering", "/plans/{plan}/progress/"),
    Page("steering", "/tasks/"),
    Page("steering", "/tasks/{task}/"),
    Page("steering", "/plans/{plan}/tasks/new/"),  # the task form: create
    Page("steering", "/tasks/{task}/edit/"),  # and edit (no deadline field: extensions only)
    Page("ward", "/inbox/"),
    Page("ward", "/tasks/{ward_task}/"),  # with the report form
    # the cockpit of each role, dashboards, notifications
    Page("department", "/"),
    Page("ward", "/"),
    Page("steering", "/cockpit/"),
    Page("steering", "/dashboards/"),
    Page("steering", "/dashboards/{dashboard}/"),
    Page("steering", "/notifications/"),
    Page("ward", "/notifications/"),
    Page("steering", "/notifications/preferences/"),
    # the difficulties and proposals register
    Page("steering", "/difficulties/"),
    Page("steering", "/difficulties/{difficulty}/"),  # with the assignment form
    Page("department", "/difficulties/mine/"),
    Page("ward", "/difficulties/new/"),
    Page("ward", "/difficulties/from-report/{ward_report}/"),
    # indicators
    Page("steering", "/indicators/"),
    Page("steering", "/indicators/HS_TIEPNHAN/"),
    Page("steering", "/indicators/XH_KN/"),
    Page("steering", "/indicators/due/"),
    Page("steering", "/units/79/scorecard/"),
    Page("ward", f"/units/{BEN_THANH}/data/2026/"),  # the entry form
    Page("department", "/indicators/due/"),
    # Decision 766
    Page("steering", "/d766/"),
    Page("steering", f"/d766/units/{BEN_THANH}/"),  # its drill-down by procedure loads with the page (HTMX)
    Page("admin", "/d766/nhap-tep/"),  # the file upload, imported by a background job
    # background jobs: a running one (progress bar, polling) and a failed one (its error, retry)
    Page("steering", "/cong-viec/"),
    Page("steering", "/cong-viec/{job}/"),
    Page("steering", "/cong-viec/{refused_job}/"),  # a large import refused: its row-by-row report
    # composite indices
    Page("steering", "/indices/"),
    Page("steering", "/indices/ASEM/"),
    Page("steering", "/indices/ASEM/method/"),
    Page("steering", "/indices/ASEM/compare/"),
    Page("steering", "/indices/ASEM/units/AUT/"),
    Page("steering", "/indices/ASEM/runs/{run}/"),
    Page("steering", "/indices/ASEM/runs/{run}/audit/"),
    # official reports, report rounds, templates
    Page("steering", "/official-reports/"),
    Page("steering", "/official-reports/templates/"),
    Page("steering", "/official-reports/rounds/"),
    Page("steering", "/official-reports/rounds/{round}/"),  # consolidated: the narrative and issue forms
    Page("ward", "/official-reports/rounds/"),
    Page("ward", "/official-reports/unit-reports/{round_report}/"),  # the narrative form, files
    # units, people
    Page("steering", "/units/"),
    Page("steering", "/units/79/"),
    Page("steering", f"/units/{BEN_THANH}/"),
    Page("admin", f"/units/{BEN_THANH}/"),  # with the edit and role forms
    Page("steering", "/me/roles/"),
    Page("steering", "/api/docs"),
    *EMULATION_PAGES,
    # ordered problems and support programmes: officials, a council member, a proposer, the public
    Page("department", "/dat-hang/"),
    Page("department", "/ho-tro/"),
    Page("department", "/dat-hang/moi/"),
    Page("department", "/dat-hang/{call}/"),  # with the council form
    Page("department", "/dat-hang/{evaluated_call}/"),  # with the decision form
    Page("department", "/dat-hang/de-xuat/{evaluated_proposal}/"),  # a member's score and conflict forms
    Page("proposer", "/de-xuat/"),
    Page("proposer", "/de-xuat/bai-toan/{call}/nop/"),
    Page("proposer", "/de-xuat/{proposal}/"),  # with the edit form
    Page(None, "/de-xuat/dang-ky/"),
    Page(None, "/cong-khai/dat-hang/"),
    Page(None, "/cong-khai/dat-hang/{evaluated_call}/"),
    Page(None, "/cong-khai/ho-tro/"),
    # error pages and signing in
    Page("steering", "/no-such-page/", 404),
    Page("steering", "/tasks/?as_of=31/02/2026", 400),
    Page(None, "/login/"),
]


@pytest.fixture
def site(plan, registry, store, asem_run, make_user):
    """The smallest data that gives every page something to show; returns the ids the paths name."""
    for username, unit, role in PEOPLE.values():
        if unit is not None:
            make_user(username, unit, role)
    calls = _calls(registry, make_user)
    ward_task = Task.objects.get(plan=plan, code="4.2")
    report_save(actor=SYSTEM, task=ward_task, period="2026-10", percent=Decimal(46), done="Đã tổ chức 12 lớp", submit=True)
    value_set(actor=SYSTEM, indicator=Indicator.objects.get(code="HS_TIEPNHAN"), unit=registry[BEN_THANH], period="2026", value=Decimal(1200))
    report = report_save(actor=SYSTEM, task=ward_task, period="2026-11", percent=Decimal(60), done="Đã tổ chức 20 lớp",
                         difficulties="Thiếu phòng máy", proposals="Đề nghị hỗ trợ 20 máy tính")
    steering = User.objects.get(username=PEOPLE["steering"][0])
    dashboard = dashboard_create(actor=steering, title="Theo dõi hằng tuần")
    dashboard = dashboard_widget_add(actor=steering, dashboard=dashboard, expected_version=dashboard.version, widget="status_split")
    dashboard_widget_add(actor=steering, dashboard=dashboard, expected_version=dashboard.version, widget="note", params={"text": "Ghi chú"})
    difficulty = difficulty_raise(actor=SYSTEM, unit=registry[BEN_THANH], category="funding", content="Thiếu kinh phí máy chủ",
                                  addressed_to=Unit.objects.get(code="79.BCD57"))
    explanation_request(actor=steering, task=ward_task, message="Đề nghị giải trình tiến độ")  # a notification for the ward
    job = Job.objects.create(kind="indices.uncertainty", owner=steering, status="running", done=1, total=3, message="ASEM")
    Job.objects.create(kind="portal.release", owner=steering, status="failed", error_code="job_interrupted")
    refused = Job.objects.create(kind="plans.import", owner=steering, status="failed", error_code="import_errors", result={"errors": [
        {"row": 7, "code": "deadline_changed", "params": {"code": "1.1"}, "message": ""}]})
    rnd = round_open(actor=SYSTEM, unit=Unit.objects.get(code=CITY), plan=plan, template="city-periodic", period="2026-11",
                     deadline=dt.date(2026, 11, 20), units=list(Unit.objects.filter(code__in=[BEN_THANH, DEPARTMENT])))
    round_consolidate(actor=SYSTEM, report_round=rnd, expected_version=rnd.version)
    return {**emulation_data(registry), "round": rnd.pk, "round_report": rnd.unit_reports.get(unit__code=BEN_THANH).pk, "job": job.pk, "refused_job": refused.pk,
            "plan": plan.pk, "task": Task.objects.get(plan=plan, code="1.1").pk, "ward_task": ward_task.pk, "run": asem_run.pk,
            "dashboard": dashboard.pk, "difficulty": difficulty.pk, "ward_report": report.pk, **calls}


def _calls(units, make_user) -> dict:
    """A published call with the proposer's proposal, and a call under evaluation whose council holds the department's
    approver."""
    from dieuhanh.innovation import services as innovation
    from tests.innovation.conftest import CRITERIA, make_proposer, proposal_of

    proposer = make_proposer(PEOPLE["proposer"][0])
    other = make_proposer("khac@daihoc.edu.vn", kind="university", name="Trường Đại học Khoa học Tự nhiên", tax_code="0302222222")
    calls = []
    for title in ("Cảnh báo ngập bằng cảm biến", "Trợ lý ảo dịch vụ công"):
        c = innovation.call_create(actor=SYSTEM, owner=units[DEPARTMENT], title=title, need="Nhu cầu của Sở", criteria=CRITERIA,
                                   closes_on=dt.date(2026, 12, 15), synthetic=True)
        calls.append(innovation.call_move(actor=SYSTEM, call=c, expected_version=c.version, to="published"))
    mine, theirs = proposal_of(calls[0], proposer), proposal_of(calls[1], other)
    c = innovation.call_move(actor=SYSTEM, call=calls[1], expected_version=calls[1].version, to="closed")
    c = innovation.council_set(actor=SYSTEM, call=c, expected_version=c.version, members=[User.objects.get(username=PEOPLE["department"][0])])
    innovation.call_move(actor=SYSTEM, call=c, expected_version=c.version, to="evaluation")
    return {"call": calls[0].pk, "proposal": mine.pk, "evaluated_call": c.pk, "evaluated_proposal": theirs.pk}


def emulation_data(units) -> dict:
    """An initiative under review, a recognised one, a movement, an open round and a round posted with a comment."""
    from dieuhanh.emulation import services as emulation
    from dieuhanh.emulation.award_forms import load_forms
    from dieuhanh.emulation.models import AwardForm, Comment

    load_forms(AwardForm)  # a live-server test runs on a database flushed by the previous one: the migration's rows are gone

    def apply(title):
        return emulation.initiative_apply(actor=SYSTEM, unit=units[BEN_THANH], title=title, field="digital", substance="Nội dung",
                                          benefit_author="Lợi ích", authors=[{"name": "Lê Văn C", "share": 100}])

    reviewed = emulation.initiative_council_name(actor=SYSTEM, initiative=apply("Sổ tay số"), expected_version=1, members="Ông A")
    recognised = emulation.initiative_council_name(actor=SYSTEM, initiative=apply("Trợ lý ảo"), expected_version=1, members="Ông A")
    recognised = emulation.initiative_decide(actor=SYSTEM, initiative=recognised, expected_version=2, recognise=True, scope="city", minutes="Họp")
    emulation.movement_launch(actor=SYSTEM, unit=units[CITY], code="DMST", title="Phong trào đổi mới sáng tạo", starts_on=date(2025, 7, 18),
                              ends_on=date(2027, 12, 31))
    open_round = emulation.award_round_open(actor=SYSTEM, unit=units[CITY], title="Đợt đang mở", year=2026)
    posted = emulation.award_round_open(actor=SYSTEM, unit=units[CITY], title="Đợt lấy ý kiến", year=2026)
    proposal = emulation.award_propose(actor=SYSTEM, award_round=posted, unit=units[BEN_THANH], form=AwardForm.objects.get(code="bang_khen_chu_tich"),
                                       nominee_kind="person", nominee_name="Lê Văn C", period=2026, achievements="Thành tích", summary="Tóm tắt",
                                       initiatives=[recognised])
    posted = emulation.award_round_post(actor=SYSTEM, award_round=posted, expected_version=1)
    Comment.objects.create(round=posted, body="Đồng ý", posted_at="2026-11-30T09:00:00+07:00")
    return {"initiative": reviewed.pk, "award_round": posted.pk, "open_round": open_round.pk, "award_proposal": proposal.pk}


@pytest.fixture
def emulation_site(hcmc, make_user):
    for username, unit, role in PEOPLE.values():
        if unit is not None:  # the proposer (outside government) is not an official of a unit
            make_user(username, unit, role)
    return emulation_data(hcmc)


def _axe(page) -> list[dict]:
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", AXE_TAGS)
    return [v for v in result["violations"] if v["impact"] in BLOCKING]


def _describe(where: str, violation: dict) -> str:
    nodes = "; ".join(" ".join(n["target"]) if isinstance(n["target"][0], str) else json.dumps(n["target"]) for n in violation["nodes"][:5])
    return f"{where}: [{violation['impact']}] {violation['id']} ({len(violation['nodes'])}×) {violation['help']} — {nodes}"


@pytest.fixture
def page_of(browser, live_server, sign_in):
    """``page_of(role)``: the page of that role's browser context, signed in at first use and kept for the test,
    with axe-core loaded into every document it opens."""
    assert AXE.exists(), f"{AXE} is missing: run `make assets` (npm ci) to install axe-core"
    contexts, pages = [], {}

    def page_of(role):
        if role not in pages:
            context = browser.new_context(base_url=live_server.url, locale="vi-VN", viewport={"width": 1280, "height": 900})
            contexts.append(context)
            context.add_init_script(path=str(AXE))
            pages[role] = context.new_page()
            pages[role].set_default_timeout(15_000)
            if role is not None:
                sign_in(pages[role], PEOPLE[role][0])
        return pages[role]

    yield page_of
    for context in contexts:
        context.close()


def test_every_page_passes_axe_core_wcag_2_1_aa(page_of, site):
    problems = []
    for entry in PAGES:
        page = page_of(entry.role)
        path = entry.path.format(**site)
        where = f"{entry.role or 'anonymous'} {path}"
        response = page.goto(path)
        if response.status != entry.status:
            problems.append(f"{where}: answered {response.status}, expected {entry.status}")
            continue
        page.wait_for_load_state("networkidle")  # HTMX parts loaded with the page are checked too
        problems += [_describe(where, v) for v in _axe(page)]
    print("\n".join(problems))
    assert problems == [], f"{len(problems)} problems:\n" + "\n".join(problems)


def test_initiative_and_award_pages_pass_axe_core(page_of, emulation_site):
    """The same check on the initiative and award pages alone (they are in ``PAGES`` too), with their own small data."""
    problems = []
    for entry in EMULATION_PAGES:
        page = page_of(entry.role)
        path = entry.path.format(**emulation_site)
        response = page.goto(path)
        if response.status != entry.status:
            problems.append(f"{entry.role} {path}: answered {response.status}")
            continue
        problems += [_describe(f"{entry.role or 'anonymous'} {path}", v) for v in _axe(page)]
    assert problems == [], "\n".join(problems)


FOCUS_VISIBLE = """() => { const s = getComputedStyle(document.activeElement);
  return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2; }"""


def _tab_to(page, name: str, limit: int = 40) -> None:
    """Press Tab until the element named ``name`` has the focus, checking the focus is visible at every stop."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        assert page.evaluate(FOCUS_VISIBLE), f"no visible focus on {page.evaluate('document.activeElement.outerHTML')[:120]}"
        if page.evaluate("document.activeElement.textContent.trim()") == name:
            return
    raise AssertionError(f"{name!r} not reached with {limit} presses of Tab")


def test_sign_in_and_the_main_navigation_with_the_keyboard_alone(page, make_user):
    make_user("ban.phim", CITY, "steering", full_name="Nguyễn Bàn Phím")
    page.goto("/")
    expect(page.get_by_label("Tên đăng nhập")).to_be_focused()  # the login form starts in its first field
    page.keyboard.type("ban.phim")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Mật khẩu")).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.locator(".who")).to_have_text("Nguyễn Bàn Phím")

    # The first Tab reaches the skip link, which shows itself and moves the focus to the content.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Chuyển đến nội dung chính")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()

    # The main navigation, from the top of the page: Tab to "Kế hoạch", Enter opens it and marks it current.
    page.goto("/")
    _tab_to(page, "Kế hoạch")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/plans/$"))
    expect(page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Kế hoạch")).to_have_attribute("aria-current", "page")
    _tab_to(page, "Chỉ tiêu")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Chỉ tiêu")
