"""The demo publishes a release labelled synthetic; walked over every public address, no demo person's username, name or
e-mail appears anywhere."""

from __future__ import annotations

import datetime as dt
import re
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client

from dieuhanh.accounts.models import User
from dieuhanh.portal.models import Release
from dieuhanh.portal.tables import SPECS

pytestmark = pytest.mark.today(dt.date(2026, 11, 30))


@pytest.mark.django_db
def test_the_demo_release_is_synthetic_and_names_no_person():
    cache.clear()
    call_command("demo", stdout=StringIO(), stderr=StringIO())
    release = Release.objects.get()
    assert release.synthetic and release.as_of == dt.date(2026, 11, 30)
    people = [s for u in User.objects.all() for s in (u.username, u.full_name, u.email) if s and len(s) > 3]
    assert len(people) >= 10
    client = Client()
    sitemap = client.get("/sitemap.xml").content.decode()
    urls = [re.sub(r"^https?://[^/]+", "", u) for u in re.findall(r"<loc>([^<]+)</loc>", sitemap)]
    urls += [f"/cong-khai/du-lieu/{s.name}.{fmt}" for s in SPECS for fmt in ("csv", "json")]
    urls += ["/cong-khai/catalog.ttl", "/api/3/action/package_search?rows=100"]
    assert len(urls) > 300  # tasks, indicators, the 766 units, the units and the datasets
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode("utf-8-sig").lower()
        leaked = [s for s in people if s.lower() in body]
        assert not leaked, f"{url} names {leaked}"
    assert "DỮ LIỆU GIẢ LẬP" in client.get("/cong-khai/").content.decode()
    cache.clear()
