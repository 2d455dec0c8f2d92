"""The number of initiatives recognised, fed into a configured count indicator per reporting unit and period, with its
source; other indicators are refused as missing; values typed by hand are kept; a re-run writes nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from dieuhanh.emulation.feed import SOURCE, initiatives_feed
from dieuhanh.errors import NotFound
from dieuhanh.indicators.models import Value
from dieuhanh.indicators.services import indicator_create, value_set
from tests.conftest import BEN_THANH, CITY, SAI_GON, SYSTEM
from tests.emulation.conftest import apply, recognise

pytestmark = pytest.mark.django_db


@pytest.fixture
def indicator(hcmc, settings):
    settings.DIEUHANH_INITIATIVES_RECOGNISED_INDICATORS = ["SK_CONGNHAN"]
    return indicator_create(actor=SYSTEM, owner=hcmc["79.VP"], code="SK_CONGNHAN", name="Số sáng kiến được công nhận", kind="operational",
                            value_type="count", period_type="yearly", aggregation="sum",
                            reporting_units=[hcmc[CITY], hcmc[BEN_THANH], hcmc[SAI_GON]])


def test_the_feed_counts_recognitions_per_unit_and_below_with_the_source(hcmc, indicator, make_user):
    recognise(apply(SYSTEM, hcmc[BEN_THANH]), scope="city")
    recognise(apply(SYSTEM, hcmc[BEN_THANH], title="Hai"), scope="unit")
    apply(SYSTEM, hcmc[SAI_GON])  # received only: not counted
    result = initiatives_feed(actor=make_user("quantri", CITY, "steering"), indicator=indicator, period="2026")
    values = {v.unit.code: (v.value, v.status, v.source) for v in Value.objects.filter(indicator=indicator, period="2026")}
    assert values == {CITY: (Decimal(2), "provisional", SOURCE), BEN_THANH: (Decimal(2), "provisional", SOURCE),
                      SAI_GON: (Decimal(0), "provisional", SOURCE)}
    assert result.summary()["written"] == 3
    again = initiatives_feed(actor=SYSTEM, indicator=indicator, period="2026")
    assert again.summary()["written"] == 0 and again.summary()["unchanged"] == 3


def test_a_value_typed_by_hand_is_kept(hcmc, indicator):
    value_set(actor=SYSTEM, indicator=indicator, unit=hcmc[SAI_GON], period="2026", value=Decimal(7), source="báo cáo phường")
    result = initiatives_feed(actor=SYSTEM, indicator=indicator, period="2026")
    assert (SAI_GON, "2026") in result.manual
    assert Value.objects.get(indicator=indicator, unit=hcmc[SAI_GON], period="2026").value == Decimal(7)


def test_an_indicator_not_configured_is_refused_as_missing(hcmc, indicator, settings):
    settings.DIEUHANH_INITIATIVES_RECOGNISED_INDICATORS = []
    with pytest.raises(NotFound):
        initiatives_feed(actor=SYSTEM, indicator=indicator, period="2026")
