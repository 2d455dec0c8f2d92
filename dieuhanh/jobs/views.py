"""Pages: "Công việc nền", the person's background jobs (status, progress, result, error; cancel and retry), and
one job's page. While a job is queued or running its block polls itself through HTMX (every 2 s); without
JavaScript the page shows the state when loaded and a link to reload."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from dieuhanh.jobs import selectors, services
from dieuhanh.pages import errors_return_to, run_for_page


@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    return render(request, "jobs/list.html", {"jobs": selectors.jobs_of(request.user)})


@login_required
def job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    job = selectors.job_of(request.user, job_id)
    if getattr(request, "htmx", False):
        return render(request, "jobs/_job.html", {"job": job, "detail": request.GET.get("detail") == "1"})
    return render(request, "jobs/detail.html", {"job": job, "detail": True})


def _back(job_id: int) -> str:
    return reverse("job_detail", args=[job_id])


def _owner_action(action, success: str):
    """A POST of the job's owner (cancel, retry) with the version read; back to the job's page."""
    @login_required
    @require_POST
    @errors_return_to(lambda request, **kw: _back(kw["job_id"]))
    def view(request: HttpRequest, job_id: int) -> HttpResponse:
        job = selectors.job_of(request.user, job_id)
        run_for_page(request, action, str(success), actor=request.user, job=job, expected_version=_version(request))
        return redirect(_back(job_id))

    return view


job_cancel = _owner_action(services.job_cancel, _lazy("The job is being cancelled."))
job_retry = _owner_action(services.job_retry, _lazy("The job is queued again."))


def _version(request: HttpRequest) -> int | None:
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() else None
