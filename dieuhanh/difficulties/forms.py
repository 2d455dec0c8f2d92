"""Forms of the register's pages; they shape input, the actions decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from dieuhanh.difficulties.models import Category, Outcome
from dieuhanh.plans.forms import DATE_WIDGET


def _unit_choices(units) -> list[tuple[str, str]]:
    return [(u.code, u.name) for u in units]


class ItemFields(forms.Form):
    """What an item says: category, difficulty, proposal, the body it is addressed to."""

    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    content = forms.CharField(label=_("Difficulty (khó khăn, vướng mắc)"), widget=forms.Textarea(attrs={"rows": 3}))
    proposal = forms.CharField(label=_("Proposal (đề xuất)"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    addressed_to = forms.ChoiceField(label=_("Addressed to"))

    def __init__(self, *args, addressees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["addressed_to"].choices = _unit_choices(addressees)


class RaiseForm(ItemFields):
    unit = forms.ChoiceField(label=_("Raised by unit"))
    task = forms.IntegerField(widget=forms.HiddenInput, required=False)
    indicator = forms.CharField(label=_("Indicator code (if any)"), max_length=40, required=False)
    field_order = ["unit", "category", "content", "proposal", "addressed_to", "indicator", "task"]

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = _unit_choices(units)


class ReportItemForm(ItemFields):
    include = forms.BooleanField(label=_("Raise this item"), required=False, initial=True)
    field_order = ["include", "category", "content", "proposal", "addressed_to"]


class AssignForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    handling_unit = forms.ChoiceField(label=_("Handling unit"))
    deadline = forms.DateField(label=_("Handling deadline"), widget=DATE_WIDGET)
    note = forms.CharField(label=_("Instructions"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["handling_unit"].choices = [("", _("— choose a unit —")), *_unit_choices(units)]


class AnswerForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 4}))


class CloseForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
