"""The statistical audit of a stored run ("Kiểm định thống kê"): the same numbers as the engine's analysis on the same
data, on the page and in the API, visible to whoever sees the run, and the sensitivity analysis computed on demand or
stored by an authorised person."""

from __future__ import annotations

import pandas as pd
import pytest

from dieuhanh.audit.models import AuditEvent
from dieuhanh.core.coin import analysis
from dieuhanh.errors import NotFound
from dieuhanh.indices import audit
from dieuhanh.indices.models import DataPoint, Run, RunKind
from dieuhanh.indices.services import dataset_import, uncertainty_run
from tests.conftest import BEN_THANH, CITY, SYSTEM
from dieuhanh.core.coin.examples import ASEM_DIR as ASEM

pytestmark = pytest.mark.django_db


def test_the_treated_indicators_are_those_of_the_runs_treatment_report(asem_run):
    result = audit.run_audit(asem_run, sensitivity=False)
    stored = [r["iCode"] for r in asem_run.treatment if r["treated"]]
    assert result.treated == stored and len(stored) == 15  # COINr's ASEM example: 15 indicators treated
    assert result.points_winsorised == sum(r["winsorised"] for r in asem_run.treatment) == 35
    assert result.log_transformed == []
    assert result.matches_run


def test_alpha_and_first_component_of_a_pillar_equal_the_engine_on_the_same_data(asem_run, asem_engine):
    framework, _, _, result = asem_engine
    members = result.datasets["Normalised"][framework.children("Physical")]
    groups = audit.run_audit(asem_run, sensitivity=False).groups
    assert groups.at["Physical", "CronbachAlpha"] == pytest.approx(analysis.cronbach_alpha(members), abs=1e-12)
    assert groups.at["Physical", "CronbachAlpha"] == pytest.approx(0.663366, abs=1e-6)
    assert groups.at["Physical", "PC1Share"] == pytest.approx(analysis.pca_variance(members)[0][0], abs=1e-12)
    # a group with alpha ≥ 0.7 is the one the page marks coherent
    marked = {g["iCode"] for g in audit.run_audit(asem_run, sensitivity=False).group_rows() if g["coherent"]}
    assert marked == {c for c in groups.index if groups.at[c, "CronbachAlpha"] >= 0.7} and "Social" in marked


def test_availability_counts_the_values_stored_for_the_year(asem_run):
    stats = audit.run_audit(asem_run, sensitivity=False).statistics
    reported = DataPoint.objects.filter(dataset=asem_run.dataset, year=2018, code="ConSpeed", value__isnull=False).count()
    assert stats.at["ConSpeed", "N"] == reported == 43
    assert stats.at["ConSpeed", "Availability"] == pytest.approx(43 / 51)
    # skewness/kurtosis of the data as reported: the JRC rule flags Flights (2.24, 6.30)
    assert stats.at["Flights", "FlagSkewKurt"] and not stats.at["LPI", "FlagSkewKurt"]


def test_effective_weights_set_each_element_beside_its_nominal_share(asem_run):
    eff = audit.run_audit(asem_run, sensitivity=False).effective
    physical = eff[eff["Parent"] == "Physical"]
    assert physical["NominalShare"].tolist() == pytest.approx([1 / 8] * 8)
    assert physical["EffectiveWeight"].sum() == pytest.approx(1.0)
    assert set(eff.index) == set(asem_run.framework.elements.exclude(parent="").filter(kind__in=["Indicator", "Aggregate"])
                                 .values_list("code", flat=True))


def test_the_heatmaps_hold_the_correlations_of_the_normalised_and_aggregated_scores(asem_run, asem_engine):
    framework, _, _, result = asem_engine
    maps = audit.run_audit(asem_run, sensitivity=False).heatmaps()
    overview = maps["overview"]
    i, j = overview["rows"].index("LPI"), overview["cols"].index("Physical")
    cell = next(v for v in overview["values"] if v[0] == j and v[1] == i)
    scores = analysis.scores_frame(result.datasets, framework)
    assert cell[2] == pytest.approx(scores["LPI"].corr(scores["Physical"]), abs=1e-12)
    assert [j, i] in overview["own"]
    physical = next(g for g in maps["groups"] if g["code"] == "Physical")
    assert physical["codes"] == framework.children("Physical") + ["Physical"]
    assert len(physical["values"]) == 9 * 9


def test_without_an_uncertainty_analysis_there_is_no_sensitivity(asem_run):
    result = audit.run_audit(asem_run)
    assert result.uncertainty is None and result.sensitivity is None and result.sensitivity_source is None


def test_with_an_uncertainty_analysis_the_sensitivity_and_pillar_removal_are_computed_on_demand(asem, asem_run):
    framework, dataset, methodology = asem
    unc = uncertainty_run(actor=SYSTEM, framework=framework, dataset=dataset, methodology=methodology, year=2018, replications=20)
    result = audit.run_audit(asem_run)
    assert result.uncertainty == unc and result.sensitivity_source == "computed"
    assert result.sensitivity_n == audit.ON_DEMAND_SENSITIVITY_N
    # the inputs the uncertainty run varied (the engine's defaults: imputation, normalisation, aggregation, weights)
    assert result.sensitivity["Input"].tolist()[:3] == ["impute", "normalise", "aggregation"]
    assert all(result.sensitivity["STi"] >= -0.05)
    assert list(result.removal.index) == list(framework.elements.filter(level=2).order_by("position").values_list("code", flat=True))
    assert (result.removal["UnitsMoved"] <= 51).all() and (result.removal["MaxAbsShift"] >= result.removal["MeanAbsShift"]).all()
    assert result.seconds < 2


def test_when_too_slow_the_page_offers_to_store_it_and_storing_is_an_audited_action(asem, asem_run, web_client, monkeypatch):
    framework, dataset, methodology = asem
    uncertainty_run(actor=SYSTEM, framework=framework, dataset=dataset, methodology=methodology, year=2018, replications=20)
    monkeypatch.setattr(audit, "ON_DEMAND_BUDGET_SECONDS", 0.0)
    assert audit.run_audit(asem_run).sensitivity_source == "deferred"
    admin = web_client("quantri.tp", CITY, "administrator")
    page = admin.get(f"/indices/ASEM/runs/{asem_run.pk}/audit/").content.decode()
    assert 'id="sensitivity-store"' in page and 'id="audit-sensitivity"' not in page
    reporter = web_client("canbo", CITY, "reporter")
    assert reporter.post(f"/indices/ASEM/runs/{asem_run.pk}/audit/").status_code == 404
    assert Run.objects.filter(kind=RunKind.UNCERTAINTY).count() == 1
    stored = audit.audit_sensitivity_store(actor=SYSTEM, run=asem_run, replications=20, n=16)
    assert stored.kind == RunKind.UNCERTAINTY and stored.options["audit"]["n"] == 16
    assert AuditEvent.objects.filter(action="audit_sensitivity_store", object_id=str(stored.pk)).exists()
    result = audit.run_audit(asem_run)
    assert result.uncertainty == stored and result.sensitivity_source == "stored" and result.sensitivity_n == 16
    assert result.sensitivity["Input"].tolist() == [r["Input"] for r in stored.options["audit"]["sensitivity"]]
    response = admin.post(f"/indices/ASEM/runs/{asem_run.pk}/audit/")
    assert response.status_code == 302 and Run.objects.filter(kind=RunKind.UNCERTAINTY).count() == 3


def test_a_data_set_changed_since_the_run_is_said_on_the_page(asem, asem_run, web_client):
    framework, _, _ = asem
    idata = pd.read_csv(ASEM / "ASEM_iData.csv", dtype=object)
    idata.loc[idata["uCode"] == "AUT", "LPI"] = "1.5"
    dataset_import(actor=SYSTEM, framework=framework, code="ASEM2018", name="ASEM 2018", idata=idata, replace=True)
    assert not audit.run_audit(asem_run, sensitivity=False).matches_run
    page = web_client("xem", CITY, "viewer").get(f"/indices/ASEM/runs/{asem_run.pk}/audit/").content.decode()
    assert 'id="audit-stale"' in page


def test_the_page_renders_in_vietnamese_for_whoever_sees_the_run(asem_run, web_client):
    ward = web_client("phuong", BEN_THANH, "reporter")  # any signed-in person reads published index results
    assert ward.get(f"/indices/ASEM/runs/{asem_run.pk}/").status_code == 200
    response = ward.get(f"/indices/ASEM/runs/{asem_run.pk}/audit/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Kiểm định thống kê" in page and 'id="audit-statistics"' in page and 'id="audit-treatment"' in page
    assert 'id="corr-overview"' in page and 'id="audit-heatmaps"' in page and 'id="weights-chart"' in page
    assert 'id="sensitivity-none"' in page
    # Vietnamese numbers: availability of ConSpeed 43/51 = 84 %, LPI's maximum 4,23 (decimal comma)
    assert '<tr data-icode="ConSpeed"' in page and "84 %" in page
    lpi = page[page.index('<tr data-icode="LPI"'):]
    assert "4,23" in lpi[:lpi.index("</tr>")]
    flights = page[page.index('<tr data-icode="Flights"'):]
    assert 'class="flagged"' in flights[:80] and "Phân phối lệch" in flights[:flights.index("</tr>")]
    framework_page = ward.get(f"/indices/ASEM/?run={asem_run.pk}").content.decode()
    assert f'href="/indices/ASEM/runs/{asem_run.pk}/audit/"' in framework_page


def test_who_cannot_see_the_run_cannot_see_its_audit(asem, asem_run, client):
    framework, dataset, methodology = asem
    response = client.get(f"/indices/ASEM/runs/{asem_run.pk}/audit/")
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert client.get(f"/api/indices/ASEM/runs/{asem_run.pk}/audit").status_code == 401
    unc = uncertainty_run(actor=SYSTEM, framework=framework, dataset=dataset, methodology=methodology, year=2018, replications=20)
    with pytest.raises(NotFound):
        audit.run_audit(unc)  # an uncertainty run has no audit of its own


def test_api_returns_the_same_audit_as_json(asem_run, api_client):
    client = api_client("xem", CITY, "viewer")
    response = client.get(f"/api/indices/ASEM/runs/{asem_run.pk}/audit")
    assert response.status_code == 200, response.content
    body = response.json()
    result = audit.run_audit(asem_run, sensitivity=False)
    assert body["treatment"]["treated"] == result.treated and body["treatment"]["points"] == 35
    stats = {r["iCode"]: r for r in body["statistics"]}
    assert stats["ConSpeed"]["Availability"] == pytest.approx(43 / 51) and stats["ConSpeed"]["iName"] == "Average connection speed"
    groups = {g["iCode"]: g for g in body["groups"]}
    assert groups["Physical"]["CronbachAlpha"] == pytest.approx(result.groups.at["Physical", "CronbachAlpha"])
    assert groups["Social"]["Coherent"] is True and groups["Physical"]["Coherent"] is False
    assert body["heatmaps"]["overview"]["rows"][0] == "LPI" and body["sensitivity"] is None
    assert client.get("/api/indices/ASEM/runs/999999/audit").status_code == 404
