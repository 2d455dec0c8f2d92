"""Actions: the only way data is written.

An action is a service function decorated with ``@action``. Before it runs, the authorisation
function of the same name (registered with ``@authorizes``) must allow the actor; the action then runs
in one database transaction and must record at least one audit event in it (``dieuhanh.audit.record``),
or declare that it changed nothing (``nothing_changed``), so a change and its audit row commit or roll
back together. An action without an authorisation
function, or one that records no audit event, fails loudly rather than writing unchecked.

This follows CKAN's ``check_access`` (one auth function per action, same name) and Zulip's ``do_*``
functions (one place per write).

Shape of an app: its actions in ``services.py``, their authorisation functions in ``auth.py``, which the app's
``AppConfig.ready()`` imports (``register_auth``), so the functions are registered before any request or
command runs, whatever the services module imports. A name is registered once: a second action or a second
authorisation function of the same name (from another function) is refused when its module is imported.

This module is the framework beneath every app (``access``, ``units``, ``audit`` … all import it); it imports
no app of the project (see the import-linter contracts in ``pyproject.toml``).
"""

from __future__ import annotations

import contextvars
import functools
import importlib
from collections.abc import Callable
from typing import Any, TypeVar

from django.db import transaction

F = TypeVar("F", bound=Callable[..., Any])

AUTH_FUNCTIONS: dict[str, Callable[..., None]] = {}
ACTIONS: dict[str, Callable[..., Any]] = {}

_audit_count: contextvars.ContextVar[list[int] | None] = contextvars.ContextVar("audit_count", default=None)


class UncheckedAction(RuntimeError):
    """An action has no authorisation function, or wrote no audit event."""


class DuplicateName(RuntimeError):
    """Two different functions registered as the action (or the authorisation function) of one name."""


def _origin(fn: Callable[..., Any]) -> tuple[str, str]:
    return fn.__module__, fn.__qualname__


def _register(registry: dict[str, Callable[..., Any]], kind: str, name: str, fn: Callable[..., Any]) -> None:
    known = registry.get(name)
    # The same function seen again (its module imported anew, e.g. reloaded by a test) replaces itself.
    if known is not None and _origin(known) != _origin(fn):
        where = "{}.{}".format(*_origin(known))
        raise DuplicateName(f"{kind} {name!r} is already registered by {where}; names are unique across apps")
    registry[name] = fn


def authorizes(fn: F) -> F:
    """Register ``fn`` as the authorisation function of the action with the same name."""
    _register(AUTH_FUNCTIONS, "authorisation function", fn.__name__, fn)
    return fn


def register_auth(app_name: str) -> None:
    """Import ``<app_name>.auth``, registering its authorisation functions. Called from each ``AppConfig.ready()``."""
    importlib.import_module(f"{app_name}.auth")


def missing_auth_functions() -> list[str]:
    """Names of registered actions that have no authorisation function (empty once every app is ready)."""
    return sorted(set(ACTIONS) - set(AUTH_FUNCTIONS))


def action(fn: F) -> F:
    """Make ``fn`` an action: authorised, atomic, audited. Call it with keyword arguments, ``actor`` first."""
    name = fn.__name__
    _register(ACTIONS, "action", name, fn)

    @functools.wraps(fn)
    def run(*, actor, **kwargs):
        check = AUTH_FUNCTIONS.get(name)
        if check is None:
            raise UncheckedAction(f"action {name} has no authorisation function")
        with transaction.atomic():
            check(actor, **kwargs)
            outer = _audit_count.get()
            counter = [0]
            token = _audit_count.set(counter)
            try:
                result = fn(actor=actor, **kwargs)
            finally:
                _audit_count.reset(token)
            if counter[0] == 0:
                raise UncheckedAction(f"action {name} recorded no audit event")
            if outer is not None:  # an action run inside another one audits for both
                outer[0] += counter[0]
            return result

    run.action_name = name  # type: ignore[attr-defined]
    return run  # type: ignore[return-value]


def note_audit_written() -> None:
    counter = _audit_count.get()
    if counter is not None:
        counter[0] += 1


def nothing_changed() -> None:
    """Declare that this run of the action wrote nothing (e.g. an edit to identical values): no audit needed."""
    note_audit_written()
