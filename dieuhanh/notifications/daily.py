"""The producers of the daily run (``dieuhanh notifications daily``): due soon, overdue, …

An app above this one registers its producer by dotted path from its ``AppConfig.ready()`` (``register_daily``),
without importing any services module there; the run imports it when it runs. A producer is
``fn(day: date) -> int`` (notifications created) and passes ``once`` to ``notify`` so a re-run creates nothing.
"""

from __future__ import annotations

from django.utils.module_loading import import_string

PRODUCERS: list[str] = []


def register_daily(path: str) -> None:
    if path not in PRODUCERS:
        PRODUCERS.append(path)


def producers() -> list[tuple[str, object]]:
    """``(name, function)`` of every registered producer, in registration order."""
    return [(path.rsplit(".", 1)[-1], import_string(path)) for path in PRODUCERS]
