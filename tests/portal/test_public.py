"""The public portal, read anonymously: every page and file of a release, the 404 page for what does not exist,
no person named anywhere, and nothing that was not approved by the release's date."""

from __future__ import annotations

import io
import re

import pytest
from django.core.cache import cache
from django.test import Client
from openpyxl import load_workbook

from dieuhanh.portal.tables import SPECS
from tests.portal.conftest import PEOPLE

FORMATS = ("csv", "json", "xlsx")


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def text_of(response) -> str:
    if response["Content-Type"].startswith("application/vnd.openxmlformats"):
        wb = load_workbook(io.BytesIO(response.content), read_only=True)
        return "\n".join(" ".join("" if v is None else str(v) for v in row) for ws in wb for row in ws.iter_rows(values_only=True))
    return response.content.decode("utf-8")


def public_urls(client: Client, release) -> list[str]:
    """Every address the sitemap lists, at the latest and at the permanent address, and every file of every dataset."""
    sitemap = client.get("/sitemap.xml")
    assert sitemap.status_code == 200
    urls = [re.sub(r"^https?://[^/]+", "", u) for u in re.findall(r"<loc>([^<]+)</loc>", sitemap.content.decode())]
    permanent = [u.replace("/cong-khai/", f"/cong-khai/ban-phat-hanh/{release.pk}/", 1) for u in urls if u.startswith("/cong-khai/")
                 and not u.startswith("/cong-khai/ban-phat-hanh/")]
    files = [f"/cong-khai/du-lieu/{s.name}.{fmt}" for s in SPECS for fmt in FORMATS]
    machine = ["/cong-khai/catalog.ttl", "/cong-khai/catalog.jsonld", "/api/3/action/package_list", "/api/3/action/organization_list",
               "/api/3/action/package_search?rows=100"]
    machine += [f"/api/3/action/package_show?id={s.name}" for s in SPECS]
    machine += [f"/api/3/action/resource_show?id={s.name}-{fmt}" for s in SPECS for fmt in FORMATS]
    return urls + permanent + files + machine + ["/cong-khai/nhiem-vu/?nhom=4"]


def test_every_public_page_and_file_answers_and_names_no_person(release, world):
    client = Client()
    urls = public_urls(client, release)
    assert "/cong-khai/nhiem-vu/4354_KH-UBND/4.1/" in urls and "/cong-khai/chi-tieu/KTS_GRDP/" in urls
    forbidden = [s for u, _, _, name, mail in PEOPLE for s in (u, name, mail)] + ["duyet.skhcn", "system:"]
    for language in ("vi", "en"):
        client.cookies["dieuhanh_language"] = language
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            body = text_of(response)
            leaked = [s for s in forbidden if s.lower() in body.lower()]
            assert not leaked, f"{url} names {leaked}"


def test_nothing_unapproved_by_the_release_date_reaches_a_page_or_file(release, world):
    client = Client()
    for url in public_urls(client, release):
        body = text_of(client.get(url))
        for number in ("777.77", "777,77", "555.55", "555,55"):
            assert number not in body, f"{number} on {url}"
    # The value approved on 10/01/2026 is there, in Vietnamese on the page and as a plain number in the file.
    assert "24,5" in client.get("/cong-khai/chi-tieu/KTS_GRDP/").content.decode()
    assert "KTS_GRDP,79,2025,2025-12-31,24.5,final,2026-01-10" in client.get("/cong-khai/du-lieu/kpi_values.csv").content.decode()


def test_a_task_card_shows_every_deadline_as_a_dated_event(release):
    page = Client().get("/cong-khai/nhiem-vu/4354_KH-UBND/4.1/").content.decode()
    assert "Thành lập Quỹ đầu tư mạo hiểm" in page and "Sở Tài chính" in page
    assert "giao thời hạn: 31/03/2026" in page and "gia hạn từ 31/03/2026 đến 30/09/2026" in page


@pytest.mark.parametrize("url", [
    "/cong-khai/ban-phat-hanh/999/", "/cong-khai/ban-phat-hanh/999/chi-tieu/", "/cong-khai/don-vi/99999/",
    "/cong-khai/chi-tieu/KHONG_CO/", "/cong-khai/766/99999/", "/cong-khai/766/?ky=1999", "/cong-khai/du-lieu/khong_co/",
    "/cong-khai/du-lieu/khong_co.csv", "/cong-khai/nhiem-vu/4354_KH-UBND/9.9/",
])
def test_what_does_not_exist_is_the_404_page(release, url):
    response = Client().get(url)
    page = response.content.decode()
    assert response.status_code == 404 and "Không tìm thấy trang" in page
    assert 'href="/cong-khai/"' in page and "Đăng nhập" not in page  # the public 404 page, not the platform's


def test_before_any_release_the_portal_is_the_404_page(db):
    assert Client().get("/cong-khai/").status_code == 404


def test_the_public_pages_say_which_release_they_show_and_keep_earlier_ones(release, world):
    from dieuhanh.portal.services import release_publish

    second = release_publish(actor=world["steering"], city=release.publisher, as_of=release.as_of, note="Đính chính số liệu nhiệm vụ 4.2")
    client = Client()
    latest = client.get("/cong-khai/").content.decode()
    assert f"bản phát hành số {second.pk}" in latest and "Đính chính số liệu nhiệm vụ 4.2" in latest
    earlier = client.get(f"/cong-khai/ban-phat-hanh/{release.pk}/").content.decode()
    assert f"bản phát hành số {release.pk}" in earlier and "Đính chính" not in earlier
    listing = client.get("/cong-khai/ban-phat-hanh/").content.decode()
    assert release.sha256 in listing and second.sha256 in listing


def test_a_synthetic_release_is_labelled_on_every_page_and_file(world, hcmc):
    from dieuhanh.portal.services import release_publish

    release = release_publish(actor=world["steering"], city=hcmc["79"], as_of=world["fund"].assigned_on, synthetic=True)
    client = Client()
    for url in ("/cong-khai/", "/cong-khai/chi-tieu/", f"/cong-khai/ban-phat-hanh/{release.pk}/766/"):
        assert "DỮ LIỆU GIẢ LẬP" in client.get(url).content.decode()
    assert client.get("/cong-khai/du-lieu/tasks.csv").content.decode().splitlines()[0].endswith(",synthetic")
    assert '"synthetic": true' in client.get("/cong-khai/du-lieu/tasks.json").content.decode()
    assert "DỮ LIỆU GIẢ LẬP" in text_of(client.get("/cong-khai/du-lieu/tasks.xlsx"))


def test_pages_in_english_through_the_language_switch(release):
    client = Client()
    client.cookies["dieuhanh_language"] = "en"
    page = client.get("/cong-khai/").content.decode()
    assert "The programme: what the city promised and what it did" in page and 'lang="en"' in page


def test_a_cached_page_costs_no_query_and_holds_nothing_personal(release, django_assert_num_queries):
    client = Client()
    first = client.get("/cong-khai/chi-tieu/")
    assert "csrfmiddlewaretoken" not in first.content.decode() and "Set-Cookie" not in str(first.headers)
    with django_assert_num_queries(0):  # the latest release and the whole page come from the cache
        again = client.get("/cong-khai/chi-tieu/")
    assert again.content == first.content
    assert (again["X-Frame-Options"], again["Content-Language"], again["Vary"]) == ("DENY", "vi", "Cookie")
    client.cookies["dieuhanh_language"] = "en"
    assert "Indicators" in client.get("/cong-khai/chi-tieu/").content.decode()  # another language, another page


def test_the_public_language_switch_needs_no_token(release):
    client = Client(enforce_csrf_checks=True)
    switched = client.post("/cong-khai/ngon-ngu/", {"language": "en", "next": "/cong-khai/chi-tieu/"})
    assert switched.status_code == 302 and switched["Location"] == "/cong-khai/chi-tieu/"
    assert "Indicators" in client.get("/cong-khai/chi-tieu/").content.decode()


def test_pages_carry_open_graph_tags_and_print_styles(release):
    page = Client().get("/cong-khai/chi-tieu/KTS_GRDP/").content.decode()
    assert '<meta property="og:title" content="Tỷ trọng kinh tế số trong GRDP">' in page
    assert 'property="og:url" content="http://testserver/cong-khai/chi-tieu/KTS_GRDP/"' in page
    css = Client().get("/static/portal/portal.css")
    assert b"@media print" in b"".join(css.streaming_content if css.streaming else [css.content])


def test_charts_can_be_embedded_by_newspapers_at_a_permanent_address(release):
    client = Client()
    page = client.get("/cong-khai/chi-tieu/KTS_GRDP/")
    assert page["X-Frame-Options"] == "DENY"  # the portal's own pages are not framed
    code = f'&lt;iframe src="http://testserver/cong-khai/ban-phat-hanh/{release.pk}/nhung/chi-tieu/KTS_GRDP/"'
    assert code in page.content.decode()
    embedded = client.get(f"/cong-khai/ban-phat-hanh/{release.pk}/nhung/chi-tieu/KTS_GRDP/")
    assert embedded.status_code == 200 and "X-Frame-Options" not in embedded
    body = embedded.content.decode()
    assert "Tỷ trọng kinh tế số trong GRDP" in body and "24,5" in body and "kpi_values.csv" in body
    assert f'href="http://testserver/cong-khai/ban-phat-hanh/{release.pk}/chi-tieu/KTS_GRDP/"' in body
    groups = client.get(f"/cong-khai/ban-phat-hanh/{release.pk}/nhung/nhom-nhiem-vu/").content.decode()
    assert "Hạ tầng số, nền tảng và dịch vụ số" in groups
    assert client.get(f"/cong-khai/ban-phat-hanh/{release.pk}/nhung/chi-tieu/KHONG_CO/").status_code == 404


def test_a_new_release_shows_what_changed_from_the_previous_one(release, world):
    import datetime as dt

    from dieuhanh.portal.services import release_publish

    later = release_publish(actor=world["steering"], city=release.publisher, as_of=dt.date(2026, 7, 20), note="Số liệu đến 20/07/2026")
    page = Client().get("/cong-khai/").content.decode()
    assert f"So với bản phát hành số {release.pk} (số liệu đến ngày 30/06/2026)" in page and "Số liệu đến 20/07/2026" in page
    # Sài Gòn's value, approved on 15/07, is the one row added to the approved values; none removed or changed.
    row = re.search(r"<tr><th scope=\"row\">Giá trị chỉ tiêu đã phê duyệt</th>(.*?)</tr>", page).group(1)
    assert re.findall(r'<td class="num">(\d+)</td>', row) == ["1", "0", "0"]
    assert "555.55" in Client().get(f"/cong-khai/ban-phat-hanh/{later.pk}/du-lieu/kpi_values.csv").content.decode()


def test_money_is_kept_in_its_stages(release):
    page = Client().get("/cong-khai/ngan-sach/").content.decode()
    # Task 1.1 plans 1.500.000.000 đ; nothing disbursed is recorded, so no disbursement share is made up.
    assert "1.500.000.000 đ" in page and "chưa được ghi nhận, không phải bằng không" in page and "0,0 %" not in page
    assert "Sở Khoa học và Công nghệ" in page


def test_the_catalogue_says_when_it_is_next_reviewed(release):
    page = Client().get("/cong-khai/du-lieu/").content.decode()
    # As of 30/06/2026: reviewed again by 30/12/2026 at the latest (every six months, Decree 47/2020).
    assert "lần tới chậm nhất ngày 30/12/2026" in page and "CC BY 4.0" in page


def test_the_portal_leads_to_the_innovation_movement_pages(release):
    """From every portal page a citizen or an enterprise reaches the problems the city orders, the support
    programmes, the recognised initiatives and the award lists posted for comment; each of those leads to the
    others and says which one it is."""
    client = Client()
    movement = ["/cong-khai/dat-hang/", "/cong-khai/ho-tro/", "/cong-khai/sang-kien/", "/cong-khai/khen-thuong/"]
    for page in ("/cong-khai/", "/cong-khai/chi-tieu/", f"/cong-khai/ban-phat-hanh/{release.pk}/766/"):
        top = re.search(r'<nav aria-label="Cổng công khai">.*?</nav>', client.get(page).content.decode(), re.S).group(0)
        assert '<a href="/cong-khai/dat-hang/">Đổi mới sáng tạo</a>' in top, page
    for url in movement:
        response = client.get(url)
        assert response.status_code == 200, url
        nav = re.search(r'<nav class="movement-nav" aria-label="Đổi mới sáng tạo">.*?</nav>', response.content.decode(), re.S)
        assert nav is not None, url
        assert re.findall(r'href="([^"]+)"', nav.group(0)) == movement
        assert re.findall(r'href="([^"]+)" aria-current="page"', nav.group(0)) == [url]
