"""The ASEM example of COINr end to end: against COINr's published output, its R code transliterated, and the
command-line files."""

from __future__ import annotations


import numpy as np
import pandas as pd
import pytest

from dieuhanh.core.coin import FrameworkError, load_pipeline, read_idata, run
from dieuhanh.core.coin.cli import cli_run
from dieuhanh.core.coin import reference as R

from dieuhanh.core.coin.examples import ASEM_DIR as ASEM, ASEM_PIPELINE as PIPELINE

# COINr's vignette "Presenting Results" (vignettes/results.Rmd, CRAN 1.1.x): get_results(build_example_coin(),
# dset = "Aggregated", tab_type = "Aggs"), rounded by COINr to 2 decimals. Columns: Index Conn Sust Physical
# ConEcFin Political Instit P2P Environ Social SusEcFin.
COINR_PUBLISHED = {
    "CHE": [68.38, 62.79, 73.98, 63.41, 32.87, 74.78, 85.94, 56.93, 77.21, 87.85, 56.88],
    "NLD": [64.82, 61.94, 67.70, 64.87, 46.62, 84.55, 71.74, 41.92, 58.73, 86.58, 57.78],
    "DNK": [64.80, 57.10, 72.51, 50.52, 30.43, 78.13, 75.35, 51.04, 69.83, 86.40, 61.29],
    "NOR": [64.47, 57.44, 71.50, 58.18, 25.70, 80.03, 89.46, 33.80, 70.90, 87.00, 56.59],
    "BEL": [63.54, 63.99, 63.09, 71.97, 48.22, 80.84, 75.60, 43.32, 53.01, 86.17, 50.09],
    "SWE": [63.00, 53.87, 72.12, 51.51, 23.87, 80.98, 74.51, 38.50, 66.37, 87.74, 62.27],
}
COINR_COLUMNS = ["Index", "Conn", "Sust", "Physical", "ConEcFin", "Political", "Instit", "P2P", "Environ", "Social",
                 "SusEcFin"]
# COINr documentation, "Visualising results" (bluefoxr.github.io/COINrDoc): the top ten of the same example.
COINR_TOP10 = [("CHE", 68.38), ("NLD", 64.82), ("DNK", 64.80), ("NOR", 64.47), ("BEL", 63.54), ("SWE", 63.00),
               ("AUT", 61.90), ("LUX", 61.58), ("DEU", 60.75), ("MLT", 60.36)]


def test_asem_matches_coinrs_published_results(asem_engine):
    *_, result = asem_engine
    table = result.results.set_index("uCode")
    for code, expected in COINR_PUBLISHED.items():
        assert table.loc[code, COINR_COLUMNS].to_numpy(dtype=float) == pytest.approx(expected, abs=0.005), code
    top = result.results.head(10)
    assert list(zip(top["uCode"], top["Index"].round(2))) == COINR_TOP10
    assert top["Rank"].tolist() == list(range(1, 11))


def test_asem_matches_the_r_code_transliterated_to_1e9(asem_engine):
    fw, data, _, result = asem_engine
    expected, info = R.run_reference(fw, data.values, data.denominators, data.units["EurAsia_group"])
    got = result.datasets["Aggregated"]
    assert list(got.columns) == list(expected.columns)
    np.testing.assert_allclose(got.to_numpy(), expected.loc[got.index].to_numpy(), rtol=0, atol=1e-9)
    report = result.treatment.set_index("iCode")
    for code, i in info.items():
        assert (bool(report.loc[code, "treated"]), int(report.loc[code, "winsorised"]) if i["treated"] else 0,
                bool(report.loc[code, "log_transformed"])) == (i["treated"], i["winsorised"], i["log_transformed"])


def test_asem_structural_facts(asem_engine):
    fw, data, _, result = asem_engine
    assert list(result.datasets) == ["Raw", "Denominated", "Imputed", "Screened", "Treated", "Normalised",
                                     "Aggregated"]
    assert len(result.results) == 51 and result.excluded_units == []
    assert result.results["Index"].between(0, 100).all()
    assert result.results["uName"].iloc[0] == "Switzerland"
    # denominated = raw / denominator, exactly, for the 17 indicators that name one
    den = result.datasets["Denominated"]
    pairs = [(c, fw[c].denominator) for c in fw.indicators if fw[c].denominator]
    assert len(pairs) == 17
    for c, d in pairs:
        pd.testing.assert_series_equal(den[c], data.values[c] / data.denominators[d], check_names=False)
    # group-mean imputation fills every gap (both groups have data for every indicator); 63 raw gaps + 2 from a
    # missing denominator (Energy of one unit)
    assert int(result.datasets["Imputed"].isna().sum().sum()) == 0
    assert "65 values imputed" in result.log[2]
    t = result.treatment
    assert int(t["treated"].sum()) == 15 and int(t["log_transformed"].sum()) == 0
    assert int(t["winsorised"].sum()) == 35 and t.loc[t.iCode == "FemLab", "winsorised_low"].item() == 1
    assert t.loc[t.treated, "passes_after"].all()
    points = result.treated_points
    assert int((points == "winhi").to_numpy().sum()) == 34 and int((points == "winlo").to_numpy().sum()) == 1
    norm = result.datasets["Normalised"]
    assert norm.min().min() == 0 and norm.max().max() == 100


def test_cli_run_writes_results_datasets_treatment_and_log(tmp_path):
    result = cli_run(ASEM / "ASEM_iData.csv", ASEM / "ASEM_iMeta.csv", PIPELINE, tmp_path / "out")
    out = tmp_path / "out"
    for name in ("results", "raw", "denominated", "imputed", "screened", "treated", "normalised", "aggregated",
                 "treatment", "treated_points", "excluded_units"):
        assert (out / f"{name}.csv").exists(), name
    results = pd.read_csv(out / "results.csv")
    assert list(results.columns[:4]) == ["uCode", "uName", "Rank", "Index"]
    assert set(results.columns[3:]) == {"Index", "Conn", "Sust", "Physical", "ConEcFin", "Political", "Instit",
                                        "P2P", "Environ", "Social", "SusEcFin"}
    np.testing.assert_allclose(results["Index"], result.results["Index"], rtol=0, atol=1e-12)
    assert pd.read_csv(out / "treatment.csv")["treated"].sum() == 15
    log = (out / "pipeline.log").read_text(encoding="utf-8")
    assert "treat: 15 of 49" in log and "51 units ranked" in log
    # the configuration written beside the results re-runs to the same numbers
    again = cli_run(ASEM / "ASEM_iData.csv", ASEM / "ASEM_iMeta.csv", out / "pipeline.yaml", tmp_path / "again")
    pd.testing.assert_frame_equal(again.results, result.results)


def test_a_panel_needs_latest_imputation_and_a_year(asem_engine):
    fw, *_ = asem_engine
    panel = read_idata(ASEM / "ASEM_iData_p.csv", fw)
    assert panel.is_panel
    with pytest.raises(FrameworkError) as e:
        run(fw, panel, load_pipeline({"steps": [{"step": "normalise"}, {"step": "aggregate"}]}))
    assert e.value.code == "panel"
    r = run(fw, panel, load_pipeline({"steps": [{"step": "impute", "method": "latest"}, {"step": "select_time"},
                                                {"step": "normalise"}, {"step": "aggregate"}]}))
    assert r.time == panel.units["Time"].max() and len(r.results) == 51
    latest = panel.values[panel.units["Time"].to_numpy() == r.time]
    filled = r.datasets["Selected"]
    # a value present in the latest year is kept as it is; a gap takes the unit's latest earlier value
    assert (filled[latest.notna()] == latest[latest.notna()]).sum().sum() == latest.notna().sum().sum()


def test_screening_on_raw_data_excludes_the_sparse_units(asem_engine):
    fw, data, *_ = asem_engine
    r = run(fw, data, load_pipeline({"steps": [{"step": "screen", "min_availability": 0.9},
                                               {"step": "normalise"}, {"step": "aggregate"}]}))
    # availability before imputation: BRN misses 10 of 49 (79.6 %), LAO/MMR 8 (83.7 %), BGD/KHM 6 (87.8 %)
    assert sorted(r.excluded_units) == ["BGD", "BRN", "KHM", "LAO", "MMR"]
    assert len(r.results) == 46


def test_denominating_after_selecting_a_year_uses_that_years_denominators(asem_engine):
    fw, *_ = asem_engine
    panel = read_idata(ASEM / "ASEM_iData_p.csv", fw)
    r = run(fw, panel, load_pipeline({"steps": [{"step": "select_time", "time": 2019}, {"step": "denominate"},
                                                {"step": "impute", "method": "mean"}, {"step": "normalise"},
                                                {"step": "aggregate"}]}))
    year = (panel.units["Time"] == 2019).to_numpy()
    expected = panel.values.loc[year, "Flights"] / panel.denominators.loc[year, "Population"]
    np.testing.assert_allclose(r.datasets["Denominated"]["Flights"], expected)
