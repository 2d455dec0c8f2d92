"""Publishing a release: a frozen snapshot of approved numbers only, hashed, audited, never changed."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from dieuhanh.audit.models import AuditEvent
from dieuhanh.errors import Invalid, NotFound
from dieuhanh.portal.models import Release, ReleaseTable
from dieuhanh.portal.selectors import tables
from dieuhanh.portal.services import release_publish
from tests.conftest import SYSTEM
from tests.portal.conftest import AS_OF


def test_a_release_holds_only_values_approved_by_its_date(release):
    values = tables(release)["kpi_values"]
    # KTS_GRDP 2025 for the city was approved on 10/01/2026; Sài Gòn's was approved on 15/07, after 30/06; Bến Thành's never.
    assert [(v["indicator_code"], v["unit_code"], v["period"], v["value"], v["approved_on"]) for v in values] == [
        ("KTS_GRDP", "79", "2025", 24.5, "2026-01-10")]


def test_a_release_freezes_the_task_status_and_the_deadline_history(release):
    t = tables(release)
    tasks = {r["task_code"]: r for r in t["tasks"]}
    assert set(tasks) == {"1.1", "4.1", "4.2"}  # top-level tasks only
    assert tasks["1.1"]["status"] == "completed_on_time" and tasks["1.1"]["completed_on"] == "2025-12-20"
    assert tasks["4.1"]["original_deadline"] == "2026-03-31" and tasks["4.1"]["deadline"] == "2026-09-30"
    assert tasks["4.1"]["status"] == "within_deadline"
    events = [(e["date"], e["event"], e["old_deadline"], e["new_deadline"]) for e in t["task_events"] if e["task_code"] == "4.1"]
    assert events[0][1:] == ("deadline_set", None, "2026-03-31")
    assert ("2026-03-20", "deadline_extended", "2026-03-31", "2026-09-30") in events
    group4 = next(g for g in t["task_groups"] if g["group"] == 4)
    assert (group4["tasks"], group4["within_deadline"]) == (2, 2)


def test_the_hash_is_the_sha256_of_the_canonical_content(release):
    body = {"as_of": "2026-06-30", "synthetic": release.synthetic, "periods": release.periods, "meta": release.meta,
            "tables": {tb.name: {"columns": tb.columns, "rows": tb.rows} for tb in ReleaseTable.objects.filter(release=release)}}
    raw = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    assert release.sha256 == hashlib.sha256(raw).hexdigest()


def test_publishing_is_audited_with_who_and_when(release, world):
    event = AuditEvent.objects.get(action="release_publish")
    assert event.actor == world["steering"] and event.changes["sha256"] == [None, release.sha256]


def test_a_release_is_never_updated_or_deleted(release):
    with pytest.raises(RuntimeError):
        release.note = "sửa"
        release.save()
    with pytest.raises(RuntimeError):
        release.delete()
    for statement in ("UPDATE portal_release SET note = 'x'", "DELETE FROM portal_releasetable"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    assert Release.objects.get().note == "" and ReleaseTable.objects.filter(release=release).count() == 11


def test_republishing_the_same_date_makes_a_new_release_and_keeps_the_old(release, world):
    city = release.publisher
    with pytest.raises(Invalid) as refused:
        release_publish(actor=world["steering"], city=city, as_of=AS_OF)
    assert refused.value.code == "release_note_required"
    second = release_publish(actor=world["steering"], city=city, as_of=AS_OF, note="Bổ sung số liệu phường Sài Gòn")
    assert second.pk != release.pk and second.corrects == release
    assert Release.objects.count() == 2 and Release.objects.get(pk=release.pk).sha256 == release.sha256


def test_a_release_cannot_be_dated_in_the_future(world):
    with pytest.raises(Invalid) as refused:
        release_publish(actor=world["steering"], city=world["steering"].role_assignments.get().unit, as_of=dt.date(2026, 7, 21))
    assert refused.value.code == "release_in_future" and not Release.objects.exists()


def test_synthetic_sources_label_the_release(world, hcmc):
    from dieuhanh.plans.services import plan_create

    plan_create(actor=SYSTEM, issuer=hcmc["79"], number="DEMO-TH/2025", title="Kế hoạch tổng hợp (DỮ LIỆU GIẢ LẬP)",
                issued_on=dt.date(2025, 1, 1), period_start=dt.date(2025, 1, 1), period_end=dt.date(2030, 12, 31), source="synthetic")
    release = release_publish(actor=SYSTEM, city=hcmc["79"], as_of=AS_OF)
    assert release.synthetic is True


def test_only_steering_of_the_city_publishes(world, make_user, hcmc):
    approver = make_user("pheduyet.thanhpho", "79", "approver")
    ward_steering = make_user("chidao.phuong", "26743", "steering")
    with pytest.raises(Exception) as refused:
        release_publish(actor=approver, city=hcmc["79"], as_of=AS_OF)
    assert type(refused.value).__name__ == "Forbidden"
    with pytest.raises(NotFound):
        release_publish(actor=ward_steering, city=hcmc["79"], as_of=AS_OF)
    assert not Release.objects.exists() and not AuditEvent.objects.filter(action="release_publish").exists()


def test_the_city_value_is_rolled_up_only_when_every_unit_below_is_approved(world, hcmc):
    from decimal import Decimal

    from dieuhanh.indicators.services import indicator_create, value_set, values_approve, values_submit

    wards = [hcmc["26743"], hcmc["26740"], hcmc["26732"]]
    firms = indicator_create(actor=SYSTEM, owner=hcmc["79.SKHCN"], code="DN_SO", name="Số doanh nghiệp công nghệ số", kind="operational",
                             measure="doanh nghiệp", value_type="count", aggregation="sum", reporting_units=wards)
    for ward, n in zip(wards, (10, 32, 5)):
        value_set(actor=SYSTEM, indicator=firms, unit=ward, period="2024", value=Decimal(n))
        values_submit(actor=SYSTEM, unit=ward, period="2024")
    for ward in wards[:2]:
        values_approve(actor=SYSTEM, unit=ward, period="2024")
    today = dt.date(2026, 7, 20)
    first = release_publish(actor=world["steering"], city=hcmc["79"], as_of=today)
    city_rows = [v for v in tables(first)["kpi_values"] if v["indicator_code"] == "DN_SO" and v["unit_code"] == "79"]
    assert city_rows == []  # Côn Đảo's value is not approved: no official city total
    values_approve(actor=SYSTEM, unit=wards[2], period="2024")
    second = release_publish(actor=world["steering"], city=hcmc["79"], as_of=today, note="Côn Đảo đã được phê duyệt")
    city_rows = [(v["value"], v["status"]) for v in tables(second)["kpi_values"] if v["indicator_code"] == "DN_SO" and v["unit_code"] == "79"]
    assert city_rows == [(47.0, "rollup")]  # 10 + 32 + 5
