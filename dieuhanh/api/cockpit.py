"""Dashboards: list, read, create, change (title, widgets, filters), share with a unit, set as a unit's home, delete;
and the widget catalogue. The same selectors and actions as the dashboard pages."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Router, Schema, Status

from dieuhanh.api.fields import column
from dieuhanh.api.schemas import ERRORS
from dieuhanh.cockpit import selectors, services, widgets
from dieuhanh.cockpit.models import Dashboard
from dieuhanh.units.models import Unit
from dieuhanh.units.selectors import unit_get

router = Router(tags=["dashboards"])


class ItemIO(Schema):
    id: str | None = Field(None, max_length=20, description="Kept as given; a new item gets w<n>.")
    widget: str = Field(..., max_length=40, description="A key of GET /dashboards/widgets.")
    size: str = Field("medium", description="small, medium or large (1, 2 or 3 of 3 columns).")
    params: dict[str, str] = Field(default_factory=dict, description="indicator, unit, framework or text, as the widget takes.")


class FiltersIO(Schema):
    unit: str | None = Field(None, max_length=40)
    as_of: dt.date | None = None
    plan: str | None = Field(None, max_length=18)
    group: int | None = Field(None, ge=0, le=999_999_999)
    key: bool | None = None


class DashboardOut(Schema):
    id: int
    title: str
    owner: str = Field(..., alias="owner.username")
    items: list[ItemIO]
    filters: dict
    shared_with: str | None = Field(None, alias="shared_with.code")
    default_for: str | None = Field(None, alias="default_for.code")
    version: int
    updated_at: dt.datetime


class WidgetOut(Schema):
    key: str
    title: str
    roles: list[str]
    params: list[str]


class DashboardIn(Schema):
    title: column(Dashboard, "title")
    items: list[ItemIO] = []
    filters: FiltersIO | None = None


class DashboardPatchIn(Schema):
    model_config = {"extra": "forbid"}

    version: column(Dashboard, "version") = Field(..., description="The version you read; a stale one gets 409 stale_version.")
    title: column(Dashboard, "title") | None = None
    items: list[ItemIO] | None = None
    filters: FiltersIO | None = None


class UnitDecisionIn(Schema):
    version: column(Dashboard, "version")
    unit: column(Unit, "code") | None = Field(None, description="A unit code; null stops sharing (or being a home page).")


def _filters(f: FiltersIO | None) -> dict | None:
    if f is None:
        return None
    values = f.dict(exclude_none=True)
    if "key" in values:
        values["key"] = "1" if values["key"] else "0"
    return {k: (v.isoformat() if isinstance(v, dt.date) else str(v)) for k, v in values.items()}


def _items(items: list[ItemIO] | None) -> list[dict] | None:
    return None if items is None else [i.dict(exclude_none=True) for i in items]


@router.get("/dashboards/widgets", response={200: list[WidgetOut], **ERRORS}, summary="The widget catalogue")
def list_widgets(request):
    return [{"key": w.key, "title": str(w.title), "roles": sorted(w.roles), "params": list(w.params)} for w in widgets.catalogue()]


@router.get("/dashboards", response={200: list[DashboardOut], **ERRORS}, summary="My dashboards and those shared with my units")
def list_dashboards(request):
    return list(selectors.dashboards_visible(request.auth))


@router.get("/dashboards/{dashboard_id}", response={200: DashboardOut, **ERRORS}, summary="One dashboard")
def get_dashboard(request, dashboard_id: int):
    return selectors.dashboard_get(request.auth, dashboard_id)


@router.post("/dashboards", response={201: DashboardOut, **ERRORS}, summary="Create a dashboard")
def create_dashboard(request, body: DashboardIn):
    dashboard = services.dashboard_create(actor=request.auth, title=body.title, items=_items(body.items), filters=_filters(body.filters))
    return Status(201, dashboard)


@router.patch("/dashboards/{dashboard_id}", response={200: DashboardOut, **ERRORS}, summary="Change title, widgets or filters")
def patch_dashboard(request, dashboard_id: int, body: DashboardPatchIn):
    return services.dashboard_update(actor=request.auth, dashboard=selectors.dashboard_get(request.auth, dashboard_id),
                                     expected_version=body.version, title=body.title, items=_items(body.items), filters=_filters(body.filters))


@router.post("/dashboards/{dashboard_id}/share", response={200: DashboardOut, **ERRORS}, summary="Share with a unit (read only)")
def share_dashboard(request, dashboard_id: int, body: UnitDecisionIn):
    return services.dashboard_share(actor=request.auth, dashboard=selectors.dashboard_get(request.auth, dashboard_id),
                                    expected_version=body.version, unit=unit_get(body.unit) if body.unit else None)


@router.post("/dashboards/{dashboard_id}/default", response={200: DashboardOut, **ERRORS},
             summary="Make it the home page of a unit's people and the units below")
def default_dashboard(request, dashboard_id: int, body: UnitDecisionIn):
    return services.dashboard_set_default(actor=request.auth, dashboard=selectors.dashboard_get(request.auth, dashboard_id),
                                          expected_version=body.version, unit=unit_get(body.unit) if body.unit else None)


@router.delete("/dashboards/{dashboard_id}", response={204: None, **ERRORS}, summary="Delete a dashboard")
def delete_dashboard(request, dashboard_id: int, version: int):
    services.dashboard_delete(actor=request.auth, dashboard=selectors.dashboard_get(request.auth, dashboard_id), expected_version=version)
    return Status(204, None)
