from django.urls import path

from dieuhanh.reports import round_views, views

urlpatterns = [
    path("official-reports/", views.report_list, name="report_list"),
    path("official-reports/<int:report_id>/download/", views.report_download, name="report_download"),
    path("official-reports/plans/<int:plan_id>/statistics.docx", views.statistics_docx, name="report_statistics_docx"),
    path("official-reports/templates/", round_views.report_templates, name="report_templates"),
    path("official-reports/rounds/", round_views.round_list, name="round_list"),
    path("official-reports/rounds/<int:round_id>/", round_views.round_detail, name="round_detail"),
    path("official-reports/rounds/<int:round_id>/<str:step>/", round_views.round_post, name="round_post"),
    path("official-reports/unit-reports/<int:report_id>/", round_views.round_report_detail, name="round_report_detail"),
    path("official-reports/unit-reports/<int:report_id>/bao-cao.docx", round_views.round_report_docx, name="round_report_docx"),
    path("official-reports/unit-reports/<int:report_id>/<str:step>/", round_views.round_report_post, name="round_report_post"),
    path("official-reports/attachments/<int:attachment_id>/", round_views.round_attachment_download, name="round_attachment"),
]
