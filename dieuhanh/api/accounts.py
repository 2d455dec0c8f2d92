"""People, roles and tokens."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import authenticate
from ninja import Field, Router, Schema, Status

from dieuhanh.access.models import Role, RoleAssignment
from dieuhanh.access.policy import reach_filter, require
from dieuhanh.accounts import selectors, services
from dieuhanh.accounts.models import User
from dieuhanh.api.schemas import ERRORS
from dieuhanh.errors import NotFound, Unauthenticated
from dieuhanh.units.selectors import unit_get

router = Router(tags=["people"])


class RoleOut(Schema):
    id: int
    unit_code: str = Field(..., alias="unit.code")
    unit_name: str = Field(..., alias="unit.name")
    role: Role
    granted_at: dt.datetime


class UserOut(Schema):
    username: str
    full_name: str
    email: str
    position: str
    is_active: bool


class MeOut(UserOut):
    roles: list[RoleOut]


class UserCreateIn(Schema):
    username: str = Field(..., min_length=1, max_length=150)
    password: str = Field(..., min_length=1)
    full_name: str = Field("", max_length=200)
    email: str = Field("", max_length=254)
    position: str = Field("", max_length=200)
    unit_code: str
    role: Role


class RoleGrantIn(Schema):
    username: str
    unit_code: str
    role: Role


class TokenIn(Schema):
    username: str
    password: str
    name: str = Field("api", max_length=100)


class TokenOut(Schema):
    token: str = Field(..., description="Shown once. Send as `Authorization: Bearer <token>`.")
    name: str
    prefix: str


def _user_out(user):
    return {"username": user.username, "full_name": user.full_name, "email": user.email, "position": user.position, "is_active": user.is_active}


@router.get("/me", response={200: MeOut, **ERRORS}, summary="Who I am and my roles")
def me(request):
    user = request.auth
    return {**_user_out(user), "roles": list(selectors.roles_of(user))}


@router.get("/users/{username}", response={200: MeOut, **ERRORS}, summary="A user in my reach, with their roles")
def get_user(request, username: str):
    user = selectors.user_get_visible(actor=request.auth, username=username)
    roles = selectors.roles_of(user)
    if user.pk != request.auth.pk:  # only the roles on units the caller may see
        roles = roles.filter(reach_filter(request.auth, "unit_data_view", "unit__"))
    return {**_user_out(user), "roles": list(roles)}


@router.post("/users", response={201: UserOut, **ERRORS}, summary="Create a user with a first role")
def create_user(request, body: UserCreateIn):
    data = body.dict()
    unit = unit_get(data.pop("unit_code"))
    user = services.user_create(actor=request.auth, unit=unit, **data)
    return Status(201, _user_out(user))


@router.post("/roles", response={201: RoleOut, **ERRORS}, summary="Grant a role on a unit")
def grant_role(request, body: RoleGrantIn):
    unit = unit_get(body.unit_code)
    require(request.auth, "role_grant", unit)  # before looking the account up: no probing of usernames
    return Status(201, services.role_grant(actor=request.auth, user=_any_user(body.username), unit=unit, role=body.role))


def _any_user(username: str):
    """Role grants may name any existing account: the check that matters is the grantor's role on the unit."""
    user = User.objects.filter(username__iexact=username).first()
    if user is None:
        raise NotFound("user not found", code="user_not_found")
    return user


@router.delete("/roles/{assignment_id}", response={200: RoleOut, **ERRORS}, summary="Revoke a role")
def revoke_role(request, assignment_id: int):
    assignment = RoleAssignment.objects.select_related("unit", "user").filter(pk=assignment_id).first()
    if assignment is None:
        raise NotFound("role assignment not found")
    return services.role_revoke(actor=request.auth, assignment=assignment)


@router.post("/auth/token", auth=None, response={201: TokenOut, **ERRORS}, summary="Exchange a username and password for a bearer token")
def issue_token(request, body: TokenIn):
    user = authenticate(request, username=body.username, password=body.password)
    if user is None:
        raise Unauthenticated("wrong username or password", code="bad_credentials")
    token, secret = services.token_create(actor=user, user=user, name=body.name)
    return Status(201, {"token": secret, "name": token.name, "prefix": token.prefix})
