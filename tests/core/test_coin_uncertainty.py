"""Monte Carlo uncertainty, variance-based sensitivity and element removal for a composite index.

The vectorised model is checked against the plain pipeline (``pipeline.run``) replication by replication, against
hand-computed removals, and through properties: no uncertainty gives the nominal ranks, seeds reproduce,
intervals hold their median, an input that changes nothing has zero sensitivity.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dieuhanh.core.coin import Element, Framework, FrameworkError, aggregate, load_pipeline, rank, read_idata, run
from dieuhanh.core.coin.cli import cli_uncertainty
from dieuhanh.core.coin.data import UnitData
from dieuhanh.core.coin.sensitivity import coin_sensitivity, pillar_removal, sobol_indices
from dieuhanh.core.coin.uncertainty import (
    UncertaintyModel,
    UncertaintyOptions,
    aggregate_many,
    rank_rows,
    uncertainty_analysis,
    weight_codes,
)

from dieuhanh.core.coin.examples import ASEM_DIR as ASEM, ASEM_PIPELINE

NO_UNCERTAINTY = {"weights": {"noise": 0}, "alternatives": {}, "aggregation": ["arithmetic"]}


def tiny_framework() -> Framework:
    """Index ← P1 (a, b), P2 (c, d); d is "less is better"."""
    return Framework([
        Element("a", "A", 1, "P1"), Element("b", "B", 1, "P1", weight=2.0),
        Element("c", "C", 1, "P2"), Element("d", "D", 1, "P2", direction=-1),
        Element("P1", "Pillar 1", 2, "Index", kind="Aggregate"),
        Element("P2", "Pillar 2", 2, "Index", kind="Aggregate", weight=0.5),
        Element("Index", "Index", 3, None, kind="Aggregate"),
    ])


def unit_data(values: dict[str, list[float]]) -> UnitData:
    n = len(next(iter(values.values())))
    idx = pd.Index([f"U{i:02d}" for i in range(n)], name="uCode")
    return UnitData(units=pd.DataFrame({"uName": [f"Unit {i}" for i in range(n)]}, index=idx),
                    values=pd.DataFrame(values, index=idx, dtype="float64"))


@pytest.fixture(scope="module")
def asem_model(asem_engine):
    return UncertaintyModel(*asem_engine[:3])


# --- ranks and the vectorised aggregation ------------------------------------------------------------------------

@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.sampled_from([0.0, 1.0, 2.5, 2.5, 7.0, -3.0, np.nan]), min_size=6, max_size=6),
                min_size=1, max_size=5))
def test_rank_rows_is_the_pipeline_rank_of_every_row(rows):
    s = np.array(rows)
    got = rank_rows(s)
    for k, row in enumerate(s):
        expected = rank(pd.Series(row)).astype("float64").to_numpy(na_value=np.nan)
        np.testing.assert_array_equal(got[k], expected)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(1, 100), min_size=20, max_size=20), st.lists(st.floats(0.1, 5), min_size=6, max_size=6),
       st.sampled_from(["arithmetic", "geometric", "harmonic", ["geometric", "arithmetic"]]),
       st.sets(st.integers(0, 19), max_size=4))
def test_many_weight_sets_aggregate_as_the_pipeline_step(values, weights, method, holes):
    fw = tiny_framework()
    x = np.array(values).reshape(5, 4)
    for h in holes:  # missing values drop out and the remaining weights renormalise
        x.flat[h] = np.nan
    normalised = pd.DataFrame(x, columns=fw.indicators, index=[f"U{i}" for i in range(5)])
    codes = weight_codes(fw)
    w = np.array([weights, [1.0] * 6])
    got = aggregate_many(normalised, fw, w, method=method)
    for k in range(2):
        expected = aggregate(normalised, fw, method=method, weights=dict(zip(codes, w[k])))
        for code in fw.aggregates:
            np.testing.assert_allclose(got[code][k], expected[code].to_numpy(), rtol=1e-12, equal_nan=True)


def test_min_availability_leaves_a_thin_aggregate_missing():
    fw = tiny_framework()
    normalised = pd.DataFrame([[1.0, np.nan, 3, 4], [1, 2, 3, 4]], columns=fw.indicators)
    got = aggregate_many(normalised, fw, method="arithmetic", min_availability=0.75)
    expected = aggregate(normalised, fw, method="arithmetic", min_availability=0.75)
    np.testing.assert_allclose(got["P1"][0], expected["P1"].to_numpy(), equal_nan=True)
    assert np.isnan(got["P1"][0][0]) and got["P1"][0][1] == pytest.approx((1 + 2 * 2) / 3)


def test_the_model_reproduces_the_nominal_pipeline_on_asem(asem_engine, asem_model):
    fw, data, steps, _ = asem_engine
    nominal = run(fw, data, steps).results.set_index("uCode")
    np.testing.assert_array_equal(asem_model.nominal_ranks,
                                  nominal["Rank"].reindex(asem_model.units).to_numpy(dtype="float64"))
    scores = aggregate_many(pd.DataFrame(asem_model.nominal_x, columns=fw.indicators), fw)[fw.top][0]
    np.testing.assert_allclose(scores, asem_model.nominal_scores, rtol=1e-12)


def test_every_replication_is_the_plain_pipeline_with_its_parameters(asem_engine, asem_model):
    """The vectorised replications equal ``pipeline.run`` of the pipeline each sample point stands for."""
    fw, data, *_ = asem_engine
    points = np.random.default_rng(7).random((12, asem_model.dimension))
    fast = asem_model.evaluate(points)
    for k, point in enumerate(points):
        steps = asem_model.pipeline_for(point)
        slow = run(fw, data, steps).results.set_index("uCode")[fw.top].reindex(asem_model.units).to_numpy()
        np.testing.assert_allclose(fast[k], slow, rtol=1e-12, atol=1e-12)
        np.testing.assert_array_equal(rank_rows(fast[k]), rank_rows(slow))
    # the points did exercise every discrete alternative
    chosen = asem_model.describe(points)
    assert chosen["aggregation"].nunique() == 2 and chosen["normalise"].nunique() == 2
    assert chosen["impute"].nunique() == 3


# --- uncertainty analysis ----------------------------------------------------------------------------------------

def test_no_uncertainty_gives_the_nominal_ranks_in_every_replication(asem_engine):
    model = UncertaintyModel(*asem_engine[:3], options=NO_UNCERTAINTY)
    assert model.dimension == 0
    ua = uncertainty_analysis(model, n=25, seed=3)
    nominal = ua.summary["NominalRank"]
    assert (ua.ranks.to_numpy() == nominal.reindex(ua.ranks.index).to_numpy()[:, None]).all()
    assert (ua.summary["P5Rank"] == nominal).all() and (ua.summary["P95Rank"] == nominal).all()


def test_a_unit_screened_out_by_one_alternative_is_unranked_in_those_replications():
    fw = tiny_framework()
    data = unit_data({"a": [5, 1, 2, 3, 4, 6], "b": [np.nan, 2, 3, 1, 5, 4], "c": [np.nan, 3, 1, 2, 6, 5],
                      "d": [1, 2, 3, 4, 5, 6]})
    steps = load_pipeline({"steps": [{"step": "screen", "min_availability": 0.5}, {"step": "impute"},
                                     {"step": "normalise", "low": 1, "high": 100}, {"step": "aggregate"}]})
    model = UncertaintyModel(fw, data, steps, options={
        "weights": {"noise": 0}, "aggregation": ["arithmetic"],
        "alternatives": {"screen": [{"min_availability": 0.5}, {"min_availability": 0.9}]}})
    ua = uncertainty_analysis(model, n=200, seed=2)
    strict = (ua.choices["screen"] == "min_availability=0.9").to_numpy()
    assert 50 < strict.sum() < 150
    assert np.isnan(ua.ranks.loc["U00"].to_numpy()[strict]).all()
    assert not np.isnan(ua.ranks.loc["U00"].to_numpy()[~strict]).any()
    assert ua.ranks.drop(index="U00").notna().all().all()
    # the other five share ranks 1–5 when U00 is out
    assert (ua.ranks.loc[:, strict].drop(index="U00").max() == 5).all()
    kept = ua.ranks.loc["U00"].to_numpy()[~strict]
    assert ua.summary.loc["U00", "P95Rank"] == pytest.approx(np.quantile(kept, 0.95))


def test_weights_stay_within_their_noise_band(asem_model):
    points = np.random.default_rng(0).random((500, asem_model.dimension))
    w = asem_model.weights_for(points)
    nominal = asem_model.weights0
    assert np.all(w >= nominal * 0.75 - 1e-12) and np.all(w <= nominal * 1.25 + 1e-12)
    assert w[:, 0].min() < 0.8 and w[:, 0].max() > 1.2  # and they do move across the band


def test_intervals_hold_the_median_and_seeds_reproduce(asem_model):
    ua = uncertainty_analysis(asem_model, n=300, seed=11)
    s = ua.summary
    assert (s["P5Rank"] <= s["MedianRank"]).all() and (s["MedianRank"] <= s["P95Rank"]).all()
    assert (s["P5Score"] <= s["MedianScore"]).all() and (s["MedianScore"] <= s["P95Score"]).all()
    assert (s["P95Rank"] - s["P5Rank"]).max() > 0  # there is uncertainty to report
    assert s["NominalRank"].is_monotonic_increasing and list(s.columns[:2]) == ["uName", "NominalRank"]
    again = uncertainty_analysis(asem_model, n=300, seed=11)
    pd.testing.assert_frame_equal(ua.ranks, again.ranks)
    other = uncertainty_analysis(asem_model, n=300, seed=12)
    assert not ua.ranks.equals(other.ranks)


def test_percentiles_are_those_of_the_replications(asem_model):
    ua = uncertainty_analysis(asem_model, n=200, seed=5)
    unit = ua.summary.index[7]
    r = ua.ranks.loc[unit].to_numpy()
    assert ua.summary.loc[unit, "P5Rank"] == pytest.approx(np.quantile(r, 0.05))
    assert ua.summary.loc[unit, "P95Rank"] == pytest.approx(np.quantile(r, 0.95))
    assert ua.summary.loc[unit, "MedianRank"] == pytest.approx(np.median(r))


def test_geometric_alternative_over_zeros_is_refused_naming_the_cell(asem_engine):
    options = {"alternatives": {"normalise": [{"method": "minmax", "low": 0, "high": 100}]},
               "aggregation": ["arithmetic", "geometric"]}
    with pytest.raises(FrameworkError) as e:
        UncertaintyModel(*asem_engine[:3], options=options)
    assert e.value.code == "geometric_nonpositive" and ":" in e.value.element
    unit, indicator = e.value.element.split(":")
    assert indicator in asem_engine.framework.indicators and "method=minmax" in str(e.value)


@pytest.mark.parametrize("options,element", [
    ({"alternatives": {"select_time": [{"time": 2018}]}}, "select_time"),
    ({"weights": {"noise": {1: 1.5}}}, "weights"),
    ({"weights": {"noise": {4: 0.2}}}, "weights"),
    ({"colour": "red"}, "colour"),
    ({"aggregation": [{"method": "median"}]}, "aggregate"),
    ({"target": "LPI"}, "LPI"),
])
def test_bad_options_are_refused_naming_the_element(asem_engine, options, element):
    with pytest.raises(FrameworkError) as e:
        UncertaintyModel(*asem_engine[:3], options=options)
    assert e.value.code == "bad_option" and e.value.element == element


def test_a_missing_or_malformed_options_file_is_named(tmp_path):
    with pytest.raises(FrameworkError) as e:
        UncertaintyOptions.load(tmp_path / "nowhere.yaml")
    assert e.value.code == "missing_file" and e.value.element.endswith("nowhere.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("sensitivity: {n: many}\n", encoding="utf-8")
    with pytest.raises(FrameworkError) as e:
        UncertaintyOptions.load(bad)
    assert e.value.code == "bad_option" and e.value.element == "sensitivity"


def test_options_file_is_read(tmp_path, asem_engine):
    path = tmp_path / "ua.yaml"
    path.write_text("weights: {noise: {2: 0.1}}\nalternatives:\n  imputation: [{method: mean}, {method: median}]\n"
                    "aggregation: [arithmetic]\ntarget: Conn\nsensitivity: {n: 64}\n", encoding="utf-8")
    opts = UncertaintyOptions.load(path)
    assert opts.alternatives == {"impute": [{"method": "mean"}, {"method": "median"}]}
    model = UncertaintyModel(*asem_engine[:3], options=path)
    assert [i.group for i in model.inputs][:1] == ["impute"] and model.target == "Conn"
    assert {i.group for i in model.inputs[1:]} == {"weights (level 2)"} and len(model.inputs) == 1 + 5


# --- sensitivity ---------------------------------------------------------------------------------------------------

def test_sobol_indices_find_the_dominant_input_of_a_toy_model():
    out = sobol_indices(["x1", "x2", "x3"], lambda p: 10 * p[:, 0] + p[:, 1] + 0 * p[:, 2], n=1024, seed=1)
    s = out.set_index("Input")
    # analytic: V = (100 + 1)/12, S1 = 100/101, S2 = 1/101, S3 = 0, additive so STi = Si
    assert s.loc["x1", "Si"] == pytest.approx(100 / 101, abs=0.03)
    assert s.loc["x1", "STi"] == pytest.approx(100 / 101, abs=0.03)
    assert s.loc["x2", "STi"] == pytest.approx(1 / 101, abs=0.01)
    assert s.loc["x3", "STi"] == 0.0
    again = sobol_indices(["x1", "x2", "x3"], lambda p: 10 * p[:, 0] + p[:, 1], n=1024, seed=1)
    pd.testing.assert_frame_equal(out, again)


def test_sobol_indices_by_group_and_interactions():
    # y = x1 · x2 (pure interaction between the group g = {x1, x2}) + x3
    out = sobol_indices(["x1", "x2", "x3"], lambda p: 4 * (p[:, 0] - .5) * (p[:, 1] - .5) + 0.1 * p[:, 2],
                        groups=["g", "g", "x3"], n=1024, seed=2).set_index("Input")
    assert list(out.index) == ["g", "x3"]
    assert out.loc["g", "Si"] > 0.8 and out.loc["x3", "STi"] < 0.2


def test_sensitivity_needs_a_power_of_two_and_two_inputs():
    with pytest.raises(FrameworkError) as e:
        sobol_indices(["a", "b"], lambda p: p[:, 0], n=100)
    assert e.value.code == "bad_option"
    with pytest.raises(FrameworkError):
        sobol_indices(["a"], lambda p: p[:, 0], n=64)


def test_an_input_that_changes_nothing_has_zero_total_sensitivity(asem_engine):
    # two treatment alternatives with the same effect (5 is the default winmax): exactly no influence
    options = {"weights": {"noise": {2: 0.25}}, "aggregation": ["arithmetic", "geometric"],
               "alternatives": {"treat": [{"winmax": 5}, {"winmax": 5, "skew": 2.0}],
                                "normalise": [{"method": "minmax", "low": 1, "high": 100}]}}
    model = UncertaintyModel(*asem_engine[:3], options=options)
    s = coin_sensitivity(model, n=64, seed=4).set_index("Input")
    assert list(s.index) == ["treat", "aggregation", "weights (level 2)"]
    assert s.loc["treat", "STi"] == 0.0 and s.loc["treat", "Si"] == 0.0
    assert s.loc["aggregation", "STi"] > 0.05 and (s["Evaluations"] == 64 * 5).all()


# --- removal -----------------------------------------------------------------------------------------------------

def test_removing_a_pillar_by_hand():
    fw = Framework([
        Element("a", "A", 1, "P1"), Element("b", "B", 1, "P2"), Element("c", "C", 1, "P3"),
        Element("P1", "P1", 2, "Index", kind="Aggregate"), Element("P2", "P2", 2, "Index", kind="Aggregate"),
        Element("P3", "P3", 2, "Index", kind="Aggregate"), Element("Index", "Index", 3, None, kind="Aggregate"),
    ])
    #            a    b    c     index = mean: U0 50, U1 40, U2 30, U3 ≈ 26.7
    x = pd.DataFrame([[90, 10, 50], [0, 60, 60], [30, 30, 30], [20, 20, 40]], columns=["a", "b", "c"],
                     index=pd.Index(["U0", "U1", "U2", "U3"], name="uCode"), dtype=float)
    per_unit, summary = pillar_removal(x, fw)
    assert per_unit["Rank"].to_dict() == {"U0": 1, "U1": 2, "U2": 3, "U3": 4}
    # without P1 (b, c): U0 30, U1 60, U2 30, U3 30 → ranks 2, 1, 2, 2
    assert per_unit.loc[["U0", "U1", "U2", "U3"], "Without_P1"].tolist() == [2, 1, 2, 2]
    # without P2 (a, c): U0 70, U1 30, U2 30, U3 30 → 1, 2, 2, 2
    assert per_unit.loc[["U0", "U1", "U2", "U3"], "Without_P2"].tolist() == [1, 2, 2, 2]
    # without P3 (a, b): U0 50, U1 30, U2 30, U3 20 → 1, 2, 2, 4
    assert per_unit.loc[["U0", "U1", "U2", "U3"], "Without_P3"].tolist() == [1, 2, 2, 4]
    # shifts U0: 1, 0, 0; U1: −1, 0, 0; U2: −1, −1, −1; U3: −2, −2, 0
    assert per_unit.loc[["U0", "U1", "U2", "U3"], "MaxAbsShift"].tolist() == [1, 1, 1, 2]
    assert per_unit.loc[["U0", "U1", "U2", "U3"], "MedianAbsShift"].tolist() == [0, 0, 1, 2]
    assert summary.loc["P1", "MeanAbsShift"] == pytest.approx((1 + 1 + 1 + 2) / 4)
    assert summary["UnitsMoved"].to_dict() == {"P1": 4, "P2": 2, "P3": 1}


def test_removal_level_must_be_below_the_target():
    with pytest.raises(FrameworkError) as e:
        pillar_removal(pd.DataFrame(np.ones((2, 4)), columns=list("abcd")), tiny_framework(), level=3)
    assert e.value.code == "bad_option" and e.value.element == "removal_level"


# --- command line ------------------------------------------------------------------------------------------------

def test_cli_writes_every_table(tmp_path):
    report = cli_uncertainty(ASEM / "ASEM_iData.csv", ASEM / "ASEM_iMeta.csv", ASEM_PIPELINE, tmp_path,
                             n=200, seed=1, options={"sensitivity": {"n": 64}})
    names = {p.name for p in report.files}
    assert {"uncertainty.csv", "sensitivity.csv", "pillar_removal.csv", "statistics.csv",
            "correlations.csv"} <= names
    ua = pd.read_csv(tmp_path / "uncertainty.csv")
    assert list(ua.columns[:7]) == ["uCode", "uName", "NominalRank", "MedianRank", "MeanRank", "P5Rank",
                                    "P95Rank"]
    assert len(ua) == len(report.uncertainty.summary) and ua["uCode"].is_unique
    results = run(Framework.from_imeta(ASEM / "ASEM_iMeta.csv"),
                  read_idata(ASEM / "ASEM_iData.csv", Framework.from_imeta(ASEM / "ASEM_iMeta.csv")),
                  load_pipeline(ASEM_PIPELINE)).results
    assert dict(zip(ua["uCode"], ua["NominalRank"])) == {u: float(r) for u, r in zip(results["uCode"],
                                                                                     results["Rank"])}
    sa = pd.read_csv(tmp_path / "sensitivity.csv")
    assert set(sa["Input"]) == {"impute", "normalise", "aggregation", "weights (level 1)", "weights (level 2)",
                                "weights (level 3)"}
    removal = pd.read_csv(tmp_path / "pillar_removal_summary.csv")
    assert len(removal) == 8 and (removal["MaxAbsShift"] >= removal["MedianAbsShift"]).all()
    stats = pd.read_csv(tmp_path / "statistics.csv")
    assert len(stats) == 49 and "Flags" in stats.columns
