"""Benchmark: the ASEM example pipeline of COINr (denominate → group-mean imputation → screen at 90 % →
JRC treatment → min-max 0–100 → weighted arithmetic means), 51 units × 49 indicators, 4 levels.

Compares, in the same run on the same data:
- ``engine``: ``dieuhanh.core.coin.run`` — whole-column numpy steps, one array passed between them;
- ``baseline``: ``dieuhanh.core.coin.reference.run_reference`` — COINr's R functions transliterated loop by loop
  (per indicator, per unit, as R's ``apply``/``lapply`` run them).
Both must give the same Aggregated data set to 1e-9 (asserted). Framework and data are read once, outside the
timing (as COINr's ``new_coin``); ``cli`` adds reading the files and writing every CSV.

Usage: ``.venv/bin/python bench/coin_pipeline.py [repeats]`` (default 200; the baseline runs repeats/10 times).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time

import numpy as np

from dieuhanh.core.coin import Framework, load_pipeline, read_idata, run
from dieuhanh.core.coin.cli import cli_run
from dieuhanh.core.coin.reference import run_reference

from dieuhanh.core.coin.examples import ASEM_DIR as ASEM, ASEM_PIPELINE as PIPELINE


def timed(fn, repeats: int) -> list[float]:
    out = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def main() -> None:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    fw = Framework.from_imeta(ASEM / "ASEM_iMeta.csv")
    data = read_idata(ASEM / "ASEM_iData.csv", fw)
    steps = load_pipeline(PIPELINE)
    groups = data.units["EurAsia_group"]

    result = run(fw, data, steps)
    expected, _ = run_reference(fw, data.values, data.denominators, groups)
    got = result.datasets["Aggregated"]
    np.testing.assert_allclose(got.to_numpy(), expected.loc[got.index, got.columns].to_numpy(), rtol=0, atol=1e-9)

    engine = timed(lambda: run(fw, data, steps), repeats)
    baseline = timed(lambda: run_reference(fw, data.values, data.denominators, groups), max(3, repeats // 10))
    with tempfile.TemporaryDirectory() as tmp:
        cli = timed(lambda: cli_run(ASEM / "ASEM_iData.csv", ASEM / "ASEM_iMeta.csv", PIPELINE, tmp),
                    max(3, repeats // 10))

    print(f"ASEM pipeline, 51 units × 49 indicators; results equal to 1e-9; index of CHE = "
          f"{result.results.iloc[0]['Index']:.2f}")
    print(f"{'':34} {'median ms':>10} {'min ms':>8} {'runs':>5}")
    for name, ts in (("engine (run)", engine), ("baseline (R code, loops)", baseline),
                     ("cli_run (read files, write CSVs)", cli)):
        print(f"{name:34} {statistics.median(ts):10.2f} {min(ts):8.2f} {len(ts):5d}")
    print(f"speed-up over the baseline: {statistics.median(baseline) / statistics.median(engine):.0f}×; "
          f"COINr (R) on this kind of machine: about 77 ms")


if __name__ == "__main__":
    main()
