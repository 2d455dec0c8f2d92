"""Per-address rate limiting of the public portal and the APIs."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client


@pytest.fixture(autouse=True)
def _limit(settings, _no_rate_limit):
    settings.DIEUHANH_RATE_LIMIT = 3
    cache.clear()
    yield
    cache.clear()


def test_an_address_over_the_limit_waits_and_others_do_not(release):
    visitor = Client(REMOTE_ADDR="203.0.113.7")
    assert [visitor.get("/cong-khai/").status_code for _ in range(3)] == [200, 200, 200]
    refused = visitor.get("/cong-khai/chi-tieu/")
    assert refused.status_code == 429 and 1 <= int(refused["Retry-After"]) <= 60
    assert "tối đa 3 yêu cầu mỗi phút" in refused.content.decode()
    assert Client(REMOTE_ADDR="203.0.113.8").get("/cong-khai/").status_code == 200


def test_the_apis_answer_in_their_own_shape(release):
    harvester = Client(REMOTE_ADDR="198.51.100.1")
    for _ in range(3):
        harvester.get("/api/3/action/package_list")
    ckan = harvester.get("/api/3/action/package_list")
    assert ckan.status_code == 429 and ckan.json()["error"]["__type"] == "Rate Limit Error"
    api = harvester.get("/api/portal/releases")
    assert api.status_code == 429 and api.json()["error"]["code"] == "rate_limited"


def test_behind_a_proxy_the_forwarded_address_counts(release, settings):
    settings.DIEUHANH_TRUSTED_PROXY_HOPS = 1
    proxy = Client(REMOTE_ADDR="10.0.0.1")
    for _ in range(3):
        assert proxy.get("/cong-khai/", HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 200
    assert proxy.get("/cong-khai/", HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 429
    assert proxy.get("/cong-khai/", HTTP_X_FORWARDED_FOR="203.0.113.10").status_code == 200


def test_static_files_are_not_counted(release):
    visitor = Client(REMOTE_ADDR="203.0.113.11")
    assert [visitor.get("/static/portal/portal.css").status_code for _ in range(5)] == [200] * 5
