"""Forms of the web UI; they only shape input, the actions decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from dieuhanh.access.models import Role
from dieuhanh.accounts.models import User
from dieuhanh.units.models import Unit


def _max(model, name: str) -> int:
    """The column's length: one source for the form and the API (``api/fields.column``)."""
    return model._meta.get_field(name).max_length


class UnitEditForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    name = forms.CharField(label=_("Name"), max_length=_max(Unit, "name"))
    short_name = forms.CharField(label=_("Short name"), max_length=_max(Unit, "short_name"), required=False)
    division_type = forms.CharField(label=_("Type"), max_length=_max(Unit, "division_type"), required=False)
    valid_from = forms.DateField(label=_("Valid from"), required=False, widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}))
    valid_to = forms.DateField(label=_("Valid to"), required=False, widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}))

    def __init__(self, *args, unit, **kwargs):
        if not args:
            kwargs.setdefault("initial", {f: getattr(unit, f) for f in ("version", "name", "short_name", "division_type", "valid_from", "valid_to")})
        super().__init__(*args, **kwargs)


class RoleGrantForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=_max(User, "username"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
