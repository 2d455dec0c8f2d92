"""Authorisation functions of dossier actions (one per action, same name)."""

from __future__ import annotations

from dieuhanh.access.policy import require
from dieuhanh.actions import authorizes


@authorizes
def on_time_feed(actor, *, indicator, **_):
    # Writing an indicator's values from the dossier logs is managing that indicator: steering and
    # administrators of its owner (or above), and the platform's own commands.
    require(actor, "indicator_manage", indicator.owner)
