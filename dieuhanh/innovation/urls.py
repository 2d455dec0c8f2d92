from django.urls import path

from dieuhanh.innovation import views

urlpatterns = [
    # officials
    path("dat-hang/", views.call_list, name="call_list"),
    path("dat-hang/export.xlsx", views.call_export, name="call_export"),
    path("ho-tro/", views.call_list, {"support": True}, name="support_list"),
    path("ho-tro/export.xlsx", views.call_export, {"support": True}, name="support_export"),
    path("dat-hang/moi/", views.call_create, name="call_create"),
    path("dat-hang/<int:call_id>/", views.call_detail, name="call_detail"),
    path("dat-hang/<int:call_id>/sua/", views.call_edit, name="call_edit"),
    path("dat-hang/<int:call_id>/buoc/", views.call_move, name="call_move"),
    path("dat-hang/<int:call_id>/hoi-dong/", views.council, name="call_council"),
    path("dat-hang/<int:call_id>/quyet-dinh/", views.decide, name="call_decide"),
    path("dat-hang/<int:call_id>/moc/", views.milestone, name="call_milestone"),
    path("dat-hang/<int:call_id>/moc/<int:milestone_id>/xong/", views.milestone_done, name="call_milestone_done"),
    path("dat-hang/<int:call_id>/nghiem-thu/", views.accept, name="call_accept"),
    path("dat-hang/<int:call_id>/ap-dung/", views.adopt, name="call_adopt"),
    path("dat-hang/<int:call_id>/de-xuat.xlsx", views.proposals_export, name="call_proposals_export"),
    path("dat-hang/de-xuat/<int:proposal_id>/", views.proposal_detail, name="proposal_detail"),
    path("dat-hang/de-xuat/<int:proposal_id>/cham-diem/", views.score, name="proposal_score"),
    path("dat-hang/de-xuat/<int:proposal_id>/xung-dot/", views.conflict, name="proposal_conflict"),
    path("dat-hang/de-xuat/<int:proposal_id>/so-tien/", views.amounts, name="proposal_amounts"),
    path("dat-hang/de-xuat/<int:proposal_id>/tep/<int:file_id>/", views.proposal_file, name="proposal_file"),
    # proposers
    path("de-xuat/", views.proposer_home, name="proposer_home"),
    path("de-xuat/dang-ky/", views.register, name="proposer_register"),
    path("de-xuat/dang-ky/da-gui/", views.registered, name="proposer_registered"),
    path("de-xuat/xac-minh/<str:token>/", views.verify, name="proposer_verify"),
    path("de-xuat/bai-toan/<int:call_id>/nop/", views.submit, name="proposal_submit"),
    path("de-xuat/<int:proposal_id>/", views.my_proposal, name="proposer_proposal"),
    path("de-xuat/<int:proposal_id>/sua/", views.my_proposal_edit, name="proposer_proposal_edit"),
    path("de-xuat/<int:proposal_id>/rut/", views.my_proposal_withdraw, name="proposer_proposal_withdraw"),
    path("de-xuat/<int:proposal_id>/tep/<int:file_id>/", views.my_file, name="proposer_file"),
    # public
    path("cong-khai/dat-hang/", views.public_list, name="public_calls"),
    path("cong-khai/dat-hang/<int:call_id>/", views.public_call, name="public_call"),
    path("cong-khai/ho-tro/", views.public_list, {"support": True}, name="public_support"),
]
