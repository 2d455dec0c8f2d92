from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from dieuhanh.reports.selectors import TEMPLATES


class BuildForm(forms.Form):
    template = forms.ChoiceField(label=_("Template"), choices=list(TEMPLATES.items()))
    plan = forms.ChoiceField(label=_("Plan"))
    unit = forms.ChoiceField(label=_("Issuing unit"))
    as_of = forms.DateField(label=_("Figures as of"), input_formats=["%d/%m/%Y", "%Y-%m-%d"], help_text=_("dd/mm/yyyy"))
    number = forms.IntegerField(label=_("Report number (Số)"), min_value=1, max_value=9999, initial=1)
    issued_on = forms.DateField(label=_("Signed on"), input_formats=["%d/%m/%Y", "%Y-%m-%d"], required=False, help_text=_("dd/mm/yyyy"))
    signer_name = forms.CharField(label=_("Signer"), required=False, max_length=120)

    def __init__(self, *args, plans, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].choices = [(p.pk, f"{p.number} — {p.title[:80]}") for p in plans]
        self.fields["unit"].choices = [(u.code, u.name) for u in units]
