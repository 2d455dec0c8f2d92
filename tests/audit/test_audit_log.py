"""The audit log: written with the change, append-only, readable per object by those who may."""

import pytest
from django.db import connection, transaction
from django.db import DatabaseError

from dieuhanh.audit.models import AuditEvent
from dieuhanh.audit.selectors import history_for
from dieuhanh.errors import NotFound
from dieuhanh.units.services import unit_update


@pytest.fixture
def edited(hcmc, make_user):
    admin = make_user("admin", "79", "administrator")
    unit = hcmc["26743"]
    unit_update(actor=admin, unit=unit, expected_version=unit.version, short_name="P. Bến Thành", name="Phường Bến Thành (mới)")
    return admin


def test_an_event_says_who_when_what_and_old_to_new(edited):
    event = AuditEvent.objects.get(action="unit_update", object_id="26743")
    assert event.actor == edited and event.actor_label == "admin"
    assert event.object_type == "unit" and event.unit.code == "26743"
    assert event.changes == {"name": ["Phường Bến Thành", "Phường Bến Thành (mới)"], "short_name": ["", "P. Bến Thành"]}
    assert event.at is not None


def test_events_cannot_be_changed_through_the_model(edited):
    event = AuditEvent.objects.get(action="unit_update", object_id="26743")
    event.note = "sửa lén"
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()


@pytest.mark.parametrize("statement", ["UPDATE audit_auditevent SET note = 'sửa lén'", "DELETE FROM audit_auditevent"])
def test_the_database_refuses_to_change_or_delete_events(edited, statement):
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    assert AuditEvent.objects.filter(note="sửa lén").count() == 0


def test_queryset_bulk_delete_is_refused_too(edited):
    with pytest.raises(DatabaseError):
        with transaction.atomic():
            AuditEvent.objects.all().delete()


def test_history_of_one_object_newest_first(edited):
    unit_update(actor=edited, unit=AuditEvent.objects.first().unit, expected_version=2, short_name="Bến Thành")
    events = list(history_for(actor=edited, object_type="unit", object_id="26743", unit=edited.role_assignments.get().unit))
    assert [e.action for e in events] == ["unit_update", "unit_update", "unit_create"]
    assert events[0].changes == {"short_name": ["P. Bến Thành", "Bến Thành"]}


def test_history_outside_ones_reach_is_not_found(edited, make_user, hcmc):
    other_ward_leader = make_user("saigon.lanhdao", "26740", "approver")
    with pytest.raises(NotFound):
        history_for(actor=other_ward_leader, object_type="unit", object_id="26743", unit=hcmc["26743"])
