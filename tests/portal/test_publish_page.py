"""The steering page that publishes a release."""

from __future__ import annotations

from dieuhanh.portal.models import Release


def test_steering_publishes_from_the_page(world, web_client):
    client = web_client("chidao.trang", "79", "steering")
    assert client.get("/cong-khai/cong-bo/").status_code == 200
    response = client.post("/cong-khai/cong-bo/", {"as_of": "30/06/2026", "note": "", "periods": ""})
    release = Release.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cong-khai/ban-phat-hanh/{release.pk}/"
    again = client.post("/cong-khai/cong-bo/", {"as_of": "30/06/2026", "note": "", "periods": ""}, follow=True)
    assert "Hãy nêu thay đổi gì và vì sao" in again.content.decode() and Release.objects.count() == 1


def test_the_page_is_not_found_for_other_roles(world, web_client):
    assert web_client("xem.thanhpho", "79", "viewer").get("/cong-khai/cong-bo/").status_code == 404
    assert web_client("chidao.phuong", "26743", "steering").get("/cong-khai/cong-bo/").status_code == 404
