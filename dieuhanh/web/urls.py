from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import path
from django.views.generic import RedirectView

from dieuhanh.web import views

urlpatterns = [
    path("login/", views.Login.as_view(), name="login"),
    path("favicon.ico", RedirectView.as_view(url=static("dieuhanh/favicon.svg"), permanent=True)),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("me/roles/", views.my_roles, name="my_roles"),
    path("me/tokens/<int:token_id>/revoke/", views.my_token_revoke, name="my_token_revoke"),
    path("me/tokens/revoke-all/", views.my_tokens_revoke_all, name="my_tokens_revoke_all"),
    path("units/", views.unit_browser, name="units"),
    path("units/<str:code>/", views.unit_detail, name="unit_detail"),
    path("units/<str:code>/tree/", views.unit_tree_children, name="unit_tree_children"),
    path("units/<str:code>/edit/", views.unit_edit, name="unit_edit"),
    path("units/<str:code>/roles/", views.role_grant_view, name="role_grant"),
    path("units/<str:code>/members/<str:username>/unlock/", views.member_unlock_view, name="member_unlock"),
    path("roles/<int:assignment_id>/revoke/", views.role_revoke_view, name="role_revoke"),
]
