"""Unit data of a composite index, in COINr's ``iData`` layout: one row per unit (per year for a panel).

Columns: ``uCode`` (required, the stable key), ``uName``, ``Time`` (panels), the group columns (``Group`` rows of
the framework, and any ``*_group`` column), the denominator columns (``Denominator`` rows) and one column per
indicator. Reading checks every indicator of the framework is present, every cell of an indicator or denominator
is a number (or empty), no unit appears twice (per year) and no unit has no indicator data at all; each problem
raises :class:`FrameworkError` naming the unit and the column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .framework import Framework, FrameworkError


@dataclass
class UnitData:
    units: pd.DataFrame  # index uCode; columns uName, group columns, Time if any, other descriptive columns
    values: pd.DataFrame  # index uCode; float columns = indicator codes (NaN = missing)
    denominators: pd.DataFrame = field(default_factory=pd.DataFrame)  # index uCode; float columns = denominators

    @property
    def is_panel(self) -> bool:
        """More than one row per unit (a ``Time`` column with several years)."""
        return "Time" in self.units.columns and not self.units.index.is_unique

    def group_columns(self) -> list[str]:
        """Descriptive columns usable as groupings (everything but uName and Time)."""
        return [c for c in self.units.columns if c not in ("uName", "Time")]


def read_idata(df_or_path, framework: Framework) -> UnitData:
    """Read COINr's ``iData`` (a DataFrame or a CSV path) for ``framework``."""
    if isinstance(df_or_path, pd.DataFrame):
        df = df_or_path.copy()
    else:
        # numbers are parsed by the CSV reader; a column with any text cell stays text and is checked cell by cell
        df = pd.read_csv(Path(df_or_path), dtype={"uCode": object, "uName": object}, keep_default_na=True)
    df.columns = [str(c).strip() for c in df.columns]
    if "uCode" not in df.columns:
        raise FrameworkError("missing_column", "iData has no 'uCode' column.", "uCode")
    if df.empty:
        raise FrameworkError("empty", "iData has no rows.", None)
    codes = df["uCode"].astype(object)
    blank = codes.isna() | (codes.astype(str).str.strip() == "")
    if blank.any():
        row = int(np.flatnonzero(blank.to_numpy())[0]) + 2
        raise FrameworkError("missing_code", f"iData row {row} has no uCode.", f"row {row}")
    df["uCode"] = codes.astype(str).str.strip()
    has_time = "Time" in df.columns
    key = ["uCode", "Time"] if has_time else ["uCode"]
    if has_time:
        df["Time"] = _numeric_column(df, "Time").astype("int64") if df["Time"].notna().all() else \
            _numeric_column(df, "Time")
    dup = df.duplicated(key, keep="first")
    if dup.any():
        u = df.loc[dup, "uCode"].iloc[0]
        what = f"{u} ({df.loc[dup, 'Time'].iloc[0]})" if has_time else u
        raise FrameworkError("duplicate_unit", f"The unit {what} appears more than once in iData.", u)

    missing = [c for c in framework.indicators if c not in df.columns]
    if missing:
        raise FrameworkError("missing_indicator",
                             f"Indicator {missing[0]} is in the framework but not in the data"
                             + (f" (nor {', '.join(missing[1:4])}{'…' if len(missing) > 4 else ''})"
                                if len(missing) > 1 else "") + ".", missing[0])
    needed_denoms = [framework[c].denominator for c in framework.indicators if framework[c].denominator]
    for d in dict.fromkeys(needed_denoms):
        if d not in df.columns:
            user = next(c for c in framework.indicators if framework[c].denominator == d)
            raise FrameworkError("missing_denominator",
                                 f"{user}: denominator column {d!r} is not in the data.", user)
    denom_cols = [c for c in dict.fromkeys(framework.denominators + needed_denoms) if c in df.columns]

    df = df.set_index("uCode", drop=True)
    df.index.name = "uCode"
    values = pd.DataFrame({c: _numeric_column(df, c) for c in framework.indicators}, index=df.index)
    denominators = pd.DataFrame({c: _numeric_column(df, c) for c in denom_cols}, index=df.index)
    empty = values.isna().all(axis=1).to_numpy()
    if empty.any():
        u = values.index[int(np.flatnonzero(empty)[0])]
        raise FrameworkError("no_data", f"The unit {u} has no indicator data at all.", u)

    # every other column (groups, COINr "Other" columns, anything not in iMeta) describes the unit and is kept
    used = set(framework.indicators) | set(denom_cols)
    unit_cols = [c for c in ("uName", "Time") if c in df.columns] + \
        [c for c in df.columns if c not in used and c not in ("uName", "Time")]
    units = df[unit_cols].copy()
    if "uName" not in units.columns:
        units.insert(0, "uName", units.index.to_series())
    for c in units.columns:
        if c not in ("Time",):
            units[c] = units[c].astype(object).where(units[c].notna(), None)
    return UnitData(units=units, values=values, denominators=denominators)


def write_idata(data: UnitData) -> pd.DataFrame:
    """Back to COINr's ``iData`` layout: uCode, uName, Time, groups, denominators, indicators."""
    out = pd.concat([data.units, data.denominators, data.values], axis=1)
    out.insert(0, "uCode", out.index)
    cols = ["uName", "uCode"] + [c for c in out.columns if c not in ("uName", "uCode")]
    return out[cols].reset_index(drop=True)


def _numeric_column(df: pd.DataFrame, col: str) -> pd.Series:
    """A column as float; an unparseable cell raises naming unit and column (empty cells become NaN)."""
    s = df[col]
    if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
        return s.astype("float64")
    raw = s.astype(object)
    text = raw.where(raw.isna(), raw.astype(str).str.strip())
    text = text.where(text != "", None)
    num = pd.to_numeric(text, errors="coerce").astype("float64")
    bad = num.isna() & text.notna() & ~text.isin(["NA", "NaN", "nan"])
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        unit = df.index[i] if df.index.name == "uCode" else df["uCode"].iloc[i]
        raise FrameworkError("non_numeric", f"{unit}: {col} = {text.iloc[i]!r} is not a number.", f"{unit}:{col}")
    return num
