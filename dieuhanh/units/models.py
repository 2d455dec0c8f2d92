"""Organisation units: the country, provinces, departments, commune-level units and other bodies.

A unit's ``code`` is its stable key: the official code from the national list of administrative units
for provinces ("79") and commune-level units ("26734"), "VN" for the country, and a code we assign for
departments and other bodies ("79.SKHCN"). ``path`` ("/VN/79/26734/") makes "this unit and everything
below it" a single prefix query, which is how roles reach down the hierarchy.

Units carry validity dates so a reorganisation (Vietnam merged its units on 01/07/2025) closes old units
and opens new ones instead of rewriting history.
"""

from __future__ import annotations

import datetime as dt

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

UNIT_CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$"


class UnitKind(models.TextChoices):
    COUNTRY = "country", _("Country")
    PROVINCE = "province", _("Province / centrally-governed city")
    DEPARTMENT = "department", _("Department (sở, ban, ngành)")
    COMMUNE = "commune", _("Commune-level unit (phường, xã, đặc khu)")
    BODY = "body", _("Other body")


class Unit(models.Model):
    code = models.CharField(_("code"), max_length=40, unique=True, validators=[RegexValidator(UNIT_CODE_PATTERN)])
    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=120, blank=True)
    # Diacritic-free, lowercase copy of name + short name: what searches match against.
    search_key = models.CharField(max_length=400, editable=False)
    kind = models.CharField(_("kind"), max_length=16, choices=UnitKind.choices)
    # The official type word: tỉnh, thành phố trung ương, phường, xã, đặc khu, sở, ban, đại học …
    division_type = models.CharField(_("type"), max_length=60, blank=True)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children")
    path = models.CharField(max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True, help_text=_("Last day the unit exists; empty while it exists."))
    source = models.CharField(_("source"), max_length=120, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True) | models.Q(valid_from__isnull=True) | models.Q(valid_to__gte=models.F("valid_from")),
                name="unit_validity_ordered",
            ),
        ]
        indexes = [models.Index(fields=["parent", "kind"]), models.Index(fields=["kind", "division_type"])]

    def __str__(self) -> str:
        return self.name

    @property
    def ancestor_codes(self) -> list[str]:
        """Codes from the root down to this unit, inclusive."""
        return [c for c in self.path.split("/") if c]

    def is_valid_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)
