"""The statistical audit of a stored index run ("Kiểm định thống kê"), the JRC/COINr audit in the UI and the API.

A run stores its scores, not its intermediate data sets, so the audit recomputes the run from the stored data set
and methodology by the path the run itself took (``selectors.compute``: the stored tree, the year's data, the
pipeline) and hands the result to the engine's analysis functions (``core/coin/analysis.py``): the statistics table
of the data before imputation, the treatment report, correlations, Cronbach's alpha and PCA per aggregate and
effective weights. ``matches_run`` says whether the recomputed index equals the stored one (a data set re-imported
since the run changes the data, and the audit says so rather than silently auditing other numbers).

When an uncertainty analysis exists for the same framework, data set, methodology version and year, the audit adds
the variance-based sensitivity indices (Si, STi per uncertain input, ``core/coin/sensitivity.py``) and the rank
effect of removing each pillar, over the inputs that uncertainty run varied. They are read from the uncertainty
run when stored there (``audit_sensitivity_store``), else computed on demand with a small Sobol' sample when the
estimated cost fits :data:`ON_DEMAND_BUDGET_SECONDS`; otherwise the page offers to compute and store them.
Nothing else is cached: ASEM's whole audit takes about a tenth of a second.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from dieuhanh.actions import action
from dieuhanh.audit.services import record
from dieuhanh.core import coin
from dieuhanh.core.coin import analysis
from dieuhanh.core.common.numerals import format_number, format_percent
from dieuhanh.errors import Invalid, NotFound
from dieuhanh.indices import selectors, services, tables
from dieuhanh.indices.models import Run, RunKind, RunStatus

#: Base sample of the Sobol' design computed on demand (``n · (inputs + 2)`` model evaluations).
ON_DEMAND_SENSITIVITY_N = 128
#: On-demand sensitivity is skipped (and offered as a stored computation) when its estimated cost exceeds this.
ON_DEMAND_BUDGET_SECONDS = 2.0
#: Points of the pilot evaluation that times the model before the on-demand estimate.
PILOT_POINTS = 32
#: Cronbach's alpha from which a group reads as coherent (the usual rule of thumb, JRC handbook).
ALPHA_COHERENT = 0.7

FLAG_LABELS = {
    "low_availability": _("Low availability (< 65 %)"),
    "skew_kurtosis": _("Skewed (|skewness| > 2 and kurtosis > 3.5)"),
    "many_zeros": _("Many zeros (< 50 % non-zero)"),
    "few_unique": _("Few distinct values (< 50 %)"),
    "collinear": _("Correlated above 0.9 with a sibling"),
    "negative_parent": _("Negatively correlated with its parent"),
}

#: The uncertain inputs of ``core/coin/uncertainty.py`` by name, for the sensitivity table ("weights (level N)" apart).
INPUT_LABELS = {
    "denominate": _("Denominators"), "screen": _("Screening of units"), "impute": _("Imputation of missing values"),
    "treat": _("Outlier treatment"), "normalise": _("Normalisation"), "aggregation": _("Aggregation method"),
}


def input_label(name: str) -> str:
    """The Vietnamese (active language) name of an uncertain input, e.g. "weights (level 2)" → "Trọng số cấp 2"."""
    if name.startswith("weights (level ") and name.endswith(")"):
        return str(_("Weights, level %(level)s") % {"level": name[len("weights (level "):-1]})
    return str(INPUT_LABELS.get(name, name))


@dataclass
class Audit:
    run: Run
    tree: coin.Framework
    names: dict[str, str]                    # iCode → name
    statistics: pd.DataFrame                 # analysis.statistics_table, index iCode
    treatment: pd.DataFrame                  # the pipeline's treatment report (empty without a treat step)
    correlations: pd.DataFrame               # analysis.correlations (long form)
    matrix: pd.DataFrame                     # correlation matrix of normalised indicators and aggregates
    groups: pd.DataFrame                     # analysis.group_table, index iCode
    effective: pd.DataFrame                  # analysis.effective_weights, index iCode
    matches_run: bool
    uncertainty: Run | None = None
    sensitivity: pd.DataFrame | None = None  # Input, Si, SiConf, STi, STiConf, Evaluations
    removal: pd.DataFrame | None = None      # index Removed: MeanAbsShift, MedianAbsShift, MaxAbsShift, UnitsMoved
    sensitivity_source: str | None = None    # "stored" | "computed" | "deferred" | "failed" | None (no uncertainty run)
    sensitivity_n: int | None = None
    estimated_seconds: float | None = None   # the on-demand estimate when deferred
    sensitivity_error: str = ""              # why the uncertainty model could not be built ("failed")
    seconds: float = 0.0

    @property
    def treated(self) -> list[str]:
        if self.treatment.empty:
            return []
        return self.treatment.loc[self.treatment["treated"].astype(bool), "iCode"].tolist()

    def statistics_rows(self) -> list[dict]:
        """The statistics table for the page: one dict per indicator with its name and flag codes."""
        rows = _records(self.statistics.reset_index())
        for row in rows:
            row["iName"] = self.names.get(row["iCode"], row["iCode"])
            row["flags"] = [f.strip() for f in (row["Flags"] or "").split(",") if f.strip()]
            row["shown"] = {k: significant(row[k]) for k in ("Min", "Max", "Mean", "SD")}
            row["shown"]["Availability"] = "—" if row["Availability"] is None else \
                format_percent(row["Availability"], 0, get_language(), ratio=True)
        return rows

    def treatment_rows(self) -> list[dict]:
        """The indicators the treatment step changed (winsorised or log-transformed), with their names."""
        if self.treatment.empty:
            return []
        rows = _records(self.treatment[self.treatment["treated"].astype(bool)])
        for row in rows:
            row["iName"] = self.names.get(row["iCode"], row["iCode"])
        return rows

    def group_rows(self) -> list[dict]:
        rows = _records(self.groups.reset_index())
        for row in rows:
            row["iName"] = self.names.get(row["iCode"], row["iCode"])
            row["coherent"] = row["CronbachAlpha"] is not None and row["CronbachAlpha"] >= ALPHA_COHERENT
        return rows

    def effective_rows(self) -> list[dict]:
        rows = _records(self.effective.reset_index())
        for row in rows:
            row["iName"] = self.names.get(row["iCode"], row["iCode"])
        return rows

    def sensitivity_rows(self) -> list[dict]:
        rows = _records(self.sensitivity) if self.sensitivity is not None else []
        for row in rows:
            row["label"] = input_label(row["Input"])
        return rows

    def removal_rows(self) -> list[dict]:
        if self.removal is None:
            return []
        rows = _records(self.removal.reset_index())
        for row in rows:
            row["iName"] = self.names.get(row["Removed"], row["Removed"])
        return rows

    @property
    def points_winsorised(self) -> int:
        return int(self.treatment["winsorised"].sum()) if len(self.treatment) else 0

    @property
    def log_transformed(self) -> list[str]:
        if self.treatment.empty:
            return []
        return self.treatment.loc[self.treatment["log_transformed"].astype(bool), "iCode"].tolist()

    def heatmaps(self) -> dict:
        """Correlations for the charts: every indicator against every parent of indicators (its own parent marked),
        and for each aggregate the matrix of its children and itself."""
        r = self.matrix
        parents = list(dict.fromkeys(self.tree.parent(c) for c in self.tree.indicators))
        inds = list(self.tree.indicators)
        overview = {
            "rows": inds, "cols": parents,
            "rowNames": [self.names.get(c, c) for c in inds], "colNames": [self.names.get(c, c) for c in parents],
            "values": [[j, i, _num(r.at[a, p])] for i, a in enumerate(inds) for j, p in enumerate(parents)],
            "own": [[parents.index(self.tree.parent(a)), i] for i, a in enumerate(inds)],
        }
        groups = []
        for agg in self.tree.aggregates:
            codes = self.tree.children(agg) + [agg]
            groups.append({"code": agg, "name": self.names.get(agg, agg), "codes": codes,
                           "values": [[j, i, _num(r.at[a, b])] for i, a in enumerate(codes) for j, b in enumerate(codes)]})
        return {"overview": overview, "groups": groups}

    def weights_chart(self) -> dict:
        e = self.effective
        return {"codes": list(e.index), "names": [self.names.get(c, c) for c in e.index], "parents": list(e["Parent"]),
                "nominal": [_num(v) for v in e["NominalShare"]], "effective": [_num(v) for v in e["EffectiveWeight"]]}

    def as_dict(self) -> dict:
        """The audit as JSON (the API's answer): the same tables as the page, NaN as null."""
        stats = self.statistics.reset_index()
        stats.insert(1, "iName", [self.names.get(c, c) for c in stats["iCode"]])
        groups = self.groups.reset_index()
        groups["Coherent"] = groups["CronbachAlpha"] >= ALPHA_COHERENT
        return {
            "run": self.run.pk, "year": self.run.year, "dataset": self.run.dataset.code,
            "methodology": self.run.methodology.code, "methodology_version": self.run.methodology.version,
            "matches_run": self.matches_run, "seconds": self.seconds,
            "statistics": _records(stats),
            "treatment": {"treated": self.treated, "points": self.points_winsorised, "log_transformed": self.log_transformed,
                          "rows": _records(self.treatment)},
            "correlations": _records(self.correlations),
            "heatmaps": self.heatmaps(),
            "groups": _records(groups),
            "effective_weights": _records(self.effective.reset_index()),
            "uncertainty_run": self.uncertainty.pk if self.uncertainty else None,
            "sensitivity_source": self.sensitivity_source, "sensitivity_n": self.sensitivity_n,
            "estimated_seconds": self.estimated_seconds, "sensitivity_error": self.sensitivity_error,
            "sensitivity": _records(self.sensitivity) if self.sensitivity is not None else None,
            "pillar_removal": _records(self.removal.reset_index()) if self.removal is not None else None,
        }


def significant(v: float | None, digits: int = 3) -> str:
    """A value with ``digits`` significant digits (whole numbers kept whole) in the active language's format
    (1.754 and 0,0154 in Vietnamese): indicator units range from per-capita shares to thousands."""
    if v is None:
        return "—"
    if v == 0:
        return "0"
    decimals = min(6, max(0, digits - 1 - math.floor(math.log10(abs(v)))))
    return format_number(round(v, decimals), decimals, get_language())


def _num(v) -> float | None:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) or math.isinf(f) else f


def _records(frame: pd.DataFrame) -> list[dict]:
    out = []
    for row in frame.to_dict("records"):
        clean = {}
        for k, v in row.items():
            if isinstance(v, (np.bool_, bool)):
                clean[k] = bool(v)
            elif isinstance(v, (np.integer, int)) and not isinstance(v, bool):
                clean[k] = int(v)
            elif isinstance(v, (np.floating, float)):
                clean[k] = _num(v)
            elif v is pd.NA or v is None:
                clean[k] = None
            else:
                clean[k] = v
        out.append(clean)
    return out


def _auditable(run: Run) -> None:
    if run.kind != RunKind.PIPELINE or run.status != RunStatus.DONE:
        raise NotFound(f"run {run.pk} is not a finished index computation", code="no_audit")


def run_audit(run: Run, *, sensitivity: bool = True) -> Audit:
    """The audit of a finished index computation (``NotFound`` for an uncertainty run or a failed one)."""
    _auditable(run)
    started = time.perf_counter()
    tree = tables.coin_framework(run.framework)
    result = selectors.compute(run.framework, run.dataset, run.methodology, run.year)
    ds = result.datasets
    before = ds.get("Denominated", ds["Raw"])  # reported data: availability means what units reported
    scores = analysis.scores_frame(ds, tree)
    names = {e.code: e.name for e in tree.elements}
    audit = Audit(
        run=run, tree=tree, names=names,
        statistics=analysis.statistics_table(before, tree, scores=scores),
        treatment=result.treatment.reset_index(drop=True) if result.treatment is not None else pd.DataFrame(),
        correlations=analysis.correlations(scores, tree),
        matrix=scores.corr(),
        groups=analysis.group_table(scores, tree),
        effective=analysis.effective_weights(scores, tree),
        matches_run=_matches(run, result, tree),
    )
    if sensitivity:
        _add_sensitivity(audit, tables.unit_data_of(run.dataset, tree, run.year), result)
    audit.seconds = time.perf_counter() - started
    return audit


def _matches(run: Run, result: coin.Result, tree: coin.Framework) -> bool:
    stored = selectors.scores_frame(run)
    fresh = result.results.set_index("uCode") if "uCode" in result.results.columns else result.results
    if stored.empty or tree.top not in stored.columns:
        return False
    a, b = stored[tree.top].sort_index(), fresh[tree.top].reindex(stored.index).sort_index()
    return bool(np.allclose(a.to_numpy(float), b.to_numpy(float), rtol=0, atol=1e-9, equal_nan=True))


def _uncertainty_options(unc: Run) -> dict:
    return {k: v for k, v in (unc.options or {}).items() if k not in ("replications", "seed", "audit")}


def _model(unc: Run, tree: coin.Framework, data: coin.UnitData):
    from dieuhanh.core.coin.uncertainty import UncertaintyModel, UncertaintyOptions

    try:
        return UncertaintyModel(tree, data, coin.load_pipeline(unc.methodology.steps),
                                UncertaintyOptions.load(_uncertainty_options(unc) or None))
    except coin.FrameworkError as exc:
        raise tables.invalid_from(exc, what="uncertainty") from None


def _removal(model, tree: coin.Framework) -> pd.DataFrame:
    from dieuhanh.core.coin.sensitivity import pillar_removal

    agg = model.nominal_aggregation
    level = min(model.options.removal_level, tree[model.target].level - 1)
    _, summary = pillar_removal(pd.DataFrame(model.nominal_x, index=model.units, columns=tree.indicators), tree,
                                level=level, method=list(agg.methods), p=agg.p, min_availability=agg.min_availability,
                                weights=model.weight_overrides, target=model.target)
    return summary


def _add_sensitivity(audit: Audit, data: coin.UnitData, result: coin.Result) -> None:
    from dieuhanh.core.coin.sensitivity import coin_sensitivity

    unc = selectors.uncertainty_for(audit.run)
    audit.uncertainty = unc
    if unc is None:
        return
    stored = (unc.options or {}).get("audit")
    if stored:
        audit.sensitivity = pd.DataFrame(stored["sensitivity"])
        audit.removal = pd.DataFrame(stored["pillar_removal"]).set_index("Removed")
        audit.sensitivity_source, audit.sensitivity_n = "stored", stored["n"]
        return
    t0 = time.perf_counter()
    try:
        model = _model(unc, audit.tree, data)
    except Invalid as exc:  # the uncertainty options do not fit these data: the rest of the audit still stands
        audit.sensitivity_source = "failed"
        audit.sensitivity_error = exc.message
        return
    groups = len(dict.fromkeys(i.group for i in model.inputs))
    evaluations = ON_DEMAND_SENSITIVITY_N * (groups + 2)
    pilot = np.random.default_rng(0).random((PILOT_POINTS, model.dimension))
    t1 = time.perf_counter()
    model.evaluate(pilot)
    per_point = (time.perf_counter() - t1) / PILOT_POINTS
    estimate = (time.perf_counter() - t0) + per_point * evaluations
    if estimate > ON_DEMAND_BUDGET_SECONDS:
        audit.sensitivity_source, audit.estimated_seconds = "deferred", estimate
        return
    seed = int((unc.options or {}).get("seed", 0))
    audit.sensitivity = coin_sensitivity(model, n=ON_DEMAND_SENSITIVITY_N, seed=seed)
    audit.removal = _removal(model, audit.tree)
    audit.sensitivity_source, audit.sensitivity_n = "computed", ON_DEMAND_SENSITIVITY_N


# ---------------------------------------------------------------- storing a sensitivity analysis too slow to show
# (its authorisation function is indices/auth.py: audit_sensitivity_store)


@action
def audit_sensitivity_store(*, actor, run: Run, replications: int = 200, n: int | None = None) -> Run:
    """Run the uncertainty analysis of ``run`` as a new uncertainty run and store beside its rank intervals the
    sensitivity indices (Sobol' base sample ``n``, default the methodology's ``sensitivity.n``) and the
    pillar-removal summary, so the audit reads them instead of computing them."""
    from dieuhanh.core.coin.sensitivity import coin_sensitivity

    _auditable(run)
    unc = services.uncertainty_run(actor=actor, framework=run.framework, dataset=run.dataset, methodology=run.methodology,
                                   year=run.year, replications=replications)
    if unc.status != RunStatus.DONE:
        return unc
    tree = tables.coin_framework(run.framework)
    model = _model(unc, tree, tables.unit_data_of(run.dataset, tree, run.year))
    n = int(n or model.options.sensitivity_n)
    try:
        sens = coin_sensitivity(model, n=n, seed=int(unc.options.get("seed", 0)))
    except coin.FrameworkError as exc:
        raise tables.invalid_from(exc, what="sensitivity") from None
    removal = _removal(model, tree)
    unc.options = {**unc.options, "audit": {"n": n, "sensitivity": _records(sens),
                                            "pillar_removal": _records(removal.reset_index())}}
    unc.save(update_fields=["options"])
    record(actor=actor, action="audit_sensitivity_store", obj=unc, unit=run.framework.owner, object_type="index_run",
           changes={"sensitivity_n": [None, n]}, note=f"{run.framework.code}: sensitivity of run {run.pk} stored in run {unc.pk}")
    return unc
