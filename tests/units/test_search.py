"""Finding units by name with or without diacritics, and by validity date."""

import datetime as dt
import unicodedata

from dieuhanh.units.models import Unit
from dieuhanh.units.selectors import unit_search
from dieuhanh.units.services import unit_close, unit_create
from tests.conftest import SYSTEM


def names(qs):
    return [u.name for u in qs]


def test_diacritic_free_search_finds_the_ward(hcmc):
    assert names(unit_search(query="phuong ben thanh")) == ["Phường Bến Thành"]


def test_search_ignores_case_and_unicode_form(hcmc):
    assert names(unit_search(query="PHƯỜNG BẾN THÀNH")) == ["Phường Bến Thành"]
    assert names(unit_search(query=unicodedata.normalize("NFD", "Bến Thành"))) == ["Phường Bến Thành"]


def test_every_word_must_start_a_word_in_any_order_and_the_exact_phrase_ranks_first(hcmc):
    assert names(unit_search(query="con dao"))[0] == "Đặc khu Côn Đảo"
    assert "Đặc khu Côn Đảo" in names(unit_search(query="dao con"))
    assert names(unit_search(query="uong", kind="commune")) == []  # 114 names contain "phuong", no word starts with "uong"


def test_partial_words_match_as_you_type(hcmc):
    assert names(unit_search(query="ben tha")) == ["Phường Bến Thành"]


def test_short_names_are_searchable(hcmc):
    assert "Sở Khoa học và Công nghệ" in names(unit_search(query="KH&CN"))


def test_kind_and_within_filters(hcmc):
    wards = unit_search(query="thanh", kind="commune", within=hcmc["79"])
    assert wards.count() > 5 and all(u.kind == "commune" for u in wards)


def test_validity_date_hides_units_that_did_not_exist_yet_or_any_more(hcmc):
    old = unit_create(actor=SYSTEM, parent=hcmc["79"], code="79.OLD", name="Sở Thông tin và Truyền thông", kind="department",
                      valid_from=dt.date(2008, 1, 1))
    unit_close(actor=SYSTEM, unit=old, valid_to=dt.date(2025, 2, 28), expected_version=old.version)
    assert names(unit_search(query="thong tin truyen thong", on=dt.date(2024, 6, 30))) == ["Sở Thông tin và Truyền thông"]
    assert names(unit_search(query="thong tin truyen thong", on=dt.date(2025, 6, 30))) == []
    assert names(unit_search(query="ben thanh", on=dt.date(2025, 6, 30))) == []  # the merged ward began on 01/07/2025
    assert names(unit_search(query="ben thanh", on=dt.date(2025, 7, 1))) == ["Phường Bến Thành"]
    assert Unit.objects.get(code="79.OLD").valid_to == dt.date(2025, 2, 28)
