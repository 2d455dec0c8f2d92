"""Variance-based sensitivity of a composite index, and the rank effect of removing each element of a level.

**Sensitivity indices** (Saltelli et al. 2010; COINr ``get_sensitivity(SA_type = "SA")``): the Sobol' design of
SALib (``N · (d + 2)`` points, second-order terms off) is evaluated by the vectorised model of
``uncertainty.py``; the model output is COINr's: the mean absolute rank shift of the units from their nominal
ranks. ``Si`` (first order) is the share of the output variance an input explains alone, ``STi`` (total) the
share it explains including its interactions; ``STi − Si`` measures interactions, ``STi ≈ 0`` means the input can
be fixed at any value without consequence. Weights are grouped by level (one input "weights (level L)" for all
the weights of a level), so ``d`` stays small whatever the number of indicators. Confidence half-widths are
SALib's bootstrap (95 %).

**Removal** (COINr ``remove_elements``): each element of a level (default the pillars) is removed in turn — its
weight set to zero, the remaining siblings renormalised — and the index recomputed; all removals are one batch
of :func:`~.uncertainty.aggregate_many`.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd
from SALib.analyze import sobol as sobol_analyze
from SALib.sample import sobol as sobol_sample

from .framework import Framework, FrameworkError
from .uncertainty import UncertaintyModel, aggregate_many, rank_rows, weight_codes


def sobol_indices(names: Sequence[str], model: Callable[[np.ndarray], np.ndarray], *,
                  groups: Sequence[str] | None = None, n: int = 256, seed: int = 0, num_resamples: int = 100,
                  conf_level: float = 0.95) -> pd.DataFrame:
    """First-order and total Sobol' indices of ``model`` over independent inputs uniform on [0, 1].

    ``model`` maps an ``M × len(names)`` array of points to ``M`` outputs. ``groups`` (one label per input)
    estimates indices per group of inputs instead. ``n`` is the base sample (a power of two; the model is
    evaluated at ``n · (groups + 2)`` points). Returns one row per input (or group), in order of appearance:
    ``Input, Si, SiConf, STi, STiConf``.
    """
    if n < 2 or n & (n - 1):
        raise FrameworkError("bad_option", f"The sensitivity sample size must be a power of two (got {n}).",
                             "sensitivity")
    problem: dict = {"num_vars": len(names), "names": list(names), "bounds": [[0.0, 1.0]] * len(names)}
    if groups is not None:
        if len(groups) != len(names):
            raise ValueError("groups must give one label per input")
        problem["groups"] = list(groups)
    labels = list(dict.fromkeys(groups)) if groups is not None else list(names)
    if len(labels) < 2:
        raise FrameworkError("bad_option", "A sensitivity analysis needs at least two uncertain inputs.",
                             "sensitivity")
    points = sobol_sample.sample(problem, n, calc_second_order=False, scramble=True, seed=seed)
    y = np.asarray(model(points), dtype="float64")
    if y.shape != (len(points),) or not np.all(np.isfinite(y)):
        raise FrameworkError("sensitivity_failed", "The model gave missing or infinite outputs for some points of "
                             "the sensitivity design.", "sensitivity")
    if np.var(y) == 0:
        zero = np.zeros(len(labels))
        return pd.DataFrame({"Input": labels, "Si": zero, "SiConf": zero, "STi": zero, "STiConf": zero})
    # SALib treats seed 0 as "no seed"; any fixed non-zero seed keeps the bootstrap reproducible
    s = sobol_analyze.analyze(problem, y, calc_second_order=False, num_resamples=num_resamples,
                              conf_level=conf_level, print_to_console=False, seed=seed + 1)
    return pd.DataFrame({"Input": labels, "Si": s["S1"], "SiConf": s["S1_conf"], "STi": s["ST"],
                         "STiConf": s["ST_conf"]})


def coin_sensitivity(model: UncertaintyModel, *, n: int = 256, seed: int = 0) -> pd.DataFrame:
    """Sensitivity of the ranks to each uncertain input of ``model`` (output: mean absolute rank shift from the
    nominal ranks, COINr's choice). Adds ``Evaluations`` (model runs) to the returned table."""
    def output(points: np.ndarray) -> np.ndarray:
        ranks = rank_rows(model.evaluate(points))
        with np.errstate(invalid="ignore"):
            return np.nanmean(np.abs(ranks - model.nominal_ranks[None, :]), axis=1)

    names = [i.name for i in model.inputs]
    groups = [i.group for i in model.inputs]
    out = sobol_indices(names, output, groups=groups, n=n, seed=seed)
    out["Evaluations"] = n * (len(out) + 2)
    return out


def pillar_removal(normalised: pd.DataFrame, framework: Framework, *, level: int = 2,
                   method: str | Sequence[str] = "arithmetic", p: float | None = None,
                   min_availability: float | None = None, weights: Mapping[str, float] | None = None,
                   target: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rank effect of removing each element of ``level`` in turn (COINr ``remove_elements``).

    ``normalised``: the normalised indicators (index uCode); ``method``, ``p``, ``min_availability``, ``weights``
    (overrides by iCode): the nominal ``aggregate`` step's options. Returns ``(per_unit, summary)``: ``per_unit`` has
    index uCode, ``Rank`` (nominal, by this aggregation), ``Without_<code>`` (rank without that element) per
    removed element, ``MedianAbsShift`` and ``MaxAbsShift`` (over the removals); ``summary`` has index
    ``Removed``: ``MeanAbsShift, MedianAbsShift, MaxAbsShift, UnitsMoved``.
    """
    target = target or framework.top
    if target not in framework.aggregates:
        raise FrameworkError("bad_option", f"Target {target!r} is not an aggregate of the framework.", target)
    if not 1 <= level < framework[target].level:
        raise FrameworkError("bad_option", f"Removal level {level} must be between 1 and "
                             f"{framework[target].level - 1} (below {target}).", "removal_level")
    removed = [c for c in framework.level_codes(level) if target in framework.ancestors(c)]
    codes = weight_codes(framework)
    nominal_weights = {**framework.weights(), **(weights or {})}
    nominal = np.array([float(nominal_weights[c]) for c in codes])
    w = np.repeat(nominal[None, :], len(removed) + 1, axis=0)
    for k, c in enumerate(removed, start=1):
        w[k, codes.index(c)] = 0.0
    scores = aggregate_many(normalised, framework, w, method=method, p=p, min_availability=min_availability,
                            targets=[target])[target]
    ranks = rank_rows(scores)
    shift = ranks[1:] - ranks[0][None, :]  # removals × units
    units = pd.Index(normalised.index, name="uCode")
    per_unit = pd.DataFrame({"Rank": ranks[0]}, index=units)
    for k, c in enumerate(removed, start=1):
        per_unit[f"Without_{c}"] = ranks[k]
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a unit ranked in no scenario gives an all-NaN column
        per_unit["MedianAbsShift"] = np.nanmedian(np.abs(shift), axis=0)
        per_unit["MaxAbsShift"] = np.nanmax(np.abs(shift), axis=0)
        summary = pd.DataFrame({
            "MeanAbsShift": np.nanmean(np.abs(shift), axis=1),
            "MedianAbsShift": np.nanmedian(np.abs(shift), axis=1),
            "MaxAbsShift": np.nanmax(np.abs(shift), axis=1),
            "UnitsMoved": (np.abs(np.nan_to_num(shift)) > 0).sum(axis=1),
        }, index=pd.Index(removed, name="Removed"))
    rank_cols = ["Rank"] + [f"Without_{c}" for c in removed]
    per_unit[rank_cols] = per_unit[rank_cols].astype("Int64")
    return per_unit.sort_values("Rank", kind="stable"), summary
