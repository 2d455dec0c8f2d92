"""Writing index frameworks, data sets, methodologies and runs (every write an audited ``@action``).

Imports are all-or-nothing: a file is parsed and validated completely by the engine (``core/coin``) before one row
is written, and any problem refuses the whole file with the element or row it concerns.
"""

from __future__ import annotations

import hashlib
import math
import operator
import time
from collections.abc import Callable

import pandas as pd
from django.conf import settings
from django.utils import timezone, translation

from dieuhanh.access.policy import is_system, require
from dieuhanh.actions import action, nothing_changed
from dieuhanh.audit.services import actor_label, record
from dieuhanh.core import coin
from dieuhanh.core.coin.framework import TREE_KINDS
from dieuhanh.concurrency import insert_unique
from dieuhanh.errors import Conflict, Invalid, detail
from dieuhanh.indices import selectors, tables
from dieuhanh.indices.models import (DataPoint, Dataset, DatasetUnit, Element, Framework, Methodology, Provenance, RankInterval, Run,
                                     RunKind, RunStatus, Score)
from dieuhanh.units.models import Unit
from dieuhanh.units.selectors import units_by_code


def _user(actor):
    return None if is_system(actor) else actor


def _float(v) -> float | None:
    if v is None:
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) or math.isinf(f) else f


# ---------------------------------------------------------------- frameworks

def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _exists(kind: str, code: str) -> Conflict:
    return Conflict(f"{kind} {code} already exists; say replace to replace it", code=f"{kind.replace(' ', '_')}_exists",
                    params={"code": code}, details=[detail("replace", "exists")])


@action
def framework_import(*, actor, owner: Unit, code: str, name: str, imeta: pd.DataFrame, description: str = "", source: str = "",
                     provenance: dict[str, str] | None = None, replace: bool = False, example: bool = False) -> Framework:
    """Create a framework from a COINr iMeta table, or replace the tree of an existing one (same code) when
    ``replace`` says so (a changed tree without it is a ``Conflict``; the same tree again changes nothing).

    ``provenance`` marks elements (by iCode) as taken from the official source, placeholders, or fed by the platform;
    ``example`` a worked example (COINr's ASEM) that is not one of the city's indices.
    Runs already computed keep their numbers; the framework's version says which tree they used. The audit event
    keeps the SHA-256 of the tree (iMeta as CSV) before and after."""
    code = tables.check_code(code, "code")
    name = (name or "").strip()
    if not name:
        raise Invalid("invalid framework", details=[detail("name", "required")])
    if len(name) > tables.MAX_NAME_CHARS:
        raise Invalid("invalid framework", details=[detail("name", "too_long", max_length=tables.MAX_NAME_CHARS)])
    parsed = tables.parse_framework(imeta)
    provenance = provenance or {}
    bad = sorted(set(provenance.values()) - set(Provenance.values))
    if bad:
        raise Invalid(f"unknown provenance {bad[0]}", details=[detail("provenance", "unknown_provenance", value=bad[0])])
    framework = Framework.objects.select_for_update().filter(code=code).first()
    before_tree = None
    if framework is None:
        framework = insert_unique(Framework(code=code, name=name, owner=owner, description=description, source=source, example=example))
        created = True
    else:
        # Replacing a framework needs the right on the unit that owns it, not only on the unit named now.
        require(actor, "index_manage", framework.owner)
        if framework.owner_id != owner.pk:
            raise Conflict(f"framework {code} belongs to {framework.owner.code}", code="framework_owner_differs")
        before_tree = tables.imeta_of(framework).to_csv(index=False)
        created = False
    rows = []
    for i, e in enumerate(parsed.elements):
        tree = e.kind in TREE_KINDS
        rows.append(Element(framework=framework, position=i, code=e.code, name=e.name, level=e.level if tree else None,
                            parent=e.parent or "", kind=e.kind, weight=float(e.weight) if tree else None,
                            direction=int(e.direction) if tree else None, measure=e.unit or "", target=_float(e.target),
                            denominator=e.denominator or "", provenance=provenance.get(e.code, Provenance.IMPORTED)))
    after_tree = parsed.to_imeta().to_csv(index=False)
    same_meta = (framework.name, framework.description, framework.source, framework.example) == (name, description, source, example)
    stored_provenance = selectors.element_provenance(framework) if not created else {}
    if not created and before_tree == after_tree and same_meta and all(stored_provenance.get(r.code) == r.provenance for r in rows):
        nothing_changed()
        return framework
    if not created and not replace:
        raise _exists("framework", code)
    framework.elements.all().delete()
    Element.objects.bulk_create(rows)
    changes = {"elements": [None, len(rows)]} if created else {"version": [framework.version, framework.version + 1]}
    if not created:
        framework.name, framework.description, framework.source, framework.example = name, description, source, example
        framework.version += 1
        framework.save()
    record(actor=actor, action="framework_import", obj=framework, unit=framework.owner, object_type="index_framework",
           changes={**changes, "indicators": [None, len(parsed.indicators)], "aggregates": [None, len(parsed.aggregates)],
                    "tree_sha256": [None if before_tree is None else _sha256(before_tree), _sha256(after_tree)]},
           note=f"{code}: {len(parsed.indicators)} indicators, {len(parsed.aggregates)} aggregates, index {parsed.top}")
    return framework


# ---------------------------------------------------------------- data sets

def _data_text(dataset: Dataset, years: list[int] | None = None) -> str:
    """The stored data set (the given years, else all) as canonical iData CSV: what its hash is taken of."""
    frame = tables.idata_of(dataset)
    if years is not None and "Time" in frame.columns:
        frame = frame[frame["Time"].isin(years)]
    return frame.to_csv(index=False)


@action
def dataset_import(*, actor, framework: Framework, code: str, name: str, idata: pd.DataFrame, year: int | None = None,
                   source: str = "", replace: bool = False, synthetic: str = "") -> Dataset:
    """Store COINr iData for ``framework`` (all rows or none). Without a ``Time`` column the rows are for ``year``.
    ``synthetic`` is the label of made-up data (the set's provenance, said wherever it is shown), empty for real data.

    A data set that already holds values for a year of the file is replaced for those years only with ``replace``
    (other years stay); a change without it is a ``Conflict``, the same values again change nothing. The audit
    event keeps the SHA-256 of the whole data set (iData as CSV) before and after."""
    code = tables.check_code(code, "dataset")
    name = (name or "").strip()[: tables.MAX_NAME_CHARS]
    parsed = tables.parse_idata(idata, tables.coin_framework(framework))
    units, values, denominators = parsed.units, parsed.values, parsed.denominators
    if "Time" in units.columns:
        years = pd.to_numeric(units["Time"], errors="coerce")
        if years.isna().any():
            u = units.index[years.isna().to_numpy()][0]
            raise Invalid(f"{u}: Time is empty", code="index_missing_year", details=[detail(u, "missing_year")])
        bad = (years < tables.YEAR_MIN) | (years > tables.YEAR_MAX) | (years != years.round())
        if bad.any():
            u = units.index[bad.to_numpy()][0]
            tables.check_year(years[bad].iloc[0], f"{u}: Time")
        years = years.astype(int).to_numpy()
    elif year is not None:
        years = [tables.check_year(year)] * len(units)
    else:
        raise Invalid("say which year the data is for", code="index_missing_year", details=[detail("year", "year_required")])
    year_list = sorted({int(y) for y in years})
    dataset, created = Dataset.objects.select_for_update().get_or_create(
        framework=framework, code=code, defaults={"name": name or code, "source": source, "created_by": _user(actor), "synthetic": synthetic})
    before_all = before_years = None
    overlapping = False
    if not created:
        before_all = _data_text(dataset)
        overlapping = selectors.dataset_has_years(dataset, year_list)
        before_years = _data_text(dataset, year_list) if overlapping else None
    platform = units_by_code(set(units.index))
    group_cols = [c for c in units.columns if c not in ("uName", "Time")]
    names: dict[str, DatasetUnit] = {}
    for ucode, row in units.iterrows():  # one row per unit (and year): the unit directory of the data set
        groups = {c: (None if row[c] is None else str(row[c])) for c in group_cols}
        names[ucode] = DatasetUnit(dataset=dataset, ucode=ucode, name=str(row["uName"] or ucode), unit=platform.get(ucode), groups=groups)
    existing = selectors.unit_names(dataset)
    new_units = [u for c, u in names.items() if c not in existing]
    DatasetUnit.objects.bulk_create(new_units)
    relinked = 0
    for c, u in names.items():
        if c in existing and (existing[c].name, existing[c].groups, existing[c].unit_id) != (u.name, u.groups, u.unit_id):
            existing[c].name, existing[c].groups, existing[c].unit = u.name, u.groups, u.unit
            existing[c].save()
            relinked += 1
    table = pd.concat([values, denominators], axis=1)
    DataPoint.objects.filter(dataset=dataset, year__in=year_list).delete()
    stacked = table.assign(_year=list(years)).reset_index().melt(id_vars=["uCode", "_year"], var_name="code", value_name="value")
    DataPoint.objects.bulk_create([
        DataPoint(dataset=dataset, ucode=u, year=int(y), code=c, value=None if pd.isna(v) else float(v))
        for u, y, c, v in stacked.itertuples(index=False, name=None)
    ], batch_size=5000)
    after_all = _data_text(dataset)
    if not created:
        same_meta = (dataset.name, dataset.source, dataset.synthetic) == (name or dataset.name, source or dataset.source, synthetic)
        if after_all == before_all and same_meta and not new_units and not relinked:
            nothing_changed()  # the same values again: the rows written are the rows that were there
            return dataset
        if overlapping and not replace and _data_text(dataset, year_list) != before_years:
            raise _exists("data set", code)  # rolls back what was written above
        dataset.name, dataset.source, dataset.synthetic = name or dataset.name, source or dataset.source, synthetic
        dataset.version += 1
        dataset.save()
    linked = sum(1 for u in names.values() if u.unit is not None)
    record(actor=actor, action="dataset_import", obj=dataset, unit=framework.owner, object_type="index_dataset",
           changes={"years": [None, year_list], "units": [None, len(names)], "values": [None, int(values.notna().sum().sum())],
                    "replaced_years": [None, year_list if overlapping else []],
                    "data_sha256": [None if before_all is None else _sha256(before_all), _sha256(after_all)]},
           note=f"{framework.code}/{code}: {len(names)} units ({linked} linked to platform units), years {', '.join(map(str, year_list))}")
    return dataset


# ---------------------------------------------------------------- files of an import (page, API, command line)

@action
def index_files_import(*, actor, owner: Unit, code: str, name: str = "", imeta, idata=None, pipeline=None,
                       dataset: str = "", methodology: str = "", year: int | str | None = None, replace: bool = False) -> Framework:
    """Import uploaded COINr files (``tables.read_index_files``): the framework from iMeta, the data set from iData
    (``dataset``, default ``DATA``; ``year`` when the file has no ``Time`` column), the methodology from a pipeline
    (``methodology``, default ``DEFAULT``) — all of them or none. What exists already is replaced only with
    ``replace`` (otherwise ``Conflict``); every part is audited with the SHA-256 of its content before and after.
    The page and the API import through here, with the same checks and the same size limits."""
    year = tables.check_year(str(year).strip()) if year is not None and str(year).strip() else None
    files = tables.read_index_files(imeta=imeta, idata=idata, pipeline=pipeline)
    code = (code or "").strip()
    framework = framework_import(actor=actor, owner=owner, code=code, name=(name or "").strip() or code, imeta=files.imeta,
                                 replace=replace)
    if files.idata is not None:
        dataset = (dataset or "").strip() or "DATA"
        dataset_import(actor=actor, framework=framework, code=dataset, name=dataset, idata=files.idata, year=year, replace=replace)
    if files.steps is not None:
        methodology = (methodology or "").strip() or "DEFAULT"
        methodology_save(actor=actor, framework=framework, code=methodology, name=methodology, steps=files.steps)
    return framework


# ---------------------------------------------------------------- methodologies

def _check_methodology(framework: Framework, steps: dict, uncertainty: dict) -> None:
    """Refuse unknown steps and options now, not at the first run: parse the steps, then try them on four made-up
    units (positive values, two groups) so that option values are checked by the engine too. Only the engine's
    ``bad_step``/``bad_option`` refuse: what depends on real data (zeros under a geometric mean…) shows at run time."""
    from dieuhanh.core.coin.uncertainty import UncertaintyOptions

    try:
        parsed = coin.load_pipeline(steps)
        UncertaintyOptions.load(uncertainty or None)
    except coin.FrameworkError as exc:
        raise tables.invalid_from(exc, what="pipeline") from None
    tree = tables.coin_framework(framework)
    units = pd.Index([f"U{i}" for i in range(1, 5)], name="uCode")
    groups = {g: ["A", "A", "B", "B"] for g in tree.groups}
    sample = coin.UnitData(
        units=pd.DataFrame({"uName": list(units), **groups}, index=units),
        values=pd.DataFrame({c: [1.0, 2.0, 3.0, 5.0] for c in tree.indicators}, index=units),
        denominators=pd.DataFrame({c: [1.0, 2.0, 3.0, 4.0] for c in tree.denominators}, index=units))
    try:
        coin.run(tree, sample, parsed)
    except coin.FrameworkError as exc:
        if exc.code in ("bad_step", "bad_option"):
            raise tables.invalid_from(exc, what="pipeline") from None


@action
def methodology_save(*, actor, framework: Framework, code: str, name: str, steps: dict | list, uncertainty: dict | None = None,
                     note: str = "") -> Methodology:
    """Save a pipeline configuration. A known code gets a new version (older versions stay, with their runs).

    ``steps`` is the mapping ``{"steps": [...]}`` or the list itself, never a string (the engine would take a
    string for YAML text; a stored pipeline is data, not a file name)."""
    code = tables.check_code(code, "methodology")
    steps = tables.pipeline_spec(steps)
    if uncertainty is not None and not isinstance(uncertainty, dict):
        raise Invalid("invalid methodology", details=[detail("uncertainty", "not_a_mapping")])
    name = (name or "").strip()[: tables.MAX_NAME_CHARS]
    _check_methodology(framework, steps, uncertainty or {})
    latest = Methodology.objects.select_for_update().filter(framework=framework, code=code).order_by("-version").first()
    uncertainty = uncertainty or {}
    if latest is not None and (latest.steps, latest.uncertainty, latest.name) == (steps, uncertainty, name):
        nothing_changed()
        return latest
    m = insert_unique(Methodology(framework=framework, code=code, version=(latest.version + 1) if latest else 1, name=name or code,
                                  steps=steps, uncertainty=uncertainty, note=note, created_by=_user(actor)))
    record(actor=actor, action="methodology_save", obj=m, unit=framework.owner, object_type="index_methodology",
           changes={"steps": [latest.steps if latest else None, steps], "version": [latest.version if latest else None, m.version]},
           note=f"{framework.code}/{code} v{m.version}")
    return m


# ---------------------------------------------------------------- runs

def _new_run(actor, framework, dataset, methodology, year, kind, options=None) -> Run:
    if dataset.framework_id != framework.pk or methodology.framework_id != framework.pk:
        raise Invalid("data set and methodology must belong to the framework", code="index_mismatch",
                      details=[detail("dataset" if dataset.framework_id != framework.pk else "methodology", "other_framework")])
    return Run.objects.create(framework=framework, dataset=dataset, methodology=methodology, year=tables.check_year(year), kind=kind,
                              started_by=_user(actor), started_by_label=actor_label(actor), options=options or {})


def _stored_error(exc: Invalid) -> str:
    """Why a run failed, as stored with it: the sentence of the error in the platform's language (a run is read later
    by other people; the code and element stay in the log)."""
    with translation.override(settings.LANGUAGE_CODE):
        return exc.message


def _finish(run: Run, started: float, *, error: str = "") -> None:
    run.status = RunStatus.FAILED if error else RunStatus.DONE
    run.error = error
    run.finished_at = timezone.now()
    run.seconds = time.perf_counter() - started
    run.save()


def _records(frame: pd.DataFrame | None) -> list[dict]:
    if frame is None or frame.empty:
        return []
    out = frame.reset_index() if frame.index.name else frame
    return [{k: (None if isinstance(v, float) and math.isnan(v) else (v.item() if hasattr(v, "item") else v)) for k, v in row.items()}
            for row in out.to_dict("records")]


@action
def index_run(*, actor, framework: Framework, dataset: Dataset, methodology: Methodology, year: int) -> Run:
    """Compute the index for one year and store every unit's score and rank at every level (aggregates as
    aggregated, indicators as normalised), with the log and the treatment report. A refusal by the engine (bad data
    for this method) is stored as a failed run with its reason, so the attempt stays visible."""
    started = time.perf_counter()
    run = _new_run(actor, framework, dataset, methodology, year, RunKind.PIPELINE)
    try:
        result = selectors.compute(framework, dataset, methodology, year)
    except Invalid as exc:
        run.log = [exc.log_message]
        _finish(run, started, error=_stored_error(exc))
    else:
        tree = tables.coin_framework(framework)
        results = result.results.set_index("uCode") if "uCode" in result.results.columns else result.results
        normalised = result.datasets.get("Normalised")
        scores = []
        for code in [c for c in results.columns if c in tree and tree[c].kind == "Aggregate"]:
            ranks = coin.rank(results[code])
            scores += [Score(run=run, ucode=u, code=code, value=_float(v), rank=None if pd.isna(r) else int(r))
                       for u, v, r in zip(results.index, results[code], ranks)]
        if normalised is not None:
            for code in [c for c in normalised.columns if c in tree.indicators]:
                ranks = coin.rank(normalised[code])
                scores += [Score(run=run, ucode=u, code=code, value=_float(v), rank=None if pd.isna(r) else int(r))
                           for u, v, r in zip(normalised.index, normalised[code], ranks)]
        Score.objects.bulk_create(scores, batch_size=5000)
        run.log, run.treatment, run.excluded_units = list(result.log), _records(result.treatment), list(result.excluded_units)
        _finish(run, started)
    record(actor=actor, action="index_run", obj=run, unit=framework.owner, object_type="index_run",
           changes={"status": [None, run.status]}, note=f"{framework.code}/{dataset.code}/{methodology.code} v{methodology.version} {year}")
    return run


@action
def uncertainty_run(*, actor, framework: Framework, dataset: Dataset, methodology: Methodology, year: int, replications: int = 200,
                    seed: int = 1, progress: Callable[[int, int], None] | None = None) -> Run:
    """Monte Carlo uncertainty of the ranks (``coin.uncertainty``): each unit's nominal and median rank and its
    5–95 % interval, varying what the methodology's ``uncertainty`` options say (weights, aggregation, step
    alternatives; the engine's defaults where empty). ``progress(done, replications)`` after each batch of
    replications (the background job shows it)."""
    from dieuhanh.core.coin import uncertainty as mc

    try:
        replications = operator.index(replications)  # a whole number (numpy's too), not "abc" nor 12.5
    except TypeError:
        replications = None
    if replications is None or not 10 <= replications <= 5000:
        raise Invalid("replications out of range", details=[detail("replications", "replications_out_of_range")])
    started = time.perf_counter()
    options = dict(methodology.uncertainty or {})
    run = _new_run(actor, framework, dataset, methodology, year, RunKind.UNCERTAINTY,
                   {**options, "replications": int(replications), "seed": int(seed)})
    tree = tables.coin_framework(framework)
    try:
        data = tables.unit_data_of(dataset, tree, year)
        steps = coin.load_pipeline(methodology.steps)
        result = mc.uncertainty(tree, data, steps, options or None, n=int(replications), seed=int(seed), progress=progress)
    except Invalid as exc:
        _finish(run, started, error=_stored_error(exc))
    except coin.FrameworkError as exc:
        _finish(run, started, error=_stored_error(tables.invalid_from(exc, what="uncertainty")))
    else:
        summary = result.summary
        RankInterval.objects.bulk_create([
            RankInterval(run=run, ucode=u, nominal=_float(nominal), median=_float(median), low=_float(low), high=_float(high))
            for u, nominal, median, low, high in zip(summary.index, summary["NominalRank"], summary["MedianRank"], summary["P5Rank"],
                                                      summary["P95Rank"])])
        run.log = [f"{result.n} replications (seed {result.seed}) of the ranks of {result.target}, varying: {', '.join(result.inputs)}",
                   f"model set-up {result.setup_seconds:.3f} s, replications {result.seconds:.3f} s"]
        _finish(run, started)
    record(actor=actor, action="uncertainty_run", obj=run, unit=framework.owner, object_type="index_run",
           changes={"status": [None, run.status], "replications": [None, int(replications)]},
           note=f"{framework.code}/{dataset.code}/{methodology.code} v{methodology.version} {year}")
    return run
