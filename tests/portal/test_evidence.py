"""Evidence marked public by the steering committee: listed on the task card of the next release and served, while the
latest decision keeps it public; nothing else is."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.test import Client

from dieuhanh.errors import Invalid
from dieuhanh.plans.models import Evidence, Task
from dieuhanh.plans.services import report_approve, report_save
from dieuhanh.portal.models import EvidenceDecision
from dieuhanh.portal.selectors import tables
from dieuhanh.portal.services import evidence_publish, release_publish
from tests.conftest import SYSTEM, at_nine
from tests.portal.conftest import AS_OF

PDF = b"%PDF-1.7 bien ban nghiem thu"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def evidence(world, clock, hcmc):
    """Two files on task 4.2 (Bến Thành): one on its report approved on 10/06/2026, one on a report still a draft."""
    clock.move_to(at_nine(dt.date(2026, 6, 10)))
    task = Task.objects.get(code="4.2")
    approved = report_save(actor=SYSTEM, task=task, period="2026-05", percent=Decimal(40), submit=True, evidence=("bien-ban.pdf", PDF))
    report_approve(actor=SYSTEM, report=approved, expected_version=approved.version)
    draft = report_save(actor=SYSTEM, task=task, period="2026-06", percent=Decimal(50), evidence=("nhap.pdf", b"%PDF-1.7 ban nhap"))
    clock.move_to(at_nine(dt.date(2026, 7, 20)))
    return Evidence.objects.get(report=approved), Evidence.objects.get(report=draft)


def test_a_file_made_public_is_listed_and_served_from_the_next_release(world, evidence, hcmc, clock):
    public, draft = evidence
    city = hcmc["79"]
    clock.move_to(at_nine(dt.date(2026, 6, 20)))
    evidence_publish(actor=world["steering"], city=city, evidence=public, public=True)
    with pytest.raises(Invalid):
        evidence_publish(actor=world["steering"], city=city, evidence=draft, public=True)
    clock.move_to(at_nine(dt.date(2026, 7, 20)))
    release = release_publish(actor=world["steering"], city=city, as_of=AS_OF)
    assert [(r["task_code"], r["period"], r["filename"], r["size"]) for r in tables(release)["task_evidence"]] == [
        ("4.2", "2026-05", "bien-ban.pdf", len(PDF))]
    client = Client()
    card = client.get("/cong-khai/nhiem-vu/4354_KH-UBND/4.2/").content.decode()
    assert "bien-ban.pdf" in card and "nhap.pdf" not in card
    download = client.get(f"/cong-khai/minh-chung/{public.sha256}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert client.get(f"/cong-khai/minh-chung/{draft.sha256}/").status_code == 404

    # Withdrawn (say a name was found in it): no longer served, in this release or any other.
    evidence_publish(actor=world["steering"], city=city, evidence=public, public=False, note="Có thông tin cá nhân")
    assert client.get(f"/cong-khai/minh-chung/{public.sha256}/").status_code == 404
    assert client.get(f"/cong-khai/ban-phat-hanh/{release.pk}/minh-chung/{public.sha256}/").status_code == 404
    assert list(EvidenceDecision.objects.values_list("public", flat=True)) == [True, False]


def test_a_decision_after_the_release_date_is_not_in_that_release(world, evidence, hcmc):
    public, _ = evidence
    evidence_publish(actor=world["steering"], city=hcmc["79"], evidence=public, public=True)  # on 20/07, after 30/06
    release = release_publish(actor=world["steering"], city=hcmc["79"], as_of=AS_OF)
    assert tables(release)["task_evidence"] == []


def test_the_steering_page_makes_a_file_public(world, evidence, web_client):
    public, _ = evidence
    client = web_client("chidao.minhchung", "79", "steering")
    page = client.get("/cong-khai/cong-bo/minh-chung/").content.decode()
    assert "bien-ban.pdf" in page and "nhap.pdf" not in page
    assert client.post("/cong-khai/cong-bo/minh-chung/", {"evidence": public.pk, "public": "1"}).status_code == 302
    assert EvidenceDecision.objects.get().public is True
    assert web_client("duyet.minhchung", "79", "approver").get("/cong-khai/cong-bo/minh-chung/").status_code == 404
