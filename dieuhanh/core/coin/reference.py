"""A literal, loop-by-loop transliteration of COINr's R functions: the oracle for the vectorised engine.

Each function here follows one COINr function line by line (cited), over plain Python lists — one unit and one
indicator at a time, as R's ``apply``/``lapply`` do. It is slow on purpose and shares no code with ``steps.py``:
the tests check the engine against it to 1e-9 (ASEM and random data), and ``bench/coin_pipeline.py`` times it as
the baseline. Covered: ``Denominate.data.frame`` (R/denominate.R), ``i_mean_grp``/``i_median_grp``/``i_mean``
(R/impute.R), ``Screen.data.frame`` with ``get_data_avail`` (R/screen_units.R), ``Treat.numeric`` with
``winsorise``, ``log_CT``, ``check_SkewKurt``, ``skew``, ``kurt`` (R/treat.R), ``n_minmax`` after
``x*direction`` (R/normalise.R), ``Aggregate.coin`` with ``a_amean``/``a_gmean``/``a_hmean`` (R/aggregate.R).
"""

from __future__ import annotations

import math
from statistics import median

import pandas as pd

from .framework import Framework

NA = float("nan")


def _isna(v: float) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def _centred(x: list[float], min_n: int) -> tuple[int, list[float], float] | None:
    """(n, x − mean, Σ(x − mean)²) of the non-NA values, or None when R's ``skew``/``kurt`` give NA."""
    x = [v for v in x if not _isna(v)]
    n = len(x)
    if n < min_n or max(x) == min(x):  # R's mean of a constant is exact, so d = 0 and the ratio is NaN
        return None
    m = sum(x) / n
    d = [v - m for v in x]
    s2 = sum(v * v for v in d)
    return (n, d, s2) if s2 != 0 else None


def skew(x: list[float]) -> float:
    """R/treat.R ``skew`` (e1071 type 2), na.rm = TRUE."""
    c = _centred(x, 3)
    if c is None:
        return NA
    n, d, s2 = c
    y = math.sqrt(n) * sum(v ** 3 for v in d) / s2 ** 1.5
    return y * math.sqrt(n * (n - 1)) / (n - 2)


def kurt(x: list[float]) -> float:
    """R/treat.R ``kurt`` (e1071 type 2), na.rm = TRUE."""
    c = _centred(x, 4)
    if c is None:
        return NA
    n, d, s2 = c
    r = n * sum(v ** 4 for v in d) / s2 ** 2
    return ((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3))


def check_skew_kurt(x, skew_thresh=2.0, kurt_thresh=3.5) -> bool | None:
    """R/treat.R ``check_SkewKurt``: ``abs(sk) < skew_thresh | kt < kurt_thresh``; None for R's NA."""
    sk, kt = skew(x), kurt(x)
    a = None if _isna(sk) else bool(abs(sk) < skew_thresh)
    b = None if _isna(kt) else bool(kt < kurt_thresh)
    if a is True or b is True:
        return True
    if a is None or b is None:
        return None
    return False


def _pull_in(x: list[float], extreme) -> list[int] | None:
    """``i <- which(x == extreme(x)); x[i] <- extreme(x[-i])`` in place; the positions, or None if nothing is left."""
    present = [v for v in x if not _isna(v)]
    at = extreme(present)
    idx = [i for i, v in enumerate(x) if not _isna(v) and v == at]
    rest = [v for i, v in enumerate(x) if i not in idx and not _isna(v)]
    if not rest:
        return None
    new = extreme(rest)
    for i in idx:
        x[i] = new
    return idx


def winsorise(x: list[float], winmax=5, skew_thresh=2.0, kurt_thresh=3.5) -> tuple[list[float], int, list[str]]:
    """R/treat.R ``winsorise``: returns (x, nwin, treated flags)."""
    x = [float(v) for v in x]
    passing = check_skew_kurt(x, skew_thresh, kurt_thresh)
    nwin = 0
    imax: list[int] = []
    imin: list[int] = []
    if not passing:
        below = winmax is None or nwin < winmax
        while (not passing) and below:
            high = skew(x) >= 0  # skew is positive, implies high outliers
            moved = _pull_in(x, max if high else min)
            if moved is None:
                break
            if high:
                imax = moved
            else:
                imin = moved
            nwin = len(imax) + len(imin)
            below = winmax is None or nwin < winmax
            passing = check_skew_kurt(x, skew_thresh, kurt_thresh)
    treated = [""] * len(x)
    for i in imax:
        treated[i] = "winhi"
    for i in imin:
        treated[i] = "winlo"
    return x, nwin, treated


def log_ct(x: list[float]) -> list[float]:
    """R/treat.R ``log_CT``: ``log(x - min(x) + 0.01*(max(x) - min(x)))``."""
    present = [v for v in x if not _isna(v)]
    mn, mx = min(present), max(present)
    return [NA if _isna(v) else math.log(v - mn + 0.01 * (mx - mn)) for v in x]


def treat_numeric(x: list[float], winmax=5, skew_thresh=2.0, kurt_thresh=3.5) -> tuple[list[float], dict]:
    """R/treat.R ``Treat.numeric`` with the default specs (winsorise, then log_CT on the original x)."""
    info = {"treated": False, "winsorised": 0, "log_transformed": False}
    p = check_skew_kurt(x, skew_thresh, kurt_thresh)
    if p is None or p:
        return list(x), info
    info["treated"] = True
    x1, nwin, _ = winsorise(x, winmax, skew_thresh, kurt_thresh)
    info["winsorised"] = nwin
    p = check_skew_kurt(x1, skew_thresh, kurt_thresh)
    if p is None:  # proc_passing(NA) → return(list(x = x, Passing = NA))
        info["winsorised"] = 0
        return list(x), info
    if p:
        return x1, info
    info["log_transformed"] = True
    return log_ct(x), info


def run_reference(framework: Framework, values: pd.DataFrame, denominators: pd.DataFrame, groups: pd.Series,
                  *, dat_thresh=0.9, winmax=5, l_u=(0.0, 100.0), f_ag="a_amean") -> tuple[pd.DataFrame, dict]:
    """The ASEM example pipeline of ``R/examples.R: build_example_coin``, one unit/indicator at a time:
    Denominate → Impute(i_mean_grp) → Screen(byNA, dat_thresh) → Treat → Normalise(n_minmax) → Aggregate.

    Returns (the Aggregated data set: indicators then aggregates, index uCode; treatment info per indicator).
    """
    codes = list(framework.indicators)
    units = list(values.index)
    data = {u: {c: float(values.at[u, c]) for c in codes} for u in units}

    # Denominate.data.frame: x / (denom / ScaleFactor), ScaleFactor 1 (a zero denominator → NA, see steps.py)
    for c in codes:
        d = framework[c].denominator
        if d is None:
            continue
        for u in units:
            den = float(denominators.at[u, d])
            data[u][c] = NA if (_isna(den) or den == 0) else data[u][c] / den

    # i_mean_grp: split by group (units without a group untouched), i_mean per group
    for c in codes:
        by_group: dict[str, list[str]] = {}
        for u in units:
            g = groups.get(u)
            if g is None or (isinstance(g, float) and math.isnan(g)):
                continue
            by_group.setdefault(g, []).append(u)
        for members in by_group.values():
            present = [data[u][c] for u in members if not _isna(data[u][c])]
            fill = sum(present) / len(present) if present else NA
            for u in members:
                if _isna(data[u][c]):
                    data[u][c] = fill

    # Screen.data.frame byNA: Dat_Avail = 1 - nNA/ncol; keep unless Dat_Avail < dat_thresh
    kept = []
    for u in units:
        nna = sum(1 for c in codes if _isna(data[u][c]))
        if not (1 - nna / len(codes) < dat_thresh):
            kept.append(u)

    # Treat.data.frame: column by column
    info = {}
    for c in codes:
        col = [data[u][c] for u in kept]
        new, info[c] = treat_numeric(col, winmax)
        for u, v in zip(kept, new):
            data[u][c] = v

    # Normalise.numeric: x*direction, then n_minmax
    for c in codes:
        col = [data[u][c] * framework[c].direction for u in kept]
        present = [v for v in col if not _isna(v)]
        mn, mx = min(present), max(present)
        for u, v in zip(kept, col):
            data[u][c] = NA if (_isna(v) or mx == mn) else (v - mn) / (mx - mn) * (l_u[1] - l_u[0]) + l_u[0]

    # Aggregate.coin: level by level, a_amean row by row
    weights = framework.weights()
    for lev in range(2, framework.max_level + 1):
        for parent in framework.level_codes(lev):
            kids = framework.children(parent)
            for u in kept:
                xs = [data[u][k] for k in kids]
                ws = [weights[k] for k in kids]
                data[u][parent] = _mean(f_ag, xs, ws)
    cols = codes + framework.aggregates
    out = pd.DataFrame([[data[u][c] for c in cols] for u in kept], index=pd.Index(kept, name="uCode"), columns=cols)
    return out, info


def _mean(f_ag: str, x: list[float], w: list[float]) -> float:
    pairs = [(v, wt) for v, wt in zip(x, w) if not _isna(v)]
    if not pairs:
        return NA
    total = sum(wt for _, wt in pairs)
    if f_ag == "a_amean":  # a_amean: w <- w/sum(w); sum(w*x)
        return sum(v * wt / total for v, wt in pairs)
    if f_ag == "a_gmean":  # exp(sum(w*log(x))/sum(w))
        return math.exp(sum(wt * math.log(v) for v, wt in pairs) / total)
    if f_ag == "a_hmean":  # sum(w)/sum(w/x)
        return total / sum(wt / v for v, wt in pairs)
    raise ValueError(f_ag)


def impute_reference(values: pd.DataFrame, method: str, groups: pd.Series | None = None) -> pd.DataFrame:
    """i_mean / i_median / i_mean_grp / i_median_grp, one column and one unit at a time."""
    out = values.copy()
    for c in values.columns:
        members: dict[object, list] = {}
        for u in values.index:
            key = "all" if groups is None else groups.get(u)
            if key is None or (isinstance(key, float) and math.isnan(key)):
                continue
            members.setdefault(key, []).append(u)
        for us in members.values():
            present = [float(values.at[u, c]) for u in us if not _isna(float(values.at[u, c]))]
            if not present:
                continue
            fill = sum(present) / len(present) if method in ("mean", "group_mean") else median(present)
            for u in us:
                if _isna(float(values.at[u, c])):
                    out.at[u, c] = fill
    return out
