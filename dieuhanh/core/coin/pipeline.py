"""Running a composite-index pipeline: an ordered list of configured steps over a framework and unit data.

A pipeline is data (a list of dicts, stored as YAML for the command line and as JSON in the database), so a
result can always be re-created from its configuration::

    steps:
      - step: denominate
      - step: impute
        method: group_mean
        group: EurAsia_group
      - step: screen
        min_availability: 0.9
      - step: treat                # JRC rule: skew 2, kurtosis 3.5, up to 5 points, then log
      - step: normalise
        method: minmax
        low: 0
        high: 100
      - step: aggregate
        method: arithmetic

Steps and their options (each step may also say ``enabled: false`` to be skipped and logged as such):

============  ===================================================================================================
denominate    ``scale`` {iCode: factor}
impute        ``method`` none | mean | median | group_mean | group_median | latest; ``group`` (a column of the
              unit data, for group_*); ``max_time`` (latest: how many earlier time points back)
select_time   ``time`` (a panel's year to keep; default the latest)
screen        ``min_availability`` (default 2/3), ``by`` missing | zeros | missing_or_zeros, ``min_nonzero``
              (default 0.05), ``zeros_as_missing``, ``include`` / ``exclude`` [uCode, …]
treat         ``skew`` (2), ``kurt`` (3.5), ``winmax`` (5), ``log_fallback`` (true), ``combine`` (false),
              ``skip`` [iCode, …]
normalise     ``method`` minmax | zscore | rank | percentile | target | goalposts | none; ``low``/``high``
              (0/100), ``mean``/``sd`` (0/1), ``cap`` (true), ``goalposts`` {iCode: [lower, upper]}
aggregate     ``method`` (one name or a list, one per level) arithmetic | geometric | harmonic | generalised;
              ``p``; ``min_availability``; ``weights`` {iCode: weight}
============  ===================================================================================================

Each step writes a data set named after it (``Denominated``, ``Imputed``, ``Screened``, ``Treated``,
``Normalised``, ``Aggregated``), as COINr does, next to ``Raw``.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import steps as S
from .data import UnitData
from .framework import Framework, FrameworkError

STEP_OPTIONS: dict[str, set[str]] = {
    "denominate": {"scale"},
    "impute": {"method", "group", "max_time"},
    "select_time": {"time"},
    "screen": {"min_availability", "by", "min_nonzero", "zeros_as_missing", "include", "exclude"},
    "treat": {"skew", "kurt", "winmax", "log_fallback", "combine", "skip"},
    "normalise": {"method", "low", "high", "mean", "sd", "cap", "goalposts"},
    "aggregate": {"method", "p", "min_availability", "weights"},
}
DATASET_NAMES = {"denominate": "Denominated", "impute": "Imputed", "select_time": "Selected",
                 "screen": "Screened", "treat": "Treated", "normalise": "Normalised", "aggregate": "Aggregated"}
_CROSS_SECTION = {"screen", "treat", "normalise", "aggregate"}


@dataclass(frozen=True)
class Step:
    step: str
    options: dict[str, Any] = field(default_factory=dict)
    enabled: bool = True

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"step": self.step, **self.options}
        if not self.enabled:
            d["enabled"] = False
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any], position: int = 0) -> Step:
        if not isinstance(d, dict) or "step" not in d:
            raise FrameworkError("bad_step", f"Pipeline step {position} has no 'step' name: {d!r}.",
                                 f"step {position}")
        name = str(d["step"]).strip().lower()
        if name not in STEP_OPTIONS:
            raise FrameworkError("bad_step", f"Pipeline step {position}: unknown step {name!r} (known: "
                                 f"{', '.join(STEP_OPTIONS)}).", name)
        opts = {k: v for k, v in d.items() if k not in ("step", "enabled")}
        unknown = sorted(set(opts) - STEP_OPTIONS[name])
        if unknown:
            raise FrameworkError("bad_option", f"Pipeline step {position} ({name}): unknown option {unknown[0]!r} "
                                 f"(known: {', '.join(sorted(STEP_OPTIONS[name]))}).", name)
        enabled = d.get("enabled", True)
        if not isinstance(enabled, bool):
            raise FrameworkError("bad_option", f"Pipeline step {position} ({name}): enabled must be true or false.",
                                 name)
        return cls(name, opts, enabled)


@dataclass
class Result:
    datasets: dict[str, pd.DataFrame]  # "Raw", then one per step that ran; index uCode
    treatment: pd.DataFrame | None  # per indicator (see steps.TREATMENT_COLUMNS), when a treat step ran
    results: pd.DataFrame  # uCode, uName, Rank, then the index and every aggregate (higher level first)
    log: list[str]
    excluded_units: list[str]
    steps: list[Step] = field(default_factory=list)
    time: Any = None  # the year of a panel that was kept (select_time), else None

    @property
    def treated_points(self) -> pd.DataFrame | None:
        """Per cell of the treated data: "" (unchanged), "winhi", "winlo" or "log" (None without a treat step)."""
        if self.treatment is None or "Treated" not in self.datasets:
            return None
        names = list(self.datasets)
        before = self.datasets[names[names.index("Treated") - 1]]
        return S.treated_points(before, self.datasets["Treated"], self.treatment)

    @property
    def scores(self) -> pd.DataFrame:
        """Aggregates by uCode (index uCode), the same numbers as ``results`` without names and ranks."""
        return self.datasets["Aggregated"]


def load_pipeline(spec) -> list[Step]:
    """Steps from a pipeline file (a ``pathlib.Path``: the command line), YAML text (a ``str``), a dict
    ``{"steps": [...]}``, or a list of dicts or of Steps.

    Only a ``Path`` is ever read from disk: a ``str`` is always the YAML text itself, never a file name, so a
    pipeline that came from a user (an upload, the API) cannot make the engine read a file."""
    if isinstance(spec, os.PathLike):
        path = Path(spec)
        if not path.is_file():
            raise FrameworkError("missing_file", f"Pipeline file {path} does not exist.", str(path))
        spec = _parse_yaml(path.read_text(encoding="utf-8"), str(path))
    elif isinstance(spec, str):  # the YAML text itself
        spec = _parse_yaml(spec, "pipeline")
    if isinstance(spec, dict):
        if "steps" not in spec:
            raise FrameworkError("bad_step", "The pipeline has no 'steps' list.", "steps")
        spec = spec["steps"]
    if not isinstance(spec, list) or not spec:
        raise FrameworkError("bad_step", "The pipeline must be a non-empty list of steps.", "steps")
    return [s if isinstance(s, Step) else Step.from_dict(s, i) for i, s in enumerate(spec, start=1)]


def dump_pipeline(steps: list[Step]) -> str:
    """The steps as the YAML document :func:`load_pipeline` reads."""
    import yaml

    return yaml.safe_dump({"steps": [s.to_dict() for s in steps]}, sort_keys=False, allow_unicode=True)


def _parse_yaml(text: str, where: str):
    import yaml

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise FrameworkError("bad_yaml", f"{where}: not valid YAML ({exc}).", where) from None


def run(framework: Framework, data: UnitData, steps: list[Step]) -> Result:
    """Run ``steps`` in order; the aggregate step gives the results. Raises FrameworkError on bad input.

    The data travel between steps as one numpy array (units × indicators, framework order); each step's output is
    also kept as a DataFrame in ``Result.datasets``.
    """
    if not (isinstance(steps, list) and all(isinstance(s, Step) for s in steps)):
        steps = load_pipeline(steps)
    cols = list(framework.indicators)
    missing = [c for c in cols if c not in data.values.columns]
    if missing:
        raise FrameworkError("missing_indicator", f"Indicator {missing[0]} is not in the data.", missing[0])
    raw = data.values if list(data.values.columns) == cols else data.values[cols]
    x = raw.to_numpy(dtype=float)
    index = raw.index
    units = data.units
    rows = np.arange(len(raw))  # positions of the remaining rows in the input (after select_time / screen)
    den = has = None
    datasets: dict[str, pd.DataFrame] = {"Raw": raw}
    log: list[str] = [f"data: {len(index.unique())} units, {len(cols)} indicators, "
                      f"{int(np.isnan(x).sum())} missing values"]
    excluded: list[str] = []
    treatment = None
    year = None
    aggregated: np.ndarray | None = None
    col_index = S.plan_for(framework).indicator_index

    def frame(a: np.ndarray) -> pd.DataFrame:
        return pd.DataFrame(a, index=index, columns=col_index)

    for i, step in enumerate(steps, start=1):
        o = step.options
        tag = f"{i}. {step.step}"
        if not step.enabled:
            log.append(f"{tag}: skipped (enabled: false)")
            continue
        if step.step in _CROSS_SECTION and not index.is_unique:
            raise FrameworkError("panel", f"{tag}: the data are a panel (several rows per unit); add a "
                                 "'select_time' step (after 'impute' with method 'latest') first.", step.step)
        if step.step == "denominate":
            if den is None:
                aligned = data.denominators.reindex(raw.index) if raw.index.is_unique else data.denominators
                den, has = S.denominator_matrix(cols, aligned, framework)
            x = S.denominate_array(x, den[rows], has, S.scale_vector(cols, o.get("scale")))
            log.append(f"{tag}: {int(has.sum())} indicators divided by their denominator")
        elif step.step == "impute":
            method = o.get("method", "mean")
            before = int(np.isnan(x).sum())
            if method not in S.IMPUTE_METHODS:
                raise FrameworkError("bad_option", f"{tag}: method must be one of {', '.join(S.IMPUTE_METHODS)}, "
                                     f"not {method!r}.", step.step)
            group = o.get("group")
            if method in ("group_mean", "group_median"):
                if not group:
                    raise FrameworkError("bad_option", f"{tag}: {method} needs 'group' (a grouping column).",
                                         step.step)
                if group not in units.columns:
                    raise FrameworkError("missing_column", f"{tag}: grouping column {group!r} is not in the data.",
                                         group)
                x = S.impute_array(x, method, S.group_codes(units[group].to_numpy(dtype=object)))
            elif method == "latest":
                if "Time" not in units.columns:
                    raise FrameworkError("bad_option", f"{tag}: latest needs a Time column (panel data).", step.step)
                x = S.impute(frame(x), method="latest", time=units["Time"],
                             max_time=o.get("max_time")).to_numpy(dtype=float)
            else:
                x = S.impute_array(x, method)
            after = int(np.isnan(x).sum())
            log.append(f"{tag}: {method}" + (f" by {group}" if method.startswith("group") else "")
                       + f", {before - after} values imputed, {after} still missing")
        elif step.step == "select_time":
            if "Time" not in units.columns:
                raise FrameworkError("bad_option", f"{tag}: the data have no Time column.", step.step)
            mask, year = S.time_mask(units["Time"].to_numpy(), o.get("time"))
            x, index, units, rows = x[mask], index[mask], units.loc[mask], rows[mask]
            log.append(f"{tag}: Time = {year}, {len(index)} units")
        elif step.step == "screen":
            by = o.get("by", "missing")
            min_av, min_nz = float(o.get("min_availability", 2 / 3)), float(o.get("min_nonzero", 0.05))
            S.check_screen_options(by, min_av, min_nz)
            keep = S.screen_mask(x, min_availability=min_av, zeros_as_missing=bool(o.get("zeros_as_missing", False)),
                                 by=by, min_nonzero=min_nz)
            keep = S.force_units(keep, index, o.get("include") or (), o.get("exclude") or ())
            dropped = list(index[~keep])
            excluded.extend(dropped)
            if dropped:
                x, index, units, rows = x[keep], index[keep], units.loc[keep], rows[keep]
            log.append(f"{tag}: {len(index)} units kept, {len(dropped)} excluded"
                       + (f" ({', '.join(dropped)})" if dropped else ""))
            if len(index) == 0:
                raise FrameworkError("no_units", f"{tag}: screening excluded every unit.", step.step)
        elif step.step == "treat":
            winmax = o.get("winmax", 5)
            if winmax is not None and int(winmax) < 0:
                raise FrameworkError("bad_option", f"{tag}: winmax must be ≥ 0, not {winmax!r}.", step.step)
            skip = set(o.get("skip") or ())
            unknown = sorted(skip - set(cols))
            if unknown:
                raise FrameworkError("unknown_element", f"{tag}: {unknown[0]!r} is not an indicator.", unknown[0])
            skew, kurt = float(o.get("skew", 2.0)), float(o.get("kurt", 3.5))
            x, rep = S.treat_array(x, skew=skew, kurt=kurt, winmax=None if winmax is None else int(winmax),
                                   log_fallback=bool(o.get("log_fallback", True)),
                                   combine=bool(o.get("combine", False)),
                                   consider=np.array([c not in skip for c in cols], dtype=bool))
            treatment = pd.DataFrame({"iCode": col_index, **rep}, columns=S.TREATMENT_COLUMNS)
            tr, lg = rep["treated"], rep["log_transformed"]
            logs = [c for c, f in zip(cols, lg) if f]
            wins = [f"{c} ({n})" for c, t_, f, n in zip(cols, tr, lg, rep["winsorised"]) if t_ and not f]
            log.append(f"{tag}: {int(tr.sum())} of {len(cols)} indicators had |skew| ≥ {skew:g} and kurtosis ≥ "
                       f"{kurt:g}; winsorised (points): {', '.join(wins) or 'none'}; "
                       f"log transform: {', '.join(logs) or 'none'}")
        elif step.step == "normalise":
            method = o.get("method", "minmax")
            d = S.direction_vector(cols, framework)
            target = lo = up = None
            if method == "target":
                target = S.target_vector(cols, framework)
            elif method == "goalposts":
                lo, up = S.goalpost_vectors(cols, o.get("goalposts"))
            prev = x
            x = S.normalise_array(x, d, method=method, low=float(o.get("low", 0.0)), high=float(o.get("high", 100.0)),
                                  mean=float(o.get("mean", 0.0)), sd=float(o.get("sd", 1.0)),
                                  cap=bool(o.get("cap", True)), target=target, goal_low=lo, goal_high=up,
                                  names=cols)
            lost = np.isnan(x).all(axis=0) & ~np.isnan(prev).all(axis=0)
            log.append(f"{tag}: {method}" + (f" to {o.get('low', 0)}–{o.get('high', 100)}"
                                               if method in ("minmax", "percentile", "target", "goalposts") else "")
                       + (f"; constant indicators left missing: {', '.join(np.array(cols)[lost])}"
                          if lost.any() else ""))
        elif step.step == "aggregate":
            p = o.get("p")
            plan = S.plan_for(framework, o.get("weights"))
            aggregated = S.aggregate_array(x, plan, method=o.get("method", "arithmetic"),
                                           p=None if p is None else float(p),
                                           min_availability=o.get("min_availability"), units=index)
            top = aggregated[:, framework.aggregates.index(framework.top)]
            log.append(f"{tag}: {o.get('method', 'arithmetic')} means over {len(framework.aggregates)} aggregates, "
                       f"{int(np.isnan(top).sum())} units without an index")
        if step.step == "aggregate":
            datasets["Aggregated"] = pd.DataFrame(np.hstack([x, aggregated]), index=index,
                                                  columns=S.plan_for(framework).all_index)
        else:
            datasets[DATASET_NAMES[step.step]] = frame(x)
    if aggregated is None:
        raise FrameworkError("bad_step", "The pipeline has no 'aggregate' step, so there is no index.", "aggregate")
    results = results_table(framework, datasets["Aggregated"], units, scores=aggregated)
    log.append(f"index {framework.top}: {int(results['Rank'].notna().sum())} units ranked")
    return Result(datasets=datasets, treatment=treatment, results=results, log=log, excluded_units=excluded,
                  steps=list(steps), time=year)


def results_table(framework: Framework, aggregated: pd.DataFrame, units: pd.DataFrame,
                  scores: np.ndarray | None = None) -> pd.DataFrame:
    """uCode, uName, Rank (by the index), then the index and every aggregate, higher levels first; by rank.

    ``scores`` (units × ``framework.aggregates``, same rows as ``aggregated``) saves looking the columns up.
    """
    order = sorted(range(len(framework.aggregates)), key=lambda j: -framework[framework.aggregates[j]].level)
    if scores is None:
        scores = aggregated[framework.aggregates].to_numpy(dtype=float)
    scores = scores[:, order]
    top = scores[:, 0]
    codes = aggregated.index.to_numpy(dtype=object)
    names = units["uName"].to_numpy(dtype=object) if "uName" in units.columns else codes
    sort = np.lexsort((codes.astype(str), np.where(np.isnan(top), np.inf, -top)))
    ranks = S.rank_array(top)[sort]
    out = pd.DataFrame(scores[sort], columns=pd.Index([framework.aggregates[j] for j in order]))
    out.insert(0, "Rank", pd.array(np.where(np.isnan(ranks), None, ranks), dtype="Int64"))
    out.insert(0, "uName", names[sort])
    out.insert(0, "uCode", codes[sort])
    return out


def result_to_json(result: Result) -> dict[str, Any]:
    """A JSON-serialisable summary (steps, log, excluded units, treatment) for storing beside results."""
    return {
        "steps": [s.to_dict() for s in result.steps],
        "log": result.log,
        "excluded_units": result.excluded_units,
        "treatment": None if result.treatment is None else json.loads(result.treatment.to_json(orient="records")),
        "time": None if result.time is None else (int(result.time) if isinstance(result.time, (int, np.integer))
                                                  else result.time),
    }
