"""Pages: the list of one's notifications (newest first, paged), opening one (marks it read and goes to what it
is about), marking read, and the e-mail preferences. Reads through selectors, writes through actions."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from dieuhanh.notifications import selectors, services
from dieuhanh.notifications.forms import PreferenceForm
from dieuhanh.pages import errors_return_to, int_param, run_for_page


def _local(request: HttpRequest, url: str, fallback: str) -> str:
    """``url`` when it is a path on this site, else ``fallback`` (never an open redirect)."""
    ok = url.startswith("/") and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()})
    return url if ok else fallback


def _back(request: HttpRequest) -> str:
    return _local(request, request.POST.get("next", ""), reverse("notification_list"))


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("unread") == "1"
    page = selectors.notification_page(request.user, page=int_param(request, "page") or 1, unread_only=unread_only)
    return render(request, "notifications/list.html", {
        "page": page, "unread_only": unread_only,
        "items": [(n, services.sentence(n)) for n in page.object_list],
    })


@login_required
def notification_open(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Opening a notification marks it read and leads to what it is about."""
    notification = selectors.notification_get(request.user, notification_id)
    services.notification_mark_read(actor=request.user, notification=notification)
    return redirect(_local(request, notification.url, reverse("notification_list")))


@login_required
@require_POST
@errors_return_to(lambda request, **_: reverse("notification_list"))
def notification_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    notification = selectors.notification_get(request.user, notification_id)
    run_for_page(request, services.notification_mark_read, _("Marked as read."), actor=request.user, notification=notification)
    return redirect(_back(request))


@login_required
@require_POST
@errors_return_to(lambda request, **_: reverse("notification_list"))
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    run_for_page(request, services.notifications_mark_all_read, _("All notifications marked as read."), actor=request.user)
    return redirect(_back(request))


@login_required
@require_http_methods(["GET", "POST"])
@errors_return_to(lambda request, **_: reverse("notification_preferences"))
def notification_preferences(request: HttpRequest) -> HttpResponse:
    preference = selectors.preference_of(request.user)
    if request.method == "POST":
        form = PreferenceForm(request.POST)
        if form.is_valid():
            run_for_page(request, services.notification_preference_set, _("Your notification preferences are saved."),
                         actor=request.user, email=form.cleaned_data["email"], expected_version=form.cleaned_data["version"])
            return redirect("notification_preferences")
    else:
        form = PreferenceForm(initial={"email": preference.email, "version": preference.version})
    return render(request, "notifications/preferences.html", {"form": form})
