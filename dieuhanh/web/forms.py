"""Forms of the web UI; they only shape input, the actions decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from dieuhanh.access.models import Role


class UnitEditForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    name = forms.CharField(label=_("Name"), max_length=255)
    short_name = forms.CharField(label=_("Short name"), max_length=120, required=False)
    division_type = forms.CharField(label=_("Type"), max_length=60, required=False)
    valid_from = forms.DateField(label=_("Valid from"), required=False, widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}))
    valid_to = forms.DateField(label=_("Valid to"), required=False, widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}))

    def __init__(self, *args, unit, **kwargs):
        if not args:
            kwargs.setdefault("initial", {f: getattr(unit, f) for f in ("version", "name", "short_name", "division_type", "valid_from", "valid_to")})
        super().__init__(*args, **kwargs)


class RoleGrantForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
