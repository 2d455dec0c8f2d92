"""The public portal (no login) and the steering page that publishes a release.

Public pages read one release only: the latest (``/cong-khai/…``) or a given one at its permanent address
(``/cong-khai/ban-phat-hanh/<id>/…``). A page is rendered once per release, language, site and address and kept whole
in Django's cache (a release never changes, and a public page holds nothing personal to the visitor); the portal's
middleware answers it next time before the page stack. Unknown releases, units, tasks, indicators, periods and datasets
raise ``NotFound``: the public 404 page. The open-data files, the DCAT-AP catalogue and the CKAN action API read the same
release; the steering pages publish releases and decide which evidence is public.
"""

from __future__ import annotations

import functools
import json
from typing import Any
from collections.abc import Callable

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import FileResponse, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from django.views.i18n import set_language

from dieuhanh.access.policy import require
from dieuhanh.core.common.periods import parse_date
from dieuhanh.errors import NotFound
from dieuhanh.pages import errors_return_to, run_for_page
from dieuhanh.portal import opendata, public, selectors, services
from dieuhanh.portal.files import CONTENT_TYPES, WRITERS
from dieuhanh.portal.jobs import release_enqueue
from dieuhanh.portal.models import Release
from dieuhanh.portal.tables import BY_NAME, LICENCE_TITLE, LICENCE_URL, SPECS
from dieuhanh.units.selectors import city_code, unit_get

CACHE_SECONDS = 24 * 3600


def _release(release_id: int | None) -> Release:
    return selectors.release_get(release_id) if release_id is not None else selectors.latest_or_missing()


def base_of(release_id: int | None) -> str:
    return reverse("portal_home") if release_id is None else reverse("portal_release_home", args=[release_id])


def _period(request) -> str | None:
    value = request.GET.get("ky", "").strip()
    return value[:10] or None


def _page(request, release_id: int | None, template: str, build: Callable[[dict], dict[str, Any]], *, key: str = "",
          frame: str = "portal/page.html", permalink: str = "") -> HttpResponse:
    """The whole page is rendered once per release, language, site, address and recognised query, and cached: public
    pages hold nothing personal to the visitor (no CSRF token: the language switch posts to ``language``)."""
    release = _release(release_id)
    language = translation.get_language()
    site = _root(request)
    cache_key = f"portal:page:{selectors.cache_key(release)}:{language}:{site}:{request.path}:{key}"
    html = cache.get(cache_key)
    if html is None:
        base = base_of(release_id)
        context = build(selectors.tables(release))
        context.update(release=release, base=base, site=site, licence_url=LICENCE_URL, licence_title=LICENCE_TITLE)
        body = render_to_string(template, context)
        html = render_to_string(frame, {
            "permalink": permalink, "title": context.get("title", ""), "description": context.get("description", ""), "body": body,
            "release": release, "base": base, "latest": release_id is None, "city_name": release.publisher.name,
            "licence_url": LICENCE_URL, "licence_title": LICENCE_TITLE, "canonical": site + request.path,
            "next_path": request.path + (f"?{key}" if key else ""),
        }, request=request)
        cache.set(cache_key, html, CACHE_SECONDS)
    response = HttpResponse(html)
    patch_vary_headers(response, ["Cookie"])  # the language cookie chooses the page
    patch_cache_control(response, public=True, max_age=60)
    # The same page for the same address: the middleware may answer it next time before the rest of the stack.
    request.portal_cacheable = request.META.get("QUERY_STRING", "") == key
    return response


@csrf_exempt
@require_http_methods(["POST"])
def language(request):
    """The language switch of the public pages: Django's ``set_language`` without a CSRF token, so that public pages
    are the same for everyone and cached whole (changing someone's display language is all a forged post could do)."""
    return set_language(request)


# -------------------------------------------------------------------------------------------------------- pages


def home(request, release_id: int | None = None):
    def build(t):
        release = _release(release_id)
        previous = selectors.previous_release(release)
        return {"title": _("The programme"), "description": _("What the city promised, what it did, with evidence."),
                "embed": "nhung/nhom-nhiem-vu/", "previous": previous,
                "changes": public.changes(selectors.tables(previous), t) if previous else [], **public.programme(t)}

    return _page(request, release_id, "portal/programme.html", build)


def task_list(request, release_id: int | None = None):
    group = request.GET.get("nhom", "")
    group_number = int(group) if group.isdigit() and len(group) < 4 else None
    return _page(request, release_id, "portal/tasks.html",
                 lambda t: {"title": _("Tasks"), "group": group_number, "groups": t["task_groups"],
                            "tasks": public.tasks_of(t, group=group_number)}, key=f"nhom={group_number}" if group_number else "")


def task_card(request, plan: str, code: str, release_id: int | None = None):
    def build(t):
        card = public.task_card(t, plan, code)
        return {"title": card["task"]["title"][:120], "description": card["task"]["product"][:200], **card}

    return _page(request, release_id, "portal/task.html", build)


def kpi_list(request, release_id: int | None = None):
    return _page(request, release_id, "portal/kpis.html",
                 lambda t: {"title": _("Indicators"), "kpis": public.kpi_list(t)})


def kpi_detail(request, code: str, release_id: int | None = None):
    def build(t):
        data = public.kpi(t, code)
        return {"title": data["kpi"]["name"], "description": data["kpi"]["method"][:200], "embed": f"nhung/chi-tieu/{code}/", **data}

    return _page(request, release_id, "portal/kpi.html", build)


def d766_ranking(request, release_id: int | None = None):
    period = _period(request)
    return _page(request, release_id, "portal/d766.html",
                 lambda t: {"title": _("Service quality (Decision 766)"), **public.d766_ranking(t, period)}, key=f"ky={period}" if period else "")


def d766_unit(request, code: str, release_id: int | None = None):
    period = _period(request)

    def build(t):
        data = public.d766_unit(t, code, period)
        return {"title": _("Decision 766 scorecard: %(unit)s") % {"unit": data["row"]["name"]}, "embed": f"nhung/766/{code}/?ky={data['period']}",
                **data}

    return _page(request, release_id, "portal/d766_unit.html", build, key=f"ky={period}" if period else "")


def index_ranking(request, release_id: int | None = None):
    return _page(request, release_id, "portal/index.html",
                 lambda t: {"title": _("Ward digital-transformation index"), **public.index_ranking(t)})


def money(request, release_id: int | None = None):
    return _page(request, release_id, "portal/money.html", lambda t: {"title": _("Money"), **public.budget(t)})


def unit_page(request, code: str, release_id: int | None = None):
    def build(t):
        data = public.unit_page(t, code)
        return {"title": data["unit"]["name"], **data}

    return _page(request, release_id, "portal/unit.html", build)


def units_list(request, release_id: int | None = None):
    return _page(request, release_id, "portal/units.html", lambda t: {"title": _("Units"), "units": t["units"]})


def data_catalogue(request, release_id: int | None = None):
    def build(t):
        release = _release(release_id)
        return {"title": _("Open data"), "specs": [(s, len(t[s.name])) for s in SPECS],
                "updated": timezone.localtime(release.published_at).date(), "review_by": public.six_months_after(release.as_of)}

    return _page(request, release_id, "portal/data.html", build)


def dataset_page(request, name: str, release_id: int | None = None):
    spec = BY_NAME.get(name)
    if spec is None:
        raise NotFound(f"dataset {name}")
    return _page(request, release_id, "portal/dataset.html",
                 lambda t: {"title": spec.title_vi if translation.get_language() == "vi" else spec.title_en, "spec": spec,
                            "rows": len(t[name])})


def download(request, name: str, fmt: str, release_id: int | None = None):
    release = _release(release_id)
    spec = BY_NAME.get(name)
    if spec is None or fmt not in WRITERS:
        raise NotFound(f"dataset {name}.{fmt}")
    cache_key = f"portal:file:{selectors.cache_key(release)}:{name}:{fmt}"
    body = cache.get(cache_key)
    if body is None:
        body = WRITERS[fmt](spec, selectors.table(release, name), release)
        cache.set(cache_key, body, CACHE_SECONDS)
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}-{release.as_of:%Y%m%d}-r{release.pk}.{fmt}"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


def evidence_download(request, sha256: str, release_id: int | None = None):
    """An evidence file the release lists, while the steering's latest decision keeps it public."""
    filename, where, content_type = selectors.evidence_file(_release(release_id), sha256)
    return FileResponse(where.open("rb"), as_attachment=True, filename=filename, content_type=content_type or "application/octet-stream")


def release_list(request):
    latest = selectors.latest_release()
    return render(request, "portal/releases.html", {
        "title": _("Releases"), "releases": selectors.releases(), "release": latest, "base": base_of(None),
        "city_name": latest.publisher.name if latest else "", "canonical": request.build_absolute_uri(request.path),
        "latest": True, "licence_url": LICENCE_URL, "licence_title": LICENCE_TITLE})


def sitemap(request):
    release = selectors.latest_release()
    urls: list[str] = []
    if release is not None:
        t = selectors.tables(release)
        base = base_of(None)
        urls = [base, base + "nhiem-vu/", base + "chi-tieu/", base + "766/", base + "chi-so/", base + "ngan-sach/", base + "don-vi/",
                base + "du-lieu/", reverse("portal_releases")]
        urls += [f"{base}nhiem-vu/{public.plan_slug(r['plan'])}/{r['task_code']}/" for r in t["tasks"]]
        urls += [f"{base}chi-tieu/{k['indicator_code']}/" for k in t["kpis"]]
        urls += [f"{base}766/{r['unit_code']}/" for r in t["d766_scorecards"] if r["period"] == (public.d766_periods(t) or [None])[0]]
        urls += [f"{base}don-vi/{u['unit_code']}/" for u in t["units"]]
        urls += [f"{base}du-lieu/{s.name}/" for s in SPECS]
    body = render_to_string("portal/sitemap.xml", {"urls": [request.build_absolute_uri(u) for u in urls],
                                                   "modified": release.published_at if release else None})
    return HttpResponse(body, content_type="application/xml")


# --------------------------------------------------------------------------------------------- steering: publish


class PublishForm(forms.Form):
    as_of = forms.CharField(label=gettext_lazy("As of (dd/mm/yyyy)"), max_length=10)
    periods = forms.CharField(label=gettext_lazy("Decision 766 periods (e.g. 2026 2026-Q3), empty: the latest year"), max_length=200,
                              required=False)
    note = forms.CharField(label=gettext_lazy("What changed and why"), widget=forms.Textarea(attrs={"rows": 4}), required=False,
                           max_length=services.NOTE_MAX)
    synthetic = forms.BooleanField(label=gettext_lazy("The data are synthetic (demo): label every page and file"), required=False)


def steering_page(url_name: str):
    """A page of the city's steering committee (``release_publish`` on the city, else the 404 page); a refused form
    returns to it. The view receives the city."""
    def decorate(view):
        @login_required
        @require_http_methods(["GET", "POST"])
        @errors_return_to(lambda request: reverse(url_name))
        @functools.wraps(view)
        def wrapped(request):
            city = unit_get(city_code())
            require(request.user, "release_publish", city)
            return view(request, city)

        return wrapped

    return decorate


@steering_page("portal_publish")
def publish(request, city):
    form = PublishForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        job = run_for_page(request, release_enqueue, _("The release is being published; its page shows the progress."),
                           actor=request.user, city=city, as_of=parse_date(data["as_of"]), note=data["note"],
                           periods=data["periods"].split() or None, synthetic=data["synthetic"])
        return redirect("job_detail", job.pk)
    return render(request, "portal/publish.html", {"form": form, "releases": selectors.releases()})


@steering_page("portal_evidence")
def evidence_decisions(request, city):
    """Steering: which evidence files of approved reports the public may read (from the next release on)."""
    if request.method == "POST":
        evidence_id = request.POST.get("evidence", "")
        evidence = selectors.evidence_for_decision(city, int(evidence_id) if evidence_id.isdigit() and len(evidence_id) < 18 else 0)
        public = request.POST.get("public") == "1"
        run_for_page(request, services.evidence_publish, _("Made public from the next release.") if public else _("Withdrawn from the public."),
                     actor=request.user, city=city, evidence=evidence, public=public)
        return redirect("portal_evidence")
    return render(request, "portal/evidence_decisions.html", {"rows": selectors.evidence_candidates(city)})


# --------------------------------------------------------------------------------- embeds (iframes for newspapers)

EMBEDS = {
    "groups": ("portal/chart_groups.html", lambda t, code, period: {"title": _("Task groups and their progress"), **public.programme(t)}),
    "kpi": ("portal/chart_kpi.html", lambda t, code, period: {"title": public.kpi(t, code)["kpi"]["name"], **public.kpi(t, code)}),
    "d766": ("portal/chart_d766.html", lambda t, code, period: {
        "title": _("Decision 766 scorecard: %(unit)s") % {"unit": public.d766_unit(t, code, period)["row"]["name"]},
        **public.d766_unit(t, code, period)}),
}


@xframe_options_exempt
def embed(request, chart: str, code: str = "", release_id: int | None = None):
    """A chart with its data table alone, for an iframe in another site (framing allowed here only)."""
    template, build = EMBEDS[chart]
    period = _period(request)
    permalink = request.build_absolute_uri(request.path.replace("nhung/", "", 1).replace("nhom-nhiem-vu/", ""))
    return _page(request, release_id, template, lambda t: build(t, code, period), key=f"ky={period}" if period else "", frame="portal/embed.html",
                 permalink=permalink)


# ------------------------------------------------------------------------------------------- machine-readable catalogue


def _root(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def catalogue(request, fmt: str):
    """The DCAT-AP catalogue of the latest release at a stable address, JSON-LD or Turtle."""
    release = selectors.latest_or_missing()
    root = _root(request)
    cache_key = f"portal:dcat:{selectors.cache_key(release)}:{root}:{fmt}"
    body = cache.get(cache_key)
    if body is None:
        graph = opendata.catalogue_graph(release, selectors.tables(release), selectors.first_published(release), root)
        body = graph.serialize(format="json-ld" if fmt == "jsonld" else "turtle")
        cache.set(cache_key, body, CACHE_SECONDS)
    response = HttpResponse(body, content_type="application/ld+json" if fmt == "jsonld" else "text/turtle; charset=utf-8")
    response["Access-Control-Allow-Origin"] = "*"
    return response


# ------------------------------------------------------------------------------------------------ CKAN action API

CKAN_ACTIONS = ("package_list", "package_show", "package_search", "resource_show", "organization_list", "organization_show",
                "site_read", "status_show", "help_show")


def _ckan(request, name: str, *, result=None, error: dict | None = None, status: int = 200) -> JsonResponse:
    body: dict[str, Any] = {"help": request.build_absolute_uri(f"/api/3/action/help_show?name={name}"), "success": error is None}
    if error is None:
        body["result"] = result
    else:
        body["error"] = error
    response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _ckan_params(request) -> dict[str, Any]:
    params: dict[str, Any] = dict(request.GET.items())
    if request.method == "POST":
        if (request.content_type or "").startswith("application/json"):
            try:
                loaded = json.loads(request.body or b"{}")
            except ValueError:
                loaded = None
            if not isinstance(loaded, dict):
                raise _CkanError(400, {"__type": "Validation Error", "message": "JSON body must be an object"})
            params.update(loaded)
        else:
            params.update(request.POST.items())
    return params


class _CkanError(Exception):
    def __init__(self, status: int, error: dict) -> None:
        super().__init__(error.get("message", ""))
        self.status, self.error = status, error


def _int(params: dict, key: str, default: int, high: int) -> int:
    value = params.get(key, default)
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise _CkanError(409, {"__type": "Validation Error", key: ["Invalid integer"]}) from None
    if not 0 <= number <= high:
        raise _CkanError(409, {"__type": "Validation Error", key: [f"Must be between 0 and {high}"]})
    return number


def _packages(request, release: Release) -> list[dict[str, Any]]:
    root = _root(request)
    cache_key = f"portal:ckan-packages:{selectors.cache_key(release)}:{root}"
    packages = cache.get(cache_key)
    if packages is None:
        t, first = selectors.tables(release), selectors.first_published(release)
        packages = [opendata.package(spec, release, t, first, root) for spec in SPECS]
        cache.set(cache_key, packages, CACHE_SECONDS)
    return packages


def _ckan_result(request, name: str, params: dict[str, Any]):
    if name == "site_read":
        return True
    if name == "status_show":
        return {"site_title": _("Public portal"), "site_url": _root(request), "ckan_version": "2.10.0", "api_version": 3,
                "extensions": ["dcat"], "locale_default": "vi"}
    if name == "help_show":
        return f"{params.get('name', '')}: CKAN-compatible read-only action of the public portal."
    release = selectors.latest_release()
    if release is None:
        raise _CkanError(404, {"__type": "Not Found Error", "message": "Not found"})
    packages = _packages(request, release)
    by_id = {p["id"]: p for p in packages}
    if name == "package_list":
        return sorted(by_id)
    if name == "package_show":
        key = str(params.get("id") or params.get("name_or_id") or "")
        if not key:
            raise _CkanError(409, {"__type": "Validation Error", "id": ["Missing value"]})
        if key not in by_id:
            raise _CkanError(404, {"__type": "Not Found Error", "message": "Not found"})
        return by_id[key]
    if name == "resource_show":
        key = str(params.get("id") or "")
        if not key:
            raise _CkanError(409, {"__type": "Validation Error", "id": ["Missing value"]})
        found = next((r for p in packages for r in p["resources"] if r["id"] == key), None)
        if found is None:
            raise _CkanError(404, {"__type": "Not Found Error", "message": "Not found"})
        return found
    if name == "package_search":
        rows, start = _int(params, "rows", 10, 1000), _int(params, "start", 0, 100000)
        query = str(params.get("q") or "")[:200]
        hits = [p for p in packages if opendata.matches(p, query)]
        return {"count": len(hits), "results": hits[start:start + rows], "sort": "score desc, metadata_modified desc",
                "facets": {}, "search_facets": {}}
    org = opendata.organization(release)
    if name == "organization_show":
        if str(params.get("id") or "") not in (org["id"], org["name"]):
            raise _CkanError(404, {"__type": "Not Found Error", "message": "Not found"})
        return {**org, "package_count": len(packages)}
    # organization_list
    return [{**org, "package_count": len(packages)}] if str(params.get("all_fields", "")).lower() in ("true", "1") else [org["name"]]


@csrf_exempt
@require_http_methods(["GET", "POST"])
def ckan_action(request, name: str):
    """``/api/3/action/<name>``: the read actions CKAN harvesters and the ``ckanapi`` client call, in CKAN's
    ``{"help", "success", "result"}`` envelope; errors in CKAN's shape (``{"__type": "Not Found Error", …}``).
    Read-only: nothing here writes, so no CSRF token is asked of harvesters that POST their parameters."""
    if name not in CKAN_ACTIONS:
        return _ckan(request, name, error={"__type": "Bad request", "message": f"Action name not known: {name[:60]}"}, status=400)
    release = selectors.latest_release()
    # Successful reads of one dataset, resource or list are kept whole (their parameters name something that exists,
    # so the keys stay few); searches and errors are answered each time.
    cacheable = request.method == "GET" and release is not None and name in ("package_list", "package_show", "resource_show", "organization_list")
    cache_key = f"portal:ckan:{selectors.cache_key(release)}:{_root(request)}:{name}:{request.GET.urlencode()}" if cacheable else ""
    if cacheable and (body := cache.get(cache_key)) is not None:
        response = HttpResponse(body, content_type="application/json")
        response["Access-Control-Allow-Origin"] = "*"
        return response
    try:
        response = _ckan(request, name, result=_ckan_result(request, name, _ckan_params(request)))
    except _CkanError as exc:
        return _ckan(request, name, error=exc.error, status=exc.status)
    if cacheable:
        cache.set(cache_key, response.content, CACHE_SECONDS)
    return response
