from django.urls import path

from dieuhanh.indices import views

urlpatterns = [
    path("indices/", views.index_list, name="index_list"),
    path("indices/import/", views.import_files, name="index_import"),
    path("indices/<str:code>/", views.framework_page, name="index_framework"),
    path("indices/<str:code>/run/", views.run_start, name="index_run_start"),
    path("indices/<str:code>/method/", views.method_page, name="index_method"),
    path("indices/<str:code>/compare/", views.compare_page, name="index_compare"),
    path("indices/<str:code>/units/<str:ucode>/", views.scorecard_page, name="index_scorecard"),
    path("indices/<str:code>/runs/<int:run_id>/", views.run_page, name="index_run"),
    path("indices/<str:code>/runs/<int:run_id>/results.<str:fmt>", views.export_results, name="index_results"),
    path("indices/<str:code>/runs/<int:run_id>/audit/", views.audit_page, name="index_audit"),
    path("indices/<str:code>/imeta.<str:fmt>", views.export_imeta, name="index_imeta"),
    path("indices/<str:code>/datasets/<str:dataset>/idata.<str:fmt>", views.export_idata, name="index_idata"),
]
