"""The index uncertainty run (Monte Carlo over hundreds of replications) as a background job: started from the
framework page or the API, run by a worker as the person who started it, its result the framework's ranking with
the intervals (or the failed run's page)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from dieuhanh.indices import selectors
from dieuhanh.jobs.registry import job


@job("indices.uncertainty", title=_("Index uncertainty run"), permission="index_run")
def uncertainty(ctx, *, framework: str, dataset: str, methodology: str, methodology_version: int, year: int,
                replications: int = 200, seed: int = 1) -> dict:
    from dieuhanh.indices import services  # at call time: no services module is imported while the apps load
    found = selectors.framework_get(framework)
    ctx.progress(0, 1, str(_("Replications")))
    run = services.uncertainty_run(actor=ctx.actor, framework=found, dataset=selectors.dataset_get(found, dataset),
                                   methodology=selectors.methodology_get(found, methodology, methodology_version),
                                   year=year, replications=replications, seed=seed)
    if run.status == "failed":
        return {"url": reverse("index_run", kwargs={"code": framework, "run_id": run.pk}), "label": str(_("The run failed: see why"))}
    return {"url": reverse("index_framework", kwargs={"code": framework}), "label": str(_("See the ranking with its intervals"))}


def uncertainty_enqueue(*, actor, framework, dataset, methodology, year: int, replications: int = 200, seed: int = 1):
    """Queue an uncertainty run (the action ``job_start``, authorised by ``index_run`` on the framework's owner)."""
    from dieuhanh.jobs.services import job_start
    return job_start(actor=actor, kind="indices.uncertainty", unit=framework.owner, params={
        "framework": framework.code, "dataset": dataset.code, "methodology": methodology.code,
        "methodology_version": methodology.version, "year": int(year), "replications": int(replications), "seed": int(seed)})

