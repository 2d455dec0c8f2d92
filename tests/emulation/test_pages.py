"""Pages of initiatives and awards: the public pages show no confidential part and no personal data, take comments
without an account (a filled honeypot is kept nowhere), and the Excel exports hold the registers."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from dieuhanh.emulation import services
from dieuhanh.emulation.models import Comment, Initiative
from tests.conftest import BEN_THANH, D
from tests.emulation.conftest import apply, recognise

pytestmark = pytest.mark.django_db


@pytest.fixture
def posted(cast, hcmc, city_round, form):
    item = recognise(apply(cast["official"], hcmc[BEN_THANH], title="Chatbot thủ tục"))
    proposal = services.award_propose(actor=cast["leader"], award_round=city_round, unit=hcmc[BEN_THANH], form=form("bang_khen_chu_tich"),
                                      nominee_kind="person", nominee_name="Nguyễn Thị Lan", nominee_born_on=D(1988, 5, 17), period=2026,
                                      achievements="Chi tiết nội bộ về thành tích", summary="Xây dựng chatbot thủ tục", initiatives=[item])
    rnd = services.award_round_post(actor=cast["city"], award_round=city_round, expected_version=1)
    return rnd, proposal, item


def test_the_public_initiative_page_shows_neither_the_confidential_part_nor_the_authors(posted):
    body = Client().get("/cong-khai/sang-kien/").content.decode()
    assert "Chatbot thủ tục" in body and "Trợ lý ảo trả lời 300 câu hỏi thường gặp" in body and "Giảm 40 % cuộc gọi" in body
    for private in ("Khoá API và bộ dữ liệu huấn luyện nội bộ", "Nguyễn Thị Lan", "Trần Văn Minh", "Kỹ sư"):
        assert private not in body


def test_the_posted_list_shows_name_unit_form_and_summary_only(posted):
    rnd, _proposal, _item = posted
    body = Client().get(f"/cong-khai/khen-thuong/{rnd.pk}/").content.decode()
    assert "Nguyễn Thị Lan" in body and "Phường Bến Thành" in body and "Xây dựng chatbot thủ tục" in body
    for private in ("17/05/1988", "1988", "Chi tiết nội bộ về thành tích", "Khoá API"):
        assert private not in body


def test_an_unposted_round_is_not_public(city_round):
    assert Client().get(f"/cong-khai/khen-thuong/{city_round.pk}/").status_code == 404


def test_anyone_comments_without_an_account_and_a_filled_honeypot_is_kept_nowhere(posted):
    rnd, proposal, _ = posted
    client = Client()
    response = client.post(f"/cong-khai/khen-thuong/{rnd.pk}/", {"body": "Tôi đồng ý", "name": "", "proposal": proposal.pk})
    assert response.status_code == 302
    response = client.post(f"/cong-khai/khen-thuong/{rnd.pk}/", {"body": "Mua hàng giá rẻ", "website": "http://spam.example"})
    assert response.status_code == 200 and 'role="status"' in response.content.decode()  # thanked like a person
    assert list(Comment.objects.values_list("body", "proposal_id")) == [("Tôi đồng ý", proposal.pk)]
    assert "Tôi đồng ý" in client.get(f"/cong-khai/khen-thuong/{rnd.pk}/").content.decode()


def test_a_hidden_comment_leaves_the_public_page_and_stays_for_the_council(posted, cast, web_client):
    rnd, _proposal, _ = posted
    Client().post(f"/cong-khai/khen-thuong/{rnd.pk}/", {"body": "Lời lẽ xúc phạm"})
    comment = Comment.objects.get()
    services.award_comment_hide(actor=cast["city"], comment=comment, expected_version=1, reason="Xúc phạm cá nhân")
    assert "Lời lẽ xúc phạm" not in Client().get(f"/cong-khai/khen-thuong/{rnd.pk}/").content.decode()
    council = web_client("hoidong", "79", "steering").get(f"/khen-thuong/dot/{rnd.pk}/").content.decode()
    assert "Lời lẽ xúc phạm" in council and "Xúc phạm cá nhân" in council


def test_comments_close_with_the_consultation(posted, clock):
    rnd, _proposal, _ = posted
    clock.move_to(dt.datetime(2026, 12, 15, 9, 0))
    Client().post(f"/cong-khai/khen-thuong/{rnd.pk}/", {"body": "Muộn"})
    assert not Comment.objects.exists()


def test_the_exports_hold_the_registers_without_the_confidential_part(posted, cast, web_client, clock):
    rnd, proposal, _ = posted
    clock.move_to(dt.datetime(2026, 12, 15, 9, 0))
    services.award_round_decide(actor=cast["city"], award_round=rnd, expected_version=rnd.version, decisions={proposal.pk: True},
                                minutes="Họp", decision_no="123/QĐ-UBND")
    client = web_client("thanhpho.web", "79", "steering")
    awards = load_workbook(io.BytesIO(client.get("/khen-thuong/so/?year=2026&format=xlsx").content))
    cells = [c for row in awards.active.iter_rows(values_only=True) for c in row if c is not None]
    assert "Nguyễn Thị Lan" in cells and "123/QĐ-UBND" in cells
    initiatives = load_workbook(io.BytesIO(client.get("/sang-kien/?format=xlsx").content))
    cells = [c for row in initiatives.active.iter_rows(values_only=True) for c in row if c is not None]
    assert "001/2026/SK" in cells and not any("Khoá API" in str(c) for c in cells)


def test_bad_input_on_the_pages_answers_4xx_or_the_form_again_never_500(cast, hcmc, web_client, city_round):
    leader = web_client("lanhdao.web", BEN_THANH, "approver")
    assert leader.post("/thi-dua/", {"movement": "abc", "unit": BEN_THANH, "commitments": "x"}).status_code == 404
    shares = {"unit": BEN_THANH, "title": "T", "field": "digital", "substance": "S", "benefit_author": "B", "authors-TOTAL_FORMS": "2",
              "authors-INITIAL_FORMS": "0", "authors-0-name": "A", "authors-0-share": "60", "authors-1-name": "B", "authors-1-share": "30"}
    response = leader.post("/sang-kien/moi/", shares, follow=True)
    assert response.status_code == 200 and "100 %" in response.content.decode()
    assert not Initiative.objects.exists() and response.redirect_chain[-1][0] == "/sang-kien/moi/"
    city = web_client("thanhpho.web2", "79", "steering")
    response = city.post(f"/khen-thuong/dot/{city_round.pk}/quyet-dinh/", {"version": "x" * 30, "minutes": "m", "decision_no": "1"})
    assert response.status_code == 302
    assert Client().post("/cong-khai/khen-thuong/987654/", {"body": "x"}).status_code == 404
