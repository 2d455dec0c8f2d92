"""The pipeline steps of a composite index, each a pure function over a DataFrame (index uCode, columns iCodes).

Every step works on whole columns at once (numpy/pandas): no Python loop over units. The behaviour follows COINr
(the JRC's R package, github.com/bluefoxr/COINr), read from its source; each function cites the file it follows
and says where this engine deliberately differs.

- :func:`denominate` — ``R/denominate.R: Denominate.data.frame``: ``x / (denominator / ScaleFactor)``, ScaleFactor 1.
  Difference: a zero denominator gives a missing value (COINr gives ±Inf, or NaN for 0/0).
- :func:`screen` — ``R/screen_units.R: Screen.data.frame, get_data_avail.data.frame``: availability =
  1 − (#NA / #indicators); a unit is kept when availability ≥ threshold (``LowData = Dat_Avail < dat_thresh``);
  non-zero share = 1 − #zeros / #non-NA (``byzeros`` screens units below ``nonzero_thresh``, default 0.05);
  forced inclusion/exclusion overrides both.
- :func:`impute` — ``R/impute.R: i_mean, i_median, i_mean_grp, i_median_grp, impute_panel``: column-wise; a group
  whose values are all missing stays missing (``mean(NA, na.rm=TRUE)`` is NaN); a unit with no group label is
  left as it is (``skip_f_na = TRUE``); panel imputation copies the latest earlier value of the same unit.
- :func:`treat` — ``R/treat.R: Treat.numeric, winsorise, log_CT, check_SkewKurt, skew, kurt`` (see there).
- :func:`normalise` — ``R/normalise.R: Normalise.numeric, n_minmax, n_zscore, n_rank, n_prank, n_dist2targ,
  n_goalposts``: the direction multiplies the values first (``x <- x*direction``), then the method applies.
- :func:`aggregate` — ``R/aggregate.R: Aggregate.coin, a_amean, a_gmean, a_hmean``: level by level with the
  ``iMeta`` weights; missing children and their weights drop out and the rest are rescaled to sum to one; all
  children missing gives a missing aggregate.
- :func:`rank` — higher is better, ties share the best rank (``rank(-x, ties.method = "min")``).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from .framework import Framework, FrameworkError

NORMALISE_METHODS = ("minmax", "zscore", "rank", "percentile", "target", "goalposts", "none")
AGGREGATE_METHODS = ("arithmetic", "geometric", "harmonic", "generalised")
IMPUTE_METHODS = ("none", "mean", "median", "group_mean", "group_median", "latest")
SCREEN_BY = ("missing", "zeros", "missing_or_zeros")


# --- denominate ---------------------------------------------------------------------------------------------------

def denominate(values: pd.DataFrame, denominators: pd.DataFrame, framework: Framework,
               *, scale: Mapping[str, float] | None = None) -> pd.DataFrame:
    """Divide each indicator that names a ``Denominator`` in the framework by that column.

    ``scale`` (per indicator, default 1) multiplies the result, as COINr's ``ScaleFactor`` (which divides the
    denominator). A missing or zero denominator leaves the value missing.
    """
    cols = list(values.columns)
    den, has = denominator_matrix(cols, denominators.reindex(values.index), framework)
    out = denominate_array(values.to_numpy(dtype=float), den, has, scale_vector(cols, scale))
    return pd.DataFrame(out, index=values.index, columns=cols)


def denominator_matrix(cols: Sequence[str], denominators: pd.DataFrame, framework: Framework
                       ) -> tuple[np.ndarray, np.ndarray]:
    """(n × m denominators aligned with ``cols``, which columns have one); unknown columns raise."""
    has = np.array([c in framework and framework[c].denominator is not None for c in cols], dtype=bool)
    names = list(denominators.columns)
    table = denominators.to_numpy(dtype=float)
    den = np.full((len(denominators), len(cols)), np.nan)
    for j, c in enumerate(cols):
        if has[j]:
            d = framework[c].denominator
            if d not in names:
                raise FrameworkError("missing_denominator", f"{c}: denominator column {d!r} is not in the data.",
                                     c)
            den[:, j] = table[:, names.index(d)]
    return den, has


def scale_vector(cols: Sequence[str], scale: Mapping[str, float] | None) -> np.ndarray:
    return np.array([float((scale or {}).get(c, 1.0)) for c in cols])


def denominate_array(x: np.ndarray, den: np.ndarray, has: np.ndarray, factor: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        q = np.where(den == 0, np.nan, x / den) * factor
    return np.where(has, q, x)


# --- screen -------------------------------------------------------------------------------------------------------

def screen(values: pd.DataFrame, *, min_availability: float = 2 / 3, zeros_as_missing: bool = False,
           include: Iterable[str] = (), exclude: Iterable[str] = (), by: str = "missing",
           min_nonzero: float = 0.05) -> tuple[pd.DataFrame, list[str]]:
    """Keep the units with enough data. Returns (kept rows, excluded uCodes in data order).

    ``by="missing"`` (COINr ``byNA``) drops units whose share of available indicators is below
    ``min_availability`` (COINr default 2/3); ``zeros_as_missing`` counts zeros as missing in that share.
    ``by="zeros"`` (``byzeros``) drops units whose share of non-zero values among available ones is below
    ``min_nonzero``; ``by="missing_or_zeros"`` drops on either rule. ``include``/``exclude`` force units in or out
    (unknown codes raise ``unknown_unit``).
    """
    check_screen_options(by, min_availability, min_nonzero)
    keep = screen_mask(values.to_numpy(dtype=float), min_availability=min_availability,
                       zeros_as_missing=zeros_as_missing, by=by, min_nonzero=min_nonzero)
    keep = force_units(keep, values.index, include, exclude)
    return values.loc[keep], list(values.index[~keep])


def force_units(keep: np.ndarray, index: pd.Index, include: Iterable[str], exclude: Iterable[str]) -> np.ndarray:
    """COINr ``Force``: listed units are kept or dropped whatever their data; unknown or doubly listed units raise."""
    include, exclude = list(include), list(exclude)
    for u in include + exclude:
        if u not in index:
            raise FrameworkError("unknown_unit", f"screen: unit {u!r} is not in the data.", u)
    both = set(include) & set(exclude)
    if both:
        u = sorted(both)[0]
        raise FrameworkError("bad_option", f"screen: unit {u} is both included and excluded.", u)
    keep = keep.copy()
    keep[index.isin(include)] = True
    keep[index.isin(exclude)] = False
    return keep


def check_screen_options(by: str, min_availability: float, min_nonzero: float) -> None:
    if by not in SCREEN_BY:
        raise FrameworkError("bad_option", f"screen: by must be one of {', '.join(SCREEN_BY)}, not {by!r}.",
                             "screen")
    for name, v in (("min_availability", min_availability), ("min_nonzero", min_nonzero)):
        if not 0 <= float(v) <= 1:
            raise FrameworkError("bad_option", f"screen: {name} must be between 0 and 1, not {v!r}.", "screen")


def screen_mask(x: np.ndarray, *, min_availability: float, zeros_as_missing: bool, by: str,
                min_nonzero: float) -> np.ndarray:
    """Which rows pass the availability rule (before forced inclusion/exclusion)."""
    m = x.shape[1]
    n_na = np.isnan(x).sum(axis=1)
    n_zero = (x == 0).sum(axis=1)
    missing = n_na + (n_zero if zeros_as_missing else 0)
    availability_ = 1 - missing / m
    with np.errstate(divide="ignore", invalid="ignore"):
        nonzero = 1 - n_zero / (m - n_na)
    low_data = availability_ < min_availability
    low_nonzero = (nonzero < min_nonzero) | (m - n_na == 0)
    if by == "missing":
        drop = low_data
    elif by == "zeros":
        drop = low_nonzero
    else:
        drop = low_data | low_nonzero
    return ~drop


def availability(values: pd.DataFrame) -> pd.DataFrame:
    """Per unit: number missing, number of zeros, share available and share non-zero (COINr ``get_data_avail``)."""
    x = values.to_numpy(dtype=float)
    na = np.isnan(x)
    n_na = na.sum(axis=1)
    n_zero = (x == 0).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        nonzero = 1 - n_zero / (x.shape[1] - n_na)
    return pd.DataFrame({"missing": n_na, "zeros": n_zero, "availability": 1 - n_na / x.shape[1],
                         "nonzero": nonzero}, index=values.index)


# --- impute -------------------------------------------------------------------------------------------------------

def impute(values: pd.DataFrame, *, method: str = "mean", groups: pd.Series | None = None,
           time: pd.Series | None = None, max_time: int | None = None) -> pd.DataFrame:
    """Fill missing values column by column.

    ``mean``/``median``: the indicator's mean/median over all units. ``group_mean``/``group_median``: over the
    units of the same group (``groups``, aligned on the index); a unit without a group label and a group with no
    value at all stay missing. ``latest`` (panels): the same unit's latest earlier value (``time`` gives each row's
    year; at most ``max_time`` earlier rows back). ``none``: unchanged.
    """
    if method not in IMPUTE_METHODS:
        raise FrameworkError("bad_option", f"impute: method must be one of {', '.join(IMPUTE_METHODS)}, "
                             f"not {method!r}.", "impute")
    if method in ("group_mean", "group_median"):
        if groups is None:
            raise FrameworkError("bad_option", f"impute: {method} needs a grouping column.", "impute")
        g = pd.Series(groups)
        if not values.index.has_duplicates:
            g = g.reindex(values.index)
        codes = group_codes(g.to_numpy(dtype=object))
    else:
        codes = None
    if method == "latest":
        if time is None:
            raise FrameworkError("bad_option", "impute: latest needs a Time column (panel data).", "impute")
        t = np.asarray(time)
        order = np.lexsort((t, values.index.to_numpy()))  # by unit, then time
        filled = values.iloc[order].groupby(level=0, sort=False).ffill(limit=max_time)
        return filled.iloc[np.argsort(order)]
    out = impute_array(values.to_numpy(dtype=float), method, codes)
    return pd.DataFrame(out, index=values.index, columns=values.columns)


def group_codes(labels: np.ndarray) -> np.ndarray:
    """Integer group per row; -1 for a missing label (such rows are never imputed, COINr ``skip_f_na``)."""
    codes, _ = pd.factorize(pd.Series(labels, dtype=object), use_na_sentinel=True)
    return codes


def impute_array(x: np.ndarray, method: str, codes: np.ndarray | None = None) -> np.ndarray:
    """Column-wise fill by mean/median over all rows or within each group code (one pass per group)."""
    if method == "none":
        return x.copy()
    stat = np.nanmean if method in ("mean", "group_mean") else np.nanmedian
    out = x.copy()
    miss = np.isnan(x)
    if not miss.any():
        return out
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN column or group: stays missing
        if codes is None:
            return np.where(miss, stat(x, axis=0), x)
        for g in range(int(codes.max(initial=-1)) + 1):
            rows = codes == g
            block = x[rows]
            out[rows] = np.where(np.isnan(block), stat(block, axis=0), block)
    return out


def select_time(values: pd.DataFrame, time: pd.Series, year=None) -> tuple[pd.DataFrame, object]:
    """Rows of one year of a panel (default: the latest). Returns (rows, the year)."""
    mask, year = time_mask(np.asarray(time), year)
    return values.loc[mask], year


def time_mask(time: np.ndarray, year=None) -> tuple[np.ndarray, object]:
    """Which rows are of ``year`` (default the latest); a year without rows raises ``bad_option``."""
    year = time.max() if year is None else year
    mask = time == year
    if not mask.any():
        raise FrameworkError("bad_option", f"select_time: no data for Time = {year}.", "select_time")
    return mask, year


# --- treat (JRC outlier rule) -------------------------------------------------------------------------------------

def moments(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(skewness, kurtosis) of each column, NaN ignored — see :func:`skewness` and :func:`kurtosis`."""
    ok = ~np.isnan(x)
    n = ok.sum(axis=0).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(ok, x, 0.0).sum(axis=0) / n
        d = np.where(ok, x - mean, 0.0)
        d2 = d * d
        s2 = d2.sum(axis=0)
        s3 = (d2 * d).sum(axis=0)
        s4 = (d2 * d2).sum(axis=0)
        g1 = np.sqrt(n) * s3 / s2 ** 1.5 * np.sqrt(n * (n - 1)) / (n - 2)
        r = n * s4 / s2 ** 2
        g2 = ((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3))
    # a constant column has no spread: R's two-pass mean makes d exactly 0 there, a one-pass mean may not
    flat = (s2 == 0) | (np.where(ok, x, -np.inf).max(axis=0, initial=-np.inf)
                        == np.where(ok, x, np.inf).min(axis=0, initial=np.inf))
    g1[(n < 3) | flat] = np.nan
    g2[(n < 4) | flat] = np.nan
    return g1, g2


def skewness(x: np.ndarray) -> np.ndarray:
    """Sample skewness G1 of each column, NaN ignored (= pandas ``skew()``, e1071 type 2, COINr ``skew``).

    ``sqrt(n)·Σd³/(Σd²)^1.5 · sqrt(n(n−1))/(n−2)`` with ``d = x − mean``; NaN when n < 3 or the column is constant.
    """
    return moments(x)[0]


def kurtosis(x: np.ndarray) -> np.ndarray:
    """Sample excess kurtosis G2 of each column, NaN ignored (= pandas ``kurt()``, e1071 type 2, COINr ``kurt``).

    ``r = n·Σd⁴/(Σd²)²``; ``((n+1)(r−3)+6)(n−1)/((n−2)(n−3))``; NaN when n < 4 or the column is constant.
    """
    return moments(x)[1]


def _passes(s: np.ndarray, k: np.ndarray, skew: float, kurt: float) -> np.ndarray:
    """COINr ``check_SkewKurt``: pass when |skew| < threshold OR kurtosis < threshold.

    When a moment is undefined (a constant column; fewer than 3 points for skewness, 4 for kurtosis) and the other
    does not pass, R's test is NA and ``Treat.numeric`` returns the column untreated; here that counts as passing.
    """
    with np.errstate(invalid="ignore"):
        ok = (np.abs(s) < skew) | (k < kurt)
    return ok | np.isnan(s) | np.isnan(k)


TREATMENT_COLUMNS = ["iCode", "n", "skew", "kurtosis", "treated", "winsorised", "winsorised_high",
                     "winsorised_low", "log_transformed", "skew_after", "kurtosis_after", "passes_after"]


def treat(values: pd.DataFrame, *, skew: float = 2.0, kurt: float = 3.5, winmax: int | None = 5,
          log_fallback: bool = True, combine: bool = False, skip: Iterable[str] = ()
          ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """JRC/COINr outlier treatment. Returns (treated values, one report row per indicator).

    Follows ``R/treat.R`` (COINr 1.x, defaults ``winmax = 5, skew_thresh = 2, kurt_thresh = 3.5``, ``f2 = log_CT``):

    1. An indicator *fails* when |skewness| ≥ ``skew`` **and** kurtosis ≥ ``kurt`` (``check_SkewKurt`` passes on
       ``abs(sk) < skew_thresh | kt < kurt_thresh``; sample skewness and excess kurtosis, NaN skipped).
       official-methods §7 says "> 2 and > 3.5"; COINr treats at equality too, and the engine follows COINr.
    2. A failing indicator is winsorised one step at a time (``winsorise``): the sign of the skewness of the
       *current* values picks the side (skew ≥ 0 → the highest values, else the lowest); every point equal to the
       extreme is set to the next value inside (``x[imax] <- max(x[-imax])``), so ties move together, and points
       winsorised before (now tied at the new extreme) move again. Skewness and kurtosis are recomputed after each
       step; the loop stops when the indicator passes or the count of winsorised points reaches ``winmax``. The
       count is the size of the current high tie group plus the current low one (``nwin <- length(imax) +
       length(imin)``), i.e. every point changed so far; with ties it can step past ``winmax``.
    3. If the winsorised indicator still fails, the winsorised values are discarded and the ORIGINAL values go
       through ``log(x − min + 0.01·(max − min))`` (``log_CT``, ``combine_treat = FALSE``), whether or not that
       passes. ``combine=True`` applies the log to the winsorised values instead; ``log_fallback=False`` keeps the
       winsorised values.

    Indicators in ``skip`` are left untreated (COINr ``indiv_specs = list(code = "none")``). An indicator that
    winsorisation would flatten to a constant (skewness undefined) keeps its original values, as COINr returns
    ``x`` untreated when its check gives NA.
    """
    if winmax is not None and winmax < 0:
        raise FrameworkError("bad_option", f"treat: winmax must be ≥ 0, not {winmax!r}.", "treat")
    skip = set(skip)
    for c in skip:
        if c not in values.columns:
            raise FrameworkError("unknown_element", f"treat: {c!r} is not an indicator of the data.", c)
    consider = np.array([c not in skip for c in values.columns], dtype=bool)
    out, rep = treat_array(values.to_numpy(dtype=float), skew=skew, kurt=kurt, winmax=winmax,
                           log_fallback=log_fallback, combine=combine, consider=consider)
    report = pd.DataFrame({"iCode": list(values.columns), **rep}, columns=TREATMENT_COLUMNS)
    return pd.DataFrame(out, index=values.index, columns=values.columns), report


def treat_array(x: np.ndarray, *, skew: float = 2.0, kurt: float = 3.5, winmax: int | None = 5,
                log_fallback: bool = True, combine: bool = False, consider: np.ndarray | None = None
                ) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """:func:`treat` over an n × m array: all failing columns are winsorised together, one step per loop turn
    (at most ``winmax`` turns, each a handful of column-wise numpy reductions)."""
    x = np.array(x, dtype=float)
    n_units, m = x.shape
    s0, k0 = moments(x)
    if consider is None:
        consider = np.ones(m, dtype=bool)
    fail0 = ~_passes(s0, k0, skew, kurt) & consider
    w = x.copy()
    hi = np.zeros_like(x, dtype=bool)  # current high tie group (COINr imax) per column
    lo = np.zeros_like(x, dtype=bool)  # current low tie group (imin)
    nwin = np.zeros(m, dtype=int)
    active = fail0 & (winmax is None or winmax > 0)
    limit = np.inf if winmax is None else winmax
    cols = np.arange(m)
    s_cur = s0.copy()
    while active.any():
        idx = cols[active]
        sub = w[:, idx]
        high = s_cur[idx] >= 0
        with np.errstate(invalid="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            mx = np.nanmax(sub, axis=0)
            mn = np.nanmin(sub, axis=0)
            at_max = sub == mx
            at_min = sub == mn
            next_max = np.nanmax(np.where(at_max, np.nan, sub), axis=0)
            next_min = np.nanmin(np.where(at_min, np.nan, sub), axis=0)
        # a column whose values are all tied cannot be winsorised further (R would produce -Inf): stop it
        stuck = np.where(high, np.isnan(next_max), np.isnan(next_min))
        group = np.where(high, at_max, at_min)
        target = np.where(high, next_max, next_min)
        go = ~stuck
        sub = np.where(group & go, target, sub)
        w[:, idx] = sub
        hi[:, idx] = np.where(go & high, at_max, hi[:, idx])
        lo[:, idx] = np.where(go & ~high, at_min, lo[:, idx])
        nwin[idx] = hi[:, idx].sum(axis=0) + lo[:, idx].sum(axis=0)
        s_sub, k_sub = moments(sub)
        s_cur[idx] = s_sub
        ok = _passes(s_sub, k_sub, skew, kurt)
        active[idx] = go & ~ok & (nwin[idx] < limit)
    s_w, k_w = moments(w)
    # winsorised down to a constant: COINr's check returns NA and Treat.numeric hands back the original values
    collapsed = fail0 & (np.isnan(s_w) | np.isnan(k_w))
    if collapsed.any():
        w[:, collapsed] = x[:, collapsed]
        nwin[collapsed] = 0
        hi[:, collapsed] = lo[:, collapsed] = False
    fail_w = fail0 & ~collapsed & ~_passes(s_w, k_w, skew, kurt)
    logged = fail_w & bool(log_fallback)
    out = w
    if logged.any():
        base = (w if combine else x)[:, logged]
        with np.errstate(invalid="ignore", divide="ignore"):
            lmin, lmax = np.nanmin(base, axis=0), np.nanmax(base, axis=0)
            out[:, logged] = np.log(base - lmin + 0.01 * (lmax - lmin))
    s_a, k_a = moments(out)
    report = {
        "n": np.sum(~np.isnan(x), axis=0),
        "skew": s0,
        "kurtosis": k0,
        "treated": fail0,
        "winsorised": np.where(fail0, nwin, 0),
        "winsorised_high": np.where(fail0, hi.sum(axis=0), 0),
        "winsorised_low": np.where(fail0, lo.sum(axis=0), 0),
        "log_transformed": logged,
        "skew_after": s_a,
        "kurtosis_after": k_a,
        "passes_after": _passes(s_a, k_a, skew, kurt),
    }
    return out, report


def treated_points(values: pd.DataFrame, treated: pd.DataFrame, report: pd.DataFrame) -> pd.DataFrame:
    """Per cell: "" (unchanged), "winhi" (winsorised down), "winlo" (winsorised up) or "log" (log transform),
    like COINr's ``Treated_Points``."""
    a, b = values.to_numpy(dtype=float), treated.to_numpy(dtype=float)
    changed = ~((a == b) | (np.isnan(a) & np.isnan(b)))
    out = np.full(a.shape, "", dtype=object)
    out[changed & (b < a)] = "winhi"
    out[changed & (b > a)] = "winlo"
    logged = report.set_index("iCode")["log_transformed"].reindex(values.columns).fillna(False).to_numpy(bool)
    out[:, logged] = np.where(np.isnan(a[:, logged]), "", "log")
    return pd.DataFrame(out, index=values.index, columns=values.columns)


# --- normalise ----------------------------------------------------------------------------------------------------

def normalise(values: pd.DataFrame, framework: Framework, *, method: str = "minmax", low: float = 0.0,
              high: float = 100.0, mean: float = 0.0, sd: float = 1.0, cap: bool = True,
              goalposts: Mapping[str, Sequence[float]] | None = None,
              directions: Mapping[str, int] | None = None) -> pd.DataFrame:
    """Bring indicators onto one scale; each indicator's direction is applied first (values × direction).

    - ``minmax``: ``(x − min)/(max − min)·(high − low) + low`` (COINr ``n_minmax``); a constant indicator gives
      missing values, as in COINr.
    - ``zscore``: ``(x − mean)/sd·sd' + mean'`` with the sample sd (n − 1) (``n_zscore``; ``mean``, ``sd``); a
      constant indicator gives missing values.
    - ``rank``: rank of the value, 1 = lowest, ties share the lowest number (``n_rank``).
    - ``percentile``: ``(rank − 1)/(n − 1)`` scaled to ``low``–``high`` (``n_prank`` on 0–1).
    - ``target``: distance to the framework's ``Target``: ``1 − (t − x)/(t − min) = (x − min)/(t − min)``
      (``n_dist2targ``), scaled to ``low``–``high``; an indicator without a target raises ``missing_target``.
      With ``cap`` (COINr ``cap_max``) a value at or past the target scores 1 — also when every unit is already
      past it (``t ≤ min``), where the bare formula would turn negative (COINr only warns there). Without
      ``cap`` such an indicator has no distance to measure and raises ``target_reached`` naming it.
    - ``goalposts``: ``(x − l)/(u − l)`` truncated to 0–1 (``n_goalposts``), scaled to ``low``–``high``;
      ``goalposts`` maps each indicator to ``[l, u]`` in its own units, for a "less is better" indicator
      ``(u − x)/(u − l)``.
    - ``none``: unchanged (directions are still applied).
    """
    cols = list(values.columns)
    d = direction_vector(cols, framework, directions)
    target = lo_a = up_a = None
    if method == "target":
        target = target_vector(cols, framework)
    elif method == "goalposts":
        lo_a, up_a = goalpost_vectors(cols, goalposts)
    y = normalise_array(values.to_numpy(dtype=float), d, method=method, low=low, high=high, mean=mean, sd=sd,
                        cap=cap, target=target, goal_low=lo_a, goal_high=up_a, names=cols)
    return pd.DataFrame(y, index=values.index, columns=cols)


def direction_vector(cols: Sequence[str], framework: Framework, directions: Mapping[str, int] | None = None
                     ) -> np.ndarray:
    dirs = dict(directions) if directions is not None else {}
    return np.array([float(dirs.get(c, framework[c].direction if c in framework else 1)) for c in cols])


def target_vector(cols: Sequence[str], framework: Framework) -> np.ndarray:
    t = []
    for c in cols:
        tv = framework[c].target if c in framework else None
        if tv is None or np.isnan(tv):
            raise FrameworkError("missing_target", f"normalise: indicator {c} has no Target.", c)
        t.append(tv)
    return np.array(t, dtype=float)


def goalpost_vectors(cols: Sequence[str], goalposts: Mapping[str, Sequence[float]] | None
                     ) -> tuple[np.ndarray, np.ndarray]:
    gp = goalposts or {}
    lo_, up_ = [], []
    for c in cols:
        if c not in gp or len(gp[c]) != 2:
            raise FrameworkError("missing_goalposts", f"normalise: indicator {c} has no goalposts [lower, upper].",
                                 c)
        lo_.append(float(gp[c][0]))
        up_.append(float(gp[c][1]))
    lo_a, up_a = np.array(lo_), np.array(up_)
    if np.any(up_a <= lo_a):
        c = cols[int(np.flatnonzero(up_a <= lo_a)[0])]
        raise FrameworkError("bad_goalposts", f"normalise: goalposts of {c} must be lower < upper.", c)
    return lo_a, up_a


def normalise_array(x: np.ndarray, d: np.ndarray, *, method: str = "minmax", low: float = 0.0, high: float = 100.0,
                    mean: float = 0.0, sd: float = 1.0, cap: bool = True, target: np.ndarray | None = None,
                    goal_low: np.ndarray | None = None, goal_high: np.ndarray | None = None,
                    names: Sequence[str] | None = None) -> np.ndarray:
    """:func:`normalise` over an n × m array with directions ``d`` (±1 per column); ``names`` (the columns'
    iCodes) only serve to name an indicator in an error."""
    if method not in NORMALISE_METHODS:
        raise FrameworkError("bad_option", f"normalise: method must be one of {', '.join(NORMALISE_METHODS)}, "
                             f"not {method!r}.", "normalise")
    if method == "zscore" and sd <= 0:
        raise FrameworkError("bad_option", f"normalise: sd must be positive, not {sd!r}.", "normalise")
    raw = x
    x = x * d
    span = high - low
    with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # an all-missing column stays missing
        if method == "none":
            return x
        if method == "minmax":
            mn, mx = np.nanmin(x, axis=0), np.nanmax(x, axis=0)
            return (x - mn) / (mx - mn) * span + low
        if method == "zscore":
            spread = np.nanstd(x, axis=0, ddof=1)
            # a constant column has no spread (rounding in the mean must not invent one): missing, as in min-max
            spread = np.where(np.nanmax(x, axis=0) == np.nanmin(x, axis=0), np.nan, spread)
            return (x - np.nanmean(x, axis=0)) / spread * sd + mean
        if method in ("rank", "percentile"):
            r = _min_rank(x)
            if method == "rank":
                return r
            n = np.sum(~np.isnan(x), axis=0)
            return (r - 1) / (n - 1) * span + low
        if method == "target":
            t = target * d
            mn = np.nanmin(x, axis=0)
            if not cap:
                reached = t <= mn  # every unit at or past the target: no distance left to scale by
                if reached.any():
                    j = int(np.flatnonzero(reached)[0])
                    code = names[j] if names is not None else f"column {j + 1}"
                    raise FrameworkError("target_reached", f"normalise: every unit has already reached the target "
                                         f"of {code} ({target[j]:g}); distance to target needs cap or a target "
                                         "beyond the data.", code)
                return (1 - (t - x) / (t - mn)) * span + low
            # x ≥ t scores 1 (cap_max); the formula only below the target, where t > x ≥ min keeps t − min > 0
            return np.where(x >= t, 1.0, 1 - (t - x) / (t - mn)) * span + low
        # goalposts, on the raw values: (x − l)/(u − l), or (u − x)/(u − l) when less is better
        y = np.where(d > 0, (raw - goal_low) / (goal_high - goal_low), (goal_high - raw) / (goal_high - goal_low))
        return np.clip(y, 0, 1) * span + low


def _min_rank(x: np.ndarray) -> np.ndarray:
    """Column-wise ascending rank, ties share the lowest rank ("min"), NaN stays NaN (R ``rank(ties="min")``)."""
    n, m = x.shape
    order = np.argsort(np.where(np.isnan(x), np.inf, x), axis=0, kind="stable")
    xs = np.take_along_axis(x, order, axis=0)
    pos = np.arange(1, n + 1, dtype=float)[:, None] * np.ones((1, m))
    new = np.ones_like(xs, dtype=bool)
    new[1:] = xs[1:] != xs[:-1]
    first = np.where(new, pos, 0.0)
    first = np.maximum.accumulate(first, axis=0)
    r = np.empty_like(first)
    np.put_along_axis(r, order, first, axis=0)
    return np.where(np.isnan(x), np.nan, r)


# --- aggregate ----------------------------------------------------------------------------------------------------

def level_methods(method, levels: int) -> list[str]:
    """One aggregation method per level above the indicators, from a name, a list or {level: name}."""
    if isinstance(method, str):
        methods = [method] * levels
    elif isinstance(method, Mapping):
        methods = [method.get(lv, method.get(str(lv), "arithmetic")) for lv in range(2, levels + 2)]
    else:
        methods = list(method)
        if len(methods) != levels:
            raise FrameworkError("bad_option", f"aggregate: give one method or one per level above the indicators "
                                 f"({levels}), not {len(methods)}.", "aggregate")
    for m_ in methods:
        if m_ not in AGGREGATE_METHODS:
            raise FrameworkError("bad_option", f"aggregate: method must be one of {', '.join(AGGREGATE_METHODS)}, "
                                 f"not {m_!r}.", "aggregate")
    return methods


class AggregationPlan:
    """The framework's levels as matrices, built once: for level L, which columns of the running table
    [indicators | aggregates] are the children, and the children × parents weight matrix."""

    def __init__(self, framework: Framework, weights: Mapping[str, float] | None = None):
        w_all = framework.weights()
        if weights:
            for c, v in weights.items():
                if c not in w_all:
                    raise FrameworkError("unknown_element", f"aggregate: {c!r} is not in the framework.", c)
                if v < 0:
                    raise FrameworkError("negative_weight", f"aggregate: weight of {c} is negative.", c)
            w_all = {**w_all, **{c: float(v) for c, v in weights.items()}}
        self.framework = framework
        self.codes = list(framework.indicators) + list(framework.aggregates)
        pos = {c: i for i, c in enumerate(self.codes)}
        self.levels: list[tuple[list[str], np.ndarray, np.ndarray, np.ndarray, list[str]]] = []
        for lv in range(2, framework.max_level + 1):
            parents = framework.level_codes(lv)
            children = [c for par in parents for c in framework.children(par)]
            wmat = np.zeros((len(children), len(parents)))
            member = np.zeros_like(wmat)
            for j, par in enumerate(parents):
                kids = framework.children(par)
                if sum(w_all[k] for k in kids) <= 0:
                    raise FrameworkError("zero_weights", f"All weights under {par} are zero.", par)
                for k in kids:
                    i = children.index(k)
                    wmat[i, j] = w_all[k]
                    member[i, j] = 1.0
            self.levels.append((parents, np.array([pos[c] for c in children]), wmat, member, children))
        self.parent_pos = [np.array([pos[p] for p in lvl[0]]) for lvl in self.levels]
        # column labels built once (pandas 3 turns a list of str into an Arrow-backed index on every frame)
        self.indicator_index = pd.Index(framework.indicators)
        self.aggregate_index = pd.Index(framework.aggregates)
        self.all_index = pd.Index(self.codes)


def plan_for(framework: Framework, weights: Mapping[str, float] | None = None) -> AggregationPlan:
    """The framework's aggregation plan, cached on the framework for its own weights."""
    if weights:
        return AggregationPlan(framework, weights)
    plan = getattr(framework, "_aggregation_plan", None)
    if plan is None:
        plan = AggregationPlan(framework)
        framework._aggregation_plan = plan
    return plan


def aggregate(normalised: pd.DataFrame, framework: Framework, *, method="arithmetic", p: float | None = None,
              min_availability: float | None = None, weights: Mapping[str, float] | None = None
              ) -> pd.DataFrame:
    """Every aggregate (levels 2 … top), level by level, as a DataFrame with columns = aggregate iCodes.

    ``method`` is one name or one per level (list, or {level: name}): ``arithmetic`` Σwx/Σw; ``geometric``
    exp(Σw·ln x/Σw) (values must be > 0); ``harmonic`` Σw/Σ(w/x) (no zeros); ``generalised``
    (Σw·xᵖ/Σw)^(1/p) (``p`` required; p = 0 is the geometric mean; values must be > 0 when p ≤ 0, ≥ 0 otherwise).
    Missing children drop out with their weights; the remaining weights are rescaled (COINr ``a_amean``).
    ``min_availability`` (COINr ``dat_thresh``) leaves an aggregate missing when the share of available children
    is below it. ``weights`` overrides framework weights by iCode. A value that the method cannot take raises
    ``geometric_nonpositive`` / ``harmonic_zero`` naming the aggregate, the child and the unit.
    """
    missing = [c for c in framework.indicators if c not in normalised.columns]
    if missing:
        raise FrameworkError("missing_indicator", f"aggregate: indicator {missing[0]} is not in the data.",
                             missing[0])
    plan = plan_for(framework, weights)
    x = normalised[framework.indicators].to_numpy(dtype=float)
    y = aggregate_array(x, plan, method=method, p=p, min_availability=min_availability, units=normalised.index)
    return pd.DataFrame(y, index=normalised.index, columns=plan.aggregate_index)


def aggregate_array(x: np.ndarray, plan: AggregationPlan, *, method="arithmetic", p: float | None = None,
                    min_availability: float | None = None, units: Sequence[str] | None = None) -> np.ndarray:
    """:func:`aggregate` over an n × m array of indicators (framework order); returns n × aggregates."""
    methods = level_methods(method, len(plan.levels))
    n, m = x.shape
    table = np.empty((n, len(plan.codes)))
    table[:, :m] = x
    for (_parents, child_pos, wmat, member, children), ppos, m_ in zip(plan.levels, plan.parent_pos, methods):
        v = table[:, child_pos]
        avail = ~np.isnan(v)
        wsum = avail @ wmat
        _check_domain(m_, p, v, avail, children, plan.framework, units)
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            if m_ == "arithmetic" or (m_ == "generalised" and p == 1):
                y = (np.where(avail, v, 0.0) @ wmat) / wsum
            elif m_ == "geometric" or (m_ == "generalised" and p == 0):
                y = np.exp((np.where(avail, np.log(np.where(avail, v, 1.0)), 0.0) @ wmat) / wsum)
            elif m_ == "harmonic":
                y = wsum / (np.where(avail, 1.0 / np.where(avail, v, 1.0), 0.0) @ wmat)
            else:
                y = ((np.where(avail, np.power(np.where(avail, v, 1.0), p), 0.0) @ wmat) / wsum) ** (1.0 / p)
        y = np.where(wsum > 0, y, np.nan)
        if min_availability is not None:
            share = (avail @ member) / member.sum(axis=0)
            y = np.where(share < min_availability, np.nan, y)
        table[:, ppos] = y
    return table[:, m:]


def _check_domain(method, p, x, avail, children, framework, units) -> None:
    if method == "generalised" and p is None:
        raise FrameworkError("bad_option", "aggregate: the generalised mean needs p.", "aggregate")
    if method == "geometric" or (method == "generalised" and p is not None and p <= 0):
        bad = avail & ~(x > 0)
        code, what = "geometric_nonpositive", "a value ≤ 0"
    elif method == "harmonic":
        bad = avail & (x == 0)
        code, what = "harmonic_zero", "a zero"
    elif method == "generalised":
        bad = avail & (x < 0)
        code, what = "generalised_negative", "a negative value"
    else:
        return
    if bad.any():
        i, j = (int(v[0]) for v in np.nonzero(bad))
        child = children[j]
        parent = framework.parent(child)
        unit = units[i] if units is not None else f"row {i + 1}"
        name = "geometric mean" if code == "geometric_nonpositive" else f"{method} mean"
        raise FrameworkError(code, f"{parent}: the {name} cannot take {what} ({child} = {x[i, j]:g} for unit "
                             f"{unit}); normalise to a positive range (e.g. 1–100) or use another method.", parent)


# --- rank ---------------------------------------------------------------------------------------------------------

def rank_array(scores: np.ndarray) -> np.ndarray:
    """:func:`rank` over an array (float, NaN for a missing score)."""
    return _min_rank(-np.asarray(scores, dtype=float)[:, None])[:, 0]


def rank(scores: pd.Series) -> pd.Series:
    """Higher is better; ties share the lowest (best) rank number ("min" method); a missing score has no rank."""
    return scores.rank(ascending=False, method="min", na_option="keep").astype("Int64")
