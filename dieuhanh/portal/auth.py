"""Authorisation functions of portal actions (one per action, same name): steering of the city publishes."""

from __future__ import annotations

from dieuhanh.access.policy import require
from dieuhanh.actions import authorizes


@authorizes
def release_publish(actor, *, city, **_):
    require(actor, "release_publish", city)


@authorizes
def evidence_publish(actor, *, city, **_):
    # Deciding which evidence files the public may read belongs to whoever publishes releases.
    require(actor, "release_publish", city)
