"""The API of initiatives and awards: the same rules as the pages, answered with clear 4xx codes."""

from __future__ import annotations

import json

import pytest

from dieuhanh.emulation.models import AwardRound
from tests.conftest import BEN_THANH, CITY, SYSTEM
from tests.emulation.conftest import apply, recognise

pytestmark = pytest.mark.django_db
APPLICATION = {"unit": BEN_THANH, "title": "Chatbot thủ tục", "field": "digital", "substance": "Nội dung", "benefit_author": "Lợi ích",
               "confidential": "Bí mật", "authors": [{"name": "Nguyễn Thị Lan", "share": "60"}, {"name": "Trần Văn Minh", "share": "40"}]}


def post(client, path, body):
    return client.post(path, data=json.dumps(body), content_type="application/json")


def test_applying_answers_the_receipt_and_refuses_shares_not_adding_up_to_100(api_client):
    api = api_client("canbo", BEN_THANH, "reporter")
    bad = post(api, "/api/initiatives", {**APPLICATION, "authors": [{"name": "A", "share": "60"}, {"name": "B", "share": "30"}]})
    assert bad.status_code == 422 and [d["code"] for d in bad.json()["error"]["details"]] == ["shares_not_100"]
    good = post(api, "/api/initiatives", APPLICATION)
    assert good.status_code == 201
    assert (good.json()["receipt"], good.json()["answer_due"]) == ("001/2026/SK", "2026-12-30")


def test_a_proposal_on_an_unrecognised_initiative_and_a_council_before_the_end_are_refused(api_client, hcmc):
    leader = api_client("lanhdao", BEN_THANH, "approver")
    city = api_client("thanhpho", CITY, "steering")
    rnd = AwardRound.objects.create(unit=hcmc[CITY], title="Đợt 2026", year=2026)
    pending = apply(SYSTEM, hcmc[BEN_THANH])
    body = {"unit": BEN_THANH, "form": "bang_khen_chu_tich", "nominee_kind": "person", "nominee_name": "Nguyễn Thị Lan", "period": 2026,
            "achievements": "Thành tích", "summary": "Tóm tắt", "initiatives": [pending.pk]}
    refused = post(leader, f"/api/award-rounds/{rnd.pk}/proposals", body)
    assert refused.status_code == 422 and refused.json()["error"]["details"][0]["code"] == "initiative_not_recognised"
    recognised = recognise(apply(SYSTEM, hcmc[BEN_THANH], title="Khác"))
    proposal = post(leader, f"/api/award-rounds/{rnd.pk}/proposals", {**body, "initiatives": [recognised.pk]}).json()
    assert "confidential" not in json.dumps(proposal) and proposal["initiatives"] == [recognised.pk]
    posted = post(city, f"/api/award-rounds/{rnd.pk}/post", {"version": 1}).json()
    assert posted["consultation_ends_on"] == "2026-12-14"
    early = post(city, f"/api/award-rounds/{rnd.pk}/decision", {"version": posted["version"], "decision_no": "1/QĐ", "minutes": "Họp",
                                                               "approve": [proposal["id"]]})
    assert early.status_code == 409 and early.json()["error"]["code"] == "consultation_running"


def test_a_unit_registers_for_a_movement_once_with_its_commitments(api_client, hcmc):
    from dieuhanh.emulation.services import movement_launch
    from tests.conftest import D

    movement = movement_launch(actor=SYSTEM, unit=hcmc[CITY], code="DMST", title="Phong trào", starts_on=D(2025, 7, 18), ends_on=D(2027, 12, 31))
    leader = api_client("lanhdao.mv", BEN_THANH, "approver")
    first = post(leader, f"/api/movements/{movement.pk}/registrations", {"unit": BEN_THANH, "commitments": "Số hoá 100 % hồ sơ"})
    assert first.status_code == 201 and first.json()["registrations"][0]["unit"] == BEN_THANH
    again = post(leader, f"/api/movements/{movement.pk}/registrations", {"unit": BEN_THANH, "commitments": "Lần hai"})
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_registered"
    reporter = api_client("canbo.mv", BEN_THANH, "reporter")
    assert post(reporter, f"/api/movements/{movement.pk}/registrations", {"unit": BEN_THANH, "commitments": "x"}).status_code == 403


def test_a_proposals_dossier_files_are_added_and_downloaded_through_the_api(api_client, hcmc, settings, tmp_path):
    """What the proposal's page does with files, the API does too: checked like evidence, listed by SHA-256,
    downloaded within reach only, closed once the list is posted."""
    import hashlib

    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    leader = api_client("lanhdao", BEN_THANH, "approver")
    city = api_client("thanhpho", CITY, "steering")
    rnd = AwardRound.objects.create(unit=hcmc[CITY], title="Đợt 2026", year=2026)
    body = {"unit": BEN_THANH, "form": "giay_khen", "nominee_kind": "person", "nominee_name": "Nguyễn Thị Lan", "period": 2026,
            "achievements": "Thành tích", "summary": "Tóm tắt"}
    proposal = post(leader, f"/api/award-rounds/{rnd.pk}/proposals", body).json()
    files = f"/api/award-proposals/{proposal['id']}/files"

    disguised = leader.post(files, {"file": SimpleUploadedFile("bao-cao.pdf", b"MZ\x90 not a pdf")})
    assert disguised.status_code == 422 and disguised.json()["error"]["code"] == "file_disguised"
    content = b"%PDF-1.7 thanh tich 2026"
    added = leader.post(files, {"file": SimpleUploadedFile("bao-cao.pdf", content, content_type="application/pdf")})
    assert added.status_code == 201
    digest = hashlib.sha256(content).hexdigest()
    assert added.json()["files"] == [digest]

    download = leader.get(f"{files}/{digest}")
    assert download.status_code == 200 and b"".join(download.streaming_content) == content
    assert 'filename="bao-cao.pdf"' in download["Content-Disposition"]
    assert leader.get(f"{files}/{'0' * 64}").status_code == 404
    elsewhere = api_client("lanhdao.saigon", "26740", "approver")
    assert elsewhere.get(f"{files}/{digest}").status_code == 404
    assert elsewhere.post(files, {"file": SimpleUploadedFile("x.pdf", content)}).status_code == 404

    post(city, f"/api/award-rounds/{rnd.pk}/post", {"version": 1})
    late = leader.post(files, {"file": SimpleUploadedFile("them.pdf", b"%PDF-1.7 them")})
    assert late.status_code == 409 and late.json()["error"]["code"] == "round_not_open"
