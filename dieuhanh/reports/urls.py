from django.urls import path

from dieuhanh.reports import views

urlpatterns = [
    path("official-reports/", views.report_list, name="report_list"),
    path("official-reports/<int:report_id>/download/", views.report_download, name="report_download"),
    path("official-reports/plans/<int:plan_id>/statistics.docx", views.statistics_docx, name="report_statistics_docx"),
]
