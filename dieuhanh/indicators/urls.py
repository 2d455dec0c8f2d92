from django.urls import path

from dieuhanh.indicators import views

urlpatterns = [
    path("indicators/", views.catalogue, name="indicator_catalogue"),
    path("indicators/entry/", views.my_entry, name="indicator_my_entry"),
    path("indicators/due/", views.due_page, name="indicator_due"),
    path("indicators/<str:code>/", views.indicator_page, name="indicator_page"),
    path("units/<str:code>/scorecard/", views.scorecard, name="indicator_scorecard"),
    path("units/<str:code>/data/<str:period>/", views.entry, name="indicator_entry"),
    path("units/<str:code>/data/<str:period>/template.xlsx", views.template_download, name="indicator_template"),
    path("units/<str:code>/data/<str:period>/upload/", views.template_upload, name="indicator_upload"),
    path("units/<str:code>/data/<str:period>/<str:step>/", views.approval_action, name="indicator_approval"),
]
