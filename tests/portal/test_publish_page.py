"""The steering page that publishes a release."""

from __future__ import annotations

from dieuhanh.jobs.models import Job
from dieuhanh.jobs.runner import run_queued
from dieuhanh.portal.models import Release


def test_steering_publishes_from_the_page(world, web_client):
    client = web_client("chidao.trang", "79", "steering")
    assert client.get("/cong-khai/cong-bo/").status_code == 200
    response = client.post("/cong-khai/cong-bo/", {"as_of": "30/06/2026", "note": "", "periods": ""})
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cong-viec/{job.pk}/"  # a background job
    assert not Release.objects.exists()
    assert run_queued() == 1  # what a worker does
    release = Release.objects.get()
    assert f'href="/cong-khai/ban-phat-hanh/{release.pk}/"' in client.get(response["Location"]).content.decode()
    again = client.post("/cong-khai/cong-bo/", {"as_of": "30/06/2026", "note": "", "periods": ""}, follow=True)
    assert "Hãy nêu thay đổi gì và vì sao" in again.content.decode() and Release.objects.count() == 1


def test_the_page_is_not_found_for_other_roles(world, web_client):
    assert web_client("xem.thanhpho", "79", "viewer").get("/cong-khai/cong-bo/").status_code == 404
    assert web_client("chidao.phuong", "26743", "steering").get("/cong-khai/cong-bo/").status_code == 404
