"""An official's initiative is applied for and gets its receipt with the answer-due day; the ward's council reviews
it and the city recognises it at city scope; the ward proposes the official for the city chairman's certificate of
merit resting on it; the city posts the list publicly; a visitor without an account comments; the comment is
moderated; the council cannot meet before ten working days have passed, then decides; the award is in the register."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from dieuhanh.emulation.award_forms import load_forms
from dieuhanh.emulation.models import AwardForm, Comment, Initiative, Proposal
from tests.conftest import HCMC_TIME

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _tab(browser, live_server, sign_in=None, username=""):
    page = browser.new_context(base_url=live_server.url, locale="vi-VN", viewport={"width": 1280, "height": 900}).new_page()
    page.set_default_timeout(15_000)
    if sign_in:
        sign_in(page, username)
    return page


def test_an_initiative_recognised_at_city_scope_earns_an_award_after_public_comment(page, browser, live_server, make_user, sign_in, clock,
                                                                                    settings):
    settings.DIEUHANH_INITIATIVE_REVIEW_DAYS = 30
    load_forms(AwardForm)  # a live-server test may run on a database flushed by the previous one: the migration's rows are gone
    make_user("canbo.benthanh", "26743", "reporter")
    make_user("lanhdao.benthanh", "26743", "approver")
    make_user("thuongtruc.thanhpho", "79", "steering")

    # the official applies: authors with shares adding up to 100, the confidential part kept apart
    sign_in(page, "canbo.benthanh")
    page.goto("/sang-kien/moi/")
    page.locator("#id_title").fill("Trợ lý ảo hướng dẫn thủ tục hành chính")
    page.locator("#id_field").select_option("digital")
    page.locator("#id_first_applied_on").fill("01/06/2026")
    page.locator("#id_substance").fill("Trợ lý ảo trả lời câu hỏi về 120 thủ tục của phường.")
    page.locator("#id_confidential").fill("Bộ câu hỏi huấn luyện và khoá kết nối")
    page.locator("#id_benefit_author").fill("Giảm 40 % lượt hỏi trực tiếp.")
    page.locator("#id_authors-0-name").fill("Nguyễn Thị Lan")
    page.locator("#id_authors-0-share").fill("60")
    page.locator("#id_authors-1-name").fill("Trần Văn Minh")
    page.locator("#id_authors-1-share").fill("40")
    page.locator("form.card button[type=submit]").click()
    expect(page.locator("#answer-due")).to_have_text("30/12/2026")  # received 30/11/2026 + 30 days
    item = Initiative.objects.get()
    assert item.receipt == "001/2026/SK"

    # the ward's leader names the council and records an opinion
    leader = _tab(browser, live_server, sign_in, "lanhdao.benthanh")
    leader.goto(f"/sang-kien/{item.pk}/")
    leader.locator("#id_members").fill("Ông Phạm Văn Hải, Chủ tịch UBND phường\nBà Lê Thu, công chức văn phòng")
    leader.locator("#council button").click()
    leader.locator("#id_member").fill("Ông Phạm Văn Hải")
    leader.locator("#id_vote").select_option("for")
    leader.locator("#opinion button").click()
    expect(leader.locator("#initiative-status")).to_have_text(Initiative.objects.get().get_status_display())

    # the city recognises it at city scope
    city = _tab(browser, live_server, sign_in, "thuongtruc.thanhpho")
    city.goto(f"/sang-kien/{item.pk}/")
    city.locator("#id_outcome").select_option("recognise")
    city.locator("#id_scope").select_option("city")
    city.locator("#id_decision_no").fill("15/QĐ-UBND")
    city.locator("#id_minutes").fill("Hội đồng thống nhất đề nghị công nhận phạm vi thành phố.")
    city.locator("#decide button").click()
    expect(city.locator("#initiative-scope")).to_be_visible()
    item = Initiative.objects.get()
    assert (item.status, item.scope, item.decided_by_unit.code) == ("recognised", "city", "79")

    # the city opens its round; the ward proposes the official resting on the initiative
    city.goto("/khen-thuong/")
    city.locator("#id_unit").select_option("79")
    city.locator("#id_title").fill("Khen thưởng phong trào đổi mới sáng tạo năm 2026")
    city.locator("form.narrow button, section.narrow button").first.click()
    round_id = city.url.rstrip("/").split("/")[-1]
    leader.goto(f"/khen-thuong/dot/{round_id}/de-nghi/")
    leader.locator("#id_form").select_option("bang_khen_chu_tich")
    leader.locator("#id_nominee_kind").select_option("person")
    leader.locator("#id_nominee_name").fill("Nguyễn Thị Lan")
    leader.locator("#id_nominee_born_on").fill("17/05/1988")
    leader.locator("#id_achievements").fill("Chủ trì xây dựng trợ lý ảo; 12.000 lượt hỏi được trả lời.")
    leader.locator("#id_summary").fill("Xây dựng trợ lý ảo hướng dẫn thủ tục hành chính")
    leader.locator("#id_initiatives_0").check()
    leader.locator("form.card button[type=submit]").click()
    expect(leader.locator("#proposal-status")).to_be_visible()
    proposal = Proposal.objects.get()

    # the city posts the list: ten working days for comments
    city.goto(f"/khen-thuong/dot/{round_id}/")
    city.locator(f"form[action='/khen-thuong/dot/{round_id}/cong-khai/'] button").click()
    expect(city.locator("#round-status")).to_be_visible()
    assert proposal.round.__class__.objects.get(pk=round_id).consultation_ends_on == dt.date(2026, 12, 14)

    # a visitor without an account reads the list (no date of birth) and comments
    visitor = _tab(browser, live_server)
    visitor.goto(f"/cong-khai/khen-thuong/{round_id}/")
    expect(visitor.get_by_role("cell", name="Nguyễn Thị Lan")).to_be_visible()
    assert "17/05/1988" not in visitor.content() and "Bộ câu hỏi huấn luyện" not in visitor.content()
    visitor.locator("#id_body").fill("Tôi đã dùng trợ lý ảo này, rất hữu ích.")
    visitor.locator(".comment-form button").click()
    expect(visitor.get_by_text("Tôi đã dùng trợ lý ảo này, rất hữu ích.")).to_be_visible()
    visitor.goto(f"/cong-khai/khen-thuong/{round_id}/")
    visitor.locator("#id_body").fill("Quảng cáo: mua hàng giá rẻ tại đây")
    visitor.locator(".comment-form button").click()
    comment = Comment.objects.get(body__startswith="Quảng cáo")

    # the city hides the advertisement with a reason; it is kept
    city.goto(f"/khen-thuong/dot/{round_id}/")
    city.locator(f"#reason-{comment.pk}").fill("Quảng cáo, không liên quan")
    city.locator(f"#comment-{comment.pk} button").click()
    expect(city.locator(f"#comment-{comment.pk}")).to_contain_text("Quảng cáo, không liên quan")
    visitor.goto(f"/cong-khai/khen-thuong/{round_id}/")
    expect(visitor.get_by_text("Quảng cáo: mua hàng giá rẻ tại đây")).to_have_count(0)

    # the council cannot meet while the consultation runs
    city.goto(f"/khen-thuong/dot/{round_id}/")
    city.locator(f"input[name=decision_{proposal.pk}][value=approve]").check()
    city.locator("#decision_no").fill("2001/QĐ-UBND")
    city.locator("#minutes").fill("Hội đồng thi đua - khen thưởng thành phố họp.")
    city.locator("#decide button[type=submit]").click()
    expect(city.locator(".msg").first).to_contain_text("14/12/2026")
    assert Proposal.objects.get().status == "proposed"

    # after the tenth working day (Mon 14/12/2026) it meets and decides
    clock.move_to(dt.datetime(2026, 12, 15, 9, 0, tzinfo=HCMC_TIME))
    city = _tab(browser, live_server, sign_in, "thuongtruc.thanhpho")
    city.goto(f"/khen-thuong/dot/{round_id}/")
    city.locator(f"input[name=decision_{proposal.pk}][value=approve]").check()
    city.locator("#decision_no").fill("2001/QĐ-UBND")
    city.locator("#minutes").fill("Hội đồng thi đua - khen thưởng thành phố họp.")
    city.locator("#decide button[type=submit]").click()
    expect(city.locator("#round-status")).to_be_visible()
    assert Proposal.objects.get().status == "approved"
    rnd = Proposal.objects.get().round
    assert [c["hidden"] for c in rnd.consultation] == [False, True]

    # the award is in the register
    city.goto("/khen-thuong/so/?year=2026")
    expect(city.locator("#award-register")).to_contain_text("Nguyễn Thị Lan")
    expect(city.locator("#award-register")).to_contain_text("2001/QĐ-UBND")
