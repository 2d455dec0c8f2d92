"""Forms of the innovation pages: a call and its criteria, the council, the decision, acceptance, adoption, support
amounts; a proposer's registration and proposal. Limits come from the model fields; the rules are the services'."""

from __future__ import annotations

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from dieuhanh.innovation.models import Call, Field, Kind, Proposal, Proposer, ProposerKind

DATE = {"input_formats": ["%d/%m/%Y", "%Y-%m-%d"], "widget": forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}, format="%d/%m/%Y")}


class CallForm(forms.ModelForm):
    opens_on = forms.DateField(label=capfirst(_("call opens")), required=False, **DATE)
    closes_on = forms.DateField(label=capfirst(_("call closes")), required=False, **DATE)
    evaluation_by = forms.DateField(label=capfirst(_("evaluation by")), required=False, **DATE)
    criteria = forms.CharField(label=_("Evaluation criteria, one a line: name = weight (the weights add up to 100)"),
                               widget=forms.Textarea(attrs={"rows": 5}))

    class Meta:
        model = Call
        fields = ["kind", "title", "field", "need", "expected_results", "success_measures", "budget", "eligibility", "rules",
                  "opens_on", "closes_on", "evaluation_by", "blind"]
        widgets = {f: forms.Textarea(attrs={"rows": 3}) for f in ("need", "expected_results", "success_measures", "eligibility", "rules")}

    def __init__(self, *args, owners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = Kind.choices
        self.fields["field"].choices = Field.choices
        if owners:
            self.fields["owner"] = forms.ChoiceField(label=capfirst(_("ordering unit")), choices=[(u.code, u.name) for u in owners])
            self.order_fields(["owner"])

    def clean_criteria(self):
        rows = []
        for line in self.cleaned_data["criteria"].splitlines():
            if not line.strip():
                continue
            name, sep, weight = line.rpartition("=")
            if not sep or not weight.strip().isdigit():
                raise forms.ValidationError(_("Write each criterion as: name = weight"))
            rows.append((name.strip(), int(weight.strip())))
        return rows


def criteria_text(call: Call) -> str:
    return "\n".join(f"{c.name} = {c.weight}" for c in call.criteria.all())


class CouncilForm(forms.Form):
    members = forms.MultipleChoiceField(label=_("Council members"), widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].choices = [(str(u.pk), f"{u.display_name} ({u.username})") for u in people]


class DecisionForm(forms.Form):
    minutes = forms.CharField(label=_("Minutes of the consensus meeting"), widget=forms.Textarea(attrs={"rows": 4}))
    selected = forms.MultipleChoiceField(label=_("Proposals selected"), widget=forms.CheckboxSelectMultiple)
    reasons = forms.CharField(label=_("Reasons of the selection"), widget=forms.Textarea(attrs={"rows": 3}))
    answer = forms.CharField(label=_("Answer sent to every proposer (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, proposals=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["selected"].choices = [(str(p.pk), p.title) for p in proposals]


class ScoreForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, criteria=(), **kwargs):
        super().__init__(*args, **kwargs)
        for c in criteria:
            self.fields[f"c{c.pk}"] = forms.IntegerField(label=f"{c.name} ({c.weight}%)", min_value=0, max_value=10)

    def scores(self) -> dict[int, int]:
        return {int(k[1:]): v for k, v in self.cleaned_data.items() if k.startswith("c") and k[1:].isdigit()}


class ConflictForm(forms.Form):
    note = forms.CharField(label=_("The conflict of interest"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class MilestoneForm(forms.Form):
    title = forms.CharField(label=capfirst(_("milestone")), max_length=300)
    due_on = forms.DateField(label=capfirst(_("due")), **DATE)
    task = forms.IntegerField(label=_("Linked task (its number in the task list, optional)"), required=False, min_value=1)


class AcceptForm(forms.Form):
    passed = forms.ChoiceField(label=_("Result of the acceptance (nghiệm thu)"), choices=[("1", _("Passed")), ("0", _("Not passed"))])
    note = forms.CharField(label=_("Conclusion"), widget=forms.Textarea(attrs={"rows": 3}))


class AdoptionForm(forms.Form):
    unit = forms.ChoiceField(label=capfirst(_("adopting unit")))
    since = forms.DateField(label=capfirst(_("in use since")), **DATE)
    result = forms.CharField(label=capfirst(_("result")), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(u.code, u.name) for u in units]


class AmountsForm(forms.Form):
    contracted = forms.DecimalField(label=capfirst(_("amount contracted (VND)")), required=False, min_value=0, max_digits=18, decimal_places=0)
    disbursed = forms.DecimalField(label=capfirst(_("amount disbursed (VND)")), required=False, min_value=0, max_digits=18, decimal_places=0)
    result = forms.CharField(label=capfirst(_("result")), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RegisterForm(forms.Form):
    kind = forms.ChoiceField(label=capfirst(_("kind of proposer")), choices=ProposerKind.choices)
    name = forms.CharField(label=_("Name of the organisation (or your full name, for a citizen)"),
                           max_length=Proposer._meta.get_field("name").max_length)
    tax_code = forms.CharField(label=_("Tax or registration code (organisations)"), required=False, max_length=14,
                               help_text=_("10 digits, or 10 digits-3 digits for a dependent unit"))
    address = forms.CharField(label=capfirst(_("address")), required=False, max_length=300)
    contact = forms.CharField(label=_("Contact person"), required=False, max_length=200)
    email = forms.EmailField(label=_("E-mail"), max_length=150)
    password = forms.CharField(label=_("Password (at least 10 characters)"), widget=forms.PasswordInput(render_value=False))


class MultipleFiles(forms.ClearableFileInput):
    allow_multiple_selected = True


class ProposalForm(forms.ModelForm):
    attachments = forms.FileField(label=_("Attachments (PDF, Word, Excel, PowerPoint, images)"), required=False,
                                  widget=MultipleFiles())

    class Meta:
        model = Proposal
        fields = ["title", "summary", "description", "team", "budget", "timeline", "rules_accepted"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 3, "maxlength": 500}),
                   "description": forms.Textarea(attrs={"rows": 8}), "team": forms.Textarea(attrs={"rows": 3}),
                   "timeline": forms.Textarea(attrs={"rows": 3})}


def uploaded(request) -> list[tuple[str, bytes]]:
    return [(f.name, f.read()) for f in request.FILES.getlist("attachments")]
