from django.urls import path

from dieuhanh.plans import views

urlpatterns = [
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/<int:plan_id>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:plan_id>/statistics/", views.plan_statistics, name="plan_statistics"),
    path("tasks/", views.task_list, name="task_list"),
    path("tasks/<int:task_id>/", views.task_detail, name="task_detail"),
    path("tasks/<int:task_id>/report/", views.report_submit, name="report_submit"),
    path("tasks/<int:task_id>/extension/", views.extension_request, name="extension_request"),
    path("tasks/<int:task_id>/explanation/", views.explanation_request, name="explanation_request"),
    path("tasks/<int:task_id>/contribution/", views.contribution_save, name="contribution_save"),
    path("tasks/<int:task_id>/state/", views.task_state, name="task_state"),
    path("reports/<int:report_id>/<str:decision>/", views.report_review, name="report_review"),
    path("extensions/<int:change_id>/decide/", views.extension_decide, name="extension_decide"),
    path("explanations/<int:explanation_id>/answer/", views.explanation_answer, name="explanation_answer"),
    path("evidence/<int:evidence_id>/", views.evidence_download, name="evidence_download"),
    path("plans/<int:plan_id>/tasks/new/", views.task_new, name="task_new"),
    path("tasks/<int:task_id>/edit/", views.task_edit, name="task_edit"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<str:name>/", views.inbox_list, name="inbox_list"),
    path("plans/<int:plan_id>/export.xlsx", views.plan_export, name="plan_export"),
    path("plans/<int:plan_id>/progress.xlsx", views.progress_sheet, name="progress_sheet"),
    path("plans/<int:plan_id>/import/", views.plan_import, name="plan_import"),
    path("plans/<int:plan_id>/progress/", views.progress_import, name="progress_import"),
]
