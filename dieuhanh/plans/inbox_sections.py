"""Sections other apps add to each person's inbox (``/inbox/``), below the task lists: an app above this one
registers a function by dotted path from its ``AppConfig.ready()`` (``register_inbox_section``), like the daily run's
producers, without this app importing it. A section is ``fn(request) -> str``: its rendered HTML, empty when it has
nothing for the person."""
from __future__ import annotations

from django.utils.module_loading import import_string

SECTIONS: list[str] = []


def register_inbox_section(path: str) -> None:
    if path not in SECTIONS:
        SECTIONS.append(path)


def rendered(request) -> list[str]:
    return [html for html in (import_string(path)(request) for path in SECTIONS) if html]
