"""Brute-force protection for signing in (the login form and ``POST /api/auth/token``), on the Django cache.

Two counters, each over a sliding window of ``DIEUHANH_LOGIN_LOCKOUT_SECONDS`` (default 900 s):

- per account (the username, case-folded): after ``DIEUHANH_LOGIN_FAILURES_PER_ACCOUNT`` wrong passwords (default 5)
  the account is locked, from every address, until the lock expires or an administrator unlocks it;
- per address (the client's address, ``portal.middleware.client_address``): after
  ``DIEUHANH_LOGIN_FAILURES_PER_ADDRESS`` failures (default 20, over any accounts) the address is locked, for every
  account; it expires on its own.

While a lock holds, even the right password is refused (the attempt is not checked at all). Each new lock writes one
``login_lockout`` audit event. With several workers the cache must be shared (``DIEUHANH_CACHE_URL``, Redis), as it
is in production; with the local-memory cache of the demo each worker counts for itself.
"""

from __future__ import annotations

import hashlib
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from dieuhanh.audit.models import AuditEvent
from dieuhanh.audit.services import record_many

_PREFIX = "dh:login:"


def _window() -> int:
    return int(getattr(settings, "DIEUHANH_LOGIN_LOCKOUT_SECONDS", 900))


def _keys(username: str, address: str) -> list[tuple[str, str, int]]:
    """(kind, subject, limit) for the account and the address."""
    return [
        ("account", (username or "").strip().casefold()[:150], int(getattr(settings, "DIEUHANH_LOGIN_FAILURES_PER_ACCOUNT", 5))),
        ("address", (address or "")[:64], int(getattr(settings, "DIEUHANH_LOGIN_FAILURES_PER_ADDRESS", 20))),
    ]


def _subject(subject: str) -> str:
    """A cache-safe name of what is counted: whatever a visitor typed as a username (spaces, control characters,
    any script) becomes a fixed-length hex digest."""
    return hashlib.sha256(subject.encode("utf-8", "surrogatepass")).hexdigest()


def _lock_key(kind: str, subject: str) -> str:
    return f"{_PREFIX}lock:{kind}:{_subject(subject)}"


def _count_key(kind: str, subject: str) -> str:
    return f"{_PREFIX}fail:{kind}:{_subject(subject)}"


def locked_for(username: str, address: str) -> int | None:
    """Minutes left of the lock on this account or this address (at least 1), or ``None`` when neither is locked."""
    now = timezone.now().timestamp()
    until = [u for kind, subject, _ in _keys(username, address) if subject and (u := cache.get(_lock_key(kind, subject)))]
    if not until:
        return None
    return max(1, int((max(until) - now + 59) // 60))


def failed(username: str, address: str) -> None:
    """Count one failed attempt; lock the account or the address that reached its limit (and audit the lock)."""
    window = _window()
    for kind, subject, limit in _keys(username, address):
        if not subject or limit <= 0:
            continue
        key = _count_key(kind, subject)
        cache.add(key, 0, window)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, window)
            count = 1
        if count >= limit and cache.add(_lock_key(kind, subject), timezone.now().timestamp() + window, window):
            _audit_lock(kind, subject, count, address)


def succeeded(username: str) -> None:
    """A right password: the account's count starts again (the address's does not: it may be trying many accounts)."""
    kind, subject, _ = _keys(username, "")[0]
    cache.delete(_count_key(kind, subject))


def unlock(username: str) -> bool:
    """Lift the lock on an account and reset its count; ``True`` if it was locked."""
    kind, subject, _ = _keys(username, "")[0]
    was = cache.get(_lock_key(kind, subject)) is not None
    cache.delete_many([_lock_key(kind, subject), _count_key(kind, subject)])
    return was


def locked_accounts(usernames) -> set[str]:
    """Which of ``usernames`` are locked now (for the unit page's list of members)."""
    by_key = {_lock_key("account", u.casefold()): u for u in usernames}
    return {by_key[k] for k in cache.get_many(list(by_key))}


def _audit_lock(kind: str, subject: str, count: int, address: str) -> None:
    event = AuditEvent(actor=None, actor_label="system:lockout", action="login_lockout", object_type=kind,
                       object_id=subject[:64], object_repr=subject[:255],
                       changes={"failures": [None, count], "locked_seconds": [None, _window()]},
                       note=f"address {address}"[:500])
    with transaction.atomic():
        record_many([event])
