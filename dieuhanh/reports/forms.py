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


DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
SECTION_LABELS = {
    "leadership": _("I. Leadership and direction"),
    "results": _("II. Results (overall)"),
    "shortcomings": _("III. Shortcomings and their causes"),
    "next_tasks": _("IV. Tasks for the next period"),
    "proposals": _("V. Proposals"),
}


class PdfBuildForm(BuildForm):
    pdf = forms.BooleanField(label=_("Also make the PDF"), required=False)


class RoundForm(forms.Form):
    unit = forms.ChoiceField(label=_("Opened by"))
    plan = forms.ChoiceField(label=_("Plan"))
    template = forms.ChoiceField(label=_("Template"), choices=list(TEMPLATES.items()), initial="city-periodic")
    period = forms.CharField(label=_("Period"), max_length=10,
                             help_text=_("2026-11 (month), 2026-Q4 (quarter), 2026-H1 (six months) or 2026 (year); Decree 09 periods run from the 15th to the 14th"))
    deadline = forms.DateField(label=_("Deadline"), input_formats=DATE_FORMATS, help_text=_("dd/mm/yyyy"))
    title = forms.CharField(label=_("Title"), max_length=300, required=False)
    units = forms.MultipleChoiceField(label=_("Units that must report"), widget=forms.SelectMultiple(attrs={"size": 10}))

    def __init__(self, *args, managers, plans, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(u.code, u.name) for u in managers]
        self.fields["plan"].choices = [(p.pk, f"{p.number} — {p.title[:80]}") for p in plans]
        self.fields["units"].choices = [(u.code, u.name) for u in units]


class SectionsForm(forms.Form):
    """A unit's narrative sections I–V and its results per task group (one field each)."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in SECTION_LABELS.items():
            self.fields[key] = forms.CharField(label=label, required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 4}))
            if key == "results":
                for g in groups:
                    self.fields[f"group_{g['key']}"] = forms.CharField(label=_("Results of task group %(group)s") % {"group": g["label"]},
                                                                       required=False, max_length=20000,
                                                                       widget=forms.Textarea(attrs={"rows": 3}))

    def sections(self) -> dict:
        d = self.cleaned_data
        return {**{key: d.get(key, "") for key in SECTION_LABELS},
                "groups": {name.removeprefix("group_"): value for name, value in d.items() if name.startswith("group_")}}


class ReturnForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason for returning"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class AttachForm(forms.Form):
    file = forms.FileField(label=_("File (PDF, Word, Excel, image)"))


class IssueForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    number = forms.IntegerField(label=_("Report number (Số)"), min_value=1, max_value=9999, initial=1)
    signer_name = forms.CharField(label=_("Signer"), required=False, max_length=120)


class TemplateUploadForm(forms.Form):
    key = forms.ChoiceField(label=_("Template"), choices=list(TEMPLATES.items()))
    file = forms.FileField(label=_("Edited template (.docx)"))
    symbol = forms.CharField(label=_("Document symbol (ký hiệu)"), max_length=30, required=False,
                             help_text=_("e.g. BC-UBND, BC-SKHCN; empty: by the issuing body"))
