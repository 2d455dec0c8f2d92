"""Monte Carlo uncertainty analysis of a composite index, vectorised (the JRC/COINr ``get_sensitivity`` method).

What is uncertain (COINr's ``SA_specs``, each input sampled uniformly):

* **weights** — every weight ``w`` at a level with a noise factor ``f`` becomes ``w · (1 + f · (2u − 1))``,
  ``u ~ U(0, 1)`` independently per element (COINr ``get_noisy_weights``; default ±25 % at every level below the
  index);
* **pipeline choices** — for a step of the pipeline (``impute``, ``treat``, ``normalise``, …) a list of
  alternative option sets, one drawn per replication (default: the nominal imputation, mean and median; min-max
  1–100 and z-score 10 ± 2 for normalisation, as in COINr's sensitivity vignette);
* **aggregation** — one method drawn per replication and used at every level (default arithmetic or
  geometric).

A replication draws a point ``u ∈ [0, 1]^d`` and maps it to parameters as COINr's ``sample_2_para`` does (a
discrete input with ``K`` alternatives takes alternative ``⌊u·K⌋``). The same mapping serves the uncertainty
analysis (random points) and the variance-based sensitivity analysis (Saltelli/Sobol' points, ``sensitivity.py``).

**Why it is fast.** A replication does not re-run the pipeline. The pipeline is run once per combination of the
discrete pipeline choices (a handful: 3 imputations × 2 normalisations = 6 runs); all replications that share a
combination and an aggregation method are then aggregated together, level by level: for each parent ``p`` with
children ``K``, ``score[r, u, p] = Σ_{c∈K} w[r, c]·x[u, c] / Σ_{c∈K, x[u, c] present} w[r, c]`` for every
replication ``r`` and unit ``u`` at once — one matrix product ``W[:, K] @ X[:, K].T`` (replications × units) per
parent (logs for the geometric mean, reciprocals for the harmonic). Missing children drop out and the remaining
weights are renormalised exactly as in the pipeline's ``aggregate``; the ranks of all replications are one
``argsort``. The only Python loops run over the framework's parents and the handful of variants, never over units
or replications.

Results per unit: nominal rank, median, mean, 5th and 95th percentile rank over the replications (R's default
quantile, numpy's ``linear``), the same for the target's score. Score intervals mix scales when normalisation
alternatives differ in scale (z-scores vs 1–100); the rank intervals are the comparable figures.
"""

from __future__ import annotations

import functools
import itertools
import json
import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from .data import UnitData
from .framework import Framework, FrameworkError
from .pipeline import Result, Step, run
from .steps import level_methods

DEFAULT_NOISE = 0.25
DEFAULT_NORMALISATION = ({"method": "minmax", "low": 1, "high": 100}, {"method": "zscore", "mean": 10, "sd": 2})
DEFAULT_AGGREGATION = ({"method": "arithmetic"}, {"method": "geometric"})
#: friendlier names accepted in the options file for the steps whose options vary
STEP_ALIASES = {"imputation": "impute", "normalisation": "normalise", "normalization": "normalise",
                "treatment": "treat", "screening": "screen", "denomination": "denominate"}


# --- options ----------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class UncertaintyOptions:
    """What varies in the Monte Carlo analysis.

    ``weight_noise``: level → ± fraction (``None``: :data:`DEFAULT_NOISE` at every level below the index; a level
    left out, or 0, keeps its nominal weights). ``alternatives``: step name → option sets, each replacing the
    step's options in the pipeline (``None``: the defaults in the module docstring; ``{}``: no pipeline choice
    varies). ``aggregation``: methods drawn per replication (``None``: arithmetic or geometric).
    ``target``: the aggregate whose ranks are analysed (default the index). ``sensitivity_n``: base sample of the
    Sobol' design (a power of two; ``n · (groups + 2)`` evaluations). ``removal_level``: the level whose elements
    are removed one at a time (2 = pillars).

    Options file (YAML)::

        weights: {noise: {1: 0.25, 2: 0.25, 3: 0.25}}    # or noise: 0.25 for every level
        alternatives:
          impute: [{method: group_mean, group: EurAsia_group}, {method: mean}, {method: median}]
          normalise: [{method: minmax, low: 1, high: 100}, {method: zscore, mean: 10, sd: 2}]
        aggregation: [arithmetic, geometric]               # or {method: generalised, p: 2}
        target: Index
        sensitivity: {n: 256}
        removal_level: 2
    """

    weight_noise: Mapping[int, float] | float | None = None
    alternatives: Mapping[str, Sequence[Mapping[str, Any]]] | None = None
    aggregation: Sequence[Mapping[str, Any]] | None = None
    target: str | None = None
    sensitivity_n: int = 256
    removal_level: int = 2

    @classmethod
    def load(cls, source: str | Path | Mapping | None) -> UncertaintyOptions:
        """From a YAML file path, a mapping shaped like the file, or ``None`` (all defaults)."""
        if source is None:
            return cls()
        if isinstance(source, UncertaintyOptions):
            return source
        if not isinstance(source, Mapping):
            if not Path(source).is_file():
                raise FrameworkError("missing_file", f"Options file {source} does not exist.", str(source))
            text = Path(source).read_text(encoding="utf-8")
            try:
                source = yaml.safe_load(text) or {}
            except yaml.YAMLError as e:
                raise FrameworkError("bad_option", f"Options file {source}: not valid YAML ({e}).", "options") \
                    from None
            if not isinstance(source, Mapping):
                raise FrameworkError("bad_option", "The options file must be a mapping.", "options")
        known = {"weights", "alternatives", "aggregation", "target", "sensitivity", "removal_level"}
        unknown = sorted(set(source) - known)
        if unknown:
            raise FrameworkError("bad_option", f"Unknown uncertainty option {unknown[0]!r} (known: "
                                 f"{', '.join(sorted(known))}).", unknown[0])
        noise = None
        if "weights" in source:
            w = source["weights"] or {}
            if not isinstance(w, Mapping) or set(w) - {"noise"}:
                raise FrameworkError("bad_option", "weights must be a mapping with one key, noise.", "weights")
            noise = w.get("noise")
        alternatives = source.get("alternatives")
        if alternatives is not None:
            if not isinstance(alternatives, Mapping):
                raise FrameworkError("bad_option", "alternatives must map a step name to a list of option sets.",
                                     "alternatives")
            alternatives = {STEP_ALIASES.get(k, k): [_option_set(v, k) for v in _as_list(vs, k)]
                            for k, vs in alternatives.items()}
        aggregation = source.get("aggregation")
        if aggregation is not None:
            aggregation = [_option_set(a, "aggregation") for a in _as_list(aggregation, "aggregation")]
        sens = source.get("sensitivity") or {}
        if not isinstance(sens, Mapping) or set(sens) - {"n"}:
            raise FrameworkError("bad_option", "sensitivity must be a mapping with one key, n.", "sensitivity")
        return cls(weight_noise=_noise(noise), alternatives=alternatives, aggregation=aggregation,
                   target=source.get("target"), sensitivity_n=_whole(sens.get("n", 256), "sensitivity"),
                   removal_level=_whole(source.get("removal_level", 2), "removal_level"))


def _whole(v, name) -> int:
    if isinstance(v, bool) or not isinstance(v, (int, float)) or v != int(v):
        raise FrameworkError("bad_option", f"{name}: {v!r} is not a whole number.", name)
    return int(v)


def _as_list(v, name) -> list:
    if isinstance(v, (str, Mapping)):
        return [v]
    if not isinstance(v, Sequence) or not v:
        raise FrameworkError("bad_option", f"{name}: expected a non-empty list of alternatives.", name)
    return list(v)


def _option_set(v, name) -> dict[str, Any]:
    if isinstance(v, str):
        return {"method": v}
    if isinstance(v, Mapping):
        return dict(v)
    raise FrameworkError("bad_option", f"{name}: alternative {v!r} is neither a method name nor a mapping.", name)


def _noise(noise) -> dict[int, float] | float | None:
    if noise is None or isinstance(noise, bool):
        return None if noise is None else _bad_noise()
    if isinstance(noise, (int, float)):
        return float(noise)  # every level, resolved against the framework
    if not isinstance(noise, Mapping):
        _bad_noise()
    out = {}
    for k, v in noise.items():
        try:
            out[int(k)] = float(v)
        except (TypeError, ValueError):
            raise FrameworkError("bad_option", f"weights.noise: {k!r}: {v!r} is not level → fraction.",
                                 "weights") from None
    return out


def _bad_noise():
    raise FrameworkError("bad_option", "weights.noise must be a number or a mapping level → fraction.", "weights")


# --- the tree as matrices -----------------------------------------------------------------------------------------

class _Tree:
    """The framework as one incidence matrix per level, over a fixed order of weighted elements."""

    def __init__(self, framework: Framework):
        self.framework = framework
        self.indicators = list(framework.indicators)
        #: every element that carries a weight (all but the index), indicators first, then by level
        self.elements = self.indicators + [a for a in framework.aggregates if a != framework.top]
        pos = {c: i for i, c in enumerate(self.elements)}
        self.weights = np.array([framework.weights()[c] for c in self.elements], dtype="float64")
        self.element_level = np.array([framework[c].level for c in self.elements])
        self.levels: list[tuple[int, np.ndarray, list[str], np.ndarray]] = []
        #: per level, per parent: the positions of its children among the level's children
        self.groups: list[list[np.ndarray]] = []
        for level in range(2, framework.max_level + 1):
            children = framework.level_codes(level - 1)
            parents = framework.level_codes(level)
            m = np.zeros((len(children), len(parents)))
            col = {p: j for j, p in enumerate(parents)}
            for i, c in enumerate(children):
                m[i, col[framework.parent(c)]] = 1.0
            self.levels.append((level, np.array([pos[c] for c in children]), parents, m))
            self.groups.append([np.flatnonzero(m[:, j]) for j in range(len(parents))])
        self.where = {p: (k, j) for k, (_, _, parents, _) in enumerate(self.levels) for j, p in enumerate(parents)}


@functools.lru_cache(maxsize=16)
def _tree(framework: Framework) -> _Tree:
    return _Tree(framework)


@dataclass(frozen=True)
class Aggregation:
    """An aggregation choice: one method per level above the indicators (2 … top), ``p`` for the generalised
    mean, ``min_availability`` (share of children that must be present) — the options of the ``aggregate``
    step."""
    methods: tuple[str, ...]
    p: float | None = None
    min_availability: float | None = None

    @classmethod
    def from_options(cls, options: Mapping[str, Any] | str, framework: Framework) -> Aggregation:
        o = {"method": options} if isinstance(options, str) else dict(options)
        unknown = sorted(set(o) - {"method", "p", "min_availability"})
        if unknown:
            raise FrameworkError("bad_option", f"Aggregation alternative: unknown option {unknown[0]!r} (known: "
                                 "method, p, min_availability).", "aggregate")
        methods = tuple(level_methods(o.get("method", "arithmetic"), framework.max_level - 1))
        p = o.get("p")
        if "generalised" in methods and p is None:
            raise FrameworkError("bad_option", "The generalised mean needs p.", "aggregate")
        ma = o.get("min_availability")
        return cls(methods, None if p is None else float(p), None if ma is None else float(ma))

    def level_method(self, k: int) -> str:
        """The method at the k-th aggregation level, with the generalised mean's special orders resolved."""
        m = self.methods[k]
        if m == "generalised" and self.p == 1:
            return "arithmetic"
        if m == "generalised" and self.p == 0:
            return "geometric"
        return m


def aggregate_many(normalised: pd.DataFrame | np.ndarray, framework: Framework, weights: np.ndarray | None = None,
                   *, method: str | Sequence[str] | Mapping = "arithmetic", p: float | None = None,
                   min_availability: float | None = None, targets: Sequence[str] | None = None
                   ) -> dict[str, np.ndarray]:
    """Aggregate one normalised table under many weight sets at once (the ``aggregate`` step, vectorised).

    ``normalised``: units × indicators (framework order when an array; NaN = missing). ``weights``: R × E array
    over the weighted elements in :func:`weight_codes` order (``None``: the nominal weights, R = 1). ``method``,
    ``p``, ``min_availability``: as the ``aggregate`` step. Returns ``{aggregate code: R × units array}`` for
    ``targets`` (default every aggregate). A parent whose children are all missing (or all weighted zero) is
    missing; otherwise the weights renormalise over the children present. Values outside the method's domain
    (≤ 0 for the geometric mean, 0 for the harmonic) leave the whole weight set's scores missing.
    """
    tree = _tree(framework)
    x = _indicator_array(normalised, framework)
    w = tree.weights[None, :] if weights is None else np.asarray(weights, dtype="float64")
    if w.ndim != 2 or w.shape[1] != len(tree.elements):
        raise ValueError(f"weights must be R × {len(tree.elements)} (one column per weighted element)")
    agg = Aggregation.from_options({"method": method, "p": p, "min_availability": min_availability}, framework)
    wanted = list(targets) if targets is not None else list(framework.aggregates)
    upto = max(tree.where[t][0] for t in wanted) if wanted else -1
    levels, invalid = _aggregate_levels(x, w, tree, agg, upto=upto)
    out = {}
    for t in wanted:
        k, j = tree.where[t]
        v = levels[k][:, :, j].copy()
        v[invalid] = np.nan
        out[t] = v
    return out


def weight_codes(framework: Framework) -> list[str]:
    """The order of weight columns used by :func:`aggregate_many` (indicators, then aggregates by level)."""
    return list(_tree(framework).elements)


def _outside_domain(method: str, p: float | None, s: np.ndarray, present: np.ndarray) -> np.ndarray | None:
    """Cells a method cannot take (the ``aggregate`` step's domain rules), or None when it takes any value."""
    with np.errstate(invalid="ignore"):
        if method == "geometric" or (method == "generalised" and p is not None and p <= 0):
            return present & ~(s > 0)
        if method == "harmonic":
            return present & (s == 0)
        if method == "generalised":
            return present & (s < 0)
    return None


def _wsum(t: np.ndarray, w: np.ndarray, groups: list[np.ndarray]) -> np.ndarray:
    """``Σ_{c ∈ parent} t[u, c] · w[r, c]`` for every replication r, unit u and parent: R × units × parents.

    ``t`` is one units × children table shared by the R weight sets, or R tables. Each child has one parent, so
    the sum runs parent by parent over its own children only (a dense children × parents product would multiply
    mostly zeros): for a shared table one matrix product ``w[:, kids] @ t[:, kids].T`` per parent."""
    out = np.empty((len(w), t.shape[-2], len(groups)))
    for j, kids in enumerate(groups):
        if t.ndim == 2:
            out[:, :, j] = w[:, kids] @ t[:, kids].T
        else:
            out[:, :, j] = np.einsum("ruc,rc->ru", t[:, :, kids], w[:, kids])
    return out


def _aggregate_levels(x: np.ndarray, w: np.ndarray, tree: _Tree, agg: Aggregation, upto: int
                      ) -> tuple[list[np.ndarray], np.ndarray]:
    """Scores of every level up to ``upto`` (index into ``tree.levels``), each R × units × parents, and the
    weight sets (R) that met a value outside a method's domain."""
    out = []
    invalid = np.zeros(len(w), dtype=bool)
    s = x  # units × children for the first level, then R × units × children
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        for k, (_, child_cols, _, m) in enumerate(tree.levels[:upto + 1]):
            method = agg.level_method(k)
            wl, groups = w[:, child_cols], tree.groups[k]  # R × children
            present = ~np.isnan(s)
            bad = _outside_domain(method, agg.p, s, present)
            if bad is not None and bad.any():
                # only a child that carries weight matters (a removed element may hold anything)
                hit = _wsum(bad.astype("float64"), wl, groups) > 0
                invalid |= hit.reshape(len(w), -1).any(axis=1)
            complete = present.all()
            if complete:  # every child present: the weight sum is the same for all units
                den = np.stack([wl[:, kids].sum(axis=1) for kids in groups], axis=1)[:, None, :]
            else:
                den = _wsum(present.astype("float64"), wl, groups)
            if method == "arithmetic":
                v = _wsum(s if complete else np.where(present, s, 0.0), wl, groups) / den
            elif method == "geometric":
                v = np.exp(_wsum(np.where(present & (s > 0), np.log(s), 0.0), wl, groups) / den)
            elif method == "harmonic":
                v = den / _wsum(np.where(present & (s != 0), 1.0 / s, 0.0), wl, groups)
            else:  # generalised (power) mean of order p
                v = (_wsum(np.where(present, np.power(s, agg.p), 0.0), wl, groups) / den) ** (1.0 / agg.p)
            v = np.where(den == 0, np.nan, v)
            if agg.min_availability is not None:
                share = np.matmul(present.astype("float64"), m) / m.sum(axis=0)
                v[np.broadcast_to(share < agg.min_availability, v.shape)] = np.nan
            out.append(v)
            s = v
    return out, invalid


def _indicator_array(normalised, framework: Framework) -> np.ndarray:
    if isinstance(normalised, pd.DataFrame):
        missing = [c for c in framework.indicators if c not in normalised.columns]
        if missing:
            raise FrameworkError("missing_indicator", f"Indicator {missing[0]} is not in the data.", missing[0])
        return normalised[framework.indicators].to_numpy(dtype="float64")
    x = np.asarray(normalised, dtype="float64")
    if x.ndim != 2 or x.shape[1] != len(framework.indicators):
        raise ValueError(f"normalised must be units × {len(framework.indicators)} indicators")
    return x


def rank_rows(scores: np.ndarray) -> np.ndarray:
    """Ranks within each row: higher is better, ties share the best rank ("min"), NaN stays NaN — the pipeline's
    ``rank`` applied to every replication at once."""
    s = np.asarray(scores, dtype="float64")
    if s.ndim == 1:
        return rank_rows(s[None])[0]
    n, u = s.shape
    missing = np.isnan(s)
    key = np.where(missing, np.inf, -s)
    order = np.argsort(key, axis=1, kind="stable")
    ordered = np.take_along_axis(key, order, axis=1)
    starts = np.ones((n, u), dtype=bool)
    starts[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    first = np.maximum.accumulate(np.where(starts, np.arange(u)[None, :], 0), axis=1)
    ranks = np.empty((n, u))
    np.put_along_axis(ranks, order, first + 1.0, axis=1)
    ranks[missing] = np.nan
    return ranks


# --- the model: pipeline variants + vectorised aggregation ---------------------------------------------------------

@dataclass(frozen=True)
class Input:
    """One uncertain input: a column of the sample in [0, 1]."""
    name: str  # "impute", "normalise", "aggregation", or "weight:<iCode>"
    group: str  # sensitivity group: the step, "aggregation", or "weights (level L)"
    kind: str  # "step" | "aggregation" | "weight"
    choices: tuple = ()  # option sets for step/aggregation inputs
    element: int | None = None  # weight column for weight inputs
    noise: float = 0.0


def _labels(choices: Sequence[Mapping]) -> list[str]:
    return [", ".join(f"{k}={v}" for k, v in c.items()) for c in choices]


def _choose(u: np.ndarray, k: int) -> np.ndarray:
    """COINr ``sample_2_para`` for a discrete input: u ∈ [0, 1] → alternative ⌊u·k⌋ (u = 1 → the last)."""
    return np.minimum((u * k).astype(np.int64), k - 1)


class UncertaintyModel:
    """A composite index as a function of the uncertain inputs, evaluable for many points at once.

    Construction runs the nominal pipeline and one pipeline per combination of the discrete pipeline choices;
    :meth:`evaluate` then needs no pipeline run.
    """

    def __init__(self, framework: Framework, data: UnitData, steps: Sequence[Step],
                 options: UncertaintyOptions | Mapping | str | Path | None = None):
        t0 = time.perf_counter()
        self.framework = framework
        self.options = UncertaintyOptions.load(options)
        self.steps = list(steps)
        self.tree = _tree(framework)
        self.target = self.options.target or framework.top
        if self.target not in framework.aggregates:
            raise FrameworkError("bad_option", f"Target {self.target!r} is not an aggregate of the framework.",
                                 self.target)
        aggregate_steps = [s for s in self.steps if s.step == "aggregate" and s.enabled]
        if not aggregate_steps:
            raise FrameworkError("bad_step", "The pipeline has no aggregate step: nothing to analyse.", "aggregate")
        nominal_options = dict(aggregate_steps[-1].options or {})
        overrides = nominal_options.pop("weights", None) or {}
        self.nominal_aggregation = Aggregation.from_options(nominal_options, framework)
        self.nominal: Result = run(framework, data, self.steps)
        #: nominal weights: the framework's, with the aggregate step's ``weights`` overrides
        self.weights0 = np.array([float(overrides.get(c, w)) for c, w in zip(self.tree.elements,
                                                                             self.tree.weights)])
        self.weight_overrides = dict(overrides)
        normalised = _pre_aggregation(self.nominal)
        self.units = pd.Index(normalised.index, name="uCode")
        results = self.nominal.results.set_index("uCode") if "uCode" in self.nominal.results.columns \
            else self.nominal.results
        self.unit_names = results["uName"].reindex(self.units) if "uName" in results.columns else \
            pd.Series(self.units, index=self.units)
        self.nominal_scores = results[self.target].reindex(self.units).to_numpy(dtype="float64")
        self.nominal_ranks = rank_rows(self.nominal_scores)
        self.nominal_x = normalised.reindex(index=self.units, columns=framework.indicators).to_numpy("float64")

        # discrete pipeline inputs and their variants
        alternatives = self._alternatives()
        self.inputs: list[Input] = [Input(step, step, "step", tuple(alts)) for step, alts in alternatives.items()
                                    if len(alts) > 1]
        fixed = {step: alts[0] for step, alts in alternatives.items() if len(alts) == 1}
        self._fixed = fixed
        # an aggregation alternative changes the method; the nominal step's other options (p, min_availability)
        # stay unless the alternative sets them
        aggs = _unique([{**nominal_options, **a} for a in (self.options.aggregation or DEFAULT_AGGREGATION)])
        self.aggregations = [Aggregation.from_options(a, framework) for a in aggs]
        self._aggregation_options = aggs
        if len(aggs) > 1:
            self.inputs.append(Input("aggregation", "aggregation", "aggregation", tuple(aggs)))
        step_inputs = [i for i in self.inputs if i.kind == "step"]
        self._dims = tuple(len(i.choices) for i in step_inputs)
        self._variants: list[np.ndarray] = []
        for combo in itertools.product(*(range(d) for d in self._dims)):
            chosen = dict(fixed)
            chosen.update({i.name: i.choices[c] for i, c in zip(step_inputs, combo)})
            self._variants.append(self._run_variant(data, chosen))
        self._check_domain(step_inputs, aggs)

        # weight inputs
        noise = self._noise_by_level()
        under_target = set(framework.descendants(self.target))  # other weights cannot move the target
        for j, code in enumerate(self.tree.elements):
            f = noise.get(int(self.tree.element_level[j]), 0.0)
            if f > 0 and code in under_target:
                self.inputs.append(Input(f"weight:{code}", f"weights (level {self.tree.element_level[j]})",
                                         "weight", element=j, noise=f))
        self.setup_seconds = time.perf_counter() - t0

    # -- construction helpers
    def _alternatives(self) -> dict[str, list[dict]]:
        names = [s.step for s in self.steps if s.enabled]
        given = self.options.alternatives
        if given is None:
            out: dict[str, list[dict]] = {}
            if "impute" in names:
                nominal = dict(next(s for s in self.steps if s.step == "impute" and s.enabled).options or {})
                out["impute"] = _unique([nominal, {"method": "mean"}, {"method": "median"}])
            if "normalise" in names:
                out["normalise"] = [dict(d) for d in DEFAULT_NORMALISATION]
            return out
        for step in given:
            if step == "aggregate":
                raise FrameworkError("bad_option", "Aggregation alternatives go under 'aggregation', not "
                                     "'alternatives'.", "aggregate")
            if step not in names:
                raise FrameworkError("bad_option", f"Alternatives given for step {step!r}, which is not in the "
                                     "pipeline (or is disabled).", step)
        return {step: _unique([dict(a) for a in alts]) for step, alts in given.items()}

    def _noise_by_level(self) -> dict[int, float]:
        levels = range(1, self.framework.max_level)
        noise = self.options.weight_noise
        if noise is None:
            noise = DEFAULT_NOISE
        if isinstance(noise, (int, float)):
            noise = {lv: float(noise) for lv in levels}
        for lv, f in noise.items():
            if not 0 <= f < 1:
                raise FrameworkError("bad_option", f"Weight noise {f} at level {lv} must be in [0, 1) (a fraction "
                                     "of the nominal weight).", "weights")
            if lv not in levels:
                raise FrameworkError("bad_option", f"Weight noise given for level {lv}; weights exist at levels "
                                     f"1–{self.framework.max_level - 1}.", "weights")
        return dict(noise)

    def _run_variant(self, data: UnitData, chosen: Mapping[str, dict]) -> np.ndarray:
        if not chosen:
            return self.nominal_x
        steps = []
        for s in self.steps:
            if s.step == "aggregate":  # only the normalised data is used; arithmetic never fails
                steps.append(replace(s, options={"method": "arithmetic"}))
            elif s.step in chosen and s.enabled:
                steps.append(replace(s, options=dict(chosen[s.step])))
            else:
                steps.append(s)
        try:
            res = run(self.framework, data, steps)
        except FrameworkError as e:
            what = "; ".join(f"{k}: {_labels([v])[0]}" for k, v in chosen.items())
            raise FrameworkError(e.code, f"Alternative ({what}) fails: {e}", e.element) from None
        return _pre_aggregation(res).reindex(index=self.units, columns=self.framework.indicators) \
            .to_numpy("float64")

    def _check_domain(self, step_inputs, aggs) -> None:
        """Refuse up front a combination whose indicators an aggregation method cannot take (the pipeline's own
        error codes), naming the alternative, the unit and the indicator."""
        for agg, options in zip(self.aggregations, aggs):
            method = agg.level_method(0)
            for v, combo in enumerate(itertools.product(*(range(d) for d in self._dims))):
                x = self._variants[v]
                bad = _outside_domain(method, agg.p, x, ~np.isnan(x))
                if bad is None or not bad.any():
                    continue
                u, i = np.argwhere(bad)[0]
                unit, ind = self.units[u], self.framework.indicators[i]
                chosen = {**{k: _labels([v])[0] for k, v in self._fixed.items()},
                          **{inp.name: _labels([inp.choices[c]])[0] for inp, c in zip(step_inputs, combo)}}
                what = "; ".join(f"{k}: {v}" for k, v in chosen.items()) or "the nominal pipeline"
                code = {"geometric": "geometric_nonpositive", "harmonic": "harmonic_zero"}.get(
                    method, "geometric_nonpositive" if agg.p is not None and agg.p <= 0 else "generalised_negative")
                raise FrameworkError(
                    code, f"Aggregation alternative ({_labels([options])[0]}) cannot take {unit}:{ind} = "
                    f"{x[u, i]:g} produced by ({what}). Use a normalisation with a positive range (e.g. min-max "
                    f"1–100) or drop {method} from the aggregation alternatives.", f"{unit}:{ind}")

    # -- evaluation
    @property
    def dimension(self) -> int:
        """The number of uncertain inputs (columns of a sample)."""
        return len(self.inputs)

    @property
    def variant_count(self) -> int:
        """How many pipeline variants were pre-computed (one per combination of discrete pipeline choices)."""
        return len(self._variants)

    def weights_for(self, sample: np.ndarray) -> np.ndarray:
        """R × E weights for the sample points (nominal where no noise)."""
        w = np.repeat(self.weights0[None, :], len(sample), axis=0)
        for k, inp in enumerate(self.inputs):
            if inp.kind == "weight":
                w[:, inp.element] *= 1.0 + inp.noise * (2.0 * sample[:, k] - 1.0)
        return w

    def pipeline_for(self, point: Sequence[float]) -> list[Step]:
        """The plain pipeline that one sample point stands for: its step alternatives, its aggregation method and
        every weight written into the aggregate step's ``weights``. Running it with ``pipeline.run`` gives the
        same scores as :meth:`evaluate` (the benchmark and the tests check this), so any replication can be
        reproduced and inspected on its own."""
        x = np.asarray(point, dtype="float64")[None, :]
        w = self.weights_for(x)[0]
        chosen = dict(self._fixed)
        agg = 0
        for k, inp in enumerate(self.inputs):
            if inp.kind == "step":
                chosen[inp.name] = inp.choices[int(_choose(x[:, k], len(inp.choices))[0])]
            elif inp.kind == "aggregation":
                agg = int(_choose(x[:, k], len(inp.choices))[0])
        last_aggregate = max(i for i, s in enumerate(self.steps) if s.step == "aggregate" and s.enabled)
        steps = []
        for i, s in enumerate(self.steps):
            if i == last_aggregate:
                weights = {c: float(v) for c, v in zip(self.tree.elements, w)}
                steps.append(replace(s, options={**self._aggregation_options[agg], "weights": weights}))
            elif s.step in chosen and s.enabled:
                steps.append(replace(s, options=dict(chosen[s.step])))
            else:
                steps.append(s)
        return steps

    def choices_for(self, sample: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per sample point: the index of its pipeline variant and of its aggregation method."""
        n = len(sample)
        picks = [_choose(sample[:, k], len(inp.choices)) for k, inp in enumerate(self.inputs) if inp.kind == "step"]
        variant = np.ravel_multi_index(picks, self._dims) if picks else np.zeros(n, dtype=np.int64)
        k_agg = [k for k, inp in enumerate(self.inputs) if inp.kind == "aggregation"]
        agg = _choose(sample[:, k_agg[0]], len(self.aggregations)) if k_agg else np.zeros(n, dtype=np.int64)
        return variant, agg

    def evaluate(self, sample: np.ndarray) -> np.ndarray:
        """Target scores (points × units) for sample points in [0, 1]^dimension."""
        sample = np.asarray(sample, dtype="float64")
        if sample.ndim != 2 or sample.shape[1] != self.dimension:
            raise ValueError(f"sample must be N × {self.dimension}")
        w = self.weights_for(sample)
        variant, agg = self.choices_for(sample)
        combo = variant * len(self.aggregations) + agg
        out = np.empty((len(sample), len(self.units)))
        level, col = self.tree.where[self.target]
        for c in np.unique(combo):
            rows = np.flatnonzero(combo == c)
            v, a = divmod(int(c), len(self.aggregations))
            levels, invalid = _aggregate_levels(self._variants[v], w[rows], self.tree, self.aggregations[a],
                                                upto=level)
            scores = levels[level][:, :, col]
            scores[invalid] = np.nan  # COINr: a replication whose regeneration fails gives missing scores
            out[rows] = scores
        return out

    def settings(self) -> dict[str, Any]:
        """The uncertain inputs as resolved (what was actually varied), for the record beside the results."""
        noise: dict[int, float] = {}
        for inp in self.inputs:
            if inp.kind == "weight":
                noise[int(self.tree.element_level[inp.element])] = inp.noise
        return {
            "target": self.target,
            "weights": {"noise": noise},
            "alternatives": {i.name: [dict(c) for c in i.choices] for i in self.inputs if i.kind == "step"},
            "fixed": {k: dict(v) for k, v in self._fixed.items()},
            "aggregation": [dict(a) for a in self._aggregation_options],
        }

    def describe(self, sample: np.ndarray) -> pd.DataFrame:
        """The discrete choices of each sample point, as labels (one column per discrete input)."""
        cols = {}
        for k, inp in enumerate(self.inputs):
            if inp.kind != "weight":
                cols[inp.name] = np.array(_labels(inp.choices), dtype=object)[_choose(sample[:, k],
                                                                                        len(inp.choices))]
        return pd.DataFrame(cols)


def _pre_aggregation(result: Result) -> pd.DataFrame:
    """The data set that enters aggregation: ``Normalised`` (or the last one before ``Aggregated``)."""
    if "Normalised" in result.datasets:
        return result.datasets["Normalised"]
    keys = [k for k in result.datasets if k != "Aggregated"]
    return result.datasets[keys[-1]]


def _unique(options: list[dict]) -> list[dict]:
    out, seen = [], set()
    for o in options:
        key = json.dumps(o, sort_keys=True, default=str)
        if key not in seen:
            seen.add(key)
            out.append(o)
    return out


# --- uncertainty analysis -----------------------------------------------------------------------------------------

@dataclass
class UncertaintyResult:
    """``summary``: index uCode; ``uName, NominalRank, MedianRank, MeanRank, P5Rank, P95Rank, NominalScore,
    MedianScore, P5Score, P95Score``, ordered by nominal rank. ``scores``/``ranks``: units × replications.
    ``choices``: the discrete choices of each replication. ``inputs``: what varied, by group (``impute``,
    ``normalise``, ``aggregation``, ``weights (level 1)``, …)."""
    target: str
    summary: pd.DataFrame
    scores: pd.DataFrame
    ranks: pd.DataFrame
    choices: pd.DataFrame
    inputs: list[str]
    n: int
    seed: int
    seconds: float = 0.0
    setup_seconds: float = 0.0
    extra: dict = field(default_factory=dict)


REPLICATION_BATCH = 50  # replications evaluated together between two progress reports


def uncertainty_analysis(model: UncertaintyModel, *, n: int = 1000, seed: int = 0,
                         progress: Callable[[int, int], None] | None = None) -> UncertaintyResult:
    """Run ``n`` replications at uniform random points (seeded) and summarise each unit's ranks and scores.
    The sample is drawn at once and evaluated in batches of ``REPLICATION_BATCH`` rows (each replication is
    independent of the others, so the result is the same), calling ``progress(done, n)`` after each batch."""
    if n < 1:
        raise FrameworkError("bad_option", "The number of replications must be at least 1.", "n")
    t0 = time.perf_counter()
    rng = np.random.default_rng(seed)
    sample = rng.random((n, model.dimension))
    batches = []
    for first in range(0, n, REPLICATION_BATCH):
        batches.append(model.evaluate(sample[first:first + REPLICATION_BATCH]))
        if progress is not None:
            progress(min(first + REPLICATION_BATCH, n), n)
    scores = np.concatenate(batches)
    ranks = rank_rows(scores)
    q_rank, q_score = _quantiles(ranks), _quantiles(scores)
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a unit unranked in every replication
        mean_rank = np.nanmean(ranks, axis=0)
    summary = pd.DataFrame({
        "uName": model.unit_names.to_numpy(),
        "NominalRank": model.nominal_ranks, "MedianRank": q_rank[1], "MeanRank": mean_rank,
        "P5Rank": q_rank[0], "P95Rank": q_rank[2],
        "NominalScore": model.nominal_scores, "MedianScore": q_score[1], "P5Score": q_score[0],
        "P95Score": q_score[2],
    }, index=model.units)
    summary = summary.sort_values(["NominalRank", "MedianRank"], kind="stable")
    summary["NominalRank"] = summary["NominalRank"].astype("Int64")  # whole numbers; missing for an unranked unit
    reps = pd.RangeIndex(n, name="replication")
    return UncertaintyResult(
        target=model.target, summary=summary,
        scores=pd.DataFrame(scores.T, index=model.units, columns=reps),
        ranks=pd.DataFrame(ranks.T, index=model.units, columns=reps),
        choices=model.describe(sample), inputs=list(dict.fromkeys(i.group for i in model.inputs)), n=n, seed=seed,
        seconds=time.perf_counter() - t0, setup_seconds=model.setup_seconds)


def _quantiles(a: np.ndarray) -> np.ndarray:
    """5th, 50th and 95th percentiles of each column over the replications (R's default type 7 = numpy's
    "linear"), ignoring replications where the unit has no value."""
    if not np.isnan(a).any():
        return np.quantile(a, [0.05, 0.5, 0.95], axis=0, method="linear")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanquantile(a, [0.05, 0.5, 0.95], axis=0, method="linear")


def uncertainty(framework: Framework, data: UnitData, steps: Sequence[Step], options=None, *, n: int = 1000,
                seed: int = 0, progress: Callable[[int, int], None] | None = None) -> UncertaintyResult:
    """Build the model and run the uncertainty analysis (see the module docstring); ``progress(done, n)`` after
    each batch of replications."""
    return uncertainty_analysis(UncertaintyModel(framework, data, steps, options), n=n, seed=seed, progress=progress)
