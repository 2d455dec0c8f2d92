from django.urls import path

from dieuhanh.jobs import views

urlpatterns = [
    path("cong-viec/", views.job_list, name="job_list"),
    path("cong-viec/<int:job_id>/", views.job_detail, name="job_detail"),
    path("cong-viec/<int:job_id>/huy/", views.job_cancel, name="job_cancel"),
    path("cong-viec/<int:job_id>/chay-lai/", views.job_retry, name="job_retry"),
]
