from django.urls import path

from dieuhanh.cockpit import views

urlpatterns = [
    path("", views.home, name="home"),
    path("cockpit/", views.cockpit, name="cockpit"),
    path("dashboards/", views.dashboard_list, name="dashboard_list"),
    path("dashboards/<int:dashboard_id>/", views.dashboard_detail, name="dashboard_detail"),
    path("dashboards/<int:dashboard_id>/widgets/", views.dashboard_widget_add, name="dashboard_widget_add"),
    path("dashboards/<int:dashboard_id>/widgets/<str:item>/", views.dashboard_widget_change, name="dashboard_widget_change"),
    path("dashboards/<int:dashboard_id>/title/", views.dashboard_rename, name="dashboard_rename"),
    path("dashboards/<int:dashboard_id>/share/", views.dashboard_share, name="dashboard_share"),
    path("dashboards/<int:dashboard_id>/default/", views.dashboard_default, name="dashboard_default"),
    path("dashboards/<int:dashboard_id>/delete/", views.dashboard_delete, name="dashboard_delete"),
]
