"""Statistical audit of a composite index: the statistics table, correlations, Cronbach's alpha, PCA per group,
effective weights — hand-computed on tiny tables, and checked on the ASEM example against the pipeline."""

from __future__ import annotations


import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sps

from dieuhanh.core.coin import Element, Framework, FrameworkError
from dieuhanh.core.coin.analysis import (
    correlations,
    cronbach_alpha,
    effective_weights,
    group_table,
    pca_variance,
    scores_frame,
    statistics_table,
)



def tiny_framework(direction_d: int = 1) -> Framework:
    """Index ← P1 (a, b), P2 (c, d)."""
    return Framework([
        Element("a", "A", 1, "P1"), Element("b", "B", 1, "P1"),
        Element("c", "C", 1, "P2"), Element("d", "D", 1, "P2", direction=direction_d),
        Element("P1", "Pillar 1", 2, "Index", kind="Aggregate"),
        Element("P2", "Pillar 2", 2, "Index", kind="Aggregate"),
        Element("Index", "Index", 3, None, kind="Aggregate"),
    ])


def frame(**cols) -> pd.DataFrame:
    n = len(next(iter(cols.values())))
    return pd.DataFrame(cols, index=pd.Index([f"U{i}" for i in range(n)], name="uCode"), dtype="float64")


# --- statistics table ---------------------------------------------------------------------------------------------

def test_statistics_match_numpy_and_the_sample_skewness_and_excess_kurtosis():
    a = [1.0, 2.0, 4.0, 8.0, 16.0, np.nan]
    values = frame(a=a, b=[3.0, 1, 4, 1, 5, 9], c=[2.0, 7, 1, 8, 2, 8], d=[0.0, 0, 0, 1, 0, 2])
    t = statistics_table(values, tiny_framework())
    got = t.loc["a"]
    x = np.array(a[:5])
    assert got["N"] == 5 and got["Availability"] == pytest.approx(5 / 6)
    assert got["Min"] == 1 and got["Max"] == 16
    assert got["Mean"] == pytest.approx(x.mean()) and got["Median"] == pytest.approx(np.median(x))
    assert got["SD"] == pytest.approx(x.std(ddof=1))
    # G1 and G2 (bias-corrected sample skewness, excess kurtosis): what the JRC rule and COINr use
    assert got["Skewness"] == pytest.approx(sps.skew(x, bias=False))
    assert got["Kurtosis"] == pytest.approx(sps.kurtosis(x, bias=False))
    assert t.loc["d", "NonZeroShare"] == pytest.approx(2 / 6)
    assert t.loc["b", "UniqueShare"] == pytest.approx(5 / 6)
    assert list(t.index) == ["a", "b", "c", "d"] and t.loc["c", "Parent"] == "P2"


def test_flags_low_availability_outliers_and_many_zeros():
    n = 20
    rng = np.random.default_rng(1)
    base = rng.normal(10, 1, n)
    outlier = base.copy()
    outlier[0] = 1000.0  # one huge value: |skew| > 2 and kurtosis > 3.5
    sparse = base.copy()
    sparse[:10] = np.nan  # 50 % available < 65 %
    zeros = np.where(np.arange(n) < 12, 0.0, base)  # 40 % non-zero < 50 %
    t = statistics_table(frame(a=base, b=outlier, c=sparse, d=zeros), tiny_framework())
    assert t.loc["b", "FlagSkewKurt"] and not t.loc["a", "FlagSkewKurt"]
    assert t.loc["c", "FlagAvailability"] and not t.loc["a", "FlagAvailability"]
    assert t.loc["d", "FlagZeros"] and not t.loc["c", "FlagZeros"]
    assert t.loc["a", "Flags"] == ""
    assert "skew_kurtosis" in t.loc["b", "Flags"] and "low_availability" in t.loc["c", "Flags"]


def test_collinearity_is_flagged_within_a_group_only_and_respects_directions():
    rng = np.random.default_rng(2)
    a = rng.normal(size=30)
    # b follows a (same pillar); c too, but c is in the other pillar; d = −c with direction −1, so after
    # directions d pulls exactly like c: collinear with its sibling c
    values = frame(a=a, b=2 * a + 1 + rng.normal(0, 0.01, 30), c=a + rng.normal(0, 0.01, 30),
                   d=-(a + rng.normal(0, 0.01, 30)))
    t = statistics_table(values, tiny_framework(direction_d=-1))
    assert t.loc["a", "Collinear"] == "b" and t.loc["b", "Collinear"] == "a"
    assert t.loc["c", "Collinear"] == "d" and t.loc["d", "Collinear"] == "c"
    assert t["FlagCollinear"].all()
    # the same data with d read as "more is better": d now moves against c and is not double counting
    t2 = statistics_table(values, tiny_framework(direction_d=1))
    assert t2.loc["c", "Collinear"] == "" and not t2.loc["d", "FlagCollinear"]


def test_negative_correlation_with_the_parent_is_flagged():
    rng = np.random.default_rng(3)
    a, b = rng.normal(size=25), rng.normal(size=25)
    values = frame(a=a, b=b, c=rng.normal(size=25), d=rng.normal(size=25))
    scores = frame(P1=a - 0.5 * b + 0 * a, P2=values["c"].to_numpy())
    scores.index = values.index
    t = statistics_table(values, tiny_framework(), scores=scores)
    assert t.loc["a", "CorrParent"] == pytest.approx(np.corrcoef(a, scores["P1"])[0, 1])
    assert t.loc["b", "FlagNegativeParent"] and not t.loc["a", "FlagNegativeParent"]
    assert "negative_parent" in t.loc["b", "Flags"]


def test_statistics_refuse_a_missing_indicator_and_name_it():
    with pytest.raises(FrameworkError) as e:
        statistics_table(frame(a=[1.0, 2], b=[1.0, 2], c=[1.0, 2]), tiny_framework())
    assert e.value.code == "missing_indicator" and e.value.element == "d"


# --- Cronbach's alpha and PCA --------------------------------------------------------------------------------------

def test_cronbach_alpha_by_hand():
    items = np.array([[1, 2, 3], [2, 3, 3], [3, 5, 4], [4, 4, 5]], dtype=float)
    # item variances (n − 1): 5/3, 5/3, 2.75/3 → Σ = 12.75/3; totals 6, 8, 12, 13 → variance 32.75/3
    # alpha = 3/2 · (1 − 12.75/32.75) = 30/32.75
    assert cronbach_alpha(items) == pytest.approx(30 / 32.75)


def test_cronbach_alpha_uses_complete_rows_and_is_one_for_identical_items():
    x = np.array([1.0, 4.0, 2.0, 8.0, 5.0])
    assert cronbach_alpha(np.column_stack([x, x, x])) == pytest.approx(1.0)
    with_gap = pd.DataFrame({"p": [1, 2, 3, 4, np.nan], "q": [2, 3, 5, 4, 100], "r": [3, 3, 4, 5, -50]})
    assert cronbach_alpha(with_gap) == pytest.approx(cronbach_alpha(with_gap.iloc[:4]))
    assert np.isnan(cronbach_alpha(np.ones((5, 1))))


def test_pca_of_a_rank_one_matrix_has_one_component():
    u = np.array([1.0, 2.0, 3.0, 5.0, 8.0])
    share, loadings = pca_variance(np.outer(u, [1.0, 3.0, 0.5, 2.0]))
    assert share[0] == pytest.approx(1.0) and np.allclose(share[1:], 0, atol=1e-12)
    assert np.allclose(loadings[:, 0], 0.5)  # four standardised copies of one variable: 1/√4 each


def test_pca_of_uncorrelated_columns_splits_the_variance():
    share, _ = pca_variance(np.array([[1, 1], [-1, 1], [1, -1], [-1, -1]], dtype=float))
    assert share == pytest.approx([0.5, 0.5])


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=3, max_value=30), st.integers(min_value=2, max_value=6), st.integers(0, 10_000))
def test_pca_shares_sum_to_one_and_do_not_depend_on_units(n, k, seed):
    x = np.random.default_rng(seed).normal(size=(n, k))
    share, loadings = pca_variance(x)
    assert share.sum() == pytest.approx(1.0)
    assert np.all(np.diff(share) <= 1e-12)
    rescaled, _ = pca_variance(x * np.arange(1, k + 1) + 7)  # standardised PCA: units of measure do not matter
    assert rescaled == pytest.approx(share)
    assert np.allclose(loadings.T @ loadings, np.eye(k), atol=1e-8)


# --- correlations and effective weights ---------------------------------------------------------------------------

def scored_tiny(seed: int = 4) -> tuple[Framework, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    fw = tiny_framework()
    x = frame(a=rng.normal(size=40), b=rng.normal(size=40), c=rng.normal(size=40), d=rng.normal(size=40))
    x["P1"] = x[["a", "b"]].mean(axis=1)
    x["P2"] = 0.9 * x["c"] + 0.1 * x["d"]
    x["Index"] = x[["P1", "P2"]].mean(axis=1)
    return fw, x


def test_correlations_list_siblings_once_and_every_ancestor():
    fw, x = scored_tiny()
    c = correlations(x, fw)
    siblings = c[c["Relation"] == "sibling"]
    assert sorted(map(tuple, siblings[["iCode", "Other"]].to_numpy())) == [("P1", "P2"), ("a", "b"), ("c", "d")]
    parents = c[c["Relation"] == "parent"]
    assert dict(zip(parents["iCode"], parents["Other"])) == {"a": "P1", "b": "P1", "c": "P2", "d": "P2",
                                                             "P1": "Index", "P2": "Index"}
    ancestors = c[c["Relation"] == "ancestor"]
    assert set(ancestors["iCode"]) == {"a", "b", "c", "d"} and set(ancestors["Other"]) == {"Index"}
    row = c[(c["iCode"] == "c") & (c["Other"] == "Index")].iloc[0]
    assert row["Correlation"] == pytest.approx(np.corrcoef(x["c"], x["Index"])[0, 1])
    assert row["Level"] == 1 and row["OtherLevel"] == 3


def test_spearman_correlations_are_rank_correlations():
    fw, x = scored_tiny()
    c = correlations(x, fw, method="spearman")
    row = c[(c["iCode"] == "a") & (c["Other"] == "P1")].iloc[0]
    assert row["Correlation"] == pytest.approx(sps.spearmanr(x["a"], x["P1"]).statistic)
    with pytest.raises(FrameworkError) as e:
        correlations(x, fw, method="kendall-ish")
    assert e.value.code == "bad_option"


def test_effective_weights_are_normalised_squared_correlations():
    fw, x = scored_tiny()
    e = effective_weights(x, fw)
    r2 = {k: np.corrcoef(x[k], x[p])[0, 1] ** 2 for k, p in [("c", "P2"), ("d", "P2")]}
    assert e.loc["c", "EffectiveWeight"] == pytest.approx(r2["c"] / (r2["c"] + r2["d"]))
    assert e.loc["c", "NominalShare"] == pytest.approx(0.5)
    # P2 is 0.9·c + 0.1·d: c carries almost all of it whatever the nominal 50/50 says
    assert e.loc["c", "EffectiveWeight"] > 0.95
    assert e.groupby("Parent")["EffectiveWeight"].sum().to_numpy() == pytest.approx([1, 1, 1])
    assert e.groupby("Level")["IndexShare"].sum().to_numpy() == pytest.approx([1, 1])


def test_group_table_gives_alpha_and_first_component_per_aggregate():
    fw, x = scored_tiny()
    g = group_table(x, fw)
    assert list(g.index) == ["P1", "P2", "Index"]
    assert g.loc["P1", "CronbachAlpha"] == pytest.approx(cronbach_alpha(x[["a", "b"]]))
    assert g.loc["Index", "PC1Share"] == pytest.approx(pca_variance(x[["P1", "P2"]])[0][0])
    assert g.loc["P1", "PC1Loadings"].startswith("a:") and g.loc["P1", "NComplete"] == 40


# --- on the ASEM example -----------------------------------------------------------------------------------------

def test_skew_kurtosis_flag_is_the_treatment_rule_on_asem(asem_engine):
    """The statistics table flags exactly the indicators the pipeline's JRC treatment had to treat."""
    fw, _, _, result = asem_engine
    t = statistics_table(result.datasets["Screened"], fw)
    treated = set(result.treatment.loc[result.treatment["treated"], "iCode"])
    assert treated and set(t.index[t["FlagSkewKurt"]]) == treated


def test_asem_audit_tables_cover_the_framework(asem_engine):
    fw, _, _, result = asem_engine
    scores = scores_frame(result.datasets, fw)
    assert list(scores.columns) == fw.indicators + fw.aggregates
    stats = statistics_table(result.datasets["Denominated"], fw, scores=scores)
    assert len(stats) == 49 and stats["CorrParent"].notna().all()
    groups = group_table(scores, fw)
    assert len(groups) == 11 and groups["PC1Share"].between(0, 1).all()
    eff = effective_weights(scores, fw)
    assert len(eff) == 49 + 8 + 2
