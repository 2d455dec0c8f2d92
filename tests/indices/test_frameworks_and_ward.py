"""The shipped frameworks (PII, DTI 922/405, the ward index) and the ward index fed from the platform's own data."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
import pytest

from dieuhanh.core import coin
from dieuhanh.indices import selectors
from dieuhanh.indices.models import Element, Framework, Run, RunKind
from dieuhanh.indices.services import uncertainty_run
from dieuhanh.indices.shipped import FRAMEWORKS_DIR, load_shipped
from dieuhanh.indices.ward import feed, ward_index
from tests.conftest import SYSTEM


def test_pii_reproduces_the_published_hue_2023_identity_through_the_engine():
    """Huế 2023: input sub-index 51.50, output 47.23, PII (51.50 + 47.23) / 2 = 49.37 (official-methods §6). Our
    source gives the sub-indices, not the pillars: the pillar values below are chosen so that their means are the
    published sub-indices, which is what the check needs (the index is the mean of the two sub-indices)."""
    tree = coin.Framework.from_imeta(FRAMEWORKS_DIR / "PII.imeta.csv")
    pillars = pd.DataFrame([{"PII_P1_DIEM": 55.0, "PII_P2_DIEM": 48.0, "PII_P3_DIEM": 60.5, "PII_P4_DIEM": 46.0, "PII_P5_DIEM": 48.0,
                             "PII_P6_DIEM": 50.0, "PII_P7_DIEM": 44.46}], index=pd.Index(["HUE"], name="uCode"))
    out = coin.aggregate(pillars, tree, method="arithmetic")
    assert out.loc["HUE", "PII_INPUT"] == pytest.approx(51.50)
    assert out.loc["HUE", "PII_OUTPUT"] == pytest.approx(47.23)
    assert out.loc["HUE", "PII"] == pytest.approx(49.365, abs=1e-9)
    assert Decimal(repr(float(out.loc["HUE", "PII"]))).quantize(Decimal("0.01"), ROUND_HALF_UP) == Decimal("49.37")  # as published
    assert tree.children("PII_INPUT") == ["PII_P1", "PII_P2", "PII_P3", "PII_P4", "PII_P5"]
    assert tree.children("PII_OUTPUT") == ["PII_P6", "PII_P7"]


def test_dti_922_weights_are_the_official_points_and_total_1000():
    tree = coin.Framework.from_imeta(FRAMEWORKS_DIR / "DTI922.imeta.csv")
    weights = tree.weights()
    assert sum(weights[c] for c in tree.indicators) == 1000
    assert (weights["DTI922_HD_CQS"], weights["DTI922_HD_KTS"], weights["DTI922_DTTM"]) == (200, 150, 0)
    # every main indicator at full points gives 1.0; only the digital-government activity at full gives 0.2
    full = pd.DataFrame([{c: 1.0 for c in tree.indicators}, {c: (1.0 if c == "DTI922_HD_CQS" else 0.0) for c in tree.indicators}],
                        index=pd.Index(["A", "B"], name="uCode"))
    out = coin.aggregate(full, tree, method="arithmetic")
    assert out.loc["A", "DTI922"] == pytest.approx(1.0) and out.loc["B", "DTI922"] == pytest.approx(0.2)
    assert len(coin.Framework.from_imeta(FRAMEWORKS_DIR / "DTI405.imeta.csv").indicators) == 8


def test_shipped_frameworks_load_once_with_their_provenance(hcmc):
    load_shipped(actor=SYSTEM)
    load_shipped(actor=SYSTEM)  # idempotent
    assert set(Framework.objects.values_list("code", flat=True)) == {"PII", "DTI922", "DTI405", "PHUONG_CDS"}
    assert Framework.objects.get(code="PII").version == 1
    assert Element.objects.get(framework__code="PII", code="PII_P1").provenance == "source"
    assert Element.objects.get(framework__code="PII", code="PII_P1_DIEM").provenance == "placeholder"
    assert Element.objects.get(framework__code="DTI405", code="DTI405_C3").provenance == "placeholder"
    assert Element.objects.get(framework__code="PHUONG_CDS", code="D766_2_1").provenance == "platform"


@pytest.fixture
def ward_framework(hcmc):
    """The ward index and the ward-level indicators it reads (as the demo registers them)."""
    from dieuhanh.indicators.services import indicator_create

    common = {"actor": SYSTEM, "owner": hcmc["79.VP"], "kind": "operational", "period_type": "yearly", "communes_of": hcmc["79"]}
    received = indicator_create(code="HS_TIEPNHAN", name="Số hồ sơ tiếp nhận", value_type="count", aggregation="sum", **common)
    indicator_create(code="HS_TRUCTUYEN", name="Số hồ sơ trực tuyến", value_type="count", aggregation="sum", **common)
    indicator_create(code="HS_DUNGHAN_XA", name="Tỷ lệ đúng hạn cấp xã", value_type="percent", aggregation="weighted_mean",
                     weight_indicator=received, **common)
    indicator_create(code="TYLE_TRUCTUYEN", name="Tỷ lệ trực tuyến", value_type="percent", aggregation="none",
                     formula="HS_TRUCTUYEN / HS_TIEPNHAN * 100", **common)
    load_shipped(actor=SYSTEM, codes=["PHUONG_CDS"])
    return Framework.objects.get(code="PHUONG_CDS")


def test_the_ward_feed_takes_approved_indicator_values_and_falls_back_one_year(ward_framework, hcmc):
    registry = hcmc
    from decimal import Decimal

    from dieuhanh.indicators.models import Indicator
    from dieuhanh.indicators.services import value_set, values_approve, values_submit

    received, on_time = Indicator.objects.get(code="HS_TIEPNHAN"), Indicator.objects.get(code="HS_DUNGHAN_XA")
    for code, rate in (("26743", "99.5"), ("26740", "97.0")):
        ward = registry[code]
        value_set(actor=SYSTEM, indicator=received, unit=ward, period="2025", value=Decimal(1000))
        value_set(actor=SYSTEM, indicator=on_time, unit=ward, period="2025", value=Decimal(rate))
        values_submit(actor=SYSTEM, unit=ward, period="2025")
        if code == "26743":
            values_approve(actor=SYSTEM, unit=ward, period="2025")
    f = feed(ward_framework, 2026)
    rows = f.idata.set_index("uCode")
    assert rows.loc["26743", "HS_DUNGHAN_XA"] == pytest.approx(99.5)
    assert "26740" not in rows.index  # only a submitted (not approved) value: no data, left out
    assert "26740" in f.left_out
    assert rows.loc["26743", "Loai_group"] == registry["26743"].division_type
    assert any("2025 value is used" in n for n in f.notes)


def test_the_ward_index_runs_end_to_end_from_platform_data(ward_framework, hcmc):
    registry = hcmc
    from decimal import Decimal

    from dieuhanh.indicators.models import Indicator
    from dieuhanh.indicators.services import value_set, values_approve, values_submit

    received, on_time = Indicator.objects.get(code="HS_TIEPNHAN"), Indicator.objects.get(code="HS_DUNGHAN_XA")
    online = Indicator.objects.get(code="HS_TRUCTUYEN")
    codes = sorted(c for c, u in registry.items() if u.kind == "commune" and u.parent_id == registry["79"].pk)[:4]
    for i, code in enumerate(codes):
        ward = registry[code]
        value_set(actor=SYSTEM, indicator=received, unit=ward, period="2026", value=Decimal(1000))
        value_set(actor=SYSTEM, indicator=online, unit=ward, period="2026", value=Decimal(400 + 100 * i))
        value_set(actor=SYSTEM, indicator=on_time, unit=ward, period="2026", value=Decimal(96 + i))
        values_submit(actor=SYSTEM, unit=ward, period="2026")
        values_approve(actor=SYSTEM, unit=ward, period="2026")
    lines = ward_index(actor=SYSTEM, year=2026, run=True)
    runs = Run.objects.filter(framework=ward_framework, kind=RunKind.PIPELINE)
    assert runs.count() == 2 and all(r.status == "done" for r in runs), lines
    ranking = selectors.ranking(selectors.latest_run(ward_framework))
    assert [r.ucode for r in ranking.rows] == codes[::-1]  # the higher the on-time rate and online share, the better
    assert ranking.rows[0].rank == 1


def test_an_uncertainty_run_stores_rank_intervals_around_the_nominal_rank(asem):
    framework, dataset, methodology = asem
    from dieuhanh.indices.services import index_run

    index_run(actor=SYSTEM, framework=framework, dataset=dataset, methodology=methodology, year=2018)
    run = uncertainty_run(actor=SYSTEM, framework=framework, dataset=dataset, methodology=methodology, year=2018, replications=50)
    assert run.status == "done", run.error
    intervals = list(run.intervals.all())
    assert len(intervals) == 51
    assert all(i.low <= i.median <= i.high and 1 <= i.low and i.high <= 51 for i in intervals)
    ranking = selectors.ranking(selectors.latest_run(framework))
    assert ranking.uncertainty == run and ranking.rows[0].interval is not None


def test_the_ward_feed_counts_the_tasks_a_ward_leads_as_of_the_day(ward_framework, plan, hcmc):
    import datetime as dt

    from dieuhanh.plans.services import task_create

    group = plan.groups.get(number=4)
    task_create(actor=SYSTEM, plan=plan, group=group, code="4.3", title="Số hóa hồ sơ lưu trữ của phường", lead_unit=hcmc["26743"],
                start_date=dt.date(2025, 7, 1), deadline=dt.date(2026, 6, 30))
    rows = feed(ward_framework, 2026, day=dt.date(2026, 11, 1)).idata.set_index("uCode")
    # 4.2 (deadline 31/12/2026) is within its deadline, 4.3 (30/06/2026) is overdue: half the ward's tasks are overdue,
    # and none of the tasks that fell due was completed on time
    assert rows.loc["26743", "TASK_OVERDUE"] == pytest.approx(50.0)
    assert rows.loc["26743", "TASK_ONTIME"] == pytest.approx(0.0)
    early = feed(ward_framework, 2026, day=dt.date(2026, 5, 1)).idata.set_index("uCode")
    assert early.loc["26743", "TASK_OVERDUE"] == pytest.approx(0.0)
    assert pd.isna(early.loc["26743", "TASK_ONTIME"])  # nothing had fallen due yet
