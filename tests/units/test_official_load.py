"""Loading the national list of units from vietnam-provinces."""

import pytest

from dieuhanh.audit.models import AuditEvent
from dieuhanh.errors import Invalid
from dieuhanh.units.models import Unit, UnitKind
from dieuhanh.units.official import hcmc_body_rows, national_rows
from dieuhanh.units.services import UnitRow, units_load_official
from tests.conftest import SYSTEM


@pytest.mark.django_db
def test_the_whole_country_loads_with_34_provinces_and_3321_communes():
    result = units_load_official(actor=SYSTEM, rows=national_rows())
    assert result.created == 1 + 34 + 3321
    assert Unit.objects.filter(kind=UnitKind.PROVINCE).count() == 34
    assert Unit.objects.filter(kind=UnitKind.COMMUNE).count() == 3321
    hanoi = Unit.objects.get(code="01")
    assert hanoi.name == "Thành phố Hà Nội" and hanoi.parent.code == "VN" and hanoi.path == "/VN/01/"


def test_ho_chi_minh_city_has_168_units_113_phuong_54_xa_1_dac_khu(hcmc):
    below = Unit.objects.filter(parent__code="79", kind=UnitKind.COMMUNE)
    assert below.count() == 168
    assert below.filter(division_type="phường").count() == 113
    assert below.filter(division_type="xã").count() == 54
    assert list(below.filter(division_type="đặc khu").values_list("name", flat=True)) == ["Đặc khu Côn Đảo"]


def test_official_codes_are_the_keys(hcmc):
    ben_thanh = Unit.objects.get(code="26743")
    assert ben_thanh.name == "Phường Bến Thành"
    assert ben_thanh.path == "/VN/79/26743/"
    assert ben_thanh.valid_from.isoformat() == "2025-07-01" and ben_thanh.valid_to is None


def test_hcmc_departments_and_bodies_hang_under_the_city(hcmc):
    departments = Unit.objects.filter(parent__code="79", kind=UnitKind.DEPARTMENT)
    assert departments.count() >= 17
    assert Unit.objects.get(code="79.SKHCN").name == "Sở Khoa học và Công nghệ"
    assert Unit.objects.get(code="79.SHTP").path == "/VN/79/79.BQLKCNC/79.SHTP/"


def test_loading_twice_changes_nothing_and_every_creation_is_audited(hcmc):
    events_before = AuditEvent.objects.count()
    assert AuditEvent.objects.filter(action="unit_create").count() == Unit.objects.count()
    result = units_load_official(actor=SYSTEM, rows=national_rows({"79"}) + hcmc_body_rows())
    assert (result.created, result.updated) == (0, 0)
    assert result.unchanged == Unit.objects.count()
    assert AuditEvent.objects.count() == events_before + 1  # one event saying "nothing changed"


def test_a_renamed_unit_is_updated_in_place_with_old_and_new_name_audited(hcmc):
    row = UnitRow(code="26743", name="Phường Bến Thành Mới", kind="commune", division_type="phường",
                  parent_code="79", valid_from=None, source="test")
    result = units_load_official(actor=SYSTEM, rows=[row])
    assert result.updated == 1
    event = AuditEvent.objects.filter(object_id="26743", action="unit_update").get()
    assert event.changes["name"] == ["Phường Bến Thành", "Phường Bến Thành Mới"]
    assert Unit.objects.get(code="26743").version == 2


@pytest.mark.django_db
def test_rows_with_an_unknown_parent_load_nothing():
    rows = [UnitRow(code="VN", name="Việt Nam", kind="country", division_type="", parent_code=None, valid_from=None, source="t"),
            UnitRow(code="99999", name="Xã Không Có", kind="commune", division_type="xã", parent_code="98", valid_from=None, source="t")]
    with pytest.raises(Invalid) as err:
        units_load_official(actor=SYSTEM, rows=rows)
    assert err.value.code == "unknown_parent_unit"
    assert Unit.objects.count() == 0 and AuditEvent.objects.count() == 0
