"""Notifications: who is told (a permission on a unit or above), what each producer tells whom, how people are
e-mailed (immediately, in the daily digest, or not), the bell, the list, marking read (one's own only) and the API.
Expected recipients and sentences are written out by hand from the rules in docs/ARCHITECTURE.md."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from dieuhanh.access.models import RoleAssignment
from dieuhanh.accounts.services import role_grant, role_revoke
from dieuhanh.errors import Forbidden
from dieuhanh.indicators.models import Approval, Indicator
from dieuhanh.indicators.services import value_set, values_return, values_submit
from dieuhanh.notifications.models import Notification
from dieuhanh.notifications.services import notification_preference_set, notifications_daily, notify, notify_users, sentence
from dieuhanh.plans.models import Task
from dieuhanh.plans.services import (
    explanation_answer,
    explanation_request,
    extension_decide,
    extension_request,
    report_approve,
    report_return,
    report_save,
)
from tests.conftest import PASSWORD, SYSTEM

D = dt.date


def told(kind=None) -> set[tuple[str, str]]:
    """{(username, kind)} of every notification (of ``kind``)."""
    rows = Notification.objects.all() if kind is None else Notification.objects.filter(kind=kind)
    return set(rows.values_list("recipient__username", "kind"))


def signed_in(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def vietnamese(n: Notification) -> str:
    with translation.override("vi"):
        return sentence(n)


@pytest.fixture
def ward(plan, make_user):
    """Phường Bến Thành (lead unit of task 4.2) with its reporter and leader, and people who must not be told."""
    people = {
        "reporter": make_user("canbo.benthanh", "26743", "reporter", email="canbo@benthanh.example.gov.vn"),
        "leader": make_user("lanhdao.benthanh", "26743", "approver", email="lanhdao@benthanh.example.gov.vn"),
        "steering": make_user("bcd", "79", "steering", email="bcd@example.gov.vn"),
        "viewer": make_user("xem.benthanh", "26743", "viewer", email="xem@benthanh.example.gov.vn"),
        "sibling": make_user("canbo.saigon", "26740", "reporter", email="canbo@saigon.example.gov.vn"),
        "department": make_user("lanhdao.skhcn", "79.SKHCN", "approver", email="lanhdao@skhcn.example.gov.vn"),
    }
    return people


# ---------------------------------------------------------------- who is told

def test_notify_tells_the_holders_of_the_permission_on_the_unit_or_above_and_no_one_else(ward, make_user, hcmc):
    make_user("lanhdao.thanhpho", "79", "approver")  # approver of the city: above the ward
    gone = make_user("cu.benthanh", "26743", "reporter")
    role_revoke(actor=SYSTEM, assignment=RoleAssignment.objects.get(user=gone))
    both = make_user("hai.vaitro", "26740", "reporter")  # a role beside the ward, and one on it: told once
    role_grant(actor=SYSTEM, user=both, unit=hcmc["26743"], role="approver")

    created = notify("report_returned", unit=hcmc["26743"], permission="report_submit", about=("progress_report", 1),
                     url="/tasks/1/#reports", params={"task": "4.2"}, exclude=ward["leader"])

    # report_submit = reporter or approver, on Phường Bến Thành or above; the leader is the one who acted
    assert sorted(n.recipient.username for n in created) == ["canbo.benthanh", "hai.vaitro", "lanhdao.thanhpho"]
    assert told() == {("canbo.benthanh", "report_returned"), ("hai.vaitro", "report_returned"), ("lanhdao.thanhpho", "report_returned")}


def test_notify_users_tells_named_people_and_once_makes_a_rerun_create_nothing(ward, hcmc):
    first = notify_users("due_soon", users=[ward["reporter"], ward["leader"]], unit=hcmc["26743"], about=("task", 7),
                         url="/tasks/7/", params={}, once="2026-12-31")
    again = notify_users("due_soon", users=[ward["reporter"], ward["leader"]], unit=hcmc["26743"], about=("task", 7),
                         url="/tasks/7/", params={}, once="2026-12-31")
    moved = notify_users("due_soon", users=[ward["reporter"]], unit=hcmc["26743"], about=("task", 7), url="/tasks/7/",
                         params={}, once="2027-03-31")  # a new deadline is told again
    assert (len(first), len(again), len(moved)) == (2, 0, 1)
    assert Notification.objects.count() == 3


# ---------------------------------------------------------------- each producer

def test_an_explanation_request_tells_the_lead_unit_and_its_answer_tells_the_requester(ward):
    task = Task.objects.get(code="4.2")
    request = explanation_request(actor=ward["steering"], task=task, message="Vì sao chậm?", due_on=D(2026, 12, 10))
    assert told() == {("canbo.benthanh", "explanation_requested"), ("lanhdao.benthanh", "explanation_requested")}
    n = Notification.objects.get(recipient=ward["leader"])
    assert n.url == f"/tasks/{task.pk}/#explanation-{request.pk}" and (n.about_type, n.about_id) == ("explanation", str(request.pk))
    assert vietnamese(n) == ("Phường Bến Thành được yêu cầu giải trình về nhiệm vụ 4.2 (Phổ cập kỹ năng số cho người dân phường), "
                             "hạn trả lời 10/12/2026.")
    with translation.override("en"):
        assert sentence(n) == ("Phường Bến Thành is asked to explain task 4.2 (Phổ cập kỹ năng số cho người dân phường) "
                               "by 10/12/2026.")

    explanation_answer(actor=ward["leader"], explanation=request, response="Thiếu kinh phí.")
    assert told("explanation_answered") == {("bcd", "explanation_answered")}


def test_a_report_returned_or_approved_tells_the_lead_units_reporters_but_not_the_reviewer(ward):
    task = Task.objects.get(code="4.2")
    report = report_save(actor=ward["reporter"], task=task, period="2026-11", percent=Decimal(40), submit=True)
    report = report_return(actor=ward["leader"], report=report, comment="Bổ sung minh chứng", expected_version=report.version)
    assert told() == {("canbo.benthanh", "report_returned")}
    returned = Notification.objects.get()
    assert vietnamese(returned) == ("Báo cáo kỳ 2026-11 của nhiệm vụ 4.2 (Phổ cập kỹ năng số cho người dân phường) "
                                    "bị trả lại để chỉnh sửa: Bổ sung minh chứng")
    report = report_save(actor=ward["reporter"], task=task, period="2026-11", percent=Decimal(45), submit=True,
                         expected_version=report.version)
    report_approve(actor=ward["leader"], report=report, expected_version=report.version)
    assert told("report_approved") == {("canbo.benthanh", "report_approved")}


def test_an_extension_decision_tells_the_lead_unit(ward):
    task = Task.objects.get(code="4.2")
    change = extension_request(actor=ward["reporter"], task=task, new_deadline=D(2027, 6, 30), reason="Chờ thiết bị")
    extension_decide(actor=ward["steering"], change=change, approve=False, note="Không đủ căn cứ")
    assert told() == {("canbo.benthanh", "extension_decided"), ("lanhdao.benthanh", "extension_decided")}
    n = Notification.objects.get(recipient=ward["reporter"])
    assert n.url == f"/tasks/{task.pk}/#deadline"
    assert vietnamese(n) == ("Đề nghị gia hạn nhiệm vụ 4.2 (Phổ cập kỹ năng số cho người dân phường) đến 30/06/2027 "
                             "không được chấp thuận: Không đủ căn cứ")


def test_returned_indicator_values_tell_the_people_who_enter_them(registry, make_user):
    reporter = make_user("canbo.benthanh", "26743", "reporter")
    leader = make_user("lanhdao.benthanh", "26743", "approver")
    make_user("canbo.saigon", "26740", "reporter")
    ward = registry["26743"]
    value_set(actor=reporter, indicator=Indicator.objects.get(code="HS_TIEPNHAN"), unit=ward, period="2025", value=Decimal(1200))
    approval = values_submit(actor=reporter, unit=ward, period="2025",
                             expected_version=Approval.objects.get(unit=ward, period="2025").version)
    values_return(actor=leader, unit=ward, period="2025", note="Sai số liệu quý 4", expected_version=approval.version)
    assert told() == {("canbo.benthanh", "values_returned")}
    n = Notification.objects.get()
    assert n.url == "/units/26743/data/2025/"
    assert vietnamese(n) == "Số liệu chỉ tiêu kỳ 2025 của Phường Bến Thành bị trả lại: Sai số liệu quý 4"


# ---------------------------------------------------------------- e-mail

def test_immediate_people_are_emailed_on_commit_digest_people_in_the_daily_run_and_none_never(ward, hcmc, django_capture_on_commit_callbacks):
    notification_preference_set(actor=ward["leader"], email="digest")
    notification_preference_set(actor=ward["reporter"], email="none")
    # a reporter beside the ward, given a role on it too: never chose, so e-mailed immediately
    role_grant(actor=SYSTEM, user=ward["sibling"], unit=hcmc["26743"], role="reporter")
    task = Task.objects.get(code="4.2")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        explanation_request(actor=ward["steering"], task=task, message="Vì sao chậm?")
    assert mail.outbox == []  # nothing is sent before the transaction commits
    for callback in callbacks:
        callback()
    assert [m.to for m in mail.outbox] == [["canbo@saigon.example.gov.vn"]]
    assert mail.outbox[0].subject == ("[dieuhanh] Phường Bến Thành được yêu cầu giải trình về nhiệm vụ 4.2 "
                                      "(Phổ cập kỹ năng số cho người dân phường).")
    assert f"http://localhost:8000/tasks/{task.pk}/#explanation-" in mail.outbox[0].body

    with django_capture_on_commit_callbacks(execute=True):
        notifications_daily(actor=SYSTEM, day=D(2026, 11, 30))
    digests = [m for m in mail.outbox if m.to == ["lanhdao@benthanh.example.gov.vn"]]
    assert len(digests) == 1 and "giải trình về nhiệm vụ 4.2" in digests[0].body
    assert not [m for m in mail.outbox if m.to == ["canbo@benthanh.example.gov.vn"]]  # "none": the app only
    assert Notification.objects.filter(recipient=ward["reporter"], emailed_at__isnull=True).count() == 1


def test_a_comment_on_several_lines_makes_a_one_line_subject(ward, django_capture_on_commit_callbacks):
    task = Task.objects.get(code="4.2")
    report = report_save(actor=ward["reporter"], task=task, period="2026-11", percent=Decimal(40), submit=True)
    with django_capture_on_commit_callbacks(execute=True):
        report_return(actor=ward["leader"], report=report, comment="Bổ sung:\n- minh chứng", expected_version=report.version)
    assert [m.subject for m in mail.outbox] == ["[dieuhanh] Báo cáo kỳ 2026-11 của nhiệm vụ 4.2 (Phổ cập kỹ năng số cho người "
                                                "dân phường) bị trả lại để chỉnh sửa: Bổ sung: - minh chứng"]


def test_only_the_platform_runs_the_daily_notifications(ward):
    with pytest.raises(Forbidden):
        notifications_daily(actor=ward["steering"], day=D(2026, 11, 30))
    assert Notification.objects.count() == 0


# ---------------------------------------------------------------- pages

def test_the_bell_shows_the_unread_count_in_one_query(ward):
    explanation_request(actor=ward["steering"], task=Task.objects.get(code="4.2"), message="Vì sao chậm?")
    leader = signed_in("lanhdao.benthanh")
    with CaptureQueriesContext(connection) as queries:
        html = leader.get("/units/").content.decode()
    assert 'aria-label="Thông báo, 1 chưa đọc"' in html
    assert len([q for q in queries if "notifications_notification" in q["sql"]]) == 1
    assert 'aria-label="Thông báo, không có thông báo chưa đọc"' in signed_in("xem.benthanh").get("/units/").content.decode()


def test_the_list_is_newest_first_paged_and_opening_marks_read_and_leads_to_the_object(ward, hcmc):
    for i in range(1, 23):  # 22 notifications: a page of 20 and a page of 2
        notify_users("due_soon", users=[ward["leader"]], unit=hcmc["26743"], about=("task", i), url=f"/tasks/{i}/",
                     params={"task": f"T{i}", "title": "Nhiệm vụ thử", "deadline": "31/12/2026"})
    leader = signed_in("lanhdao.benthanh")
    first = leader.get("/notifications/").content.decode()
    assert first.index("Nhiệm vụ T22 ") < first.index("Nhiệm vụ T21 ") and "Nhiệm vụ T2 " not in first and "Trang 1/2" in first
    second = leader.get("/notifications/", {"page": 2}).content.decode()
    assert "Nhiệm vụ T2 " in second and "Nhiệm vụ T1 " in second and "Nhiệm vụ T3 " not in second

    newest = Notification.objects.filter(params__task="T22").get()
    response = leader.get(f"/notifications/{newest.pk}/open/")
    assert response.status_code == 302 and response["Location"] == "/tasks/22/"
    assert 'aria-label="Thông báo, 21 chưa đọc"' in leader.get("/notifications/").content.decode()
    leader.post("/notifications/read-all/", {"next": "/notifications/?unread=1"})
    assert Notification.objects.filter(read_at__isnull=True).count() == 0


def test_another_persons_notification_answers_not_found_and_stays_unread(ward):
    explanation_request(actor=ward["steering"], task=Task.objects.get(code="4.2"), message="Vì sao chậm?")
    theirs = Notification.objects.get(recipient=ward["leader"])
    reporter = signed_in("canbo.benthanh")
    assert reporter.get(f"/notifications/{theirs.pk}/open/").status_code == 404
    assert reporter.post(f"/notifications/{theirs.pk}/read/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_preferences_page_saves_the_choice_and_refuses_a_stale_form(ward):
    leader = signed_in("lanhdao.benthanh")
    page = leader.get("/notifications/preferences/").content.decode()
    assert "Ngay lập tức, mỗi thông báo một thư" in page and 'value="immediate"' in page
    assert leader.post("/notifications/preferences/", {"email": "digest", "version": 0}).status_code == 302
    stale = leader.post("/notifications/preferences/", {"email": "none", "version": 0}, follow=True).content.decode()
    assert "Bản ghi này đã được người khác cập nhật" in stale
    assert ward["leader"].notification_preference.email == "digest"


# ---------------------------------------------------------------- API

def test_the_api_lists_counts_marks_read_and_sets_preferences(ward, api_client, hcmc):
    client = api_client("lanhdao.quan", "26743", "approver")
    explanation_request(actor=ward["steering"], task=Task.objects.get(code="4.2"), message="Vì sao chậm?")
    notify_users("due_soon", users=[ward["reporter"]], unit=hcmc["26743"], about=("task", 1), url="/tasks/1/", params={})
    assert client.get("/api/notifications/unread-count").json() == {"unread": 1}
    body = client.get("/api/notifications").json()
    assert (body["count"], body["unread"]) == (1, 1)
    item = body["items"][0]
    assert (item["kind"], item["unit"], item["about_type"], item["read_at"]) == ("explanation_requested", "26743", "explanation", None)
    assert item["message"].startswith("Phường Bến Thành được yêu cầu giải trình về nhiệm vụ 4.2")

    others = Notification.objects.get(recipient=ward["reporter"], kind="due_soon")
    assert client.post(f"/api/notifications/{others.pk}/read").status_code == 404
    read = client.post(f"/api/notifications/{item['id']}/read")
    assert read.status_code == 200 and read.json()["read_at"] is not None
    assert client.get("/api/notifications", {"unread": True}).json()["count"] == 0
    assert client.post("/api/notifications/read-all").json() == {"marked": 0}

    assert client.get("/api/notifications/preferences").json() == {"email": "immediate", "version": 0}
    put = lambda data: client.put("/api/notifications/preferences", data=json.dumps(data), content_type="application/json")
    assert put({"email": "digest", "version": 0}).json() == {"email": "digest", "version": 1}
    assert put({"email": "none", "version": 0}).status_code == 409
    assert put({"email": "weekly", "version": 1}).status_code == 400
    assert client.get("/api/notifications/preferences").json() == {"email": "digest", "version": 1}
