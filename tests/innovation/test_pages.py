"""Pages: the officials' side, the proposers' own pages behind their fence, the public pages; exports."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from dieuhanh.accounts.services import token_create
from dieuhanh.innovation import services
from dieuhanh.innovation.models import Call, Proposal
from tests.conftest import DEPARTMENT, PASSWORD, SYSTEM
from tests.innovation.conftest import proposal_of

pytestmark = pytest.mark.django_db


def body(response, path: str = "") -> str:
    """The page without its CSRF tokens (they change with each response) and the address asked for."""
    text = response.content.decode()
    if path:
        text = text.replace(f'value="{path}"', 'value="PATH"')
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text)
    return re.sub(r'"X-CSRFToken": "[^"]*"', "", text)


def signed_in(user) -> Client:
    c = Client()
    assert c.login(username=user.username, password=PASSWORD)
    return c


def test_registration_sends_a_link_that_activates_the_account(hcmc, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    c = Client()
    with django_capture_on_commit_callbacks(execute=True):
        r = c.post(reverse("proposer_register"), {"kind": "enterprise", "name": "Công ty CP Nước Sạch", "tax_code": "0311111111",
                                                   "email": "lienhe@nuocsach.vn", "password": "mot-mat-khau-dai"})
    assert r.status_code == 302 and r["Location"] == reverse("proposer_registered")
    assert not c.login(username="lienhe@nuocsach.vn", password="mot-mat-khau-dai")  # inactive until verified
    (message,) = mail.outbox
    link = re.search(r"https?://\S+/de-xuat/xac-minh/\S+/", message.body).group(0)
    path = link[link.index("/de-xuat/"):]
    assert c.get(path).status_code == 200
    assert c.post(path).status_code == 200
    assert c.login(username="lienhe@nuocsach.vn", password="mot-mat-khau-dai")
    assert c.get("/").url == reverse("proposer_home")


def test_a_bad_tax_code_is_said_on_the_form(hcmc):
    c = Client()
    r = c.post(reverse("proposer_register"), {"kind": "enterprise", "name": "Công ty X", "tax_code": "12345", "email": "x@x.vn",
                                               "password": "mot-mat-khau-dai"}, follow=True)
    assert "Mã số thuế gồm 10 chữ số" in r.content.decode()


OFFICIAL_PAGES = ["/", "/plans/", "/tasks/", "/difficulties/", "/dat-hang/", "/ho-tro/", "/dat-hang/moi/", "/dat-hang/{call}/",
                  "/dat-hang/de-xuat/{proposal}/", "/dat-hang/{call}/de-xuat.xlsx", "/dat-hang/export.xlsx", "/indicators/", "/units/",
                  "/me/roles/", "/dashboards/", "/jobs/", "/d766/", "/indices/"]
OFFICIAL_API = ["/api/calls", "/api/calls/{call}", "/api/calls/{call}/proposals", "/api/proposals/{proposal}", "/api/tasks",
                "/api/plans", "/api/units/79", "/api/difficulties", "/api/calls/figures", "/api/docs"]


def test_a_proposer_reaches_no_official_page_or_api_and_each_answers_like_a_missing_one(call, proposers):
    p = proposal_of(call, proposers["a"])
    web = signed_in(proposers["a"].user)
    missing = body(web.get("/khong-co-trang-nay/"), "/khong-co-trang-nay/")
    for path in OFFICIAL_PAGES:
        address = path.format(call=call.pk, proposal=p.pk)
        r = web.get(address)
        if path == "/":
            assert r.status_code == 302 and r.url == reverse("proposer_home")
            continue
        assert (r.status_code, body(r, address)) == (404, missing), path
    _, secret = token_create(actor=proposers["a"].user, user=proposers["a"].user, name="thu")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    absent = api.get("/api/khong-co")
    for path in OFFICIAL_API:
        r = api.get(path.format(call=call.pk, proposal=p.pk))
        assert (r.status_code, r.json()) == (404, absent.json()), path
        r = web.get(path.format(call=call.pk, proposal=p.pk))
        assert (r.status_code, r.json()) == (404, absent.json()), path
    assert api.get(f"/api/de-xuat/proposals/{p.pk}").status_code == 200
    assert web.get(reverse("proposer_proposal", args=[p.pk])).status_code == 200


def test_proposer_a_cannot_see_proposer_bs_proposal(call, proposers):
    pb = proposal_of(call, proposers["b"])
    a = signed_in(proposers["a"].user)
    for path in (reverse("proposer_proposal", args=[pb.pk]), reverse("proposer_proposal", args=[987654])):
        assert a.get(path).status_code == 404
    hidden, absent = (reverse("proposer_proposal", args=[i]) for i in (pb.pk, 987654))
    assert body(a.get(hidden), hidden) == body(a.get(absent), absent)
    assert a.post(reverse("proposer_proposal_withdraw", args=[pb.pk]), {"version": pb.version}).status_code == 404
    _, secret = token_create(actor=proposers["a"].user, user=proposers["a"].user, name="thu")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    hidden, absent = api.get(f"/api/de-xuat/proposals/{pb.pk}"), api.get("/api/de-xuat/proposals/987654")
    assert hidden.status_code == 404 and hidden.json() == absent.json()
    assert [x["id"] for x in api.get("/api/de-xuat/proposals").json()] == []
    assert Proposal.objects.get(pk=pb.pk).status == "submitted"


def test_proposers_pages_and_the_refusals_on_the_form(call, proposers, clock):
    web = signed_in(proposers["a"].user)
    home = web.get(reverse("proposer_home")).content.decode()
    assert call.title in home
    form = {"title": "Cảm biến ngập", "summary": "Tóm tắt", "description": "Mô tả", "rules_accepted": "on"}
    r = web.post(reverse("proposal_submit", args=[call.pk]), form)
    p = Proposal.objects.get()
    assert r.url == reverse("proposer_proposal", args=[p.pk])
    again = web.post(reverse("proposal_submit", args=[call.pk]), form, follow=True).content.decode()
    assert "Tổ chức của bạn đã có đề xuất cho bài toán này" in again
    clock.move_to("2026-12-16 09:00:00+07:00")
    late = signed_in(proposers["b"].user).post(reverse("proposal_submit", args=[call.pk]), form, follow=True).content.decode()
    assert "Hạn nhận đề xuất là 15/12/2026" in late
    assert Proposal.objects.count() == 1


def test_officials_pages_and_exports(call, proposers, web_client):
    proposal_of(call, proposers["a"])
    web = web_client("lanhdao.skhcn", DEPARTMENT, "approver")
    assert call.title in web.get(reverse("call_list")).content.decode()
    page = web.get(reverse("call_detail", args=[call.pk])).content.decode()
    assert "0 trên 0 lượt đánh giá đã xong" in page or "0 of 0 evaluations done" in page
    for url in (reverse("call_export"), reverse("call_proposals_export", args=[call.pk])):
        r = web.get(url)
        assert r.status_code == 200 and "attachment" in r["Content-Disposition"]
        rows = list(openpyxl.load_workbook(io.BytesIO(r.content)).active.values)
        assert any(call.title in [str(v) for v in row] or "Mạng cảm biến ngập LoRa" in [str(v) for v in row] for row in rows)
    other = web_client("canbo.syt", "79.SYT", "approver")
    assert other.get(reverse("call_detail", args=[call.pk])).status_code == 404


def test_public_pages_need_no_sign_in_show_published_calls_only_and_no_person(call, proposers, make_user):
    draft = services.call_create(actor=SYSTEM, owner=call.owner, title="Bản nháp chưa công bố", need="N", criteria=[("A", 100)])
    p = proposal_of(call, proposers["citizen"], title="Giải pháp của người dân")
    anon = Client()
    listing = anon.get(reverse("public_calls")).content.decode()
    assert call.title in listing and draft.title not in listing
    assert anon.get(reverse("public_call", args=[draft.pk])).status_code == 404
    members = [make_user("tv1", DEPARTMENT, "viewer")]
    c = services.call_move(actor=SYSTEM, call=Call.objects.get(pk=call.pk), expected_version=call.version, to="closed")
    c = services.council_set(actor=SYSTEM, call=c, expected_version=c.version, members=members)
    c = services.call_move(actor=SYSTEM, call=c, expected_version=c.version, to="evaluation")
    services.call_select(actor=SYSTEM, call=c, expected_version=c.version, selected=[p.pk], minutes="BB", reasons="Tốt")
    page = anon.get(reverse("public_call", args=[call.pk])).content.decode()
    assert "Giải pháp của người dân" in page
    for private in ("Nguyễn Văn Dân", "dan@gmail.com", "tv1", "BB"):
        assert private not in page
    assert anon.get("/api/public/calls").json()[0]["selected_organisations"] == []


def test_evaluators_see_only_what_they_may(call, proposers, make_user):
    from dieuhanh.innovation.models import Call as CallModel

    CallModel.objects.filter(pk=call.pk).update(blind=True)
    pa = proposal_of(call, proposers["a"])
    m1, m2 = make_user("tv1", "79.SYT", "viewer"), make_user("tv2", "79.STC", "viewer")
    outsider = make_user("tv3", "79.SNV", "approver")
    c = CallModel.objects.get(pk=call.pk)
    c = services.call_move(actor=SYSTEM, call=c, expected_version=c.version, to="closed")
    c = services.council_set(actor=SYSTEM, call=c, expected_version=c.version, members=[m1, m2])
    c = services.call_move(actor=SYSTEM, call=c, expected_version=c.version, to="evaluation")
    scores = dict(zip(c.criteria.values_list("pk", flat=True), [9, 9, 9], strict=True))
    services.evaluation_submit(actor=m1, proposal=pa, scores=scores, comment="Nhận xét riêng của thành viên một")
    web2 = signed_in(m2)
    page = web2.get(reverse("proposal_detail", args=[pa.pk])).content.decode()
    assert "Nhận xét riêng của thành viên một" not in page and "90,00" not in page  # not before their own is in
    assert "Công ty TNHH Giải Pháp Số" not in page and "(ẩn: đánh giá kín)" in page  # blind
    assert "1 trên 2 lượt đánh giá đã xong" in page
    listing = web2.get(reverse("call_detail", args=[c.pk])).content.decode()
    assert "Công ty TNHH Giải Pháp Số" not in listing
    r = web2.post(reverse("proposal_score", args=[pa.pk]), {f"c{k}": 5 for k in scores})
    assert r.status_code == 302
    page = web2.get(reverse("proposal_detail", args=[pa.pk])).content.decode()
    assert "Nhận xét riêng của thành viên một" in page
    out = signed_in(outsider)
    assert out.get(reverse("proposal_detail", args=[pa.pk])).status_code == 404
    assert out.post(reverse("proposal_score", args=[pa.pk]), {f"c{k}": 5 for k in scores}).status_code == 404
    assert signed_in(proposers["a"].user).get(reverse("proposer_proposal", args=[pa.pk])).content.decode().count("90,00") == 0


def test_the_city_cockpit_counts_calls_by_stage(call, hcmc, web_client):
    services.call_create(actor=SYSTEM, owner=hcmc["79.SYT"], title="Bản nháp của Sở Y tế", need="N", criteria=[("A", 100)], field="health")
    from tests.cockpit.pages import section

    block = section(web_client("chidao", "79", "steering").get("/").content.decode(), "ordered_problems")
    assert 'data-count="total">2<' in block
    assert "?stage=published" in block and "?stage=draft" in block


def test_a_proposer_reads_the_answer_to_a_proposal_in_the_notifications_and_nothing_else(call, proposers, make_user):
    """The answer reaches the proposer by e-mail and in the app: the bell counts it, the list names it, opening it
    leads to the proposal and marks it read; the API gives the same; another person's notification is missing."""
    from dieuhanh.notifications.models import Notification
    from dieuhanh.notifications.services import notify_users

    from dieuhanh.accounts.models import User

    p = proposal_of(call, proposers["a"])
    person = User.objects.get(pk=proposers["a"].user_id)  # as verified (active)
    answer = notify_users("proposal_answered", users=[person], unit=call.owner, about=p,
                          url=reverse("proposer_proposal", args=[p.pk]))[0]
    official = make_user("canbo.thongbao", DEPARTMENT, "reporter")
    theirs = notify_users("proposal_answered", users=[official], unit=call.owner, about=p, url="/dat-hang/")[0]
    web = signed_in(proposers["a"].user)
    home = web.get(reverse("proposer_home")).content.decode()
    assert re.search(r'<a class="bell" href="/notifications/"[^>]*aria-label="Thông báo, 1 chưa đọc"', home), home[:3000]
    listing = web.get("/notifications/").content.decode()
    assert f'href="/notifications/{answer.pk}/open/"' in listing and f"/notifications/{theirs.pk}/" not in listing
    opened = web.get(f"/notifications/{answer.pk}/open/")
    assert opened.status_code == 302 and opened.url == reverse("proposer_proposal", args=[p.pk])
    assert Notification.objects.get(pk=answer.pk).read_at is not None
    assert web.get(f"/notifications/{theirs.pk}/open/").status_code == 404
    assert web.get("/notifications/preferences/").status_code == 200  # e-mailed at once or in a daily digest
    _, secret = token_create(actor=proposers["a"].user, user=proposers["a"].user, name="thong-bao")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    items = api.get("/api/notifications").json()
    assert [n["id"] for n in items["items"]] == [answer.pk]
    assert api.post(f"/api/notifications/{theirs.pk}/read").status_code == 404
