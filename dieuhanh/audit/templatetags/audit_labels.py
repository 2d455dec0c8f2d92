"""``{% load audit_labels %}``: an audit event for people (``audit/labels.py``)."""

from __future__ import annotations

from django import template

from dieuhanh.audit import labels

register = template.Library()


@register.filter
def action_label(code: str) -> str:
    return labels.action_label(code)


@register.filter
def change_rows(event) -> list[tuple[str, str, str]]:
    return labels.change_rows(event)
