"""Vietnamese (or English) sentences for domain error codes, shown in the UI."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.utils.translation import gettext as _

from dieuhanh.errors import DomainError, Forbidden, NotFound


def error_text(exc: DomainError) -> str:
    texts = {
        "stale_version": _("Someone else saved this record after you opened it. Your change was not saved: reload the page to see their version, then edit again."),
        "unit_code_taken": _("A unit with this code already exists."),
        "role_exists": _("This person already holds that role on this unit."),
        "already_revoked": _("This role was already revoked."),
        "user_exists": _("An account with this username already exists."),
        "email_taken": _("This e-mail address is already used by another account."),
        "user_inactive": _("This account is deactivated."),
        "open_children": _("Units below this one are still valid: close them first."),
        "invalid": _("Some values are not valid."),
    }
    text = texts.get(exc.code, _("The request could not be carried out."))
    if exc.details:
        text += " (" + "; ".join(f"{d.get('field') or ''}: {d.get('message', '')}" for d in exc.details) + ")"
    return text


def run_for_page(request, action, success: str, **kwargs):
    """Run an action for a page: a success or a Vietnamese error message; forbidden and missing become 404.
    Returns the action's result, or None when it was refused."""
    try:
        result = action(**kwargs)
    except (Forbidden, NotFound):
        raise Http404 from None
    except DomainError as exc:
        messages.error(request, error_text(exc))
        return None
    messages.success(request, success)
    return result
