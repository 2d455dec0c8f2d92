"""Statistical audit of a composite index (JRC/COINr): indicator statistics, correlations, Cronbach's alpha,
PCA per group and effective weights.

Every function is a pure function over DataFrames indexed by ``uCode`` whose columns are iCodes, plus the
:class:`~.framework.Framework` that says which column belongs to which group. Nothing is computed per unit in
Python: statistics are column operations, correlations one matrix.

Conventions (documented once, used everywhere here):

* **Skewness, kurtosis**: pandas ``skew()``/``kurt()`` — sample skewness G1 and *excess* kurtosis G2 (the same
  numbers as COINr's ``skew``/``kurt`` and Excel's SKEW/KURT); the JRC outlier flag is ``|skew| > 2 and
  kurt > 3.5`` (official-methods §7).
* **Flags** follow COINr's ``get_stats`` thresholds: availability < 0.65, share of non-zero values (over all
  units) < 0.5, share of unique values < 0.5; plus two audit flags from COINr's ``get_corr_flags``: an
  indicator correlated above 0.9 with a sibling in the same group (possible double counting), and an indicator
  negatively correlated with its parent.
* **Directions**: raw values are multiplied by their direction (−1 for "less is better") before any
  correlation, so "correlated with its parent" means "pulls the parent up". Normalised and aggregated data
  already carry directions and are used as they are.
* **Missing values**: statistics use the available values of each column; correlations use pairwise-complete
  observations (COINr ``use = "pairwise.complete.obs"``); Cronbach's alpha and PCA use the units complete on
  the group's children (listwise).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from .framework import Framework, FrameworkError

#: COINr ``get_stats`` defaults and the JRC outlier rule.
T_AVAILABILITY = 0.65
T_SKEW = 2.0
T_KURT = 3.5
T_NONZERO = 0.5
T_UNIQUE = 0.5
T_COLLINEAR = 0.9
CORRELATION_METHODS = ("pearson", "spearman")


# --- statistics table -------------------------------------------------------------------------------------------

def statistics_table(values: pd.DataFrame, framework: Framework, *, scores: pd.DataFrame | None = None,
                     t_availability: float = T_AVAILABILITY, t_skew: float = T_SKEW, t_kurt: float = T_KURT,
                     t_nonzero: float = T_NONZERO, t_unique: float = T_UNIQUE, t_collinear: float = T_COLLINEAR,
                     method: str = "pearson") -> pd.DataFrame:
    """One row per indicator (index ``iCode``, framework order) with its statistics and audit flags.

    ``values``: indicator data (raw or denominated, before imputation, so availability means reported data).
    ``scores``: optional normalised + aggregated data (columns = aggregate codes); when given, ``CorrParent`` is
    the correlation of the direction-adjusted indicator with its parent aggregate and ``FlagNegativeParent`` is
    set when it is below zero.

    Columns: ``Parent, N, Availability, Min, Max, Mean, Median, SD, Skewness, Kurtosis, NonZeroShare,
    UniqueShare, CorrParent, Collinear`` (semicolon-separated siblings with r > ``t_collinear``), the boolean
    flags ``FlagAvailability, FlagSkewKurt, FlagZeros, FlagUnique, FlagCollinear, FlagNegativeParent`` and
    ``Flags`` (their names, comma-separated, empty when none).
    """
    _check_method(method)
    x = _indicator_frame(values, framework)
    n_units = len(x)
    if n_units == 0:
        raise FrameworkError("empty", "No units to compute statistics over.", None)
    n = x.count()
    nonzero = (x.ne(0) & x.notna()).sum()
    unique = x.nunique(dropna=True)
    out = pd.DataFrame({
        "Parent": [framework.parent(c) for c in x.columns],
        "N": n.astype("int64"),
        "Availability": n / n_units,
        "Min": x.min(),
        "Max": x.max(),
        "Mean": x.mean(),
        "Median": x.median(),
        "SD": x.std(ddof=1),
        "Skewness": x.skew(),
        "Kurtosis": x.kurt(),
        "NonZeroShare": nonzero / n_units,
        "UniqueShare": unique / n_units,
    }, index=pd.Index(x.columns, name="iCode"))

    adjusted = x * pd.Series(framework.directions())[x.columns]
    corr = adjusted.corr(method=method)
    collinear = []
    for code in x.columns:
        sibs = [s for s in framework.children(framework.parent(code)) if s != code]
        r = corr.loc[code, sibs]
        collinear.append(";".join(r.index[r > t_collinear]))
    out["Collinear"] = collinear

    if scores is not None:
        parents = out["Parent"].tolist()
        missing = sorted({p for p in parents if p not in scores.columns})
        if missing:
            raise FrameworkError("missing_aggregate",
                                 f"Aggregate {missing[0]} is not in the scores passed to statistics_table.",
                                 missing[0])
        # parents are aggregates, so their codes never clash with indicator columns
        both = adjusted.join(scores[list(dict.fromkeys(parents))], how="inner")
        out["CorrParent"] = [float(both[c].corr(both[p], method=method)) for c, p in zip(x.columns, parents)]
    else:
        out["CorrParent"] = np.nan

    out["FlagAvailability"] = out["Availability"] < t_availability
    out["FlagSkewKurt"] = (out["Skewness"].abs() > t_skew) & (out["Kurtosis"] > t_kurt)
    out["FlagZeros"] = out["NonZeroShare"] < t_nonzero
    out["FlagUnique"] = out["UniqueShare"] < t_unique
    out["FlagCollinear"] = out["Collinear"] != ""
    out["FlagNegativeParent"] = out["CorrParent"] < 0
    labels = {"FlagAvailability": "low_availability", "FlagSkewKurt": "skew_kurtosis", "FlagZeros": "many_zeros",
              "FlagUnique": "few_unique", "FlagCollinear": "collinear", "FlagNegativeParent": "negative_parent"}
    flags = out[list(labels)].to_numpy()
    names = np.array(list(labels.values()))
    out["Flags"] = [", ".join(names[row]) for row in flags]
    return out


# --- correlations -----------------------------------------------------------------------------------------------

def correlations(scores: pd.DataFrame, framework: Framework, *, method: str = "pearson") -> pd.DataFrame:
    """Correlations within and across levels, in long form.

    ``scores``: normalised indicators and aggregate scores side by side (index uCode, columns iCodes; directions
    already applied). Rows: every pair of siblings (same parent, each pair once: ``Relation = "sibling"``) and
    every element with its parent (``"parent"``) and each further ancestor up to the index (``"ancestor"``).
    Columns: ``iCode, Level, Other, OtherLevel, Relation, Correlation`` (pairwise-complete, ``method`` =
    ``"pearson"`` or ``"spearman"``).
    """
    _check_method(method)
    codes = _tree_codes(scores, framework)
    corr = scores[codes].corr(method=method)
    pos = {c: i for i, c in enumerate(codes)}
    r = corr.to_numpy()
    rows: list[tuple] = []
    level = {c: framework[c].level for c in codes}
    for parent in framework.aggregates:
        kids = framework.children(parent)
        for i, a in enumerate(kids):
            for b in kids[i + 1:]:
                rows.append((a, level[a], b, level[b], "sibling", r[pos[a], pos[b]]))
    for c in codes:
        for k, anc in enumerate(framework.ancestors(c)):
            rows.append((c, level[c], anc, level[anc], "parent" if k == 0 else "ancestor", r[pos[c], pos[anc]]))
    out = pd.DataFrame(rows, columns=["iCode", "Level", "Other", "OtherLevel", "Relation", "Correlation"])
    order = {"sibling": 0, "parent": 1, "ancestor": 2}
    return out.sort_values(["Level", "Relation", "iCode", "OtherLevel"], key=lambda s: s.map(order) if
                           s.name == "Relation" else s, kind="stable").reset_index(drop=True)


# --- groups: Cronbach's alpha and PCA -----------------------------------------------------------------------------

def cronbach_alpha(values: pd.DataFrame | np.ndarray) -> float:
    """Cronbach's alpha of the columns of ``values`` over the complete rows:
    ``k / (k − 1) · (1 − Σ var(x_j) / var(Σ_j x_j))`` (sample variances). NaN with fewer than two columns, two
    complete rows, or a constant total."""
    a = _complete(values)
    k = a.shape[1]
    if k < 2 or a.shape[0] < 2:
        return float("nan")
    total_var = a.sum(axis=1).var(ddof=1)
    if total_var == 0:
        return float("nan")
    return float(k / (k - 1) * (1 - a.var(axis=0, ddof=1).sum() / total_var))


def pca_variance(values: pd.DataFrame | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """PCA of the standardised columns (the correlation matrix, as COINr's ``prcomp(scale = TRUE)``) over the
    complete rows: the share of variance of each component (descending, sums to 1) and the loadings matrix
    (columns = components, rows = input columns; unit-length eigenvectors, each signed so its entries sum to a
    non-negative number). Constant columns carry no variance and get zero loadings."""
    a = _complete(values)
    k = a.shape[1]
    if a.shape[0] < 2 or k == 0:
        return np.full(k, np.nan), np.full((k, k), np.nan)
    sd = a.std(axis=0, ddof=1)
    z = np.zeros_like(a)
    live = sd > 0
    z[:, live] = (a[:, live] - a[:, live].mean(axis=0)) / sd[live]
    cov = z.T @ z / (a.shape[0] - 1)
    eigval, eigvec = np.linalg.eigh(cov)
    order = np.argsort(eigval)[::-1]
    eigval = np.clip(eigval[order], 0, None)
    eigvec = eigvec[:, order]
    eigvec *= np.where(eigvec.sum(axis=0) < 0, -1.0, 1.0)
    total = eigval.sum()
    share = eigval / total if total > 0 else np.full(k, np.nan)
    return share, eigvec


def group_table(scores: pd.DataFrame, framework: Framework) -> pd.DataFrame:
    """One row per aggregate (index ``iCode``, by level): ``Level, Children, NComplete`` (units complete on the
    children), ``CronbachAlpha`` (≈ ≥ 0.7 reads as a coherent group), ``PC1Share`` (variance share of the first
    principal component), ``PC1Loadings`` (``child:loading`` pairs, semicolon-separated)."""
    rows = []
    for agg in framework.aggregates:
        kids = framework.children(agg)
        missing = [c for c in kids if c not in scores.columns]
        if missing:
            raise FrameworkError("missing_indicator", f"{missing[0]} (a child of {agg}) is not in the scores.",
                                 missing[0])
        sub = scores[kids]
        share, load = pca_variance(sub)
        rows.append({
            "iCode": agg, "Level": framework[agg].level, "Children": len(kids),
            "NComplete": int(sub.notna().all(axis=1).sum()),
            "CronbachAlpha": cronbach_alpha(sub),
            "PC1Share": float(share[0]) if len(share) else np.nan,
            "PC1Loadings": ";".join(f"{c}:{v:.4f}" for c, v in zip(kids, load[:, 0])) if len(share) else "",
        })
    return pd.DataFrame(rows).set_index("iCode")


# --- effective weights --------------------------------------------------------------------------------------------

def effective_weights(scores: pd.DataFrame, framework: Framework, *, method: str = "pearson") -> pd.DataFrame:
    """How much each element actually drives its parent and the index, against its nominal weight.

    The JRC measure of importance (Paruolo, Saisana & Saltelli 2013, "Ratings and rankings: voodoo or
    science?") is the correlation ratio ``S_i = V(E[y | x_i]) / V(y)`` of the aggregate ``y`` on the child
    ``x_i``; under the linear approximation it is the squared Pearson correlation ``r²(x_i, y)``, which is what
    is computed here. Normalised over the children of one parent (``EffectiveWeight = S_i / Σ_siblings S_j``) it
    is comparable with the nominal weight share (``NominalShare = w_i / Σ_siblings w_j``): an element whose
    effective weight is far below its nominal share is "silent" in the index whatever its weight says.

    Columns per non-root element (index ``iCode``): ``Level, Parent, NominalShare, CorrParent, CorrRatio``
    (= r² with the parent), ``EffectiveWeight``, ``CorrIndex`` (r with the index), ``IndexShare`` (r² with the
    index normalised over the elements of the same level).
    """
    _check_method(method)
    codes = _tree_codes(scores, framework)
    corr = scores[codes].corr(method=method)
    w = framework.weights()
    rows = []
    for code in codes:
        parent = framework.parent(code)
        if parent is None:
            continue
        sibs = framework.children(parent)
        total_w = sum(w[s] for s in sibs)
        rows.append({"iCode": code, "Level": framework[code].level, "Parent": parent,
                     "NominalShare": w[code] / total_w if total_w > 0 else np.nan,
                     "CorrParent": corr.loc[code, parent], "CorrIndex": corr.loc[code, framework.top]})
    out = pd.DataFrame(rows).set_index("iCode")
    out["CorrRatio"] = out["CorrParent"] ** 2
    out["EffectiveWeight"] = out["CorrRatio"] / out.groupby("Parent")["CorrRatio"].transform("sum")
    sq_index = out["CorrIndex"] ** 2
    out["IndexShare"] = sq_index / sq_index.groupby(out["Level"]).transform("sum")
    return out[["Level", "Parent", "NominalShare", "CorrParent", "CorrRatio", "EffectiveWeight", "CorrIndex",
                "IndexShare"]]


def scores_frame(datasets: Mapping[str, pd.DataFrame], framework: Framework) -> pd.DataFrame:
    """Normalised indicators and aggregate scores side by side, from a pipeline result's ``datasets``
    (``Normalised`` then ``Aggregated``; whichever holds a column first wins)."""
    parts = [datasets[k] for k in ("Aggregated", "Normalised") if k in datasets]
    if not parts:
        raise FrameworkError("missing_dataset", "The pipeline produced no normalised or aggregated data.", None)
    out = parts[0]
    for p in parts[1:]:
        out = out.join(p[[c for c in p.columns if c not in out.columns]], how="outer")
    keep = [c for c in framework.indicators + framework.aggregates if c in out.columns]
    return out[keep]


# --- helpers ----------------------------------------------------------------------------------------------------

def _check_method(method: str) -> None:
    if method not in CORRELATION_METHODS:
        raise FrameworkError("bad_option", f"Correlation method {method!r} is not one of "
                             f"{', '.join(CORRELATION_METHODS)}.", "method")


def _indicator_frame(values: pd.DataFrame, framework: Framework) -> pd.DataFrame:
    missing = [c for c in framework.indicators if c not in values.columns]
    if missing:
        raise FrameworkError("missing_indicator", f"Indicator {missing[0]} is not in the data.", missing[0])
    x = values[framework.indicators]
    bad = [c for c in x.columns if not pd.api.types.is_numeric_dtype(x[c])]
    if bad:
        raise FrameworkError("non_numeric", f"Indicator {bad[0]} has non-numeric values.", bad[0])
    return x.astype("float64")


def _tree_codes(scores: pd.DataFrame, framework: Framework) -> list[str]:
    codes = framework.indicators + framework.aggregates
    missing = [c for c in codes if c not in scores.columns]
    if missing:
        raise FrameworkError("missing_indicator", f"{missing[0]} is not in the scores (pass normalised "
                             "indicators and every aggregate).", missing[0])
    return codes


def _complete(values: pd.DataFrame | np.ndarray) -> np.ndarray:
    a = values.to_numpy(dtype="float64") if isinstance(values, pd.DataFrame) else np.asarray(values, dtype="float64")
    if a.ndim != 2:
        raise ValueError("expected a two-dimensional table")
    return a[~np.isnan(a).any(axis=1)]
