"""The cross-unit matrix (issue 14, kept test): two wards (Bến Thành 26743, Sài Gòn 26740) and a department (Sở Nội
vụ). For every API read and every page with an object id, an object of another unit answers exactly like a missing
id (status and body, the id itself aside), and no write across units succeeds or changes a row."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re

import pytest

from dieuhanh.access.models import RoleAssignment
from dieuhanh.cockpit.models import Dashboard
from dieuhanh.cockpit.services import dashboard_create
from dieuhanh.difficulties.models import Difficulty
from dieuhanh.difficulties.services import difficulty_raise
from dieuhanh.emulation.models import AwardForm, Initiative
from dieuhanh.emulation.models import Proposal as AwardProposal
from dieuhanh.emulation.services import award_file_add, award_propose, award_round_open, initiative_apply
from dieuhanh.innovation import services as innovation
from dieuhanh.innovation.models import Call
from dieuhanh.innovation.models import Proposal as CallProposal
from dieuhanh.notifications.models import Notification
from dieuhanh.notifications.services import notify_users
from dieuhanh.plans.models import DeadlineChange, Evidence, ExplanationRequest, ProgressReport, Task
from dieuhanh.plans.services import explanation_request, extension_request, report_save, task_create
from dieuhanh.units.models import Unit
from dieuhanh.jobs.services import job_start
from dieuhanh.reports.models import ReportRound, RoundReport
from dieuhanh.reports.services import report_build, round_open, round_report_attach
from tests.conftest import SYSTEM
from tests.innovation.conftest import CRITERIA, make_proposer, proposal_of
import tests.jobs_sample  # noqa: F401  registers the job "tests.accounts"

AWARD_FILE = b"%PDF-1.7 thanh tich phuong Sai Gon"  # a file of Sài Gòn's award proposal

pytestmark = pytest.mark.django_db
SAI_GON, BEN_THANH = "26740", "26743"
MISSING = 987_654


@pytest.fixture
def world(plan, hcmc, make_user, settings, tmp_path):
    """Objects of ward Sài Gòn that neither Bến Thành nor the Department of Home Affairs may see."""
    settings.MEDIA_ROOT = tmp_path
    task = task_create(actor=SYSTEM, plan=plan, group=Task.objects.get(code="4.2").group, code="4.3", title="Chuyển đổi số phường Sài Gòn",
                       lead_unit=hcmc[SAI_GON], start_date=dt.date(2026, 1, 1), deadline=dt.date(2026, 12, 31))
    report = report_save(actor=SYSTEM, task=task, period="2026-10", percent=30, evidence=("bien-ban.pdf", b"%PDF-1.7 x"))
    person = make_user("canbo.saigon", SAI_GON, "reporter")
    call = innovation.call_create(actor=SYSTEM, owner=hcmc[SAI_GON], title="Bài toán của phường Sài Gòn", need="N", criteria=CRITERIA,
                                  closes_on=dt.date(2026, 12, 31))
    call = innovation.call_move(actor=SYSTEM, call=call, expected_version=call.version, to="published")
    proposal = proposal_of(call, make_proposer("dn@saigon.vn"))
    Call.objects.filter(pk=call.pk).update(version=1)  # the matrix's writes name version 1
    objects = {
        "call": call.pk, "proposal": proposal.pk,
        "task": task.pk, "report": report.pk, "evidence": Evidence.objects.get(report=report).pk,
        "extension": extension_request(actor=SYSTEM, task=task, new_deadline=dt.date(2027, 6, 30), reason="Chờ vốn").pk,
        "explanation": explanation_request(actor=SYSTEM, task=task, message="Vì sao chậm?").pk,
        "difficulty": difficulty_raise(actor=SYSTEM, unit=hcmc[SAI_GON], category="other", content="Thiếu máy chủ",
                                       addressed_to=hcmc["79.BCD57"]).pk,
        "dashboard": dashboard_create(actor=person, title="Bảng của Sài Gòn").pk,
        "notification": notify_users("report_approved", users=[person], unit=hcmc[SAI_GON], about=("task", task.pk),
                                     url=f"/tasks/{task.pk}/")[0].pk,
        "assignment": RoleAssignment.objects.get(user=person).pk,
        "job": job_start(actor=person, kind="tests.accounts", unit=hcmc[SAI_GON], params={"prefix": "sg"}).pk,
        "initiative": initiative_apply(
            actor=SYSTEM, unit=hcmc[SAI_GON], title="Sáng kiến của Sài Gòn", field="digital", substance="Nội dung", benefit_author="Lợi ích",
            confidential="BÍ MẬT SÀI GÒN", authors=[{"name": "Lê Văn C", "share": 100}]).pk,
        "award_proposal": award_propose(
            actor=SYSTEM, award_round=award_round_open(actor=SYSTEM, unit=hcmc["79"], title="Đợt khen thưởng", year=2026),
            unit=hcmc[SAI_GON], form=AwardForm.objects.get(code="giay_khen"), nominee_kind="person", nominee_name="Lê Văn C",
            period=2026, achievements="Thành tích", summary="Tóm tắt").pk,
        "official_report": report_build(actor=SYSTEM, template="unit-periodic", plan=plan, unit=hcmc[SAI_GON],
                                        as_of=dt.date(2026, 11, 30)).pk,
        # a city round is the secretariat's (no ward or department reaches it); Sài Gòn's report in it is Sài Gòn's
        "report_round": _city_round(plan, hcmc).pk,
        "round_report": RoundReport.objects.get(unit__code=SAI_GON).pk,
        "round_attachment": round_report_attach(actor=SYSTEM, round_report=RoundReport.objects.get(unit__code=SAI_GON),
                                                filename="bao-cao-phuong.pdf", content=b"%PDF-1.7 phuong Sai Gon").pk,
    }
    award_file_add(actor=SYSTEM, proposal=AwardProposal.objects.get(pk=objects["award_proposal"]), filename="thanh-tich.pdf",
                   content=AWARD_FILE)
    return objects


def _city_round(plan, hcmc):
    return round_open(actor=SYSTEM, unit=hcmc["79"], plan=plan, template="city-periodic", period="2026-11",
                      deadline=dt.date(2026, 11, 20), units=[hcmc[SAI_GON]])


def whole(response, path: str) -> tuple:
    """Status, content type and body, with CSRF tokens masked and the path asked for (it holds the id) replaced."""
    body = response.content.decode(errors="replace")
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", body)
    body = re.sub(r'"X-CSRFToken": "[^"]*"', "", body)
    return response.status_code, response.get("Content-Type"), body.replace(path.split("?")[0], "PATH")


def pair(call, path: str, foreign, missing) -> tuple[tuple, tuple]:
    """The whole answers for the other unit's object and for a missing id."""
    return tuple(whole(call(path.format(i)), path.format(i)) for i in (foreign, missing))


def snapshot():
    return [(m.__name__, sorted(m.objects.values_list("pk", "version") if hasattr(m, "version") else m.objects.values_list("pk", flat=True)))
            for m in (Task, ProgressReport, Evidence, DeadlineChange, ExplanationRequest, Difficulty, Dashboard, Notification,
                      RoleAssignment, Unit, ReportRound, RoundReport, Initiative, AwardProposal, Call, CallProposal)]


API_READS = [  # (path, the kind of object in world, or a unit code)
    ("/api/tasks/{}", "task"), ("/api/tasks/{}/reports", "task"), ("/api/evidence/{}", "evidence"),
    ("/api/difficulties/{}", "difficulty"), ("/api/dashboards/{}", "dashboard"), ("/api/jobs/{}", "job"),
    ("/api/official-reports/{}", "official_report"), ("/api/official-reports/{}/file", "official_report"),
    ("/api/report-rounds/{}", "report_round"), ("/api/round-reports/{}", "round_report"),
    ("/api/round-reports/{}/file", "round_report"),
    ("/api/initiatives/{}", "initiative"), ("/api/award-proposals/{}", "award_proposal"),
    ("/api/award-proposals/{}/files/" + hashlib.sha256(AWARD_FILE).hexdigest(), "award_proposal"),
    ("/api/calls/{}", "call"), ("/api/calls/{}/proposals", "call"), ("/api/proposals/{}", "proposal"),
    ("/api/de-xuat/proposals/{}", "proposal"),
]
# The unit register itself (/api/units/{code}, its children) is the public administrative map; who holds roles on a
# unit and its audit history are not.
API_UNIT_READS = ["/api/units/{}/members", "/api/units/{}/history"]
API_WRITES = [  # (method, path, kind, body)
    ("patch", "/api/tasks/{}", "task", {"version": 1, "title": "Đổi tên"}),
    ("post", "/api/tasks/{}/state", "task", {"version": 1, "state": "paused", "reason": "x"}),
    ("post", "/api/tasks/{}/reports", "task", {"period": "2026-11", "percent": 50}),
    ("post", "/api/reports/{}/approve", "report", {"version": 1}),
    ("post", "/api/reports/{}/return", "report", {"version": 1, "comment": "x"}),
    ("post", "/api/tasks/{}/extensions", "task", {"new_deadline": "2027-12-31", "reason": "x"}),
    ("post", "/api/extensions/{}/decide", "extension", {"version": 1, "approve": True}),
    ("post", "/api/tasks/{}/explanations", "task", {"message": "x"}),
    ("post", "/api/explanations/{}/answer", "explanation", {"version": 1, "response": "x"}),
    ("post", "/api/difficulties/{}/close", "difficulty", {"version": 1, "outcome": "resolved"}),
    ("post", "/api/notifications/{}/read", "notification", None),
    ("patch", "/api/dashboards/{}", "dashboard", {"version": 1, "title": "x"}),
    ("delete", "/api/dashboards/{}?version=1", "dashboard", None),
    ("delete", "/api/roles/{}", "assignment", None),
    ("put", "/api/round-reports/{}", "round_report", {"version": 1, "sections": {"leadership": "x"}}),
    ("post", "/api/round-reports/{}/submit", "round_report", {"version": 1}),
    ("post", "/api/round-reports/{}/approve", "round_report", {"version": 1}),
    ("post", "/api/round-reports/{}/return", "round_report", {"version": 1, "reason": "x"}),
    ("post", "/api/report-rounds/{}/remind", "report_round", None),
    ("post", "/api/report-rounds/{}/consolidate", "report_round", {"version": 1}),
    ("post", "/api/report-rounds/{}/issue", "report_round", {"version": 1}),
    ("post", "/api/initiatives/{}/council", "initiative", {"version": 1, "members": "Ông A"}),
    ("post", "/api/initiatives/{}/decision", "initiative", {"version": 1, "recognise": True, "scope": "unit", "minutes": "x"}),
    ("post", "/api/award-proposals/{}/revoke", "award_proposal", {"version": 1, "reason": "x"}),
    ("post", "/api/calls/{}/move", "call", {"version": 1, "to": "closed"}),
    ("post", "/api/proposals/{}/evaluation", "proposal", {"scores": {}}),
]
PAGE_READS = [
    ("/tasks/{}/", "task"), ("/tasks/{}/edit/", "task"), ("/evidence/{}/", "evidence"), ("/difficulties/{}/", "difficulty"), ("/dashboards/{}/", "dashboard"),
    ("/official-reports/rounds/{}/", "report_round"), ("/official-reports/unit-reports/{}/", "round_report"),
    ("/official-reports/unit-reports/{}/bao-cao.docx", "round_report"),
    ("/sang-kien/{}/", "initiative"), ("/khen-thuong/de-nghi/{}/", "award_proposal"),
    ("/official-reports/attachments/{}/", "round_attachment"), ("/official-reports/rounds/{}/?format=xlsx", "report_round"),
    ("/dat-hang/{}/", "call"), ("/dat-hang/de-xuat/{}/", "proposal"), ("/dat-hang/{}/de-xuat.xlsx", "call"),
    ("/de-xuat/{}/", "proposal"),
]
PAGE_WRITES = [
    ("/tasks/{}/report/", "task", {"period": "2026-11", "percent": "50"}),
    ("/tasks/{}/state/", "task", {"version": "1", "state": "paused", "reason": "x"}),
    ("/tasks/{}/edit/", "task", {"version": "1", "title": "Đổi tên", "lead_unit": BEN_THANH}),
    ("/reports/{}/approve/", "report", {"version": "1"}),
    ("/extensions/{}/decide/", "extension", {"version": "1", "decision": "approve"}),
    ("/explanations/{}/answer/", "explanation", {"version": "1", "response": "x"}),
    ("/difficulties/{}/close/", "difficulty", {"version": "1", "outcome": "resolved"}),
    ("/notifications/{}/read/", "notification", {}),
    ("/dashboards/{}/delete/", "dashboard", {"version": "1"}),
    ("/roles/{}/revoke/", "assignment", {}),
    ("/official-reports/unit-reports/{}/submit/", "round_report", {"version": "1", "leadership": "x"}),
    ("/official-reports/unit-reports/{}/approve/", "round_report", {"version": "1"}),
    ("/official-reports/rounds/{}/consolidate/", "report_round", {"version": "1"}),
    ("/sang-kien/{}/hoi-dong/", "initiative", {"version": "1", "members": "Ông A"}),
    ("/khen-thuong/de-nghi/{}/thu-hoi/", "award_proposal", {"version": "1", "reason": "x"}),
    ("/dat-hang/{}/buoc/", "call", {"version": "1", "to": "closed"}),
    ("/dat-hang/de-xuat/{}/xung-dot/", "proposal", {"note": "x"}),
]
ACTORS = [("canbo.benthanh", BEN_THANH, "reporter"), ("lanhdao.benthanh", BEN_THANH, "administrator"), ("canbo.snv", "79.SNV", "approver")]


def send(client, method, path, body):
    if body is None:
        return getattr(client, method)(path)
    return getattr(client, method)(path, data=json.dumps(body), content_type="application/json")


def like_missing(call, path: str, foreign, missing=MISSING, statuses=(404,)) -> None:
    hidden, absent = pair(call, path, foreign, missing)
    assert hidden[0] in statuses and hidden == absent, (path, hidden[:2])


@pytest.mark.parametrize(("username", "unit", "role"), ACTORS)
def test_another_units_object_answers_exactly_like_a_missing_one_on_the_api_and_the_pages(world, api_client, web_client,
                                                                                          username, unit, role):
    api, web = api_client(username, unit, role), web_client(f"{username}.web", unit, role)
    before = snapshot()
    for path, kind in API_READS:
        like_missing(api.get, path, world[kind])
    like_missing(api.get, "/api/users/{}", "canbo.saigon", "khongco")
    if unit == BEN_THANH:  # a ward sees no other ward (a department's reach is the policy's business, tests/access)
        for path in API_UNIT_READS:
            like_missing(api.get, path, SAI_GON, "26999")
    for method, path, kind, body in API_WRITES:
        like_missing(lambda p, method=method, body=body: send(api, method, p, body), path, world[kind])
    for path, kind in PAGE_READS:
        like_missing(web.get, path, world[kind])
    for path, kind, form in PAGE_WRITES:
        like_missing(lambda p, form=form: web.post(p, form), path, world[kind], statuses=(302, 400, 404))
    assert snapshot() == before


def test_the_owner_does_see_the_objects(world, api_client):
    """The matrix is not vacuous: the ward's own people read the same ids."""
    own = api_client("lanhdao.saigon", SAI_GON, "viewer")
    for path, kind in API_READS[:4]:
        assert own.get(path.format(world[kind])).status_code == 200, path
    for path in ("/api/calls/{}", "/api/calls/{}/proposals"):
        assert own.get(path.format(world["call"])).status_code == 200, path
    assert own.get("/api/proposals/{}".format(world["proposal"])).status_code == 200


# Reads by id that are not per-unit objects: the city's catalogues and published results, readable by every
# signed-in person (their unit-level data go through the unit checks above and tests/indicators, tests/indices).
CITY_WIDE = {
    "/api/units/{code}", "/api/units/{code}/children", "/api/plans/{plan_id}", "/api/plans/{plan_id}/groups",
    "/api/plans/{plan_id}/statistics", "/api/indicators/{code}", "/api/indicators/{code}/targets", "/api/indicators/{code}/series",
    "/api/indicators/{code}/on-track", "/api/d766/units/{code}/scorecard", "/api/d766/units/{code}/drilldown",
    "/api/d766/units/{code}/export", "/api/indices/{code}", "/api/indices/{code}/runs/{run_id}", "/api/indices/{code}/ranking",
    "/api/indices/{code}/units/{ucode}", "/api/indices/{code}/compare", "/api/indices/{code}/runs/{run_id}/audit",
    # A round of awards is an announcement of its deciding level; its proposals inside are listed by the caller's reach.
    "/api/award-rounds/{round_id}",
    "/api/public/calls/{call_id}",  # a published call is public by design (its page under /cong-khai/dat-hang/)
}


def test_every_api_read_by_id_is_in_the_matrix_or_city_wide(hcmc):
    """A new endpoint reading an object by id must join the matrix (or be argued city-wide here)."""
    from dieuhanh.api.router import api

    reads = {p for p, ops in api.get_openapi_schema()["paths"].items() if "{" in p and "get" in ops}
    covered = {re.sub(r"\{\}|[0-9a-f]{64}", "{x}", p) for p, _ in API_READS} | {p.replace("{}", "{x}") for p in API_UNIT_READS}
    covered |= {"/api/users/{x}"}
    uncovered = {p for p in reads - CITY_WIDE if re.sub(r"\{[a-z_0-9]+\}", "{x}", p) not in covered}
    assert not uncovered, sorted(uncovered)


def test_a_round_lists_only_the_proposals_in_reach_and_never_another_units_confidential_part(world, api_client, web_client):
    """The city's round is read by everyone; Bến Thành sees none of Sài Gòn's proposals in it, and nothing of Sài
    Gòn's initiative — its confidential part above all — reaches Bến Thành through any page or answer."""
    from dieuhanh.emulation.models import Proposal as P

    round_id = P.objects.get(pk=world["award_proposal"]).round_id
    api = api_client("canbo.bt2", BEN_THANH, "approver")
    assert api.get(f"/api/award-rounds/{round_id}").json()["proposals"] == []
    answers = [api.get(f"/api/award-rounds/{round_id}"), api.get("/api/initiatives"), api.get("/api/awards"),
               api.get("/api/initiatives/counts")]
    web = web_client("canbo.bt3", BEN_THANH, "approver")
    answers += [web.get("/sang-kien/"), web.get(f"/khen-thuong/dot/{round_id}/"), web.get("/khen-thuong/so/")]
    for response in answers:
        assert response.status_code == 200
        assert "BÍ MẬT SÀI GÒN" not in response.content.decode() and "Lê Văn C" not in response.content.decode()
    assert api.get("/api/initiatives/counts").json()["total"] == 0
