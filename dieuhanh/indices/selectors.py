"""Reading indices: frameworks, runs, rankings with uncertainty intervals, scorecards, method descriptions, comparisons.

Who reads what (decided by the lead engineer, see docs/ARCHITECTURE.md, "Composite indices"): index results **and
their input data sets** are aggregate performance statistics published for accountability, like the DTI and PII
rankings. Every signed-in person reads all of them, whatever their reach, and the public portal will publish them.
That includes the ward index's task figures (``TASK_ONTIME``/``TASK_OVERDUE``: a ward's shares of its tasks done on
time and overdue), although task statistics elsewhere are limited to a person's reach: only these per-ward shares
are published; no task name, code or other task-level detail is stored in or shown through an index (``ward.feed``
keeps the counts only). Writing is scoped by ``services``/``auth``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import numpy as np
import pandas as pd
from django.db.models import Exists, OuterRef

from dieuhanh.core import coin
from dieuhanh.core.common.numerals import format_number
from dieuhanh.errors import Invalid, NotFound, detail
from dieuhanh.indices import tables
from dieuhanh.indices.models import (DataPoint, Dataset, DatasetUnit, Element, ElementKind, Framework, Methodology, Provenance, RankInterval, Run,
                                     RunKind, RunStatus, Score)
from dieuhanh.units.models import Unit

# A unit's indicator is a strength (weakness) when its normalised score is at least this many inter-quartile
# ranges above (below) the median of its peers (units of the same group, or every unit without a grouping).
FAR_FROM_PEERS_IQR = 0.5
SHOWN_PER_SIDE = 5


def framework_get(code: str) -> Framework:
    try:
        return Framework.objects.select_related("owner").get(code=code)
    except Framework.DoesNotExist:
        raise NotFound(f"index framework {code} not found") from None


def run_get(framework: Framework, run_id: int) -> Run:
    try:
        return Run.objects.select_related("dataset", "methodology", "framework").get(framework=framework, pk=run_id)
    except (Run.DoesNotExist, ValueError):
        raise NotFound(f"run {run_id} not found") from None


def dataset_get(framework: Framework, code: str) -> Dataset:
    try:
        return Dataset.objects.get(framework=framework, code=code)
    except Dataset.DoesNotExist:
        raise NotFound(f"data set {code} not found") from None


def methodology_get(framework: Framework, code: str, version: int | None = None) -> Methodology:
    qs = Methodology.objects.filter(framework=framework, code=code)
    m = (qs.filter(version=version) if version else qs.order_by("-version")).first()
    if m is None:
        raise NotFound(f"methodology {code} not found")
    return m


def dataset_find(framework: Framework, code: str) -> Dataset | None:
    return Dataset.objects.filter(framework=framework, code=code).first()


def methodology_find(framework: Framework, code: str) -> Methodology | None:
    """The latest version of the methodology ``code``, or None."""
    return Methodology.objects.filter(framework=framework, code=code).order_by("-version").first()


def import_owner_for(actor) -> Unit | None:
    """The unit an import form offers as owner: the highest unit on which ``actor`` may manage indices (None: the
    form is not offered)."""
    from dieuhanh.units.selectors import units_in_reach

    return units_in_reach(actor, "index_manage").order_by("depth", "code").first()


def owner_get(code: str) -> Unit:
    """The unit that is to own an imported framework; an unknown code is a field error of the import
    (``index_unknown_owner``), not a missing page."""
    code = (code or "").strip()
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        raise Invalid(f"no unit {code[:40]}", code="index_unknown_owner", params={"value": code[:40]},
                      details=[detail("owner", "no_such_unit")])
    return unit


def imeta_table(framework: Framework) -> pd.DataFrame:
    """The stored framework as COINr's iMeta."""
    return tables.imeta_of(framework)


def idata_table(dataset: Dataset, year: int | None = None) -> pd.DataFrame:
    """The stored data set as COINr's iData."""
    return tables.idata_of(dataset, year)


def latest_methodologies(framework: Framework) -> list[Methodology]:
    latest: dict[str, Methodology] = {}
    for m in Methodology.objects.filter(framework=framework).order_by("code", "-version"):
        latest.setdefault(m.code, m)
    return list(latest.values())


def latest_run(framework: Framework, *, kind: str = RunKind.PIPELINE, dataset: Dataset | None = None, methodology: Methodology | None = None,
               year: int | None = None) -> Run | None:
    qs = Run.objects.filter(framework=framework, kind=kind, status=RunStatus.DONE).select_related("dataset", "methodology")
    if dataset is not None:
        qs = qs.filter(dataset=dataset)
    if methodology is not None:
        qs = qs.filter(methodology=methodology)
    if year is not None:
        qs = qs.filter(year=year)
    return qs.order_by("-year", "-finished_at", "-id").first()


def default_run(framework: Framework) -> Run | None:
    """What the index shows by default: the latest year computed, by the framework's first methodology (the one it
    was set up with) when that was computed for the year, else by the methodology computed last."""
    latest = latest_run(framework)
    if latest is None:
        return None
    first_codes = list(Methodology.objects.filter(framework=framework).order_by("id").values_list("code", flat=True))
    for code in dict.fromkeys(first_codes):
        run = Run.objects.filter(framework=framework, kind=RunKind.PIPELINE, status=RunStatus.DONE, year=latest.year,
                                 methodology__code=code).select_related("dataset", "methodology").order_by("-finished_at", "-id").first()
        if run is not None:
            return run
    return latest


def uncertainty_for(run: Run) -> Run | None:
    """The latest finished uncertainty analysis of the same framework, data, methodology version and year."""
    return latest_run(run.framework, kind=RunKind.UNCERTAINTY, dataset=run.dataset, methodology=run.methodology, year=run.year)


def scores_frame(run: Run) -> pd.DataFrame:
    """Values of a run: index uCode, one column per element code."""
    rows = pd.DataFrame.from_records(Score.objects.filter(run=run).values_list("ucode", "code", "value"), columns=["uCode", "code", "value"])
    if rows.empty:
        return pd.DataFrame()
    wide = rows.pivot(index="uCode", columns="code", values="value")
    wide.columns.name = None
    return wide


def frameworks() -> list[Framework]:
    """The city's own indices first (fed by the platform, then the national ones it is scored on), worked examples
    (COINr's ASEM) last."""
    fed = Exists(Element.objects.filter(framework=OuterRef("pk"), provenance=Provenance.PLATFORM))
    return list(Framework.objects.select_related("owner").annotate(fed=fed).order_by("example", "-fed", "code"))


def runs_of(framework: Framework, *, kind: str | None = None, done: bool = False, limit: int = 30) -> list[Run]:
    """The framework's latest runs (newest first), of one kind and finished only when asked."""
    qs = Run.objects.filter(framework=framework).select_related("dataset", "methodology")
    if kind is not None:
        qs = qs.filter(kind=kind)
    if done:
        qs = qs.filter(status=RunStatus.DONE)
    return list(qs[:limit])


def datasets_of(framework: Framework) -> list[Dataset]:
    return list(Dataset.objects.filter(framework=framework))


def dataset_years(framework: Framework) -> list[int]:
    """Years holding values in any data set of the framework, latest first."""
    return sorted(set(DataPoint.objects.filter(dataset__framework=framework).values_list("year", flat=True).distinct()), reverse=True)


def dataset_has_years(dataset: Dataset, years: list[int]) -> bool:
    return DataPoint.objects.filter(dataset=dataset, year__in=years).exists()


def indicator_count(framework: Framework) -> int:
    return framework.elements.filter(kind=ElementKind.INDICATOR).count()


def element_provenance(framework: Framework) -> dict[str, str]:
    return dict(framework.elements.values_list("code", "provenance"))


def run_intervals(run: Run):
    """The rank intervals of an uncertainty run, by nominal rank."""
    return run.intervals.order_by("nominal", "ucode")


def intervals_table(run: Run) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(run.intervals.values("ucode", "nominal", "median", "low", "high"))
    frame.columns = ["uCode", "Nominal", "Median", "Q05", "Q95"][: len(frame.columns)]
    return frame


def compute(framework: Framework, dataset: Dataset, methodology: Methodology, year: int) -> coin.Result:
    """Run the stored methodology on the stored data of one year (reads only)."""
    tree = tables.coin_framework(framework)
    data = tables.unit_data_of(dataset, tree, year)
    try:
        steps = coin.load_pipeline(methodology.steps)
        return coin.run(tree, data, steps)
    except coin.FrameworkError as exc:
        raise tables.invalid_from(exc, what="pipeline") from None



def elements(framework: Framework) -> list[Element]:
    return list(framework.elements.all())


def unit_names(dataset: Dataset) -> dict[str, DatasetUnit]:
    return {u.ucode: u for u in DatasetUnit.objects.filter(dataset=dataset).select_related("unit")}


@dataclass
class RankRow:
    ucode: str
    name: str
    unit_code: str | None
    score: float | None
    rank: int | None
    pillars: list[float | None]
    interval: RankInterval | None = None


@dataclass
class Ranking:
    run: Run
    top: Element
    pillars: list[Element]
    rows: list[RankRow]
    uncertainty: Run | None

    def chart(self, rows: list[RankRow] | None = None) -> dict:
        """Ranks with their 5–95 % intervals for the chart (units in nominal rank order): every unit, or ``rows``
        (the page of the ranking shown below it)."""
        rows = [r for r in (self.rows if rows is None else rows) if r.rank is not None]
        return {
            "of": sum(1 for r in self.rows if r.rank is not None),  # the rank axis runs over every ranked unit
            "units": [r.name for r in rows],
            "codes": [r.ucode for r in rows],
            "rank": [r.rank for r in rows],
            "score": [r.score for r in rows],
            "median": [r.interval.median if r.interval else None for r in rows],
            "low": [r.interval.low if r.interval else None for r in rows],
            "high": [r.interval.high if r.interval else None for r in rows],
        }


def ranking(run: Run) -> Ranking:
    tree = [e for e in elements(run.framework) if e.kind in (ElementKind.INDICATOR, ElementKind.AGGREGATE)]
    top = next(e for e in tree if not e.parent)
    pillars = [e for e in tree if e.parent == top.code] or [top]
    ranks = {(s.ucode, s.code): s for s in Score.objects.filter(run=run, code__in=[top.code, *[p.code for p in pillars]])}
    names = unit_names(run.dataset)
    unc = uncertainty_for(run)
    intervals = {i.ucode: i for i in RankInterval.objects.filter(run=unc)} if unc else {}
    rows = []
    for ucode in {u for u, _ in ranks}:
        s = ranks.get((ucode, top.code))
        du = names.get(ucode)
        rows.append(RankRow(ucode=ucode, name=du.name if du else ucode, unit_code=du.unit.code if du and du.unit else None,
                            score=s.value if s else None, rank=s.rank if s else None,
                            pillars=[(ranks.get((ucode, p.code)).value if ranks.get((ucode, p.code)) else None) for p in pillars],
                            interval=intervals.get(ucode)))
    rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.name))
    return Ranking(run=run, top=top, pillars=pillars, rows=rows, uncertainty=unc)


@dataclass
class ScoreLine:
    element: Element
    value: float | None
    rank: int | None
    of: int
    peer_median: float | None
    depth: int


@dataclass
class Scorecard:
    run: Run
    ucode: str
    name: str
    unit_code: str | None
    peers: str
    lines: list[ScoreLine]
    strengths: list[ScoreLine]
    weaknesses: list[ScoreLine]
    trend: list[dict] = field(default_factory=list)


def _depths(tree: list[Element]) -> dict[str, int]:
    parent = {e.code: e.parent for e in tree}
    out = {}
    for e in tree:
        d, p = 0, e.parent
        while p:
            d, p = d + 1, parent.get(p)
        out[e.code] = d
    return out


def _tree_order(tree: list[Element]) -> list[Element]:
    """Depth-first from the index, children in file order: how the method and the scorecard read."""
    children: dict[str, list[Element]] = {}
    for e in tree:
        children.setdefault(e.parent or "", []).append(e)
    out: list[Element] = []

    def walk(code: str) -> None:
        for e in children.get(code, []):
            out.append(e)
            walk(e.code)

    walk("")
    return out


def scorecard(run: Run, ucode: str) -> Scorecard:
    frame = scores_frame(run)
    if ucode not in frame.index:
        raise NotFound(f"unit {ucode} not in run {run.pk}")
    names = unit_names(run.dataset)
    du = names.get(ucode)
    group_cols = sorted(du.groups) if du and du.groups else []
    group_col = group_cols[0] if group_cols else None
    if group_col:
        peer_codes = [c for c, u in names.items() if u.groups.get(group_col) == du.groups.get(group_col) and c in frame.index]
        peers = f"{group_col} = {du.groups.get(group_col)} ({len(peer_codes)})"
    else:
        peer_codes = list(frame.index)
        peers = f"({len(peer_codes)})"
    peer = frame.loc[peer_codes]
    median, q1, q3 = peer.median(), peer.quantile(0.25), peer.quantile(0.75)
    ranks = {s.code: s.rank for s in Score.objects.filter(run=run, ucode=ucode)}
    counts = frame.notna().sum()
    tree = [e for e in elements(run.framework) if e.kind in (ElementKind.INDICATOR, ElementKind.AGGREGATE)]
    depth = _depths(tree)
    lines = []
    for e in _tree_order(tree):
        if e.code not in frame.columns:
            continue
        v = frame.at[ucode, e.code]
        lines.append(ScoreLine(e, None if pd.isna(v) else float(v), ranks.get(e.code), int(counts[e.code]),
                               None if pd.isna(median[e.code]) else float(median[e.code]), depth[e.code]))
    deviations = []
    for line in lines:
        if line.element.kind != ElementKind.INDICATOR or line.value is None or line.peer_median is None:
            continue
        iqr = float(q3[line.element.code] - q1[line.element.code])
        if iqr <= 0 or np.isnan(iqr):
            continue
        deviations.append(((line.value - line.peer_median) / iqr, line))
    strengths = [l for z, l in sorted(deviations, key=lambda t: -t[0]) if z >= FAR_FROM_PEERS_IQR][:SHOWN_PER_SIDE]
    weaknesses = [l for z, l in sorted(deviations, key=lambda t: t[0]) if z <= -FAR_FROM_PEERS_IQR][:SHOWN_PER_SIDE]
    return Scorecard(run=run, ucode=ucode, name=du.name if du else ucode, unit_code=du.unit.code if du and du.unit else None,
                     peers=peers, lines=lines, strengths=strengths, weaknesses=weaknesses, trend=trend(run, ucode))


def trend(run: Run, ucode: str) -> list[dict]:
    """The unit's index score and rank in every year computed with the same data set and methodology code."""
    top = next(e for e in elements(run.framework) if e.kind == ElementKind.AGGREGATE and not e.parent)
    runs: dict[int, Run] = {}
    for r in Run.objects.filter(framework=run.framework, dataset=run.dataset, methodology__code=run.methodology.code, kind=RunKind.PIPELINE,
                                status=RunStatus.DONE).order_by("year", "-finished_at", "-id"):
        runs.setdefault(r.year, r)
    scores = {s.run_id: s for s in Score.objects.filter(run__in=runs.values(), ucode=ucode, code=top.code)}
    return [{"year": y, "score": scores[r.pk].value, "rank": scores[r.pk].rank} for y, r in sorted(runs.items()) if r.pk in scores]


# ---------------------------------------------------------------- the method, in Vietnamese

IMPUTE_VI = {"none": "không điền", "mean": "trung bình của chỉ tiêu", "median": "trung vị của chỉ tiêu",
             "group_mean": "trung bình của nhóm", "group_median": "trung vị của nhóm", "latest": "giá trị gần nhất của chính đơn vị"}
NORMALISE_VI = {"minmax": "min–max", "zscore": "điểm chuẩn z", "rank": "thứ hạng", "percentile": "thứ hạng phần trăm",
                "goalposts": "khoảng cách tới mục tiêu (goalposts)", "target": "khoảng cách tới mục tiêu"}
AGGREGATE_VI = {"arithmetic": "trung bình cộng có trọng số", "geometric": "trung bình nhân có trọng số",
                "harmonic": "trung bình điều hòa có trọng số", "generalised": "trung bình lũy thừa (tổng quát) có trọng số"}


def _n(value, decimals: int | None = None) -> str:
    """A number inside a Vietnamese sentence, by the project's formatter (1.234,5); what is not a number as given."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal, str)):
        return str(value)
    try:
        exact = Decimal(f"{float(value):.10g}")
    except (TypeError, ValueError, InvalidOperation):
        return str(value)
    if not exact.is_finite():
        return str(value)
    return format_number(exact, decimals)


def _option(value) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(_option(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_option(v)}" for k, v in value.items())
    return _n(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else str(value)


def describe_step(step: dict) -> str:
    """One pipeline step and its options as a Vietnamese sentence (unknown options are listed as given)."""
    s = dict(step)
    name = s.pop("step", "?")
    if name == "denominate":
        text = "Chia giá trị chỉ tiêu cho mẫu số ghi ở cột Denominator (ví dụ theo dân số, GDP)."
    elif name == "screen":
        share = s.pop("min_availability", 0)
        zeros = s.pop("zeros_as_missing", False)
        text = f"Sàng lọc đơn vị: giữ đơn vị có dữ liệu cho ít nhất {_n(float(share) * 100, 0)} % số chỉ tiêu" + (" (số 0 coi như thiếu)" if zeros else "") + "."
        for key, label in (("include", "luôn giữ"), ("exclude", "loại")):
            if s.get(key):
                text += f" {label.capitalize()}: {', '.join(s.pop(key))}."
            s.pop(key, None)
    elif name == "select_time":
        text = f"Chọn dữ liệu của năm {s.pop('time', '')}."
    elif name == "impute":
        method = s.pop("method", "mean")
        group = s.pop("group", None)
        text = f"Điền giá trị thiếu bằng {IMPUTE_VI.get(method, method)}" + (f" theo cột nhóm {group}" if group else "") + "."
    elif name == "treat":
        skew, kurt, winmax = s.pop("skew", 2.0), s.pop("kurt", 3.5), s.pop("winmax", 5)
        text = (f"Xử lý giá trị ngoại lai theo quy tắc JRC: chỉ tiêu có |độ lệch| > {_n(skew)} và độ nhọn > {_n(kurt)} được winsorise "
                f"(tối đa {_n(winmax)} điểm); nếu vẫn lệch, biến đổi log(x − min + 0,01·(max − min)).")
        s.pop("log_fallback", None)
    elif name == "normalise":
        method = s.pop("method", "minmax")
        low, high = s.pop("low", 0), s.pop("high", 100)
        text = f"Chuẩn hóa bằng {NORMALISE_VI.get(method, method)}"
        if method in ("minmax", "goalposts", "target"):
            text += f" về thang {_n(low)}–{_n(high)}"
        if method == "zscore":
            text += f" với trung bình {_n(s.pop('mean', 0))}, độ lệch chuẩn {_n(s.pop('sd', 1))}"
        if method == "goalposts" and s.get("goalposts"):
            text += " (mốc dưới–mốc trên: " + "; ".join(f"{k} {_n(lo)}–{_n(hi)}" for k, (lo, hi) in s.pop("goalposts").items()) + ")"
        if method == "target":
            text += " (mục tiêu ở cột Target)"
        s.pop("cap", None)
        text += "; chỉ tiêu nghịch (Direction = −1) được đổi chiều trước."
    elif name == "aggregate":
        method = s.pop("method", "arithmetic")
        p = s.pop("p", None)
        text = f"Tổng hợp từng cấp bằng {AGGREGATE_VI.get(method, method)}" + (f" (p = {_n(p)})" if p is not None else "") + \
            "; phần tử con thiếu dữ liệu được bỏ qua và trọng số còn lại được chuẩn hóa lại."
    else:
        text = f"Bước “{name}”."
    if s:
        text += " Tùy chọn khác: " + ", ".join(f"{k} = {_option(v)}" for k, v in s.items()) + "."
    return text


def describe_uncertainty(options: dict, steps: list[str]) -> list[str]:
    """What the Monte Carlo analysis varies, in Vietnamese (``coin.uncertainty.UncertaintyOptions`` keys; ``steps``:
    the names of the methodology's steps, for the engine's default alternatives)."""
    out = []
    noise = (options.get("weights") or {}).get("noise")
    if isinstance(noise, (int, float)):
        out.append(f"Trọng số dao động ngẫu nhiên ±{_n(noise * 100)} % quanh giá trị danh nghĩa ở mọi cấp.")
    elif isinstance(noise, dict):
        out.append("Trọng số dao động ngẫu nhiên: " + "; ".join(f"cấp {k} ±{_n(v * 100)} %" for k, v in noise.items()) + ".")
    methods = options.get("aggregation")
    if methods:
        names = [AGGREGATE_VI.get(m if isinstance(m, str) else m.get("method", ""), str(m)) for m in methods]
        out.append("Phép tổng hợp chọn ngẫu nhiên giữa: " + ", ".join(names) + ".")
    for step, choices in (options.get("alternatives") or {}).items():
        out.append(f"Bước “{step}” chọn ngẫu nhiên giữa: " + " | ".join(describe_step({"step": step, **c}) for c in choices))
    if options.get("alternatives") is None:
        if "impute" in steps:
            out.append("Điền giá trị thiếu chọn ngẫu nhiên giữa phương án danh nghĩa, trung bình và trung vị (mặc định của COINr).")
        if "normalise" in steps:
            out.append("Chuẩn hóa chọn ngẫu nhiên giữa min–max 1–100 và điểm chuẩn z 10 ± 2 (mặc định của COINr).")
    return out


@dataclass
class MethodNode:
    element: Element
    depth: int
    share: float | None  # the element's weight as a share of its siblings' weights, %


def method_tree(framework: Framework) -> list[MethodNode]:
    tree = [e for e in elements(framework) if e.kind in (ElementKind.INDICATOR, ElementKind.AGGREGATE)]
    depth = _depths(tree)
    totals: dict[str, float] = {}
    for e in tree:
        totals[e.parent] = totals.get(e.parent, 0.0) + float(e.weight or 0)
    return [MethodNode(e, depth[e.code], 100 * float(e.weight or 0) / totals[e.parent] if e.parent and totals.get(e.parent) else None)
            for e in _tree_order(tree)]


# ---------------------------------------------------------------- comparing two methodologies

@dataclass
class Shift:
    ucode: str
    name: str
    rank_a: int | None
    rank_b: int | None
    score_a: float | None
    score_b: float | None

    @property
    def shift(self) -> int | None:
        return None if self.rank_a is None or self.rank_b is None else self.rank_a - self.rank_b


def compare(run_a: Run, run_b: Run) -> list[Shift]:
    """Rank shifts of the index between two runs (positive = better under B), largest moves first."""
    top = next(e for e in elements(run_a.framework) if e.kind == ElementKind.AGGREGATE and not e.parent)
    a = {s.ucode: s for s in Score.objects.filter(run=run_a, code=top.code)}
    b = {s.ucode: s for s in Score.objects.filter(run=run_b, code=top.code)}
    names = unit_names(run_a.dataset)
    out = [Shift(u, names[u].name if u in names else u, a[u].rank if u in a else None, b[u].rank if u in b else None,
                 a[u].value if u in a else None, b[u].value if u in b else None) for u in sorted(set(a) | set(b))]
    out.sort(key=lambda s: (-(abs(s.shift) if s.shift is not None else -1), s.rank_a or 10**9))
    return out


def results_table(run: Run) -> pd.DataFrame:
    """A run as COINr's results table: uCode, uName, Rank, the index and every aggregate (higher levels first),
    then the normalised indicators."""
    frame = scores_frame(run)
    tree = [e for e in elements(run.framework) if e.kind in (ElementKind.INDICATOR, ElementKind.AGGREGATE)]
    aggs = sorted([e for e in tree if e.kind == ElementKind.AGGREGATE], key=lambda e: (-(e.level or 0), e.position))
    inds = [e for e in tree if e.kind == ElementKind.INDICATOR]
    top = aggs[0].code
    ranks = dict(Score.objects.filter(run=run, code=top).values_list("ucode", "rank"))
    names = unit_names(run.dataset)
    cols = [e.code for e in aggs + inds if e.code in frame.columns]
    out = frame[cols].copy()
    out.insert(0, "Rank", [ranks.get(u) for u in out.index])
    out.insert(0, "uName", [names[u].name if u in names else u for u in out.index])
    out.insert(0, "uCode", list(out.index))
    out.index.name = None
    return out.sort_values(["Rank", "uCode"], na_position="last").reset_index(drop=True)
