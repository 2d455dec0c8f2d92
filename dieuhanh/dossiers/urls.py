from django.urls import path, re_path

from dieuhanh.dossiers import views

urlpatterns = [
    path("d766/", views.ranking, name="d766_ranking"),
    re_path(r"^d766/export\.(?P<fmt>csv|xlsx)$", views.ranking_export, name="d766_ranking_export"),
    path("d766/feed/", views.feed, name="d766_feed"),
    path("d766/nhap-tep/", views.upload, name="d766_upload"),
    path("d766/units/<str:code>/", views.unit_scorecard, name="d766_unit"),
    path("d766/units/<str:code>/drilldown/", views.drilldown, name="d766_drilldown"),
    re_path(r"^d766/units/(?P<code>[^/]+)/export\.(?P<fmt>csv|xlsx)$", views.unit_export, name="d766_unit_export"),
]
