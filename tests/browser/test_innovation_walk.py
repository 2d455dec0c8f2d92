"""An enterprise registers (the confirmation link read from the mail sent), confirms its e-mail, submits a proposal to
a published problem; the owner closes the call and names a council; two members score the proposal; the council
selects it; the problem's public page shows the selection, then the acceptance (nghiệm thu) and the adoption."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from dieuhanh.innovation import services
from dieuhanh.innovation.models import Proposal
from tests.conftest import DEPARTMENT, SYSTEM, D

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _as(browser, live_server, sign_in, username):
    page = browser.new_context(base_url=live_server.url, locale="vi-VN", viewport={"width": 1280, "height": 900}).new_page()
    page.set_default_timeout(15_000)
    sign_in(page, username)
    return page


def test_an_enterprise_proposes_the_council_selects_and_the_public_page_follows_to_adoption(page, browser, live_server, hcmc,
                                                                                             make_user, sign_in, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    make_user("lanhdao.skhcn", DEPARTMENT, "approver", full_name="Trần Lãnh Đạo")
    make_user("tv.syt", "79.SYT", "viewer", full_name="Lê Thành Viên Một")
    make_user("tv.stc", "79.STC", "viewer", full_name="Phạm Thành Viên Hai")
    call = services.call_create(actor=SYSTEM, owner=hcmc[DEPARTMENT], title="Cảnh báo ngập bằng cảm biến IoT", need="Cảnh báo ngập sớm",
                                criteria=[("Phù hợp nhu cầu", 60), ("Khả thi", 40)], closes_on=D(2026, 12, 15))
    services.call_move(actor=SYSTEM, call=call, expected_version=call.version, to="published")

    # the enterprise registers and confirms its e-mail with the link it was sent
    page.goto("/cong-khai/dat-hang/")
    page.get_by_role("link", name="Đăng ký đề xuất giải pháp").click()
    page.get_by_label("Loại tổ chức, cá nhân").select_option(label="Doanh nghiệp")
    page.get_by_label("Tên tổ chức (hoặc họ tên, nếu là người dân)").fill("Công ty CP Cảm Biến Sài Gòn")
    page.get_by_label("Mã số thuế hoặc mã đăng ký (tổ chức)").fill("0315555555")
    page.get_by_label("Thư điện tử").fill("giamdoc@cambien.vn")
    page.get_by_label("Mật khẩu (ít nhất 10 ký tự)").fill("mat-khau-thu-nghiem-2026")
    page.get_by_role("button", name="Đăng ký").click()
    expect(page.get_by_role("heading", name="Kiểm tra thư điện tử")).to_be_visible()
    link = re.search(r"https?://\S+(/de-xuat/xac-minh/\S+/)", mail.outbox[-1].body).group(1)
    page.goto(link)
    page.get_by_role("button", name="Xác nhận và kích hoạt tài khoản").click()
    expect(page.get_by_role("heading", name="Tài khoản đã được kích hoạt")).to_be_visible()

    # it signs in, lands on its own page and submits a proposal
    sign_in(page, "giamdoc@cambien.vn")
    expect(page).to_have_url(re.compile(r"/de-xuat/$"))
    page.get_by_role("link", name="Nộp đề xuất: Cảnh báo ngập bằng cảm biến IoT").click()
    page.get_by_label("Tiêu đề").fill("Mạng cảm biến mực nước LoRaWAN")
    page.get_by_label("Tóm tắt").fill("200 cảm biến mực nước tại các điểm ngập, cảnh báo qua ứng dụng.")
    page.get_by_label("Mô tả đầy đủ").fill("Giải pháp gồm cảm biến, trạm thu và nền tảng cảnh báo.")
    page.get_by_label("Tôi chấp nhận thể lệ của bài toán").check()
    page.get_by_role("button", name="Nộp đề xuất").click()
    expect(page.get_by_text("Đã nộp đề xuất.")).to_be_visible()
    proposal = Proposal.objects.get()

    # the owner closes the proposals, names a council of two and starts the evaluation
    owner = _as(browser, live_server, sign_in, "lanhdao.skhcn")
    owner.goto(f"/dat-hang/{call.pk}/")
    owner.get_by_role("button", name="Đóng nhận đề xuất").click()
    owner.get_by_label("Lê Thành Viên Một (tv.syt)").check()
    owner.get_by_label("Phạm Thành Viên Hai (tv.stc)").check()
    owner.get_by_role("button", name="Lưu hội đồng").click()
    owner.get_by_role("button", name="Bắt đầu đánh giá").click()
    expect(owner.get_by_text("0 trên 2 lượt đánh giá đã xong").first).to_be_visible()

    # two members score it, each on their own
    for username, scores in (("tv.syt", ("8", "7")), ("tv.stc", ("9", "6"))):
        member = _as(browser, live_server, sign_in, username)
        member.goto(f"/dat-hang/de-xuat/{proposal.pk}/")
        member.get_by_label("Phù hợp nhu cầu (60%)").fill(scores[0])
        member.get_by_label("Khả thi (40%)").fill(scores[1])
        member.get_by_role("button", name="Nộp đánh giá").click()
        expect(member.get_by_text("Đã nộp đánh giá của bạn.")).to_be_visible()
    owner.reload()
    expect(owner.get_by_text("2 trên 2 lượt đánh giá đã xong").first).to_be_visible()
    # (60×8 + 40×7)/10 = 76 and (60×9 + 40×6)/10 = 78 → mean 77
    expect(owner.get_by_role("cell", name="77,00")).to_be_visible()

    # the council's meeting selects it; the enterprise is answered
    owner.get_by_label("Biên bản họp thống nhất").fill("Hội đồng họp ngày 30/11/2026, thống nhất chọn.")
    owner.get_by_label("Mạng cảm biến mực nước LoRaWAN").check()
    owner.get_by_label("Lý do lựa chọn").fill("Điểm cao nhất, chi phí hợp lý.")
    owner.get_by_role("button", name="Ghi quyết định và trả lời các tổ chức đề xuất").click()
    expect(owner.get_by_text("Đã ghi quyết định và trả lời mọi tổ chức đề xuất.")).to_be_visible()
    page.goto(f"/de-xuat/{proposal.pk}/")
    expect(page.locator("#proposal-status")).to_have_text("Đã lựa chọn")

    public = browser.new_context(base_url=live_server.url, locale="vi-VN").new_page()
    public.goto(f"/cong-khai/dat-hang/{call.pk}/")
    expect(public.locator("#outcome-selected")).to_contain_text("Công ty CP Cảm Biến Sài Gòn")
    expect(public.locator("#outcome-acceptance")).to_have_count(0)

    # contract, acceptance, adoption; the public page follows
    owner.goto(f"/dat-hang/{call.pk}/")
    owner.get_by_role("button", name="Ghi nhận ký hợp đồng").click()
    owner.get_by_label("Kết quả nghiệm thu").select_option(label="Đạt")
    owner.get_by_label("Kết luận").fill("Hội đồng nghiệm thu: đạt yêu cầu.")
    owner.get_by_role("button", name="Ghi kết quả nghiệm thu").click()
    public.reload()
    expect(public.locator("#outcome-acceptance")).to_contain_text("Hội đồng nghiệm thu: đạt yêu cầu.")
    owner.get_by_label("Đơn vị áp dụng").select_option(label="Phường Bến Thành")
    owner.get_by_label("Áp dụng từ ngày").fill("01/12/2026")
    owner.locator("#id_result").fill("Cảnh báo sớm 30 phút")
    owner.get_by_role("button", name="Ghi đơn vị áp dụng").click()
    public.reload()
    expect(public.locator("#outcome-adoption")).to_contain_text("Phường Bến Thành")
    expect(public.locator("#call-stage")).to_contain_text("Đang áp dụng")
    for private in ("Trần Lãnh Đạo", "Lê Thành Viên Một", "giamdoc@cambien.vn"):
        expect(public.get_by_text(private)).to_have_count(0)
