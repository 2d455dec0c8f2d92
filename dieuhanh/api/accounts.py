"""People, roles and tokens."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import authenticate
from ninja import Field, Router, Schema, Status

from dieuhanh.access.models import ApiToken, Role, RoleAssignment
from dieuhanh.accounts import selectors, services
from dieuhanh.accounts.models import User
from dieuhanh.api.fields import column
from dieuhanh.api.schemas import ERRORS
from dieuhanh.accounts import lockout
from dieuhanh.errors import TooManyAttempts, Unauthenticated
from dieuhanh.portal.middleware import client_address
from dieuhanh.units.models import Unit
from dieuhanh.units.selectors import unit_get

router = Router(tags=["people"])
# A password is not stored (its hash is): its limit is the request's, not a column's.
PASSWORD_MAX = 1024


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
    username: column(User, "username")
    password: str = Field(..., min_length=1, max_length=PASSWORD_MAX)
    full_name: column(User, "full_name") = ""
    email: column(User, "email") = ""
    position: column(User, "position") = ""
    phone: column(User, "phone") = ""
    unit_code: column(Unit, "code")
    role: Role


class RoleGrantIn(Schema):
    username: column(User, "username")
    unit_code: column(Unit, "code")
    role: Role


class TokenIn(Schema):
    username: column(User, "username")
    password: str = Field(..., max_length=PASSWORD_MAX)
    name: column(ApiToken, "name") = "api"


class TokenOut(Schema):
    token: str = Field(..., description="Shown once. Send as `Authorization: Bearer <token>`.")
    name: str
    prefix: str
    expires_at: dt.datetime


class TokenInfo(Schema):
    id: int
    name: str
    prefix: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    expires_at: dt.datetime | None


class RevokedOut(Schema):
    revoked: int


def _user_out(user):
    return {"username": user.username, "full_name": user.full_name, "email": user.email, "position": user.position, "is_active": user.is_active}


@router.get("/me", response={200: MeOut, **ERRORS}, summary="Who I am and my roles")
def me(request):
    user = request.auth
    return {**_user_out(user), "roles": list(selectors.roles_of(user))}


@router.get("/users/{username}", response={200: MeOut, **ERRORS}, summary="A user in my reach, with their roles")
def get_user(request, username: str):
    user = selectors.user_get_visible(actor=request.auth, username=username)
    return {**_user_out(user), "roles": list(selectors.roles_of_visible(actor=request.auth, user=user))}


@router.post("/users", response={201: UserOut, **ERRORS}, summary="Create a user with a first role")
def create_user(request, body: UserCreateIn):
    data = body.dict()
    unit = unit_get(data.pop("unit_code"))
    user = services.user_create(actor=request.auth, unit=unit, **data)
    return Status(201, _user_out(user))


@router.post("/roles", response={201: RoleOut, **ERRORS}, summary="Grant a role on a unit")
def grant_role(request, body: RoleGrantIn):
    unit = unit_get(body.unit_code)
    user = selectors.user_get_for_grant(actor=request.auth, unit=unit, username=body.username)
    return Status(201, services.role_grant(actor=request.auth, user=user, unit=unit, role=body.role))


@router.delete("/roles/{assignment_id}", response={200: RoleOut, **ERRORS}, summary="Revoke a role")
def revoke_role(request, assignment_id: column(RoleAssignment, "id")):
    assignment = selectors.assignment_get(actor=request.auth, assignment_id=assignment_id)
    return services.role_revoke(actor=request.auth, assignment=assignment)


@router.post("/auth/token", auth=None, response={201: TokenOut, **ERRORS}, summary="Exchange a username and password for a bearer token",
             description="One token per client `name`: asking again with the same name replaces (revokes) the previous "
             "token. Tokens expire (`expires_at`). After too many failed attempts the account or the address is locked "
             "for a while: `429` with code `locked_out`, even for the right password.")
def issue_token(request, body: TokenIn):
    address = client_address(request)
    if (minutes := lockout.locked_for(body.username, address)) is not None:
        raise TooManyAttempts("sign-in locked", params={"minutes": minutes})
    user = authenticate(request, username=body.username, password=body.password)
    if user is None:
        lockout.failed(body.username, address)
        raise Unauthenticated("wrong username or password", code="bad_credentials")
    lockout.succeeded(body.username)
    token, secret = services.token_create(actor=user, user=user, name=body.name)
    return Status(201, {"token": secret, "name": token.name, "prefix": token.prefix, "expires_at": token.expires_at})


@router.get("/auth/tokens", response={200: list[TokenInfo], **ERRORS}, summary="My API tokens (never their secrets)")
def list_tokens(request):
    return list(selectors.tokens_of(actor=request.auth, user=request.auth))


@router.delete("/auth/tokens/{token_id}", response={200: TokenInfo, **ERRORS}, summary="Revoke one of my tokens")
def revoke_token(request, token_id: column(ApiToken, "id")):
    token = selectors.token_get(actor=request.auth, token_id=token_id)
    return services.token_revoke(actor=request.auth, token=token)


@router.delete("/auth/tokens", response={200: RevokedOut, **ERRORS}, summary="Sign out everywhere: revoke all my tokens")
def revoke_all_tokens(request):
    return {"revoked": services.tokens_revoke_all(actor=request.auth, user=request.auth)}


@router.post("/users/{username}/unlock", response={200: UserOut, **ERRORS}, summary="Lift a sign-in lock (administrator)")
def unlock_user(request, username: str):
    user = selectors.user_get_visible(actor=request.auth, username=username)
    services.login_unlock(actor=request.auth, user=user)
    return _user_out(user)
