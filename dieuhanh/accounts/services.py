"""Writing people, their roles on units, and their API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.db import transaction

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone

from dieuhanh.access.models import ApiToken, Role, RoleAssignment
from dieuhanh.access.policy import forget_roles
from dieuhanh.accounts import lockout, selectors
from dieuhanh.accounts.models import User
from dieuhanh.actions import action, nothing_changed
from dieuhanh.audit.services import diff, record, snapshot
from dieuhanh.concurrency import insert_unique
from dieuhanh.core.common.text import normalise_name
from dieuhanh.errors import Conflict, Invalid, detail
from dieuhanh.units.models import Unit

USER_FIELDS = ("username", "full_name", "email", "position", "phone", "is_active")
TOKEN_PREFIX = "dh_"


def _check_role(role: str) -> Role:
    try:
        return Role(role)
    except ValueError:
        raise Invalid(f"unknown role {role!r}", details=[detail("role", "unknown_role", roles=", ".join(Role.values))]) from None


@action
def user_create(
    *,
    actor,
    username: str,
    password: str,
    unit: Unit,
    role: str,
    full_name: str = "",
    email: str = "",
    position: str = "",
    phone: str = "",
) -> User:
    """Create an account together with its first role on ``unit``: nobody exists without a place."""
    username = username.strip()
    email = email.strip().lower()
    role = _check_role(role)
    problems = []
    if not username:
        problems.append(detail("username", "required"))
    else:
        try:
            User.username_validator(username)
        except ValidationError:
            problems.append(detail("username", "bad_username"))
    if email:
        try:
            validate_email(email)
        except ValidationError:
            problems.append(detail("email", "bad_email"))
    candidate = User(username=username, email=email, full_name=full_name)
    try:
        validate_password(password, candidate)
    except ValidationError as exc:
        problems.append(detail("password", "weak_password", reason=" ".join(exc.messages)))
    if problems:
        raise Invalid("invalid user", details=problems)
    taken = selectors.user_exists(username=username, email=email)
    if taken == "username":
        raise Conflict(f"user {username} already exists", code="user_exists")
    if taken == "email":
        raise Conflict(f"e-mail {email} is already used", code="email_taken")
    user = User(username=username, email=email, full_name=normalise_name(full_name), position=normalise_name(position), phone=phone.strip())
    user.set_password(password)
    insert_unique(user)  # two concurrent creates of one username: one account, one 409
    record(actor=actor, action="user_create", obj=user, unit=unit, object_type="user", changes=diff({}, snapshot(user, USER_FIELDS)))
    _grant(actor=actor, user=user, unit=unit, role=role)
    return user


def _grant(*, actor, user: User, unit: Unit, role: Role) -> RoleAssignment:
    if selectors.role_held(user=user, unit=unit, role=role):
        raise Conflict(f"{user.username} already holds {role} on {unit.code}", code="role_exists")
    assignment = RoleAssignment.objects.create(user=user, unit=unit, role=role, granted_by=actor if actor.pk else None)
    record(actor=actor, action="role_grant", obj=assignment, unit=unit, object_type="role_assignment",
           changes={"user": [None, user.username], "unit": [None, unit.code], "role": [None, role.value]})
    forget_roles(user)
    return assignment


@action
def role_grant(*, actor, user: User, unit: Unit, role: str) -> RoleAssignment:
    if not user.is_active:
        raise Invalid(f"user {user.username} is deactivated", code="user_inactive")
    return _grant(actor=actor, user=user, unit=unit, role=_check_role(role))


@action
def role_revoke(*, actor, assignment: RoleAssignment) -> RoleAssignment:
    current = RoleAssignment.objects.select_for_update().select_related("user", "unit").get(pk=assignment.pk)
    if current.revoked_at is not None:
        raise Conflict("this role was already revoked", code="already_revoked")
    current.revoked_at = timezone.now()
    current.revoked_by = actor if actor.pk else None
    current.save(update_fields=["revoked_at", "revoked_by"])
    record(actor=actor, action="role_revoke", obj=current, unit=current.unit, object_type="role_assignment",
           changes={"revoked_at": [None, current.revoked_at.isoformat()]},
           note=f"{current.user.username} / {current.role} / {current.unit.code}")
    forget_roles(current.user)
    return current


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _token_days() -> int:
    return int(getattr(settings, "DIEUHANH_API_TOKEN_DAYS", 30))


def _token_cap() -> int:
    return int(getattr(settings, "DIEUHANH_API_TOKEN_CAP", 10))


def _revoke(actor, tokens, *, reason: str) -> int:
    """Revoke ``tokens`` (active ones) now, one audit event each; how many were revoked."""
    now = timezone.now()
    rows = list(tokens.select_for_update().filter(revoked_at__isnull=True))
    for token in rows:
        token.revoked_at = now
        token.save(update_fields=["revoked_at"])
        record(actor=actor, action="token_revoke", obj=token, object_type="api_token",
               changes={"revoked_at": [None, now.isoformat()]}, note=reason)
    if not rows:
        nothing_changed()  # nothing to revoke: an answer, not an error
    return len(rows)


@action
def token_create(*, actor, user: User, name: str) -> tuple[ApiToken, str]:
    """Create an API token; returns the token row and its secret, which is never shown again.

    One token per client name: a new token for a name the person already uses replaces (revokes) the old one, so
    signing in again from the same client never piles tokens up; at most ``DIEUHANH_API_TOKEN_CAP`` live tokens per
    person (``token_cap``, 409). A token expires after ``DIEUHANH_API_TOKEN_DAYS`` days (default 30)."""
    name = normalise_name(name)
    if not name:
        raise Invalid("a token needs a name", details=[detail("name", "required")])
    User.objects.select_for_update().filter(pk=user.pk).first()  # one token creation per person at a time
    _revoke(actor, ApiToken.objects.filter(user=user, name=name), reason="replaced by a new token of the same name")
    now = timezone.now()
    live = ApiToken.objects.filter(user=user, revoked_at__isnull=True, expires_at__gt=now).count()
    if live >= _token_cap():
        raise Conflict(f"{user.username} already has {live} tokens", code="token_cap", params={"cap": _token_cap()})
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires_at = now + dt.timedelta(days=_token_days())
    token = ApiToken.objects.create(user=user, name=name, prefix=secret[:10], digest=_digest(secret), expires_at=expires_at)
    record(actor=actor, action="token_create", obj=token, object_type="api_token",
           changes={"name": [None, name], "prefix": [None, token.prefix], "expires_at": [None, expires_at.isoformat()]})
    return token, secret


@action
def token_revoke(*, actor, token: ApiToken) -> ApiToken:
    """Revoke one token (its owner, or an administrator of a unit where the owner holds a role)."""
    _revoke(actor, ApiToken.objects.filter(pk=token.pk), reason="revoked")
    token.refresh_from_db()
    return token


@action
def tokens_revoke_all(*, actor, user: User) -> int:
    """"Sign out everywhere": revoke every token of ``user``; how many were revoked."""
    return _revoke(actor, ApiToken.objects.filter(user=user), reason="all tokens revoked")


def revoke_tokens_after_password_change(user: User) -> int:
    """A new password revokes every API token of the account (called on save after ``set_password``)."""
    from dieuhanh.access.policy import SystemActor

    with transaction.atomic():
        return _revoke(SystemActor("system:password_change"), ApiToken.objects.filter(user=user), reason="password changed")


@action
def login_unlock(*, actor, user: User) -> bool:
    """Lift a sign-in lock on the account (``accounts/lockout.py``); ``True`` if it was locked."""
    was = lockout.unlock(user.username)
    record(actor=actor, action="login_unlock", obj=user, object_type="user", changes={"locked": [was, False]})
    return was


def user_for_token(secret: str) -> User | None:
    """The active user a live (neither revoked nor expired) bearer token belongs to, or ``None``. Not an action:
    reading, plus a last-used stamp."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    now = timezone.now()
    token = ApiToken.objects.select_related("user").filter(digest=_digest(secret), revoked_at__isnull=True, expires_at__gt=now).first()
    if token is None or not token.user.is_active:
        return None
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
