"""Index work as background jobs: the uncertainty run (Monte Carlo over hundreds of replications), started from the
framework page or the API, its result the framework's ranking with the intervals (or the failed run's page); and
the import of large COINr files (``indices.files_import``, large by ``jobs.uploads.is_large``), the same action as
the inline import (``services.index_files_import``), all of it or nothing."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from dieuhanh.indices import selectors
from dieuhanh.jobs import uploads
from dieuhanh.jobs.registry import job

FILES = ("imeta", "idata", "pipeline")


@job("indices.uncertainty", title=_("Index uncertainty run"), permission="index_run")
def uncertainty(ctx, *, framework: str, dataset: str, methodology: str, methodology_version: int, year: int,
                replications: int = 200, seed: int = 1) -> dict:
    from dieuhanh.indices import services  # at call time: no services module is imported while the apps load
    found = selectors.framework_get(framework)
    ctx.progress(0, replications, str(_("Replications")))

    def replicated(done: int, total: int) -> None:  # after each batch of replications; a cancel stops between batches
        ctx.progress(done, total)
        ctx.check_cancelled()

    run = services.uncertainty_run(actor=ctx.actor, framework=found, dataset=selectors.dataset_get(found, dataset),
                                   methodology=selectors.methodology_get(found, methodology, methodology_version),
                                   year=year, replications=replications, seed=seed, progress=replicated)
    if run.status == "failed":
        return {"url": reverse("index_run", kwargs={"code": framework, "run_id": run.pk}), "label": str(_("The run failed: see why"))}
    return {"url": reverse("index_framework", kwargs={"code": framework}), "label": str(_("See the ranking with its intervals"))}


def uncertainty_enqueue(*, actor, framework, dataset, methodology, year: int, replications: int = 200, seed: int = 1):
    """Queue an uncertainty run (the action ``job_start``, authorised by ``index_run`` on the framework's owner)."""
    from dieuhanh.jobs.services import job_start
    return job_start(actor=actor, kind="indices.uncertainty", unit=framework.owner, params={
        "framework": framework.code, "dataset": dataset.code, "methodology": methodology.code,
        "methodology_version": methodology.version, "year": int(year), "replications": int(replications), "seed": int(seed)})



@job("indices.files_import", title=_("Index files import"), permission="index_manage")
def files_import(ctx, *, owner: str, code: str, name: str = "", files: dict, names: dict, dataset: str = "",
                 methodology: str = "", year: int | str | None = None, replace: bool = False) -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from dieuhanh.indices import services

    kinds = [kind for kind in FILES if files.get(kind)]
    ctx.progress(0, 1, str(_("Reading the files")))
    with uploads.kept(*(files[kind] for kind in kinds)) as contents:
        given = {kind: SimpleUploadedFile(names.get(kind) or kind, content) for kind, content in zip(kinds, contents, strict=True)}
        framework = services.index_files_import(actor=ctx.actor, owner=selectors.owner_get(owner), code=code, name=name,
                                                imeta=given.get("imeta"), idata=given.get("idata"), pipeline=given.get("pipeline"),
                                                dataset=dataset, methodology=methodology, year=year, replace=replace)
    return {"url": reverse("index_framework", kwargs={"code": framework.code}), "code": framework.code, "label": str(_("Imported."))}


def files_import_or_enqueue(*, actor, owner, code: str, name: str = "", imeta=None, idata=None, pipeline=None, dataset: str = "",
                            methodology: str = "", year=None, replace: bool = False):
    """Import COINr files now (answers the Framework) or, when they are large, queue the import (answers the Job).
    Each file is refused by its size before it is read, as the inline import does."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from dieuhanh.indices import services, tables
    from dieuhanh.jobs.services import job_start

    read = {kind: (tables.upload_bytes(f, limit=tables.PIPELINE_MAX_BYTES if kind == "pipeline" else None), f.name)
            for kind, f in zip(FILES, (imeta, idata, pipeline), strict=True) if f is not None}
    options = {"code": code, "name": name, "dataset": dataset, "methodology": methodology, "year": year, "replace": replace}
    if imeta is not None and uploads.is_large(*(content for content, _name in read.values())):
        return uploads.start_with(read, lambda paths: job_start(actor=actor, kind="indices.files_import", unit=owner, params={
            "owner": owner.code, "files": paths, "names": {kind: (n or kind)[:200] for kind, (_c, n) in read.items()},
            **options, "year": None if year in (None, "") else str(year)}))
    given = {kind: SimpleUploadedFile(n or kind, content) for kind, (content, n) in read.items()}
    return services.index_files_import(actor=actor, owner=owner, **given, **options)
