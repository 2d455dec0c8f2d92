"""Template context shared by every page."""

from __future__ import annotations

import unicodedata

from django.conf import settings
from django.utils.translation import get_language_info


def languages(request) -> dict:
    """Each UI language in its own name, in NFC (Django ships "Tiếng Việt" decomposed, which breaks
    matching by screen readers, browser find and tests)."""
    return {
        "ui_languages": [
            {"code": code, "name": unicodedata.normalize("NFC", get_language_info(code)["name_local"])}
            for code, _ in settings.LANGUAGES
        ]
    }


def bell(request) -> dict:
    """The header's bell: its unread count is one query, made only when a page shows it."""
    from dieuhanh.notifications.selectors import Bell

    return {"bell": Bell(getattr(request, "user", None))}
