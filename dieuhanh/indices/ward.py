"""The data feed of the ward digital-transformation index (``PHUONG_CDS``): the platform's own data, per ward.

One row per commune-level unit of Ho Chi Minh City (phường, xã, đặc khu) valid on the day, in COINr's iData
layout, for the indicators of the framework. Where each column comes from is decided by its iCode:

- ``D766_<id>`` → the Decision 766 rate ``r_<id>`` of the ward as receiving agency, over the dossiers received in
  the year up to the day (``core/d766/execute.compute`` on the DuckDB store);
- ``TASK_ONTIME`` → of the top-level tasks the ward leads (chủ trì) that were due by the day, the share completed
  on time (completed on time ÷ (on time + late + overdue), %); ``TASK_OVERDUE`` → the share of its counted tasks
  that are not completed and overdue (%); both from ``plans.selectors`` status as of the day;
- any other iCode → the platform indicator of that code (``indicators.selectors.cell``, approved values only), for
  the year, else the year before (the latest value, at most a year old).

A column fed from synthetic data (a dossier store whose files were synthetic, indicator values whose source is
``synthetic``) makes the data set synthetic: its label is stored with it (``Dataset.synthetic``). A column without any source stays empty and is reported; a ward with no value at all is left out (and listed), as
the engine refuses a unit without data. Everything else (imputation, normalisation, weights) is the methodology's.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd
from django.conf import settings
from django.utils import timezone

from dieuhanh.indices import tables
from dieuhanh.indices.models import Framework
from dieuhanh.units.models import Unit
from dieuhanh.units.selectors import city_code, valid_on

GROUP_COLUMN = "Loai_group"
SYNTHETIC_SOURCE = "synthetic"  # the ``source`` of indicator values the demo makes up (``demo/indicators.py``)


@dataclass
class Feed:
    idata: pd.DataFrame
    day: dt.date
    notes: list[str] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)
    synthetic: list[str] = field(default_factory=list)  # labels of the synthetic sources the columns come from

    @property
    def synthetic_label(self) -> str:
        return "; ".join(dict.fromkeys(self.synthetic))


def wards(day: dt.date):
    return Unit.objects.filter(valid_on(day), parent__code=city_code(), kind="commune").order_by("code")


def _d766_rates(codes: list[str], units: list[str], start: dt.date, end: dt.date, notes: list[str], synthetic: list[str]) -> pd.DataFrame:
    wanted = [c for c in codes if c.startswith("D766_")]
    if not wanted:
        return pd.DataFrame(index=units)
    path = settings.DIEUHANH_DUCKDB_PATH
    if not path.exists():
        notes.append("Decision 766: no dossier store yet; its indicators are empty.")
        return pd.DataFrame(index=units, columns=wanted, dtype=float)
    from dieuhanh.core.d766.ingest import TABLE, synthetic_labels
    from dieuhanh.core.d766.execute import compute
    from dieuhanh.dossiers.store import open_published, published

    copy = published()  # the copy the pages read: never waits for an import
    if copy is None:
        notes.append("Decision 766: no dossier store yet; its indicators are empty.")
        return pd.DataFrame(index=units, columns=wanted, dtype=float)
    con = open_published(copy)
    try:
        frame = compute(con, TABLE, start=start, end=end)
        synthetic += synthetic_labels(con)
    finally:
        con.close()
    frame = frame[frame["agency_code"].isin(units)].set_index("agency_code")
    out = pd.DataFrame(index=units)
    for code in wanted:
        column = "r_" + code.removeprefix("D766_")
        if column not in frame.columns:
            notes.append(f"{code}: Decision 766 has no rate {column}; the column is empty.")
            out[code] = float("nan")
        else:
            out[code] = pd.to_numeric(frame[column], errors="coerce").reindex(units)
    notes.append(f"Decision 766: {len(frame)} wards with dossiers received {start:%d/%m/%Y}–{end:%d/%m/%Y}.")
    return out


def _tasks(codes: list[str], units: list[Unit], day: dt.date) -> pd.DataFrame:
    wanted = [c for c in codes if c in ("TASK_ONTIME", "TASK_OVERDUE")]
    index = [u.code for u in units]
    if not wanted:
        return pd.DataFrame(index=index)
    from dieuhanh.plans.models import Task
    from dieuhanh.plans.selectors import statistics

    tasks = Task.objects.filter(lead_unit__in=units, parent__isnull=True, assigned_on__lte=day)
    _, rows = statistics(tasks, "unit", day)
    counts = pd.DataFrame([{"code": r.key, **r.counts} for r in rows], columns=["code", "completed_on_time", "completed_late", "within_deadline", "overdue"])
    counts = counts.set_index("code").reindex(index).astype(float)
    due = counts["completed_on_time"] + counts["completed_late"] + counts["overdue"]
    total = due + counts["within_deadline"]
    out = pd.DataFrame(index=index)
    if "TASK_ONTIME" in wanted:
        out["TASK_ONTIME"] = (100 * counts["completed_on_time"] / due).where(due > 0)
    if "TASK_OVERDUE" in wanted:
        out["TASK_OVERDUE"] = (100 * counts["overdue"] / total).where(total > 0)
    return out


def _indicators(codes: list[str], units: list[Unit], year: int, notes: list[str], synthetic: list[str]) -> pd.DataFrame:
    from dieuhanh.indicators.models import Indicator, Value
    from dieuhanh.indicators.selectors import cell

    out = pd.DataFrame(index=[u.code for u in units])
    known = {i.code: i for i in Indicator.objects.filter(code__in=codes)}
    for code in codes:
        if code.startswith("D766_") or code in ("TASK_ONTIME", "TASK_OVERDUE"):
            continue
        indicator = known.get(code)
        if indicator is None:
            notes.append(f"{code}: no platform indicator with this code; the column is empty.")
            out[code] = float("nan")
            continue
        values, fallback = [], 0
        for u in units:
            c = cell(indicator, u, str(year), official_only=True)
            if c.value is None:
                c = cell(indicator, u, str(year - 1), official_only=True)
                fallback += c.value is not None
            values.append(c.value)
        out[code] = pd.to_numeric(pd.Series(values, index=out.index, dtype=object), errors="coerce")
        if Value.objects.filter(indicator=indicator, unit__in=units, period__in=[str(year), str(year - 1)], source=SYNTHETIC_SOURCE).exists():
            synthetic.append(f"{code}: giá trị giả lập (synthetic) của bản demo")
        if fallback:
            notes.append(f"{code}: {fallback} wards had no approved value for {year}; their {year - 1} value is used.")
    return out


def feed(framework: Framework, year: int, *, day: dt.date | None = None) -> Feed:
    """The iData of ``framework`` for ``year`` from the platform, as known on ``day`` (default: the year's last day,
    or today if that is earlier)."""
    day = day or min(dt.date(year, 12, 31), timezone.localdate())
    codes = tables.coin_framework(framework).indicators
    units = list(wards(day))
    index = [u.code for u in units]
    notes: list[str] = []
    synthetic: list[str] = []
    start = dt.date(year, 1, 1)
    columns = pd.concat([_d766_rates(codes, index, start, day, notes, synthetic), _tasks(codes, units, day),
                         _indicators(codes, units, year, notes, synthetic)], axis=1)
    columns = columns.reindex(columns=codes)
    empty_columns = [c for c in codes if columns[c].isna().all()]
    if empty_columns:
        notes.append("No value at all for: " + ", ".join(empty_columns) + ".")
    has_data = columns.notna().any(axis=1)
    left_out = [u for u in index if not has_data[u]]
    meta = pd.DataFrame({"uCode": index, "uName": [u.name for u in units], GROUP_COLUMN: [u.division_type or u.kind for u in units]}, index=index)
    idata = pd.concat([meta, columns], axis=1)[has_data].reset_index(drop=True)
    if left_out:
        notes.append(f"{len(left_out)} wards have no data at all and are left out: {', '.join(left_out[:20])}{'…' if len(left_out) > 20 else ''}.")
    return Feed(idata=idata, day=day, notes=notes, left_out=left_out, synthetic=synthetic)


DATASET = "NEN_TANG"  # the data set fed from the platform ("nền tảng")
FRAMEWORK = "PHUONG_CDS"


def ward_index(*, actor, year: int, run: bool = True) -> list[str]:
    """Feed the ward index for ``year`` (a data set import: audited, all-or-nothing) and, with ``run``, compute it
    with every methodology of the framework (latest versions). Returns what was done, line by line."""
    from dieuhanh.indices.models import Methodology
    from dieuhanh.indices.services import dataset_import, index_run

    framework = Framework.objects.get(code=FRAMEWORK)
    f = feed(framework, year)
    if f.idata.empty:
        return [f"ward index {year}: no ward has any data yet; nothing computed", *f.notes]
    # Feeding again recomputes the year from the platform's current data: a deliberate replacement of that year.
    dataset = dataset_import(actor=actor, framework=framework, code=DATASET, name="Dữ liệu của nền tảng dieuhanh", idata=f.idata, year=year,
                             replace=True, source=f"Tính ngày {f.day:%d/%m/%Y} từ dữ liệu của nền tảng. " + " ".join(f.notes),
                             synthetic=f.synthetic_label)
    lines = [f"ward index {year}: {len(f.idata)} wards fed (as of {f.day:%d/%m/%Y})", *f.notes]
    if run:
        latest: dict[str, Methodology] = {}
        for m in Methodology.objects.filter(framework=framework).order_by("code", "-version"):
            latest.setdefault(m.code, m)
        for m in latest.values():
            r = index_run(actor=actor, framework=framework, dataset=dataset, methodology=m, year=year)
            lines.append(f"run {m.code} v{m.version}: {r.status}" + (f" ({r.error})" if r.error else ""))
    return lines
