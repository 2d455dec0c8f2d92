"""What a history reads like to a person: each action and each changed field named in the active language, each
value written as on the rest of the page (dd/mm/yyyy, 1.234,5, the choice's label), never a code or a Python value.

A field is named by the model field it stores (its translated ``verbose_name``), found through the event's
``object_type`` (``progress_report`` → ``ProgressReport``, ``indicator_value`` → the indicators' ``Value``);
fields that are no model field (counts of a load, checksums) are named in ``EXTRA_FIELDS``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal, InvalidOperation

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import ForeignObjectRel
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from dieuhanh.core.common.numerals import format_number

ACTIONS = {
    "audit_sensitivity_store": _("sensitivity analysis stored"),
    "contribution_save": _("contribution of a coordinating unit saved"),
    "dataset_import": _("data set imported"),
    "evidence_add": _("evidence attached"),
    "explanation_answer": _("explanation given"),
    "explanation_request": _("explanation requested"),
    "extension_decide": _("extension decided"),
    "extension_request": _("extension requested"),
    "framework_import": _("index framework imported"),
    "group_create": _("task group created"),
    "history_load": _("synthetic history loaded"),
    "index_files_import": _("index files imported"),
    "index_run": _("index computed"),
    "indicator_create": _("indicator created"),
    "indicator_reminders_send": _("indicator reminders sent"),
    "indicator_update": _("indicator changed"),
    "methodology_save": _("methodology saved"),
    "on_time_feed": _("on-time rate fed from the dossiers"),
    "plan_create": _("plan created"),
    "plan_import": _("plan appendix imported"),
    "plan_update": _("plan changed"),
    "progress_import": _("progress sheet imported"),
    "reminders_send": _("reminders sent"),
    "report_approve": _("report approved"),
    "report_return": _("report returned"),
    "report_save": _("report saved"),
    "role_grant": _("role granted"),
    "role_revoke": _("role revoked"),
    "rule_create": _("validation rule created"),
    "target_set": _("target set"),
    "task_create": _("task created"),
    "task_set_state": _("task state changed"),
    "task_update": _("task changed"),
    "token_create": _("API token created"),
    "token_revoke": _("API token revoked"),
    "login_lockout": _("sign-in locked after failed attempts"),
    "login_unlock": _("sign-in lock lifted"),
    "uncertainty_run": _("uncertainty analysis run"),
    "unit_close": _("unit closed"),
    "unit_create": _("unit created"),
    "unit_update": _("unit changed"),
    "units_load_official": _("official unit list loaded"),
    "user_create": _("account created"),
    "value_attach_evidence": _("evidence attached to a value"),
    "value_set": _("value entered"),
    "values_approve": _("values approved"),
    "values_import": _("values imported"),
    "values_return": _("values returned"),
    "values_save": _("values saved"),
    "values_submit": _("values submitted"),
    "values_unapprove": _("values unapproved"),
}

# Fields named here rather than by their model: no model field, or a model field without a translated name.
EXTRA_FIELDS = {
    "status": _("status"),
    "value": _("value"),
    "value_high": _("upper value"),
    "comment": _("comment"),
    "label": _("label"),
    "year": _("year"),
    "group": _("task group"),
    "parent": _("parent"),
    "unit": _("unit"),
    "user": _("user"),
    "plan": _("plan"),
    "indicator": _("indicator"),
    "tags": _("tags"),
    "active": _("in use"),
    "weight_indicator": _("weight indicator"),
    "communes_of": _("communes of"),
    "decimals": _("decimal places"),
    "message": _("message"),
    "data_sha256": _("file checksum (SHA-256)"),
    "tree_sha256": _("framework checksum (SHA-256)"),
    "evidence_sha256": _("evidence checksum (SHA-256)"),
    "replaced_years": _("years replaced"),
    "units": _("units"),
    "values": _("values"),
    "years": _("years"),
    "aggregates": _("aggregates"),
    "elements": _("elements"),
    "indicators": _("indicators"),
    "steps": _("steps"),
    "replications": _("replications"),
    "unchanged": _("unchanged"),
    "skipped": _("skipped"),
    "written": _("written"),
    "no_data": _("no data"),
    "manual": _("entered by hand"),
}

# Stored codes whose model choices are the codes themselves.
VALUES = {
    ("state", "open"): _("Open"),
    ("state", "paused"): _("Paused"),
    ("state", "cancelled"): _("Cancelled"),
    ("state", "completed"): _("Completed"),
    ("aggregation", "none"): _("not aggregated"),
    ("aggregation", "sum"): _("sum"),
    ("aggregation", "mean"): _("mean"),
    ("aggregation", "weighted_mean"): _("weighted mean"),
    ("aggregation", "min"): _("minimum"),
    ("aggregation", "max"): _("maximum"),
    ("rollup_rule", "weighted"): _("weighted"),
    ("rollup_rule", "mean"): _("mean"),
}

_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_PROJECT = "dieuhanh."


def action_label(code: str) -> str:
    return str(ACTIONS.get(code, code.replace("_", " ")))


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _models_named(object_type: str) -> list[type[models.Model]]:
    """The project's models an ``object_type`` can name: ``progress_report`` (the model's own name) or
    ``indicator_value`` (its app, singular, then its name); ``index_run`` for the indices app."""
    found = []
    for model in apps.get_models():
        if not model.__module__.startswith(_PROJECT):
            continue
        own = _snake(model.__name__)
        app = model._meta.app_label
        singular = {"indices": "index"}.get(app, app.removesuffix("s"))
        if object_type in (own, f"{singular}_{own}"):
            found.append(model)
    return found


def _field(object_type: str, name: str) -> models.Field | None:
    for model in _models_named(object_type):
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if not isinstance(field, ForeignObjectRel):  # a reverse relation ("units" of a framework) stores nothing
            return field
    return None


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def field_label(object_type: str, name: str) -> str:
    field = _field(object_type, name)
    if name in EXTRA_FIELDS or field is None or not getattr(field, "verbose_name", None):
        return _capital(str(EXTRA_FIELDS.get(name, name.replace("_", " "))))
    return _capital(str(field.verbose_name))


def value_text(object_type: str, name: str, value) -> str:
    """``value`` as the page would show it: dates dd/mm/yyyy, numbers in the language's marks without trailing
    zeros, a choice by its label, yes/no; lists joined; no value "—"."""
    if value is None or value == "":
        return "—"
    if isinstance(value, list):
        return ", ".join(value_text(object_type, name, v) for v in value) or "—"
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if (name, value) in VALUES:
        return str(VALUES[(name, value)])
    field = _field(object_type, name)
    choices = dict(field.flatchoices) if field is not None and field.choices else {}
    if value in choices:
        return str(choices[value])
    if isinstance(value, str) and _ISO_DAY.match(value):
        return dt.date.fromisoformat(value).strftime("%d/%m/%Y")
    numeric = isinstance(field, (models.DecimalField, models.FloatField, models.IntegerField))
    if numeric or (field is None and isinstance(value, (int, float))):
        try:
            return format_number(Decimal(str(value)), lang=get_language())
        except InvalidOperation:
            return str(value)
    return str(value)


def change_rows(event) -> list[tuple[str, str, str]]:
    """(field, before, after) of an audit event, for people."""
    return [(field_label(event.object_type, name), value_text(event.object_type, name, pair[0]), value_text(event.object_type, name, pair[1]))
            for name, pair in (event.changes or {}).items()]
