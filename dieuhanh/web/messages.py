"""Vietnamese (or English) sentences for domain error codes, shown in the UI."""

from __future__ import annotations

from django.utils.translation import gettext as _

from dieuhanh.errors import DomainError


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
