"""Creating, editing and closing units; concurrent edits; bad input."""

import datetime as dt

import pytest

from dieuhanh.audit.models import AuditEvent
from dieuhanh.errors import Conflict, Invalid
from dieuhanh.units.models import Unit
from dieuhanh.units.services import unit_close, unit_create, unit_update
from tests.conftest import SYSTEM


def test_created_unit_gets_its_path_normalised_name_and_an_audit_event(hcmc, make_user):
    admin = make_user("admin", "79", "administrator")
    unit = unit_create(actor=admin, parent=hcmc["79.SKHCN"], code="79.SKHCN.P1", name="  Phòng   Quản lý\tkhoa học ", kind="body")
    assert unit.path == "/VN/79/79.SKHCN/79.SKHCN.P1/"
    assert unit.name == "Phòng Quản lý khoa học"
    event = AuditEvent.objects.get(action="unit_create", object_id="79.SKHCN.P1")
    assert event.actor == admin and event.changes["name"] == [None, "Phòng Quản lý khoa học"]


def test_a_taken_code_is_a_conflict_and_nothing_is_written(hcmc):
    before = AuditEvent.objects.count()
    with pytest.raises(Conflict) as err:
        unit_create(actor=SYSTEM, parent=hcmc["79"], code="79.skhcn", name="Trùng mã", kind="department")
    assert err.value.code == "unit_code_taken"
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize("code,name,kind,field", [
    ("bad code", "Tên", "department", "code"),
    ("79.X", "   ", "department", "name"),
    ("79.Y", "Tên", "ministry", "kind"),
])
def test_bad_unit_input_is_refused_field_by_field(hcmc, code, name, kind, field):
    with pytest.raises(Invalid) as err:
        unit_create(actor=SYSTEM, parent=hcmc["79"], code=code, name=name, kind=kind)
    assert [d["field"] for d in err.value.details] == [field]
    assert not Unit.objects.filter(code=code).exists()


def test_update_records_old_and_new_values(hcmc, make_user):
    admin = make_user("admin", "79", "administrator")
    unit = hcmc["26743"]
    updated = unit_update(actor=admin, unit=unit, expected_version=unit.version, short_name="P. Bến Thành")
    assert updated.version == unit.version + 1
    event = AuditEvent.objects.get(action="unit_update", object_id="26743")
    assert event.changes == {"short_name": ["", "P. Bến Thành"]}
    assert event.actor_label == "admin"


def test_the_second_of_two_concurrent_edits_gets_a_conflict_not_an_overwrite(hcmc, make_user):
    admin = make_user("admin", "79", "administrator")
    first_read = Unit.objects.get(code="26743")
    second_read = Unit.objects.get(code="26743")
    unit_update(actor=admin, unit=first_read, expected_version=first_read.version, short_name="Bến Thành (A)")
    with pytest.raises(Conflict) as err:
        unit_update(actor=admin, unit=second_read, expected_version=second_read.version, short_name="Bến Thành (B)")
    assert err.value.code == "stale_version"
    assert Unit.objects.get(code="26743").short_name == "Bến Thành (A)"


def test_an_edit_that_changes_nothing_writes_nothing(hcmc):
    unit = hcmc["26743"]
    before = AuditEvent.objects.count()
    same = unit_update(actor=SYSTEM, unit=unit, expected_version=unit.version, name="Phường  Bến Thành")
    assert same.version == unit.version
    assert AuditEvent.objects.count() == before


def test_validity_must_end_after_it_starts(hcmc):
    unit = hcmc["26743"]
    with pytest.raises(Invalid):
        unit_update(actor=SYSTEM, unit=unit, expected_version=unit.version, valid_to=dt.date(2025, 6, 30))
    assert Unit.objects.get(code="26743").valid_to is None


def test_a_unit_with_open_units_below_cannot_be_closed(hcmc):
    city = hcmc["79"]
    with pytest.raises(Invalid) as err:
        unit_close(actor=SYSTEM, unit=city, valid_to=dt.date(2030, 1, 1), expected_version=city.version)
    assert err.value.code == "open_children"


def test_closing_keeps_the_unit_and_its_history(hcmc):
    unit = hcmc["79.HIDS"]
    closed = unit_close(actor=SYSTEM, unit=unit, valid_to=dt.date(2026, 12, 31), expected_version=unit.version)
    assert closed.valid_to == dt.date(2026, 12, 31)
    assert closed.is_valid_on(dt.date(2026, 12, 31)) and not closed.is_valid_on(dt.date(2027, 1, 1))
    assert AuditEvent.objects.filter(object_id="79.HIDS").count() == 2
