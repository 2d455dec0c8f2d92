"""The on-time rate of the dossier logs feeds the on-time indicators, per unit and per the indicator's period type,
never over submitted or approved data, idempotently, audited.

The store is the hand-made log of ``tests/dossiers/hand_made.py``: in 2026 Phường Bến Thành has 5 dossiers, 4 on time
(February 1/1, March 3/4); Phường Sài Gòn 2 of 2; the department 1 of 2 as of November (its open dossier was due
in April) → the city 7 of 9.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from dieuhanh.audit.models import AuditEvent
from dieuhanh.dossiers.services import SOURCE, on_time_feed
from dieuhanh.errors import DomainError, NotFound
from dieuhanh.indicators.models import Indicator, Value
from dieuhanh.indicators.services import indicator_create, value_set, values_approve, values_submit
from tests.conftest import SYSTEM
from tests.dossiers.hand_made import BEN_THANH, SAI_GON

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2026, 11, 29)


@pytest.fixture
def fed(registry, store, settings):
    """HS_DUNGHAN (yearly, every commune of the city), a monthly one, and the city's own yearly indicator."""
    hcmc = registry
    common = {"actor": SYSTEM, "owner": hcmc["79.VP"], "kind": "operational", "value_type": "percent"}
    indicator_create(code="HS_DUNGHAN_THANG", name="Tỷ lệ đúng hạn theo tháng", period_type="monthly", aggregation="none",
                     communes_of=hcmc["79"], **common)
    indicator_create(code="HS_DUNGHAN_TP", name="Tỷ lệ đúng hạn toàn Thành phố", period_type="yearly", aggregation="none",
                     reporting_units=[hcmc["79"]], **common)
    settings.DIEUHANH_D766_ON_TIME_INDICATORS = ["HS_DUNGHAN", "HS_DUNGHAN_THANG", "HS_DUNGHAN_TP"]
    return hcmc


def _value(code: str, unit: str, period: str) -> Value | None:
    return Value.objects.filter(indicator__code=code, unit__code=unit, period=period).first()


def test_yearly_rates_are_written_per_ward_and_pooled_for_the_city(fed):
    result = on_time_feed(actor=SYSTEM, indicator=Indicator.objects.get(code="HS_DUNGHAN"), period="2026", as_of=AS_OF)
    assert result.periods == ["2026"]
    assert sorted(result.written) == [(SAI_GON, "2026", Decimal("100.00")), (BEN_THANH, "2026", Decimal("80.00"))]
    assert len(result.no_data) == 166
    v = _value("HS_DUNGHAN", BEN_THANH, "2026")
    assert v.value == Decimal("80.00") and v.status == "provisional" and v.source == SOURCE
    assert v.comment.startswith("4 / 5 hồ sơ đúng hạn") and "29/11/2026" in v.comment
    city = on_time_feed(actor=SYSTEM, indicator=Indicator.objects.get(code="HS_DUNGHAN_TP"), period="2026", as_of=AS_OF)
    # Pooled: 7 of the city's 9 dossiers; the department's open dossier was due on 10/04 and is overdue by now.
    assert city.written == [("79", "2026", Decimal("77.78"))]


def test_a_finished_period_is_final(fed):
    on_time_feed(actor=SYSTEM, indicator=Indicator.objects.get(code="HS_DUNGHAN"), period="2026", as_of=dt.date(2027, 1, 5))
    assert _value("HS_DUNGHAN", BEN_THANH, "2026").status == "final"


def test_a_monthly_indicator_gets_the_months_of_the_period_asked(fed):
    result = on_time_feed(actor=SYSTEM, indicator=Indicator.objects.get(code="HS_DUNGHAN_THANG"), period="2026-Q1", as_of=AS_OF)
    assert result.periods == ["2026-01", "2026-02", "2026-03"]
    assert _value("HS_DUNGHAN_THANG", BEN_THANH, "2026-02").value == Decimal("100.00")
    assert _value("HS_DUNGHAN_THANG", BEN_THANH, "2026-03").value == Decimal("75.00")
    assert _value("HS_DUNGHAN_THANG", BEN_THANH, "2026-01") is None
    assert _value("HS_DUNGHAN_THANG", BEN_THANH, "2026-03").status == "final"


def test_approved_data_is_never_overwritten_and_is_reported_as_skipped(fed):
    hcmc = fed
    indicator = Indicator.objects.get(code="HS_DUNGHAN")
    value_set(actor=SYSTEM, indicator=indicator, unit=hcmc[SAI_GON], period="2026", value=Decimal("97.5"), source="hand")
    values_submit(actor=SYSTEM, unit=hcmc[SAI_GON], period="2026")
    values_approve(actor=SYSTEM, unit=hcmc[SAI_GON], period="2026")
    result = on_time_feed(actor=SYSTEM, indicator=indicator, period="2026", as_of=AS_OF)
    assert result.skipped == [(SAI_GON, "2026", "approved")]
    kept = _value("HS_DUNGHAN", SAI_GON, "2026")
    assert kept.value == Decimal("97.5") and kept.source == "hand" and kept.version == 1
    assert [w[0] for w in result.written] == [BEN_THANH]


def test_a_second_run_writes_nothing_and_records_nothing(fed):
    indicator = Indicator.objects.get(code="HS_DUNGHAN")
    on_time_feed(actor=SYSTEM, indicator=indicator, period="2026", as_of=AS_OF)
    events = AuditEvent.objects.count()
    again = on_time_feed(actor=SYSTEM, indicator=indicator, period="2026", as_of=AS_OF)
    assert again.written == [] and len(again.unchanged) == 2
    assert AuditEvent.objects.count() == events
    assert _value("HS_DUNGHAN", BEN_THANH, "2026").version == 1


def test_each_value_and_the_run_are_audited(fed, make_user):
    admin = make_user("quantri.tp", "79", "administrator")
    on_time_feed(actor=admin, indicator=Indicator.objects.get(code="HS_DUNGHAN"), period="2026", as_of=AS_OF)
    value_event = AuditEvent.objects.get(action="value_set", note=f"HS_DUNGHAN {BEN_THANH} 2026")
    assert value_event.actor_label == "system:dossiers_feed" and value_event.changes["value"][1] in ("80.00", "80", 80, 80.0)
    run = AuditEvent.objects.get(action="on_time_feed")
    assert run.actor == admin and run.changes["written"] == [None, 2] and run.changes["no_data"] == [None, 166]


def test_a_reporter_may_not_run_the_feed_and_nothing_is_written(fed, make_user):
    reporter = make_user("canbo.bt", BEN_THANH, "reporter")
    with pytest.raises(NotFound):
        on_time_feed(actor=reporter, indicator=Indicator.objects.get(code="HS_DUNGHAN"), period="2026", as_of=AS_OF)
    assert not Value.objects.filter(source=SOURCE).exists()


def test_a_formula_indicator_and_a_bad_period_are_refused(fed, settings):
    settings.DIEUHANH_D766_ON_TIME_INDICATORS = [*settings.DIEUHANH_D766_ON_TIME_INDICATORS, "TYLE_TT"]
    with pytest.raises(DomainError) as formula:
        on_time_feed(actor=SYSTEM, indicator=Indicator.objects.get(code="TYLE_TT"), period="2026", as_of=AS_OF)
    assert formula.value.code == "not_feedable"
    with pytest.raises(DomainError) as bad:
        on_time_feed(actor=SYSTEM, indicator=Indicator.objects.get(code="HS_DUNGHAN"), period="2026-13", as_of=AS_OF)
    assert bad.value.code == "invalid_period"
    with pytest.raises(DomainError) as ancient:
        on_time_feed(actor=SYSTEM, indicator=Indicator.objects.get(code="HS_DUNGHAN"), period="0001", as_of=AS_OF)
    assert ancient.value.code == "invalid_period"


def test_the_command_feeds_every_configured_indicator_and_lists_skips(fed):
    hcmc = fed
    values_locked = Indicator.objects.get(code="HS_DUNGHAN_TP")
    value_set(actor=SYSTEM, indicator=values_locked, unit=hcmc["79"], period="2026", value=Decimal(96))
    values_submit(actor=SYSTEM, unit=hcmc["79"], period="2026")
    out = io.StringIO()
    call_command("dossiers_feed", "--period", "2026", "--as-of", "2026-11-29", stdout=out)
    text = out.getvalue()
    assert "HS_DUNGHAN 2026: 2 written, 0 unchanged, 0 skipped (locked), 0 kept as typed by hand, 166 without dossiers" in text
    assert "HS_DUNGHAN_THANG 2026-01, 2026-02" in text
    assert "HS_DUNGHAN_TP 2026: 0 written, 0 unchanged, 1 skipped (locked)" in text and "skipped 79 2026: data submitted" in text
    assert _value("HS_DUNGHAN_TP", "79", "2026").value == Decimal(96)


def test_the_api_feed_needs_the_right_to_manage_the_indicator(fed, api_client):
    steering = api_client("bcd.tp", "79", "steering")
    response = steering.post("/api/d766/feed", {"period": "2026-03", "indicator": "HS_DUNGHAN_THANG"}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()[0]["written"] == 2 and response.json()[0]["periods"] == ["2026-03"]
    viewer = api_client("xem.bt", BEN_THANH, "viewer")
    refused = viewer.post("/api/d766/feed", {"period": "2026-03", "indicator": "HS_DUNGHAN_THANG"}, content_type="application/json")
    assert refused.status_code == 404


def test_the_button_on_the_ranking_page_feeds_for_administrators(fed, web_client):
    admin = web_client("admin.tp", "79", "administrator")
    page = admin.get("/d766/?period=2026-03").content.decode()
    assert 'id="d766-feed-button"' in page
    response = admin.post("/d766/feed/", {"period": "2026-03"}, follow=True)
    assert response.status_code == 200
    assert _value("HS_DUNGHAN_THANG", BEN_THANH, "2026-03").value == Decimal("75.00")
    viewer = web_client("xem.tp", "79", "viewer")
    assert 'id="d766-feed-button"' not in viewer.get("/d766/?period=2026-03").content.decode()
    assert viewer.post("/d766/feed/", {"period": "2026-03"}).status_code == 404


# ----------------------------------------------------------------------------------------------- only its own indicators


@pytest.fixture
def survey(fed):
    """A percent indicator of the same owner that the feed must never touch: a satisfaction survey, typed by hand."""
    hcmc = fed
    indicator = indicator_create(actor=SYSTEM, owner=hcmc["79.VP"], code="TYLE_HAILONG", name="Tỷ lệ người dân hài lòng",
                                 kind="operational", value_type="percent", aggregation="none", period_type="yearly",
                                 communes_of=hcmc["79"])
    value_set(actor=SYSTEM, indicator=indicator, unit=hcmc[BEN_THANH], period="2026", value=Decimal("42"),
              status="provisional", source="phiếu khảo sát")
    return indicator


def _untouched(indicator) -> bool:
    v = _value(indicator.code, BEN_THANH, "2026")
    return v.value == Decimal("42") and v.source == "phiếu khảo sát" and v.version == 1


def test_the_feed_refuses_an_indicator_that_is_not_an_on_time_one(survey):
    with pytest.raises(NotFound):
        on_time_feed(actor=SYSTEM, indicator=survey, period="2026", as_of=AS_OF)
    assert _untouched(survey)


def test_the_api_feed_answers_not_found_for_an_indicator_that_is_not_an_on_time_one(survey, api_client):
    steering = api_client("bcd.tp", "79", "steering")  # manages the survey's owner: the refusal is not about rights
    response = steering.post("/api/d766/feed", {"period": "2026", "indicator": "TYLE_HAILONG"}, content_type="application/json")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    missing = steering.post("/api/d766/feed", {"period": "2026", "indicator": "KHONG_CO"}, content_type="application/json")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    assert _untouched(survey)


def test_the_command_refuses_an_indicator_that_is_not_an_on_time_one(survey):
    with pytest.raises(CommandError, match="not an on-time indicator .*TYLE_HAILONG"):
        call_command("dossiers_feed", "--period", "2026", "--indicator", "TYLE_HAILONG", stdout=io.StringIO())
    assert _untouched(survey)


def test_without_an_indicator_the_api_answers_not_found_like_the_page_when_you_manage_none(fed, api_client, web_client):
    viewer = api_client("xem.api", "79", "viewer")
    response = viewer.post("/api/d766/feed", {"period": "2026"}, content_type="application/json")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    assert web_client("xem.web", "79", "viewer").post("/d766/feed/", {"period": "2026"}).status_code == 404
    assert not Value.objects.filter(source=SOURCE).exists()


# ----------------------------------------------------------------------------------------------- values typed by hand


@pytest.fixture
def typed(fed):
    """Bến Thành's 2026 on-time rate typed by a person (a draft: provisional, from the ward's own count)."""
    hcmc = fed
    value_set(actor=SYSTEM, indicator=Indicator.objects.get(code="HS_DUNGHAN"), unit=hcmc[BEN_THANH], period="2026",
              value=Decimal("99.1"), status="provisional", source="báo cáo của phường", comment="nhập tay")
    return hcmc


def test_values_typed_by_hand_are_kept_and_reported_as_manual(typed):
    result = on_time_feed(actor=SYSTEM, indicator=Indicator.objects.get(code="HS_DUNGHAN"), period="2026", as_of=AS_OF)
    assert result.manual == [(BEN_THANH, "2026")] and result.summary()["manual"] == 1
    assert [w[0] for w in result.written] == [SAI_GON]
    kept = _value("HS_DUNGHAN", BEN_THANH, "2026")
    assert kept.value == Decimal("99.1") and kept.source == "báo cáo của phường" and kept.version == 1


def test_a_fed_value_a_person_corrected_counts_as_typed_by_hand(fed, make_user):
    indicator = Indicator.objects.get(code="HS_DUNGHAN")
    on_time_feed(actor=SYSTEM, indicator=indicator, period="2026", as_of=AS_OF)
    fed_value = _value("HS_DUNGHAN", BEN_THANH, "2026")
    reporter = make_user("canbo.sua", BEN_THANH, "reporter")  # corrects the number, keeps the source and comment
    value_set(actor=reporter, indicator=indicator, unit=fed[BEN_THANH], period="2026", value=Decimal("81"),
              status="provisional", source=SOURCE, comment=fed_value.comment, expected_version=fed_value.version)
    again = on_time_feed(actor=SYSTEM, indicator=indicator, period="2026", as_of=AS_OF)
    assert again.manual == [(BEN_THANH, "2026")] and _value("HS_DUNGHAN", BEN_THANH, "2026").value == Decimal("81")


def test_overwrite_replaces_a_value_typed_by_hand_and_the_run_says_so(typed, make_user):
    admin = make_user("quantri.ow", "79", "administrator")
    result = on_time_feed(actor=admin, indicator=Indicator.objects.get(code="HS_DUNGHAN"), period="2026", as_of=AS_OF,
                          overwrite=True)
    assert result.manual == [] and sorted(w[0] for w in result.written) == [SAI_GON, BEN_THANH]
    replaced = _value("HS_DUNGHAN", BEN_THANH, "2026")
    assert replaced.value == Decimal("80.00") and replaced.source == SOURCE and replaced.version == 2
    assert "overwriting values typed by hand" in AuditEvent.objects.get(action="on_time_feed").note


def test_overwrite_still_needs_the_right_to_manage_the_indicator(typed, make_user):
    reporter = make_user("canbo.ow", BEN_THANH, "reporter")
    with pytest.raises(NotFound):
        on_time_feed(actor=reporter, indicator=Indicator.objects.get(code="HS_DUNGHAN"), period="2026", as_of=AS_OF,
                     overwrite=True)
    assert _value("HS_DUNGHAN", BEN_THANH, "2026").value == Decimal("99.1")


def test_the_api_lists_manual_values_and_overwrites_only_when_asked(typed, api_client):
    steering = api_client("bcd.ow", "79", "steering")
    body = steering.post("/api/d766/feed", {"period": "2026", "indicator": "HS_DUNGHAN"}, content_type="application/json").json()
    assert body[0]["manual"] == [{"unit": BEN_THANH, "period": "2026"}] and body[0]["written"] == 1
    assert _value("HS_DUNGHAN", BEN_THANH, "2026").value == Decimal("99.1")
    body = steering.post("/api/d766/feed", {"period": "2026", "indicator": "HS_DUNGHAN", "overwrite": True},
                         content_type="application/json").json()
    assert body[0]["manual"] == [] and body[0]["written"] == 1
    assert _value("HS_DUNGHAN", BEN_THANH, "2026").value == Decimal("80.00")


def test_the_page_says_how_many_were_typed_by_hand_and_overwrites_when_ticked(typed, web_client):
    admin = web_client("admin.ow", "79", "administrator")
    assert 'id="d766-feed-overwrite"' in admin.get("/d766/?period=2026-03").content.decode()
    page = admin.post("/d766/feed/", {"period": "2026"}, follow=True).content.decode()
    assert "HS_DUNGHAN: đã ghi 1 giá trị" in page and "1 giữ nguyên (nhập tay)" in page
    assert _value("HS_DUNGHAN", BEN_THANH, "2026").value == Decimal("99.1")
    admin.post("/d766/feed/", {"period": "2026", "overwrite": "1"})
    assert _value("HS_DUNGHAN", BEN_THANH, "2026").value == Decimal("80.00")


def test_the_command_keeps_values_typed_by_hand_unless_overwrite(typed):
    out = io.StringIO()
    call_command("dossiers_feed", "--period", "2026", "--indicator", "HS_DUNGHAN", "--as-of", "2026-11-29", stdout=out)
    assert "1 kept as typed by hand" in out.getvalue() and f"kept {BEN_THANH} 2026: typed by hand" in out.getvalue()
    assert _value("HS_DUNGHAN", BEN_THANH, "2026").value == Decimal("99.1")
    call_command("dossiers_feed", "--period", "2026", "--indicator", "HS_DUNGHAN", "--as-of", "2026-11-29", "--overwrite",
                 stdout=io.StringIO())
    assert _value("HS_DUNGHAN", BEN_THANH, "2026").value == Decimal("80.00")


# ----------------------------------------------------------------------------------------------- odd input


def test_the_feed_redirect_keeps_the_period_urlencoded(fed, web_client):
    admin = web_client("admin.url", "79", "administrator")
    response = admin.post("/d766/feed/", {"period": "2026-03&from=x"})
    assert response.status_code == 302 and response["Location"] == "/d766/?period=2026-03%26from%3Dx"


def test_the_command_feeds_from_the_published_copy_while_an_import_holds_the_store(fed, store):
    import duckdb

    from dieuhanh.dossiers.store import published

    assert published() is not None
    writing = duckdb.connect(str(store))
    try:
        writing.begin()
        writing.execute("DELETE FROM dossiers")  # not committed: readers never see it
        out = io.StringIO()
        call_command("dossiers_feed", "--period", "2026", "--as-of", "2026-11-29", stdout=out)
    finally:
        writing.close()
    assert "unchanged" in out.getvalue() or "written" in out.getvalue()


# ----------------------------------------------------------------------------------------------- one choice of targets


def test_the_page_and_the_api_feed_the_same_targets_chosen_by_one_selector(fed, make_user, web_client, api_client):
    from dieuhanh.dossiers.selectors import feed_targets

    steering = make_user("bcd.chon", "79", "steering")
    assert [i.code for i in feed_targets(steering)] == ["HS_DUNGHAN", "HS_DUNGHAN_THANG", "HS_DUNGHAN_TP"]
    assert [i.code for i in feed_targets(steering, "HS_DUNGHAN_TP")] == ["HS_DUNGHAN_TP"]
    with pytest.raises(NotFound):
        feed_targets(steering, "TYLE_TT")  # not an on-time indicator
    with pytest.raises(NotFound):
        feed_targets(make_user("xem.chon", "79", "viewer"))  # manages none
    api = api_client("bcd.api", "79", "steering")
    fed_by_api = api.post("/api/d766/feed", {"period": "2026-03"}, content_type="application/json").json()
    assert [r["indicator"] for r in fed_by_api] == ["HS_DUNGHAN", "HS_DUNGHAN_THANG", "HS_DUNGHAN_TP"]


def test_a_bad_feed_period_goes_back_to_the_ranking_with_the_message(fed, web_client):
    admin = web_client("admin.ky", "79", "administrator")
    response = admin.post("/d766/feed/", {"period": "2026-13"}, follow=True)
    assert response.redirect_chain[0][0] == "/d766/?period=2026-13"
    assert "“2026-13” không phải kỳ báo cáo" in response.content.decode()
    assert not Value.objects.filter(source=SOURCE).exists()


@pytest.mark.parametrize(("body", "field"), [
    ({"period": "2026-13"}, "period"),
    ({"period": "2026", "indicator": "X" * 41}, "indicator"),
    ({"period": "2026", "overwrite": "sometimes"}, "overwrite"),
])
def test_api_feed_requests_beyond_their_fields_are_400_naming_the_field(fed, api_client, body, field):
    response = api_client("bcd.gioihan", "79", "steering").post("/api/d766/feed", body, content_type="application/json")
    assert response.status_code == 400 and field in {d["field"] for d in response.json()["error"]["details"]}
    assert not Value.objects.filter(source=SOURCE).exists()
