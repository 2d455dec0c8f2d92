"""Benchmark: a 1,000-replication Monte Carlo uncertainty analysis of a composite index.

Two data sets: COINr's ASEM example (51 units × 49 indicators, its example pipeline) and a synthetic ward
framework generated here (168 units × 60 indicators in 10 pillars and 3 sub-indices, 5 % missing values, some
skewed indicators, the same pipeline shape with group-mean imputation by region).

Compares, in the same run on the same data:
- ``vectorised``: what the platform does — ``UncertaintyModel`` runs the pipeline once per combination of the
  discrete choices (setup), then evaluates all replications at once (``uncertainty_analysis``);
- ``baseline``: the per-replication way (COINr's ``get_sensitivity`` regenerates the whole coin each time) —
  ``pipeline.run`` of each replication's own pipeline (``model.pipeline_for``), for a few replications, the
  median time per replication extrapolated to 1,000. The baseline's ranks must equal the vectorised ranks for those replications (asserted).

Also times the Sobol' sensitivity design (256 · (groups + 2) evaluations) and the removal of each pillar.
For reference, COINr takes about 84 ms per replication on this kind of machine (84 s for 1,000).

Usage: ``.venv/bin/python bench/coin_uncertainty.py [repeats] [baseline_reps]`` (defaults 5 and 30). No database.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from dieuhanh.core.coin import Framework, load_pipeline, read_idata, run
from dieuhanh.core.coin.examples import ASEM_DIR as ASEM
from dieuhanh.core.coin.sensitivity import coin_sensitivity, pillar_removal
from dieuhanh.core.coin.uncertainty import UncertaintyModel, rank_rows, uncertainty_analysis

ROOT = Path(__file__).resolve().parents[1]
COINR_MS_PER_REPLICATION = 84.0
N = 1000


def ward_framework(seed: int = 57) -> tuple[Framework, object, list]:
    """168 wards × 60 indicators: 10 pillars of 6 indicators, sub-indices of 4, 3 and 3 pillars, one index."""
    rng = np.random.default_rng(seed)
    n_units, per_pillar, pillars = 168, 6, 10
    meta = []
    codes = []
    for p in range(pillars):
        for k in range(per_pillar):
            code = f"I{p + 1:02d}_{k + 1}"
            codes.append(code)
            meta.append({"Level": 1, "iCode": code, "iName": code, "Direction": -1 if k == 5 else 1,
                         "Weight": 0.5 if k == 4 else 1.0, "Parent": f"P{p + 1:02d}", "Type": "Indicator"})
    subs = {"S1": range(0, 4), "S2": range(4, 7), "S3": range(7, 10)}
    for s, ps in subs.items():
        for p in ps:
            meta.append({"Level": 2, "iCode": f"P{p + 1:02d}", "iName": f"Pillar {p + 1}", "Direction": 1,
                         "Weight": 1.0, "Parent": s, "Type": "Aggregate"})
    for s in subs:
        meta.append({"Level": 3, "iCode": s, "iName": f"Sub-index {s}", "Direction": 1, "Weight": 1.0,
                     "Parent": "WDTI", "Type": "Aggregate"})
    meta.append({"Level": 4, "iCode": "WDTI", "iName": "Ward digital-transformation index", "Direction": 1,
                 "Weight": 1.0, "Parent": None, "Type": "Aggregate"})
    meta.append({"Level": None, "iCode": "Region_group", "iName": "Region", "Type": "Group"})
    imeta = pd.DataFrame(meta)

    latent = rng.normal(size=(n_units, 1))
    x = 50 + 10 * (0.6 * latent + 0.8 * rng.normal(size=(n_units, len(codes))))
    skewed = rng.choice(len(codes), 8, replace=False)  # counts and amounts: heavy right tails
    x[:, skewed] = np.exp(rng.normal(2, 1, size=(n_units, len(skewed))))
    x[rng.random(x.shape) < 0.05] = np.nan
    idata = pd.DataFrame(x, columns=codes)
    idata.insert(0, "Region_group", rng.choice(["HCM", "BD", "BRVT"], n_units, p=[0.6, 0.2, 0.2]))
    idata.insert(0, "uCode", [f"W{i:03d}" for i in range(1, n_units + 1)])
    idata.insert(0, "uName", [f"Phường {i}" for i in range(1, n_units + 1)])
    fw = Framework.from_imeta(imeta)
    steps = load_pipeline({"steps": [
        {"step": "impute", "method": "group_mean", "group": "Region_group"},
        {"step": "screen", "min_availability": 0.8},
        {"step": "treat"},
        {"step": "normalise", "method": "minmax", "low": 0, "high": 100},
        {"step": "aggregate", "method": "arithmetic"},
    ]})
    return fw, read_idata(idata, fw), steps


def asem_framework():
    fw = Framework.from_imeta(ASEM / "ASEM_iMeta.csv")
    return fw, read_idata(ASEM / "ASEM_iData.csv", fw), load_pipeline(ROOT / "dieuhanh/core/coin/examples/"
                                                                      "asem_pipeline.yaml")


def timed(fn, repeats: int):
    """Median and minimum wall time of ``repeats`` calls, and the last result."""
    times, out = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), min(times), out


def bench(name: str, fw, data, steps, repeats: int, baseline_reps: int) -> dict:
    setup, setup_min, model = timed(lambda: UncertaintyModel(fw, data, steps), repeats)
    ua_s, ua_min, ua = timed(lambda: uncertainty_analysis(model, n=N, seed=1), repeats)
    sa_s, _, sa = timed(lambda: coin_sensitivity(model, n=256, seed=1), repeats)
    agg = model.nominal_aggregation
    normalised = pd.DataFrame(model.nominal_x, index=model.units, columns=fw.indicators)
    rm_s, _, _ = timed(lambda: pillar_removal(normalised, fw, method=list(agg.methods), p=agg.p), repeats)

    # baseline: the full pipeline for each of the first replications, same sample points (same seed)
    points = np.random.default_rng(1).random((N, model.dimension))[:baseline_reps]
    slow, loop_times = [], []
    for p in points:
        t0 = time.perf_counter()
        res = run(fw, data, model.pipeline_for(p))
        loop_times.append(time.perf_counter() - t0)
        slow.append(res.results.set_index("uCode")[fw.top].reindex(model.units).to_numpy(dtype="float64"))
    slow = np.array(slow)
    fast_ranks = ua.ranks.to_numpy().T[:baseline_reps]
    assert np.array_equal(rank_rows(slow), fast_ranks), f"{name}: vectorised ranks differ from the loop's"
    assert np.allclose(slow, ua.scores.to_numpy().T[:baseline_reps], rtol=1e-12, atol=1e-12)
    per_rep = statistics.median(loop_times)
    return {"data": name, "units": len(model.units), "indicators": len(fw.indicators),
            "variants": model.variant_count, "inputs": model.dimension,
            "setup_s": setup, "ua_s": ua_s, "total_s": setup + ua_s, "total_min_s": setup_min + ua_min,
            "sa_evals": int(sa["Evaluations"].iloc[0]), "sa_s": sa_s, "removal_ms": rm_s * 1000,
            "loop_ms_per_rep": per_rep * 1000, "loop_1000_s": per_rep * N, "speedup": per_rep * N / (setup + ua_s)}


def main() -> None:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    baseline_reps = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    rows = [bench("ASEM", *asem_framework(), repeats, baseline_reps),
            bench("wards 168×60", *ward_framework(), repeats, baseline_reps)]
    print(f"1,000 replications, median of {repeats} runs (min: the fastest setup + fastest replications); "
          f"baseline = median pipeline.run per replication ({baseline_reps} replications) × 1,000; "
          f"COINr ≈ {COINR_MS_PER_REPLICATION:.0f} ms/replication\n")
    print("| data | units × ind. | pipeline variants | inputs | setup (s) | 1,000 reps (s) | setup + reps (s) | "
          "min (s) | baseline (ms/rep) | baseline ×1,000 (s) | speed-up | COINr ×1,000 (s) | Sobol' evals | "
          "Sobol' (s) | pillar removal (ms) |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['data']} | {r['units']} × {r['indicators']} | {r['variants']} | {r['inputs']} | "
              f"{r['setup_s']:.3f} | {r['ua_s']:.3f} | {r['total_s']:.3f} | {r['total_min_s']:.3f} | "
              f"{r['loop_ms_per_rep']:.1f} | "
              f"{r['loop_1000_s']:.1f} | {r['speedup']:.0f}× | {COINR_MS_PER_REPLICATION * N / 1000:.0f} | "
              f"{r['sa_evals']:,} | {r['sa_s']:.3f} | {r['removal_ms']:.1f} |")
    for r in rows:
        assert r["total_s"] <= 1.0, f"{r['data']}: {r['total_s']:.2f} s for 1,000 replications (target ≤ 1 s)"


if __name__ == "__main__":
    main()
