from django.urls import path

from dieuhanh.emulation import views

urlpatterns = [
    path("sang-kien/", views.initiative_register, name="initiatives"),
    path("sang-kien/moi/", views.initiative_apply, name="initiative_apply"),
    path("sang-kien/<int:initiative_id>/", views.initiative_detail, name="initiative_detail"),
    path("sang-kien/<int:initiative_id>/hoi-dong/", views.initiative_council, name="initiative_council"),
    path("sang-kien/<int:initiative_id>/y-kien/", views.initiative_opinion, name="initiative_opinion"),
    path("sang-kien/<int:initiative_id>/quyet-dinh/", views.initiative_decide, name="initiative_decide"),
    path("thi-dua/", views.movements, name="movements"),
    path("khen-thuong/", views.award_rounds, name="award_rounds"),
    path("khen-thuong/so/", views.award_register, name="award_register"),
    path("khen-thuong/dot/<int:round_id>/", views.award_round, name="award_round"),
    path("khen-thuong/dot/<int:round_id>/de-nghi/", views.award_propose, name="award_propose"),
    path("khen-thuong/dot/<int:round_id>/cong-khai/", views.award_round_post, name="award_round_post"),
    path("khen-thuong/dot/<int:round_id>/quyet-dinh/", views.award_round_decide, name="award_round_decide"),
    path("khen-thuong/y-kien/<int:comment_id>/an/", views.award_comment_hide, name="award_comment_hide"),
    path("khen-thuong/de-nghi/<int:proposal_id>/", views.award_proposal, name="award_proposal"),
    path("khen-thuong/de-nghi/<int:proposal_id>/tep/", views.award_file, name="award_file"),
    path("khen-thuong/de-nghi/<int:proposal_id>/tep/<int:file_id>/", views.award_file_download, name="award_file_download"),
    path("khen-thuong/de-nghi/<int:proposal_id>/thu-hoi/", views.award_revoke, name="award_revoke"),
    # public, no login (rate-limited with the rest of /cong-khai/ by portal/middleware.py)
    path("cong-khai/sang-kien/", views.public_initiatives, name="public_initiatives"),
    path("cong-khai/khen-thuong/", views.public_rounds, name="public_award_rounds"),
    path("cong-khai/khen-thuong/<int:round_id>/", views.public_round, name="public_award_round"),
]
