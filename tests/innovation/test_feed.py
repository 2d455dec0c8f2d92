"""The calls' figures fed into an indicator as values with their source."""

from __future__ import annotations

import pytest

from dieuhanh.errors import Forbidden, NotFound
from dieuhanh.indicators.models import Value
from dieuhanh.indicators.services import indicator_create
from dieuhanh.innovation import feed, services
from dieuhanh.innovation.models import Call
from tests.conftest import CITY, DEPARTMENT, SYSTEM
from tests.innovation.conftest import proposal_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def solved_indicator(hcmc, settings):
    settings.DIEUHANH_INNOVATION_INDICATORS = {"solved": "BT_GIAIQUYET"}
    return indicator_create(actor=SYSTEM, owner=hcmc[CITY], code="BT_GIAIQUYET", name="Số bài toán đặt hàng được giải quyết",
                            kind="operational", value_type="count", reporting_units=[hcmc[CITY]])


def _accepted(call, proposer, make_user):
    p = proposal_of(call, proposer)
    c = services.call_move(actor=SYSTEM, call=call, expected_version=call.version, to="closed")
    c = services.council_set(actor=SYSTEM, call=c, expected_version=c.version, members=[make_user("tv", DEPARTMENT, "viewer")])
    c = services.call_move(actor=SYSTEM, call=c, expected_version=c.version, to="evaluation")
    c = services.call_select(actor=SYSTEM, call=c, expected_version=c.version, selected=[p.pk], minutes="BB", reasons="LD")
    c = services.call_move(actor=SYSTEM, call=c, expected_version=c.version, to="contracted")
    return services.call_accept(actor=SYSTEM, call=c, expected_version=c.version, passed=True, note="Đạt")


def test_problems_solved_are_written_for_the_city_with_their_source_once(call, proposers, make_user, solved_indicator, hcmc):
    _accepted(call, proposers["a"], make_user)
    steering = make_user("chidao", CITY, "steering")
    result = feed.calls_feed(actor=steering, indicator=solved_indicator, measure="solved", year=2026)
    assert (result.value, result.outcome) == (1, "written")
    v = Value.objects.get(indicator=solved_indicator, unit=hcmc[CITY], period="2026")
    assert (v.value, v.source, v.status) == (1, feed.SOURCE, "provisional")  # 2026 is still running on 30/11/2026
    assert feed.calls_feed(actor=steering, indicator=solved_indicator, measure="solved", year=2026).outcome == "unchanged"
    assert feed.calls_feed(actor=steering, indicator=solved_indicator, measure="solved", year=2025).value == 0


def test_only_the_configured_indicator_and_its_managers(call, make_user, solved_indicator, hcmc):
    other = indicator_create(actor=SYSTEM, owner=hcmc[CITY], code="KHAC", name="Khác", kind="operational", value_type="count",
                             reporting_units=[hcmc[CITY]])
    with pytest.raises(NotFound):
        feed.calls_feed(actor=SYSTEM, indicator=other, measure="solved", year=2026)
    with pytest.raises(NotFound):
        feed.calls_feed(actor=SYSTEM, indicator=solved_indicator, measure="in_use", year=2026)
    with pytest.raises(Forbidden):
        feed.calls_feed(actor=make_user("xem", CITY, "viewer"), indicator=solved_indicator, measure="solved", year=2026)
    assert not Value.objects.exists() and Call.objects.count() == 1


def test_the_api_feeds_the_indicator(call, proposers, make_user, solved_indicator, api_client):
    _accepted(call, proposers["a"], make_user)
    api = api_client("chidao.api", CITY, "steering")
    r = api.post("/api/calls/figures/feed", {"indicator": "BT_GIAIQUYET", "measure": "solved", "year": 2026}, content_type="application/json")
    assert r.status_code == 200 and r.json()["outcome"] == "written" and r.json()["value"] in (1, "1")
    assert api.post("/api/calls/figures/feed", {"indicator": "KHONGCO", "measure": "solved", "year": 2026},
                    content_type="application/json").status_code == 404
