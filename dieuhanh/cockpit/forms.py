"""Forms of the dashboard pages (the API takes the same fields as JSON)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from dieuhanh.cockpit.services import CHANGES, TITLE_LIMIT
from dieuhanh.cockpit.widgets import TEXT_LIMIT, catalogue

SIZE_LABELS = {"small": _("Small"), "medium": _("Medium"), "large": _("Large")}


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class DashboardForm(forms.Form):
    title = forms.CharField(label=_("Dashboard title"), max_length=TITLE_LIMIT)
    start = forms.ChoiceField(label=_("Start from"), required=False,
                              choices=[("empty", _("An empty dashboard")), ("cockpit", _("The blocks of my cockpit"))])


class RenameForm(VersionForm):
    title = forms.CharField(label=_("Dashboard title"), max_length=TITLE_LIMIT)
    keep_filters = forms.BooleanField(label=_("Open it with the filters shown now"), required=False)


class WidgetAddForm(VersionForm):
    widget = forms.ChoiceField(label=_("Widget"))
    size = forms.ChoiceField(label=_("Size"), choices=list(SIZE_LABELS.items()), initial="medium")
    indicator = forms.ChoiceField(label=_("Indicator (for an indicator's chart)"), required=False)
    unit = forms.CharField(label=_("Unit code (for a scorecard or a chart; empty: the dashboard's unit)"), required=False, max_length=40)
    framework = forms.ChoiceField(label=_("Index (for an index ranking)"), required=False)
    text = forms.CharField(label=_("Text (for a note)"), required=False, max_length=TEXT_LIMIT, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, indicators=(), frameworks=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["widget"].choices = [(w.key, w.title) for w in catalogue()]
        self.fields["indicator"].choices = [("", "—")] + [(i.code, f"{i.code} — {i.name}") for i in indicators]
        self.fields["framework"].choices = [("", "—")] + [(f.code, f"{f.code} — {f.name}") for f in frameworks]

    def params(self) -> dict:
        return {k: self.cleaned_data[k] for k in ("indicator", "unit", "framework", "text") if self.cleaned_data.get(k)}


class ChangeForm(VersionForm):
    change = forms.ChoiceField(choices=[(c, c) for c in CHANGES])


class UnitChoiceForm(VersionForm):
    unit = forms.ChoiceField(label=_("Unit"), required=False)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", _("— nobody (stop) —"))] + [(u.code, u.name) for u in units]
