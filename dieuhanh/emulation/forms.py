"""Forms of the initiative and award pages (input shapes only; the rules are the services')."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from dieuhanh.emulation.models import Field, Nominee, Scope, Vote

DATE = {"input_formats": ["%d/%m/%Y", "%Y-%m-%d"], "widget": forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"})}


class InitiativeForm(forms.Form):
    unit = forms.ChoiceField(label=_("Addressed to (unit)"))
    title = forms.CharField(label=_("Name of the initiative"), max_length=300)
    investor = forms.CharField(label=_("Investor in creating it"), max_length=300, required=False)
    field = forms.ChoiceField(label=_("Field"), choices=Field.choices)
    first_applied_on = forms.DateField(label=_("First applied on"), required=False, **DATE)
    substance = forms.CharField(label=_("Substance of the initiative"), widget=forms.Textarea(attrs={"rows": 5}))
    confidential = forms.CharField(label=_("Confidential information (never published)"), widget=forms.Textarea(attrs={"rows": 3}),
                                   required=False)
    conditions = forms.CharField(label=_("Conditions needed to apply it"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    benefit_author = forms.CharField(label=_("Benefit as judged by the authors"), widget=forms.Textarea(attrs={"rows": 3}))
    benefit_users = forms.CharField(label=_("Benefit as judged by the first users"), widget=forms.Textarea(attrs={"rows": 3}),
                                    required=False)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(u.code, u.name) for u in units]


class AuthorForm(forms.Form):
    name = forms.CharField(label=_("Full name"), max_length=150, required=False)
    born_on = forms.DateField(label=_("Date of birth"), required=False, **DATE)
    workplace = forms.CharField(label=_("Workplace"), max_length=200, required=False)
    job_title = forms.CharField(label=_("Title"), max_length=120, required=False)
    qualification = forms.CharField(label=_("Qualification"), max_length=120, required=False)
    share = forms.DecimalField(label=_("Share of contribution (%)"), max_digits=5, decimal_places=2, required=False)


AuthorFormSet = forms.formset_factory(AuthorForm, extra=3, max_num=20)


class CouncilForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    members = forms.CharField(label=_("Council members (one a line: name, position)"), widget=forms.Textarea(attrs={"rows": 4}))


class OpinionForm(forms.Form):
    member = forms.CharField(label=_("Council member"), max_length=150)
    vote = forms.ChoiceField(label=_("Vote"), choices=Vote.choices)
    text = forms.CharField(label=_("Opinion"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class DecideForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(label=_("Decision"), choices=[("recognise", _("Recognise")), ("refuse", _("Refuse"))])
    scope = forms.ChoiceField(label=_("Scope of recognition"), choices=[("", "—"), *Scope.choices], required=False)
    decision_no = forms.CharField(label=_("Decision number"), max_length=60, required=False)
    minutes = forms.CharField(label=_("Council minutes"), widget=forms.Textarea(attrs={"rows": 3}))
    reasons = forms.CharField(label=_("Reasons for refusal"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class RoundForm(forms.Form):
    unit = forms.ChoiceField(label=_("Deciding level"))
    title = forms.CharField(label=_("Title"), max_length=300)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(u.code, u.name) for u in units]


class ProposalForm(forms.Form):
    unit = forms.ChoiceField(label=_("Proposing unit"))
    form = forms.ChoiceField(label=_("Form of award"))
    nominee_kind = forms.ChoiceField(label=_("Proposed for"), choices=Nominee.choices)
    nominee_name = forms.CharField(label=_("Name of the person or collective"), max_length=200)
    nominee_born_on = forms.DateField(label=_("Date of birth (a person; never published)"), required=False, **DATE)
    nominee_position = forms.CharField(label=_("Position"), max_length=200, required=False)
    period = forms.IntegerField(label=_("Year of the achievements"), min_value=1900, max_value=2100)
    achievements = forms.CharField(label=_("Achievements"), widget=forms.Textarea(attrs={"rows": 5}))
    summary = forms.CharField(label=_("Summary of achievements (posted publicly)"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    initiatives = forms.MultipleChoiceField(label=_("Recognised initiatives it rests on"), required=False,
                                            widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, units=(), award_forms=(), initiatives=(), language="vi", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(u.code, u.name) for u in units]
        self.fields["form"].choices = [(f.code, f.name(language)) for f in award_forms]
        self.fields["initiatives"].choices = [(str(i.pk), f"{i.receipt} {i.title}") for i in initiatives]


class CommentForm(forms.Form):
    name = forms.CharField(label=_("Your name (optional)"), max_length=100, required=False)
    proposal = forms.TypedChoiceField(label=_("About"), coerce=int, required=False, empty_value=None)
    body = forms.CharField(label=_("Comment"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    website = forms.CharField(label=_("Leave this field empty"), required=False)  # the honeypot: people never fill it

    def __init__(self, *args, proposals=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposal"].choices = [("", _("The whole list")), *[(p["pk"], p["nominee_name"]) for p in proposals]]
