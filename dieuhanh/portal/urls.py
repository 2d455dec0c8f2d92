from django.urls import include, path, re_path

from dieuhanh.portal import views

# Every public page exists twice: for the latest release (/cong-khai/…) and at each release's permanent address.
PAGES = [
    ("", views.home, "home"),
    ("nhiem-vu/", views.task_list, "tasks"),
    ("nhiem-vu/<path:plan>/<str:code>/", views.task_card, "task"),
    ("chi-tieu/", views.kpi_list, "kpis"),
    ("chi-tieu/<str:code>/", views.kpi_detail, "kpi"),
    ("766/", views.d766_ranking, "d766"),
    ("766/<str:code>/", views.d766_unit, "d766_unit"),
    ("chi-so/", views.index_ranking, "index"),
    ("ngan-sach/", views.money, "money"),
    ("don-vi/", views.units_list, "units"),
    ("don-vi/<str:code>/", views.unit_page, "unit"),
    ("du-lieu/", views.data_catalogue, "data"),
    ("du-lieu/<str:name>/", views.dataset_page, "dataset"),
    ("minh-chung/<str:sha256>/", views.evidence_download, "evidence"),
    ("nhung/nhom-nhiem-vu/", views.embed, "embed_groups", {"chart": "groups"}),
    ("nhung/chi-tieu/<str:code>/", views.embed, "embed_kpi", {"chart": "kpi"}),
    ("nhung/766/<str:code>/", views.embed, "embed_d766", {"chart": "d766"}),
]


def _pages(prefix: str):
    out = [path(route, view, *extra, name=f"{prefix}{name}") for route, view, name, *extra in PAGES]
    out.append(re_path(r"^du-lieu/(?P<name>[a-z0-9_]{1,40})\.(?P<fmt>csv|json|xlsx)$", views.download, name=f"{prefix}download"))
    return out


urlpatterns = [
    path("cong-khai/cong-bo/", views.publish, name="portal_publish"),
    path("cong-khai/cong-bo/minh-chung/", views.evidence_decisions, name="portal_evidence"),
    path("cong-khai/ngon-ngu/", views.language, name="portal_language"),
    path("cong-khai/ban-phat-hanh/", views.release_list, name="portal_releases"),
    path("cong-khai/ban-phat-hanh/<int:release_id>/", include(_pages("portal_release_"))),
    path("cong-khai/", include(_pages("portal_"))),
    path("cong-khai/catalog.jsonld", views.catalogue, {"fmt": "jsonld"}, name="portal_catalogue_jsonld"),
    path("cong-khai/catalog.ttl", views.catalogue, {"fmt": "ttl"}, name="portal_catalogue_ttl"),
    path("sitemap.xml", views.sitemap, name="portal_sitemap"),
]

# CKAN's action API lives under /api/3/action/ (and /api/action/, as CKAN also answers and ckanapi calls), before the
# platform's own API (dieuhanh/urls.py).
ckan_urlpatterns = [path("api/3/action/<str:name>", views.ckan_action, name="ckan_action"),
                    path("api/action/<str:name>", views.ckan_action, name="ckan_action_unversioned")]
