from django.urls import path

from dieuhanh.difficulties import views

urlpatterns = [
    path("difficulties/", views.register, name="difficulty_register"),
    path("difficulties/export.xlsx", views.export, name="difficulty_export"),
    path("difficulties/mine/", views.mine, name="difficulty_mine"),
    path("difficulties/new/", views.raise_item, name="difficulty_raise"),
    path("difficulties/<int:difficulty_id>/", views.detail, name="difficulty_detail"),
    path("difficulties/<int:difficulty_id>/assign/", views.assign, name="difficulty_assign"),
    path("difficulties/<int:difficulty_id>/answer/", views.answer, name="difficulty_answer"),
    path("difficulties/<int:difficulty_id>/close/", views.close, name="difficulty_close"),
    path("difficulties/from-report/<int:report_id>/", views.from_report, name="difficulties_from_report"),
]
