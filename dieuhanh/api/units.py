"""Units: the directory (read by every signed-in user) and its management (administrators)."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Router, Schema, Status

from dieuhanh.accounts.selectors import unit_members
from dieuhanh.api.fields import Day, Limit, Offset, column
from dieuhanh.api.schemas import ERRORS
from dieuhanh.audit.selectors import history_of_unit_data
from dieuhanh.units import selectors, services
from dieuhanh.units.models import Unit, UnitKind

router = Router(tags=["units"])


class UnitOut(Schema):
    code: str
    name: str
    short_name: str
    kind: UnitKind
    division_type: str
    parent_code: str | None = Field(None, alias="parent.code")
    depth: int
    valid_from: dt.date | None
    valid_to: dt.date | None
    version: int


class UnitPage(Schema):
    count: int
    items: list[UnitOut]


class UnitCreateIn(Schema):
    parent_code: column(Unit, "code")
    code: column(Unit, "code")
    name: column(Unit, "name")
    short_name: column(Unit, "short_name") = ""
    kind: UnitKind
    division_type: column(Unit, "division_type") = ""
    valid_from: column(Unit, "valid_from") | None = None
    valid_to: column(Unit, "valid_to") | None = None


class UnitPatchIn(Schema):
    model_config = {"extra": "forbid"}

    version: column(Unit, "version") = Field(..., description="The version you read; a stale one gets 409 stale_version.")
    name: column(Unit, "name") | None = None
    short_name: column(Unit, "short_name") | None = None
    division_type: column(Unit, "division_type") | None = None
    valid_from: column(Unit, "valid_from") | None = None
    valid_to: column(Unit, "valid_to") | None = None


class UnitCloseIn(Schema):
    version: column(Unit, "version")
    valid_to: column(Unit, "valid_to")


class MemberOut(Schema):
    id: int
    username: str = Field(..., alias="user.username")
    full_name: str = Field(..., alias="user.full_name")
    role: str
    granted_at: dt.datetime


class EventOut(Schema):
    id: int
    at: dt.datetime
    actor: str = Field(..., alias="actor_label")
    action: str
    object_type: str
    object_id: str
    object_repr: str
    changes: dict
    note: str


@router.get("", response={200: UnitPage, **ERRORS}, summary="Search units")
def list_units(request, q: column(Unit, "search_key") = "", kind: UnitKind | None = None, within: column(Unit, "code") | None = None,
               on: Day | None = None, limit: Limit = 50, offset: Offset = 0):
    """Units whose name contains every word of ``q`` with or without diacritics ("phuong ben thanh").
    ``within`` limits to units below a unit code; ``on`` to units valid on that date."""
    qs = selectors.unit_search(query=q, kind=kind, within=selectors.unit_get(within) if within else None, on=on)
    return {"count": qs.count(), "items": list(qs[offset:offset + limit])}


@router.get("/{code}", response={200: UnitOut, **ERRORS}, summary="One unit")
def get_unit(request, code: str):
    return selectors.unit_get(code)


@router.get("/{code}/children", response={200: list[UnitOut], **ERRORS}, summary="Units directly below")
def get_children(request, code: str, on: Day | None = None):
    return list(selectors.unit_children(selectors.unit_get(code), on=on))


@router.get("/{code}/members", response={200: list[MemberOut], **ERRORS}, summary="Roles held on the unit")
def get_members(request, code: str):
    return list(unit_members(actor=request.auth, unit=selectors.unit_get(code)))


@router.get("/{code}/history", response={200: list[EventOut], **ERRORS}, summary="Audit history of the unit's data")
def get_history(request, code: str, limit: Limit = 100):
    return list(history_of_unit_data(actor=request.auth, unit=selectors.unit_get(code))[:limit])


@router.post("", response={201: UnitOut, **ERRORS}, summary="Create a unit below another")
def create_unit(request, body: UnitCreateIn):
    parent = selectors.unit_get(body.parent_code)
    unit = services.unit_create(actor=request.auth, parent=parent, **body.dict(exclude={"parent_code"}))
    return Status(201, unit)


@router.patch("/{code}", response={200: UnitOut, **ERRORS}, summary="Edit a unit")
def patch_unit(request, code: str, body: UnitPatchIn):
    changes = body.dict(exclude_unset=True)
    version = changes.pop("version")
    return services.unit_update(actor=request.auth, unit=selectors.unit_get(code), expected_version=version, **changes)


@router.post("/{code}/close", response={200: UnitOut, **ERRORS}, summary="Close a unit (it ceases to exist after valid_to)")
def close_unit(request, code: str, body: UnitCloseIn):
    return services.unit_close(actor=request.auth, unit=selectors.unit_get(code), valid_to=body.valid_to, expected_version=body.version)
