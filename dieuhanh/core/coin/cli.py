"""The command-line entry points of the index engine (``dieuhanh index run`` and ``dieuhanh index uncertainty``):
read COINr-format files, run, write CSV/YAML files. Touches no database.

Kept apart from the engine so that ``pipeline`` needs no analysis module, and ``uncertainty`` and ``sensitivity``
import in one direction only (sensitivity → uncertainty).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from .analysis import correlations as correlation_table
from .analysis import effective_weights, group_table, scores_frame, statistics_table
from .data import read_idata
from .framework import Framework
from .pipeline import Result, dump_pipeline, load_pipeline, run
from .sensitivity import coin_sensitivity, pillar_removal
from .uncertainty import UncertaintyModel, UncertaintyOptions, UncertaintyResult, uncertainty_analysis


def cli_run(idata_path, imeta_path, pipeline_path, out_dir) -> Result:
    """``dieuhanh index run``: read COINr-format files, run the pipeline file, write the results to ``out_dir``.

    Writes ``results.csv``, one CSV per data set (``raw.csv``, ``denominated.csv``, …, ``aggregated.csv``, with
    ``uCode`` first), ``treatment.csv`` and ``treated_points.csv`` when a treat step ran, ``excluded_units.csv``,
    ``pipeline.log`` and ``pipeline.yaml`` (the configuration as run). Touches no database.
    """
    framework = Framework.from_imeta(imeta_path)
    data = read_idata(idata_path, framework)
    steps = load_pipeline(Path(pipeline_path))  # a file name here (the command line), read as a file
    result = run(framework, data, steps)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    result.results.to_csv(out / "results.csv", index=False)
    for name, df in result.datasets.items():
        df.rename_axis("uCode").reset_index().to_csv(out / f"{name.lower()}.csv", index=False)
    if result.treatment is not None:
        result.treatment.to_csv(out / "treatment.csv", index=False)
        result.treated_points.rename_axis("uCode").reset_index().to_csv(out / "treated_points.csv", index=False)
    pd.DataFrame({"uCode": result.excluded_units}).to_csv(out / "excluded_units.csv", index=False)
    (out / "pipeline.log").write_text("\n".join(result.log) + "\n", encoding="utf-8")
    (out / "pipeline.yaml").write_text(dump_pipeline(result.steps), encoding="utf-8")
    return result



# --- command line -----------------------------------------------------------------------------------------------

@dataclass
class UncertaintyReport:
    """Everything ``dieuhanh index uncertainty`` writes, as tables."""
    uncertainty: UncertaintyResult
    sensitivity: pd.DataFrame
    removal: pd.DataFrame
    removal_summary: pd.DataFrame
    statistics: pd.DataFrame
    correlations: pd.DataFrame
    groups: pd.DataFrame
    effective_weights: pd.DataFrame
    files: list[Path]


def cli_uncertainty(idata_path, imeta_path, pipeline_path, out_dir, *, n: int = 1000, seed: int = 0,
                    options=None, sensitivity_n: int | None = None, correlation: str = "pearson") -> UncertaintyReport:
    """The statistical audit, uncertainty and sensitivity analysis of a COINr-format data set and pipeline file.

    Writes to ``out_dir``: ``uncertainty.csv`` (per unit: nominal, median, mean, 5th and 95th percentile rank and
    score), ``sensitivity.csv`` (first-order ``Si`` and total ``STi`` per uncertain input, with confidence
    half-widths), ``pillar_removal.csv`` (per unit: rank without each element of ``removal_level``, median and
    max absolute shift), ``pillar_removal_summary.csv`` (per removed element), ``statistics.csv`` (per indicator,
    of the data before imputation), ``correlations.csv`` (within and across levels, normalised + aggregated data),
    ``groups.csv`` (Cronbach's alpha and PCA per aggregate), ``effective_weights.csv`` and ``uncertainty.yaml``
    (what was varied, n and seed: the run can be repeated exactly).
    """
    framework = Framework.from_imeta(imeta_path)
    data = read_idata(idata_path, framework)
    steps = load_pipeline(Path(pipeline_path))
    opts = UncertaintyOptions.load(options)
    model = UncertaintyModel(framework, data, steps, opts)
    ua = uncertainty_analysis(model, n=n, seed=seed)
    sa = coin_sensitivity(model, n=sensitivity_n or opts.sensitivity_n, seed=seed)
    agg = model.nominal_aggregation
    removal, removal_summary = pillar_removal(
        pd.DataFrame(model.nominal_x, index=model.units, columns=framework.indicators), framework,
        level=opts.removal_level, method=list(agg.methods), p=agg.p, min_availability=agg.min_availability,
        weights=model.weight_overrides, target=model.target)
    ds = model.nominal.datasets
    before = ds.get("Denominated", ds["Raw"])
    scores = scores_frame(ds, framework)
    stats = statistics_table(before, framework, scores=scores, method=correlation)
    corr = correlation_table(scores, framework, method=correlation)
    groups = group_table(scores, framework)
    eff = effective_weights(scores, framework, method=correlation)

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tables = {
        "uncertainty.csv": ua.summary.reset_index(), "sensitivity.csv": sa,
        "pillar_removal.csv": removal.reset_index(), "pillar_removal_summary.csv": removal_summary.reset_index(),
        "statistics.csv": stats.reset_index(), "correlations.csv": corr, "groups.csv": groups.reset_index(),
        "effective_weights.csv": eff.reset_index(),
    }
    files = []
    for name, df in tables.items():
        path = out / name
        df.to_csv(path, index=False)
        files.append(path)
    record = {"n": n, "seed": seed, "sensitivity_n": sensitivity_n or opts.sensitivity_n,
              "correlation": correlation, "removal_level": opts.removal_level, **model.settings()}
    path = out / "uncertainty.yaml"
    path.write_text(yaml.safe_dump(record, sort_keys=False, allow_unicode=True), encoding="utf-8")
    files.append(path)
    return UncertaintyReport(ua, sa, removal, removal_summary, stats, corr, groups, eff, files)
