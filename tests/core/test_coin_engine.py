"""Composite-index engine: the framework tree, unit data and each pipeline step against hand-computed cases."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from dieuhanh.core.coin import (
    Element,
    Framework,
    FrameworkError,
    aggregate,
    denominate,
    impute,
    load_pipeline,
    normalise,
    rank,
    read_idata,
    run,
    write_idata,
    screen,
    treat,
)
from dieuhanh.core.coin.examples import ASEM_DIR as ASEM  # COINr's ASEM example, shipped in the package
from dieuhanh.core.coin.framework import IMETA_COLUMNS



def E(code, parent, level=None, weight=1.0, direction=1, kind=None, **kw):
    kind = kind or ("Indicator" if level in (None, 1) and not kw.pop("agg", False) else "Aggregate")
    return Element(code=code, name=code, level=level, parent=parent, weight=weight, direction=direction, kind=kind,
                   **kw)


def small_framework(**weights) -> Framework:
    """Index ← P1 (a, b), P2 (c); b is "less is better"."""
    w = {"a": 1.0, "b": 1.0, "c": 1.0, "P1": 1.0, "P2": 1.0, **weights}
    return Framework([
        E("a", "P1", 1, w["a"]), E("b", "P1", 1, w["b"], direction=-1), E("c", "P2", 1, w["c"]),
        E("P1", "Index", 2, w["P1"], kind="Aggregate"), E("P2", "Index", 2, w["P2"], kind="Aggregate"),
        E("Index", None, 3, kind="Aggregate"),
    ])


def frame(rows: dict[str, list[float]], units=("u1", "u2", "u3", "u4")) -> pd.DataFrame:
    return pd.DataFrame(rows, index=pd.Index(list(units), name="uCode"), dtype=float)


# --- framework ------------------------------------------------------------------------------------------------------

def test_asem_framework_reads_the_tree():
    fw = Framework.from_imeta(f"{ASEM}/ASEM_iMeta.csv")
    assert (len(fw.indicators), len(fw.aggregates), fw.top, fw.max_level) == (49, 11, "Index", 4)
    assert fw.children("Conn") == ["Physical", "ConEcFin", "Political", "Instit", "P2P"]
    assert fw.level_codes(3) == ["Conn", "Sust"]
    assert fw["CostImpEx"].direction == -1 and fw["Flights"].denominator == "Population"
    assert fw.groups == ["GDP_group", "GDPpc_group", "Pop_group", "EurAsia_group"]
    assert fw.denominators == ["Area", "Energy", "GDP", "Population"]
    assert fw.ancestors("LPI") == ["Physical", "Conn", "Index"]


def test_imeta_round_trip_gives_back_the_same_table(tmp_path):
    original = pd.read_csv(f"{ASEM}/ASEM_iMeta.csv")
    fw = Framework.from_imeta(original)
    out = fw.to_imeta()
    assert list(out.columns) == IMETA_COLUMNS
    out.to_csv(tmp_path / "iMeta.csv", index=False)
    again = pd.read_csv(tmp_path / "iMeta.csv")
    pd.testing.assert_frame_equal(again, original, check_dtype=False)
    assert Framework.from_imeta(tmp_path / "iMeta.csv") == fw


def test_levels_are_derived_at_any_depth_when_left_empty():
    fw = Framework([E("x", "S1"), E("y", "S1"), E("z", "P2"), E("S1", "P1", kind="Aggregate"),
                    E("P1", "Sub", kind="Aggregate"), E("P2", "Sub", kind="Aggregate"),
                    E("Sub", "Index", kind="Aggregate"), E("Index", None, kind="Aggregate")])
    assert [fw[c].level for c in ("x", "S1", "P1", "P2", "Sub", "Index")] == [1, 2, 3, 2, 4, 5]
    assert fw.max_level == 5 and fw.top == "Index"


@pytest.mark.parametrize("elements, code, element", [
    ([E("a", "P"), E("P", "Q", kind="Aggregate"), E("Q", "P", kind="Aggregate")], "cycle", "P"),
    ([E("a", "P"), E("P", "Nowhere", kind="Aggregate")], "unknown_parent", "P"),
    ([E("a", "P"), E("b", None), E("P", None, kind="Aggregate")], "orphan", "b"),
    ([E("a", "P"), E("a", "P"), E("P", None, kind="Aggregate")], "duplicate_code", "a"),
    ([E("a", "P", weight=-1), E("P", None, kind="Aggregate")], "negative_weight", "a"),
    ([E("a", "P", weight=0), E("b", "P", weight=0), E("P", None, kind="Aggregate")], "zero_weights", "P"),
    ([E("a", "P", direction=2), E("P", None, kind="Aggregate")], "bad_direction", "a"),
    ([E("a", "b"), E("b", "P"), E("P", None, kind="Aggregate")], "indicator_with_children", "a"),
    ([E("a", "P"), E("P", None, kind="Aggregate"), E("Q", "P", kind="Aggregate")], "empty_aggregate", "Q"),
])
def test_bad_trees_are_refused_naming_the_element(elements, code, element):
    with pytest.raises(FrameworkError) as e:
        Framework(elements)
    assert (e.value.code, e.value.element) == (code, element)
    assert element in str(e.value)


def test_imeta_with_a_text_weight_names_the_row():
    df = pd.read_csv(f"{ASEM}/ASEM_iMeta.csv", dtype=object)
    df.loc[df.iCode == "Goods", "Weight"] = "heavy"
    with pytest.raises(FrameworkError) as e:
        Framework.from_imeta(df)
    assert (e.value.code, e.value.element) == ("non_numeric", "Goods")


def test_with_weights_replaces_and_revalidates():
    fw = small_framework()
    assert fw.with_weights({"a": 3}).weights()["a"] == 3.0
    with pytest.raises(FrameworkError) as e:
        fw.with_weights({"c": 0})
    assert (e.value.code, e.value.element) == ("zero_weights", "P2")


# --- unit data ------------------------------------------------------------------------------------------------------

def _idata():
    return pd.read_csv(f"{ASEM}/ASEM_iData.csv")


def test_asem_data_reads_units_groups_denominators_and_values():
    fw = Framework.from_imeta(f"{ASEM}/ASEM_iMeta.csv")
    d = read_idata(f"{ASEM}/ASEM_iData.csv", fw)
    assert d.values.shape == (51, 49) and list(d.values.columns) == fw.indicators
    assert list(d.denominators.columns) == ["Area", "Energy", "GDP", "Population"]
    assert d.units.loc["VNM", "uName"] == "Vietnam" and d.units.loc["VNM", "EurAsia_group"] == "Asia"
    assert int(d.values.isna().sum().sum()) == 63


def test_idata_round_trip_keeps_every_cell(tmp_path):
    fw = Framework.from_imeta(f"{ASEM}/ASEM_iMeta.csv")
    d = read_idata(f"{ASEM}/ASEM_iData.csv", fw)
    write_idata(d).to_csv(tmp_path / "iData.csv", index=False)
    again = read_idata(tmp_path / "iData.csv", fw)
    pd.testing.assert_frame_equal(again.values, d.values)
    pd.testing.assert_frame_equal(again.denominators, d.denominators)
    pd.testing.assert_frame_equal(again.units, d.units)
    original = pd.read_csv(f"{ASEM}/ASEM_iData.csv")
    assert set(pd.read_csv(tmp_path / "iData.csv").columns) == set(original.columns)


@pytest.mark.parametrize("change, code, element", [
    (lambda df: df.drop(columns=["Goods"]), "missing_indicator", "Goods"),
    (lambda df: df.drop(columns=["GDP"]), "missing_denominator", "Goods"),
    (lambda df: df.assign(LPI=df["LPI"].astype(object).where(df.uCode != "AUT", "n/a")), "non_numeric", "AUT:LPI"),
    (lambda df: pd.concat([df, df.iloc[[0]]]), "duplicate_unit", "AUT"),
])
def test_bad_unit_data_is_refused_naming_the_unit_or_column(change, code, element):
    fw = Framework.from_imeta(f"{ASEM}/ASEM_iMeta.csv")
    with pytest.raises(FrameworkError) as e:
        read_idata(change(_idata()), fw)
    assert (e.value.code, e.value.element) == (code, element)


def test_a_text_cell_in_an_idata_file_names_unit_and_column(tmp_path):
    fw = Framework.from_imeta(f"{ASEM}/ASEM_iMeta.csv")
    df = _idata()
    df["Tariff"] = df["Tariff"].astype(object)
    df.loc[df.uCode == "VNM", "Tariff"] = "1,6"  # a decimal comma: text, not a number
    df.to_csv(tmp_path / "iData.csv", index=False)
    with pytest.raises(FrameworkError) as e:
        read_idata(tmp_path / "iData.csv", fw)
    assert (e.value.code, e.value.element) == ("non_numeric", "VNM:Tariff")
    assert "'1,6'" in str(e.value)


def test_a_unit_with_no_data_at_all_is_refused():
    fw = Framework.from_imeta(f"{ASEM}/ASEM_iMeta.csv")
    df = _idata()
    df.loc[df.uCode == "BRN", fw.indicators] = np.nan
    with pytest.raises(FrameworkError) as e:
        read_idata(df, fw)
    assert (e.value.code, e.value.element) == ("no_data", "BRN")


# --- denominate -----------------------------------------------------------------------------------------------------

def test_denominate_divides_by_the_named_column_and_leaves_zero_denominators_missing():
    fw = Framework([E("gdp", "P", denominator="pop"), E("rate", "P"), E("P", None, kind="Aggregate"),
                    Element("pop", "pop", None, None, kind="Denominator")])
    values = frame({"gdp": [100, 50, 9, 1], "rate": [1, 2, 3, 4]})
    den = frame({"pop": [4, 5, 0, np.nan]})
    out = denominate(values, den, fw)
    assert out["gdp"].tolist()[:2] == [25.0, 10.0] and out["gdp"].isna().tolist()[2:] == [True, True]
    assert out["rate"].tolist() == [1, 2, 3, 4]


# --- screen ---------------------------------------------------------------------------------------------------------

def test_screen_keeps_units_at_or_above_the_availability_threshold():
    values = frame({"a": [1, np.nan, np.nan, 1], "b": [1, 1, np.nan, 0], "c": [1, 1, 1, 0], "d": [1, 1, 1, 0]})
    kept, dropped = screen(values, min_availability=0.75)  # u2 has 3/4 = 0.75 → kept; u3 has 2/4
    assert list(kept.index) == ["u1", "u2", "u4"] and dropped == ["u3"]
    _, dropped = screen(values, min_availability=0.8)
    assert dropped == ["u2", "u3"]


def test_screen_by_zeros_and_forced_inclusion_exclusion():
    values = frame({"a": [1, np.nan, np.nan, 1], "b": [1, 1, np.nan, 0], "c": [1, 1, 1, 0], "d": [1, 1, 1, 0]})
    # u4: 3 zeros among 4 values → 25 % non-zero
    assert screen(values, by="zeros", min_nonzero=0.5)[1] == ["u4"]
    assert screen(values, by="missing_or_zeros", min_availability=0.75, min_nonzero=0.5)[1] == ["u3", "u4"]
    assert screen(values, min_availability=0.75, zeros_as_missing=True)[1] == ["u3", "u4"]
    kept, dropped = screen(values, min_availability=0.75, include=["u3"], exclude=["u1"])
    assert list(kept.index) == ["u2", "u3", "u4"] and dropped == ["u1"]
    with pytest.raises(FrameworkError) as e:
        screen(values, include=["u9"])
    assert (e.value.code, e.value.element) == ("unknown_unit", "u9")


# --- impute ---------------------------------------------------------------------------------------------------------

def test_impute_mean_median_and_group_mean():
    values = frame({"a": [1, np.nan, 3, 8], "b": [np.nan, 2, np.nan, 4]})
    assert impute(values, method="mean")["a"].tolist() == [1, 4, 3, 8]
    assert impute(values, method="median")["a"].tolist() == [1, 3, 3, 8]
    groups = pd.Series(["x", "x", "y", None], index=values.index)
    out = impute(values, method="group_mean", groups=groups)
    assert out["a"].tolist() == [1, 1, 3, 8]  # u2 takes the mean of group x (u1 only)
    assert out.loc["u1", "b"] == 2  # group x: u2 has 2
    assert math.isnan(out.loc["u3", "b"])  # group y has no value for b: stays missing (COINr i_mean_grp → NaN)
    assert impute(values, method="none").equals(values)


def test_latest_imputation_takes_the_same_units_previous_year():
    values = pd.DataFrame({"a": [1.0, np.nan, np.nan, 5.0, np.nan]},
                          index=pd.Index(["u1", "u1", "u1", "u2", "u2"], name="uCode"))
    time = pd.Series([2020, 2021, 2022, 2021, 2022], index=values.index)
    assert impute(values, method="latest", time=time)["a"].tolist() == [1, 1, 1, 5, 5]
    assert impute(values, method="latest", time=time, max_time=1)["a"].fillna(-1).tolist() == [1, 1, -1, 5, 5]


# --- treat (JRC rule) -----------------------------------------------------------------------------------------------

def test_treat_winsorises_the_single_high_outlier_as_in_coinr_example():
    # COINr's own example (R/treat.R, winsorise): x <- c(1:10, 30, 100) → 100 becomes 30, nwin = 1
    x = frame({"x": list(range(1, 11)) + [30, 100]}, units=[f"u{i}" for i in range(12)])
    out, report = treat(x)
    assert out["x"].tolist() == list(range(1, 11)) + [30, 30]
    r = report.iloc[0]
    assert (bool(r.treated), r.winsorised, r.winsorised_high, bool(r.log_transformed)) == (True, 1, 1, False)
    assert r["skew"] == pytest.approx(x["x"].skew()) and r["kurtosis"] == pytest.approx(x["x"].kurt())


def test_treat_moves_points_tied_at_the_extreme_together():
    x = frame({"x": list(range(1, 21)) + [200, 200]}, units=[f"u{i}" for i in range(22)])
    out, report = treat(x)
    assert out["x"].tolist()[-2:] == [20, 20] and report.iloc[0].winsorised == 2


def test_treat_winsorises_the_low_side_when_skew_is_negative():
    x = frame({"x": [-100] + list(range(1, 12))}, units=[f"u{i}" for i in range(12)])
    out, report = treat(x)
    assert out["x"].tolist()[0] == 1 and report.iloc[0].winsorised_low == 1 and report.iloc[0].winsorised_high == 0


def test_treat_falls_back_to_the_log_of_the_original_values_after_five_points():
    raw = list(range(1, 41)) + [10 ** k for k in range(3, 11)]  # eight outliers, growing tenfold
    x = frame({"x": raw}, units=[f"u{i}" for i in range(len(raw))])
    out, report = treat(x)
    r = report.iloc[0]
    assert bool(r.treated) and bool(r.log_transformed) and r.winsorised == 5 and not r.passes_after
    lo, hi = min(raw), max(raw)
    assert out["x"].tolist() == pytest.approx([math.log(v - lo + 0.01 * (hi - lo)) for v in raw])
    winsorised, _ = treat(x, log_fallback=False)  # the five largest pulled down step by step to 10⁴
    assert winsorised["x"].tolist() == list(range(1, 41)) + [10 ** 3, 10 ** 4] + [10 ** 5] * 6


def test_treat_leaves_passing_and_skipped_indicators_alone():
    x = frame({"ok": list(range(12)), "bad": list(range(1, 11)) + [30, 100]}, units=[f"u{i}" for i in range(12)])
    out, report = treat(x, skip=["bad"])
    assert out.equals(x) and not report["treated"].any()


# --- normalise ------------------------------------------------------------------------------------------------------

def test_minmax_applies_direction_first_and_scales_to_any_range():
    fw = small_framework()
    values = frame({"a": [0, 5, 10, np.nan], "b": [2, 4, 6, 10], "c": [1, 1, 2, 3]})
    out = normalise(values, fw, method="minmax", low=0, high=100)
    assert out["a"].tolist()[:3] == [0, 50, 100] and math.isnan(out.loc["u4", "a"])
    assert out["b"].tolist() == [100, 75, 50, 0]  # less is better: 2 is best
    assert normalise(values, fw, low=1, high=10)["a"].tolist()[:3] == [1, 5.5, 10]


def test_zscore_rank_percentile_target_and_goalposts():
    fw = Framework([E("a", "P", target=8.0), E("b", "P", direction=-1, target=2.0), E("P", None, kind="Aggregate")])
    values = frame({"a": [2, 4, 4, 10], "b": [2, 4, 6, 8]})
    z = normalise(values, fw, method="zscore", mean=10, sd=2)
    assert z["a"].tolist() == pytest.approx([10 + 2 * (v - 5) / np.std([2, 4, 4, 10], ddof=1) for v in [2, 4, 4, 10]])
    assert normalise(values, fw, method="rank")["a"].tolist() == [1, 2, 2, 4]
    assert normalise(values, fw, method="percentile", high=1)["a"].tolist() == pytest.approx([0, 1 / 3, 1 / 3, 1])
    t = normalise(values, fw, method="target", high=1)
    assert t["a"].tolist() == pytest.approx([0, 2 / 6, 2 / 6, 1])  # 1 − (8 − x)/(8 − 2), capped at 1
    assert t["b"].tolist() == pytest.approx([1, 2 / 3, 1 / 3, 0])  # reversed: −x against −2, min −8
    g = normalise(values, fw, method="goalposts", goalposts={"a": [0, 8], "b": [2, 6]})
    assert g["a"].tolist() == [25, 50, 50, 100] and g["b"].tolist() == [100, 50, 0, 0]
    with pytest.raises(FrameworkError) as e:
        normalise(values, fw, method="goalposts", goalposts={"a": [0, 8]})
    assert (e.value.code, e.value.element) == ("missing_goalposts", "b")


# --- aggregate ------------------------------------------------------------------------------------------------------

def test_weighted_arithmetic_mean_renormalises_over_available_children():
    fw = small_framework(a=3, b=1, P1=1, P2=3)
    n = frame({"a": [40, np.nan, 10, np.nan], "b": [80, 60, np.nan, np.nan], "c": [20, 20, 30, np.nan]})
    out = aggregate(n, fw)
    assert out["P1"].tolist()[:3] == [(3 * 40 + 80) / 4, 60, 10] and math.isnan(out.loc["u4", "P1"])
    assert out.loc["u1", "Index"] == pytest.approx((50 + 3 * 20) / 4)
    assert math.isnan(out.loc["u4", "Index"])
    assert list(out.columns) == ["P1", "P2", "Index"]


def test_geometric_harmonic_and_generalised_means():
    fw = small_framework()
    n = frame({"a": [4, 1, 2, 3], "b": [9, 1, 8, 3], "c": [1, 1, 1, 1]})
    assert aggregate(n, fw, method="geometric")["P1"].tolist() == pytest.approx([6, 1, 4, 3])
    assert aggregate(n, fw, method="harmonic")["P1"].tolist() == pytest.approx([2 / (1 / 4 + 1 / 9), 1, 3.2, 3])
    assert aggregate(n, fw, method="generalised", p=2)["P1"].tolist() == pytest.approx(
        [math.sqrt((16 + 81) / 2), 1, math.sqrt(34), 3])
    mixed = aggregate(n, fw, method=["geometric", "arithmetic"])
    assert mixed.loc["u1", "Index"] == pytest.approx((6 + 1) / 2)


def test_generalised_mean_meets_the_classical_means_at_p_1_0_and_minus_1():
    fw = small_framework(a=2)
    n = frame({"a": [4, 1, 2, 3], "b": [9, 5, np.nan, 3], "c": [1, 2, 3, 4]})
    for p, method in ((1, "arithmetic"), (0, "geometric"), (-1, "harmonic")):
        pd.testing.assert_frame_equal(aggregate(n, fw, method="generalised", p=p), aggregate(n, fw, method=method))
    assert aggregate(n, fw, method="generalised", p=-1)["P1"].tolist()[:3] == pytest.approx(
        [3 / (2 / 4 + 1 / 9), 3 / (2 / 1 + 1 / 5), 2])


def test_geometric_mean_over_a_zero_names_the_aggregate_child_and_unit():
    fw = small_framework()
    n = frame({"a": [4, 0, 2, 3], "b": [9, 1, 8, 3], "c": [1, 1, 1, 1]})
    with pytest.raises(FrameworkError) as e:
        aggregate(n, fw, method="geometric")
    assert (e.value.code, e.value.element) == ("geometric_nonpositive", "P1")
    assert "u2" in str(e.value) and "a = 0" in str(e.value)
    with pytest.raises(FrameworkError) as e:
        aggregate(n, fw, method="harmonic")
    assert e.value.code == "harmonic_zero"


def test_aggregate_availability_threshold():
    fw = small_framework()
    n = frame({"a": [40, np.nan, 10, 1], "b": [80, 60, 2, 1], "c": [20, 20, 30, 1]})
    out = aggregate(n, fw, min_availability=0.6)
    assert math.isnan(out.loc["u2", "P1"]) and out.loc["u1", "P1"] == 60


# --- rank -----------------------------------------------------------------------------------------------------------

def test_rank_higher_is_better_and_ties_share_the_best_number():
    s = pd.Series([10.0, 20.0, 20.0, 5.0, np.nan], index=list("abcde"))
    assert rank(s).tolist() == [3, 1, 1, 4, pd.NA]


# --- pipeline configuration -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("spec, code, element", [
    ({"steps": [{"step": "shuffle"}]}, "bad_step", "shuffle"),
    ({"steps": [{"step": "treat", "winmix": 3}]}, "bad_option", "treat"),
    ({"stages": []}, "bad_step", "steps"),
    ("steps:\n  - step: [unclosed\n", "bad_yaml", "pipeline"),
])
def test_bad_pipeline_files_are_refused(spec, code, element):
    with pytest.raises(FrameworkError) as e:
        load_pipeline(spec)
    assert (e.value.code, e.value.element) == (code, element)


def test_a_pipeline_without_aggregation_has_no_index_and_says_so():
    fw = small_framework()
    from dieuhanh.core.coin import UnitData
    data = UnitData(units=pd.DataFrame({"uName": list("ABCD")}, index=pd.Index(["u1", "u2", "u3", "u4"])),
                    values=frame({"a": [1, 2, 3, 4], "b": [1, 2, 3, 4], "c": [4, 3, 2, 1]}))
    with pytest.raises(FrameworkError) as e:
        run(fw, data, load_pipeline({"steps": [{"step": "normalise"}]}))
    assert e.value.code == "bad_step"
    r = run(fw, data, load_pipeline({"steps": [{"step": "normalise"}, {"step": "treat", "enabled": False},
                                               {"step": "aggregate"}]}))
    assert "skipped" in r.log[2] and "Treated" not in r.datasets
    # a/b cancel out (b less is better), c decides: u1 best
    assert r.results["uCode"].tolist() == ["u1", "u2", "u3", "u4"] and r.results["Rank"].tolist() == [1, 2, 3, 4]
