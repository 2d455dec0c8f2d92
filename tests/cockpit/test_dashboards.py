"""Dashboards: built from the widget catalogue, kept server-side, changed only by their owner (each change an
audited action naming the version read), shared read-only with a unit and the units below it, set by the steering
committee as the home page of the units below; the same over the API."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from dieuhanh.access.models import Role
from dieuhanh.audit.models import AuditEvent
from dieuhanh.cockpit.models import Dashboard
from dieuhanh.cockpit.services import (
    dashboard_create,
    dashboard_delete,
    dashboard_set_default,
    dashboard_share,
    dashboard_update,
    dashboard_widget_add,
    dashboard_widget_change,
)
from dieuhanh.errors import Conflict, Forbidden, Invalid, NotFound
from dieuhanh.units.models import Unit
from tests.cockpit.pages import get, section, widget_ids
from tests.conftest import allowed_table

pytestmark = pytest.mark.django_db

# action -> (permission, the unit it is checked on): the unit shared with / made the home of (Bến Thành here).
ACTIONS = {
    "dashboard_share": ("dashboard_share", "target"),
    "dashboard_set_default": ("dashboard_default_set", "target"),
}
# Sharing with a unit takes a leader's role on it (approver), the steering committee's or an administrator's;
# making a dashboard a unit's home page takes the steering committee's. Roles reach down from where they are held.
ALLOWED = allowed_table("""
                        viewer  reporter  approver  steering  administrator
dashboard_share         no      no        yes       yes       yes
dashboard_set_default   no      no        no        yes       no
""")
POSITIONS = {"own": "26743", "above": "79", "other": "26740"}


def _fresh(d: Dashboard) -> Dashboard:
    return Dashboard.objects.get(pk=d.pk)


def _shared_block(make_user, web_client, item: dict) -> str:
    """The block of a one-widget dashboard a steering member shares with the city, as a city viewer sees it."""
    owner = make_user("chuyengia", "79", "steering")
    d = dashboard_create(actor=owner, title="Một khối", items=[item])
    dashboard_share(actor=owner, dashboard=d, expected_version=d.version, unit=Unit.objects.get(code="79"))
    return section(get(web_client("xem", "79", "viewer"), f"/dashboards/{d.pk}/"), "w1")


@pytest.mark.parametrize("position", list(POSITIONS))
@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("action", list(ACTIONS))
def test_sharing_and_setting_a_home_page_by_role_and_position(hcmc, make_user, action, role, position):
    actor = make_user("actor", POSITIONS[position], role)
    dashboard = dashboard_create(actor=actor, title="Theo dõi Bến Thành")
    target = hcmc["26743"]
    attempt = {"dashboard_share": dashboard_share, "dashboard_set_default": dashboard_set_default}[action]
    events = AuditEvent.objects.count()
    if position == "other":
        expected = NotFound
    else:
        expected = None if role in ALLOWED[action] else Forbidden
    # Administrators hold every permission of unit management, not of steering: the table says no.
    if expected is None:
        attempt(actor=actor, dashboard=dashboard, expected_version=dashboard.version, unit=target)
        field = "shared_with" if action == "dashboard_share" else "default_for"
        assert getattr(_fresh(dashboard), field) == target and AuditEvent.objects.count() == events + 1
    else:
        with pytest.raises(expected):
            attempt(actor=actor, dashboard=dashboard, expected_version=dashboard.version, unit=target)
        assert _fresh(dashboard).version == dashboard.version and AuditEvent.objects.count() == events


def test_only_the_owner_changes_a_dashboard_others_see_it_only_when_shared(hcmc, make_user):
    owner = make_user("lanhdao", "79", "steering")
    ward = make_user("canbo.benthanh", "26743", "reporter")
    outsider = make_user("canbo.saigon", "26740", "reporter")
    d = dashboard_create(actor=owner, title="Bảng của thành phố", items=[{"widget": "red_list"}])
    with pytest.raises(NotFound):  # not shared yet: as if it did not exist
        dashboard_update(actor=ward, dashboard=d, expected_version=d.version, title="Của tôi")
    d = dashboard_share(actor=owner, dashboard=d, expected_version=d.version, unit=hcmc["26743"])
    with pytest.raises(Forbidden):  # shared: seen, but read only
        dashboard_update(actor=ward, dashboard=d, expected_version=d.version, title="Của tôi")
    with pytest.raises(NotFound):
        dashboard_delete(actor=outsider, dashboard=d, expected_version=d.version)
    assert _fresh(d).title == "Bảng của thành phố"


def test_every_change_is_audited_and_names_the_version_read(hcmc, make_user):
    owner = make_user("lanhdao", "79", "steering")
    d = dashboard_create(actor=owner, title="Bảng")
    d = dashboard_widget_add(actor=owner, dashboard=d, expected_version=d.version, widget="red_list", size="large")
    d = dashboard_widget_add(actor=owner, dashboard=d, expected_version=d.version, widget="note", size="small", params={"text": "Họp thứ Hai"})
    d = dashboard_widget_change(actor=owner, dashboard=d, expected_version=d.version, item="w2", change="up")
    assert [(i["widget"], i["size"]) for i in _fresh(d).items] == [("note", "small"), ("red_list", "large")]
    with pytest.raises(Conflict):
        dashboard_widget_change(actor=owner, dashboard=d, expected_version=d.version - 1, item="w2", change="down")
    with pytest.raises(Invalid):
        dashboard_update(actor=owner, dashboard=d, expected_version=None, title="Không có phiên bản")
    with pytest.raises(Invalid):
        dashboard_widget_add(actor=owner, dashboard=d, expected_version=d.version, widget="no_such_widget")
    with pytest.raises(Invalid):
        dashboard_widget_add(actor=owner, dashboard=d, expected_version=d.version, widget="note", params={"indicator": "X"})
    actions = list(AuditEvent.objects.filter(object_type="dashboard").order_by("id").values_list("action", flat=True))
    assert actions == ["dashboard_create", "dashboard_widget_add", "dashboard_widget_add", "dashboard_widget_change"]
    dashboard_delete(actor=owner, dashboard=d, expected_version=d.version)
    assert not Dashboard.objects.filter(pk=d.pk).exists()
    assert AuditEvent.objects.filter(object_type="dashboard", action="dashboard_delete").count() == 1


def test_a_unit_s_default_dashboard_is_the_home_of_its_people_the_nearest_unit_winning(hcmc, make_user, web_client):
    steering = make_user("lanhdao", "79", "steering")
    city_board = dashboard_create(actor=steering, title="Bảng chung của thành phố", items=[{"widget": "note", "params": {"text": "Chào"}}])
    dashboard_set_default(actor=steering, dashboard=city_board, expected_version=city_board.version, unit=hcmc["79"])
    ward_board = dashboard_create(actor=steering, title="Bảng riêng Bến Thành", items=[{"widget": "deadlines"}])
    dashboard_set_default(actor=steering, dashboard=ward_board, expected_version=ward_board.version, unit=hcmc["26743"])
    ben_thanh = web_client("canbo.benthanh", "26743", "reporter")
    sai_gon = web_client("canbo.saigon", "26740", "reporter")
    assert "<h1>Bảng riêng Bến Thành</h1>" in get(ben_thanh, "/")
    assert "<h1>Bảng chung của thành phố</h1>" in get(sai_gon, "/")
    # Their own cockpit stays one link away.
    assert widget_ids(get(sai_gon, "/cockpit/"))[0] == "inbox"
    # A second default for the ward replaces the first (one home page per unit).
    other = dashboard_create(actor=steering, title="Bảng mới của phường")
    dashboard_set_default(actor=steering, dashboard=other, expected_version=other.version, unit=hcmc["26743"])
    assert _fresh(ward_board).default_for is None and "<h1>Bảng mới của phường</h1>" in get(ben_thanh, "/")


def test_the_pages_build_a_dashboard_and_its_print_names_the_filters(hcmc, make_user, web_client):
    client = web_client("chutich.benthanh", "26743", "approver")
    response = client.post("/dashboards/", {"title": "Bảng của tôi", "start": "empty"})
    d = Dashboard.objects.get(title="Bảng của tôi")
    assert response.status_code == 302 and response["Location"] == f"/dashboards/{d.pk}/"
    client.post(f"/dashboards/{d.pk}/widgets/", {"version": 1, "widget": "red_list", "size": "medium"})
    client.post(f"/dashboards/{d.pk}/widgets/", {"version": 2, "widget": "note", "size": "small", "text": "Ưu tiên quý IV"})
    client.post(f"/dashboards/{d.pk}/widgets/w2/", {"version": 3, "change": "left"})
    client.post(f"/dashboards/{d.pk}/widgets/w1/", {"version": 4, "change": "large"})
    assert [(i["id"], i["size"]) for i in _fresh(d).items] == [("w2", "small"), ("w1", "large")]
    stale = client.post(f"/dashboards/{d.pk}/widgets/w1/", {"version": 4, "change": "small"})
    assert stale.status_code == 302 and _fresh(d).version == 5  # refused, back to the page with the message
    page = get(client, f"/dashboards/{d.pk}/?f=1&unit=26743&as_of=2026-11-15")
    assert widget_ids(page) == ["w2", "w1"] and "Ưu tiên quý IV" in section(page, "w2")
    printed = page[page.find('<p class="print-only">'):]
    printed = printed[:printed.find("</p>")]
    assert "Đơn vị: Phường Bến Thành" in printed and "15/11/2026" in printed
    css = client.get("/static/cockpit/cockpit.css")
    text = b"".join(css.streaming_content if css.streaming else [css.content]).decode()
    assert ".print-only { display: block" in text[text.find("@media print"):]  # printing shows the filters line


def test_the_api_lists_creates_changes_shares_and_deletes(hcmc, api_client):
    leader = api_client("lanhdao", "79", "steering")
    ward = api_client("canbo.benthanh", "26743", "reporter")
    catalogue = leader.get("/api/dashboards/widgets").json()
    assert {"red_list", "status_split", "indicator_chart", "unit_scorecard", "d766_ranking", "index_ranking", "note"} <= {w["key"] for w in catalogue}
    created = leader.post("/api/dashboards", json.dumps({"title": "Bảng API", "items": [{"widget": "kpis", "size": "small"}],
                                                           "filters": {"unit": "26743", "key": True}}), content_type="application/json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["items"] == [{"id": "w1", "widget": "kpis", "size": "small", "params": {}}] and body["filters"] == {"unit": "26743", "key": "1"}
    url = f"/api/dashboards/{body['id']}"
    assert ward.get(url).status_code == 404
    bad = leader.patch(url, json.dumps({"version": 1, "items": [{"widget": "nope"}]}), content_type="application/json")
    assert bad.status_code == 422 and bad.json()["error"]["details"][0]["code"] == "unknown_widget"
    assert leader.get(url).json()["items"][0]["widget"] == "kpis"  # nothing changed
    stale = leader.patch(url, json.dumps({"version": 7, "title": "Đổi"}), content_type="application/json")
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "stale_version"
    shared = leader.post(f"{url}/share", json.dumps({"version": 1, "unit": "26743"}), content_type="application/json")
    assert shared.status_code == 200 and shared.json()["shared_with"] == "26743"
    assert [d["title"] for d in ward.get("/api/dashboards").json()] == ["Bảng API"]
    assert ward.patch(url, json.dumps({"version": 2, "title": "Của tôi"}), content_type="application/json").status_code == 403
    made_home = leader.post(f"{url}/default", json.dumps({"version": 2, "unit": "79"}), content_type="application/json")
    assert made_home.status_code == 200 and made_home.json()["default_for"] == "79"
    assert ward.delete(f"{url}?version=3").status_code == 403
    assert leader.delete(f"{url}?version=3").status_code == 204
    assert leader.get(url).status_code == 404


def test_an_index_ranking_widget_shows_the_five_best_and_the_five_last(asem_run, make_user, web_client):
    # COINr's published ASEM results: CHE 68.38, NLD 64.82, DNK 64.80, NOR 64.47, BEL 63.54 lead the 51 countries.
    block = _shared_block(make_user, web_client, {"widget": "index_ranking", "params": {"framework": "ASEM"}})
    rows = re.findall(r'<td class="num">(\d+)</td><td><a href="/indices/ASEM/units/(\w+)/">[^<]*</a></td><td class="num">([\d,]+)</td>', block)
    assert rows[:5] == [("1", "CHE", "68,4"), ("2", "NLD", "64,8"), ("3", "DNK", "64,8"), ("4", "NOR", "64,5"), ("5", "BEL", "63,5")]
    assert [r[0] for r in rows[5:]] == ["47", "48", "49", "50", "51"] and "Cả 51 đơn vị" in block


@pytest.mark.today(dt.date(2026, 4, 15))
def test_a_dashboard_shows_any_unit_s_766_score(store, make_user, web_client):
    # tests/dossiers/hand_made.py: in March 2026 Phường Sài Gòn scores 51.61, second of the two wards with dossiers.
    block = _shared_block(make_user, web_client, {"widget": "d766_unit", "params": {"unit": "26740"}})
    assert "Phường Sài Gòn" in block and "51,61" in block and "2 trên 2" in block
