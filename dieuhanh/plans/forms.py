"""Forms for plan and task pages; they shape input, the actions decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from dieuhanh.core.common.errors import CoreError
from dieuhanh.core.common.numerals import format_number, parse_number

DATE_WIDGET = forms.DateInput(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"})


class NumberField(forms.DecimalField):
    """A number typed and shown as people write it: "46" or "46,5" (never "46.00"), read by ``parse_number``."""

    def __init__(self, **kwargs):
        super().__init__(widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}), **kwargs)

    def prepare_value(self, value):
        return format_number(value, lang=get_language()) if not isinstance(value, str) and value is not None else value

    def to_python(self, value):
        try:
            number = parse_number(value)
        except CoreError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        return None if number is None else super().to_python(str(number))


class ReportForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    period = forms.ChoiceField(label=_("Reporting period"))
    percent = NumberField(label=_("Progress (%)"), min_value=0, max_value=100, decimal_places=2)
    done = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    difficulties = forms.CharField(label=_("Difficulties (khó khăn, vướng mắc)"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    proposals = forms.CharField(label=_("Proposals (đề xuất)"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    completed = forms.BooleanField(label=_("The task is completed"), required=False)
    completed_on = forms.DateField(label=_("Completed on"), required=False, widget=DATE_WIDGET)
    evidence = forms.FileField(label=_("Evidence file (PDF, Office, image)"), required=False)

    def __init__(self, *args, periods, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [(p.key, p.label_vi) for p in periods]


class ReviewForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class ExtensionForm(forms.Form):
    new_deadline = forms.DateField(label=_("New deadline"), widget=DATE_WIDGET)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ExplanationForm(forms.Form):
    message = forms.CharField(label=_("What should the unit explain?"), widget=forms.Textarea(attrs={"rows": 2}))
    due_on = forms.DateField(label=_("Answer by"), required=False, widget=DATE_WIDGET)


class AnswerForm(forms.Form):
    response = forms.CharField(label=_("Explanation"), widget=forms.Textarea(attrs={"rows": 3}))


class ContributionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    unit = forms.ChoiceField(label=_("Coordinating unit"))
    period = forms.ChoiceField(label=_("Reporting period"))
    text = forms.CharField(label=_("Contribution"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, units, periods, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(u.code, u.name) for u in units]
        self.fields["period"].choices = [(p.key, p.label_vi) for p in periods]


class StateForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    state = forms.ChoiceField(label=_("New state"), choices=[("open", _("Open")), ("paused", _("Paused")), ("cancelled", _("Cancelled"))])
    note = forms.CharField(label=_("Reason"), required=False)


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"))

    MAX_BYTES = 20 * 1024 * 1024  # an appendix or a progress sheet is well under a megabyte

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(_("The file is too large."))
        return upload


class TaskForm(forms.Form):
    """A task created or edited on the plan's pages; ``task_create`` / ``task_update`` decide. Editing carries the
    version read (a change by someone else in between is a conflict, shown, never overwritten) and has no deadline
    field: a deadline in force moves only through an extension."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    group = forms.TypedChoiceField(label=_("Task group"), coerce=int)
    code = forms.CharField(label=_("Code"), max_length=60)
    stt = forms.CharField(label=_("No. as written in the appendix"), max_length=20, required=False)
    title = forms.CharField(label=_("Task"), widget=forms.Textarea(attrs={"rows": 3}))
    lead_unit = forms.ChoiceField(label=_("Lead unit (chủ trì)"))
    coordinating_units = forms.MultipleChoiceField(label=_("Coordinating units (phối hợp)"), required=False,
                                                   widget=forms.SelectMultiple(attrs={"size": 8}))
    product = forms.CharField(label=_("Product (sản phẩm)"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    start_date = forms.DateField(label=_("Start"), required=False, widget=DATE_WIDGET)
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=DATE_WIDGET)
    deadline_text = forms.CharField(label=_("Deadline as written"), max_length=120, required=False)
    key = forms.BooleanField(label=_("Key task (trọng điểm)"), required=False)
    budget_planned = NumberField(label=_("Planned budget (VND)"), min_value=0, max_digits=18, decimal_places=0, required=False)
    budget_allocated = NumberField(label=_("Allocated (VND)"), min_value=0, max_digits=18, decimal_places=0, required=False)

    def __init__(self, *args, groups, units, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = [(g.number, f"{g.number}. {g.title}") for g in groups]
        choices = [(u.code, u.name) for u in units]
        self.fields["lead_unit"].choices = [("", _("— choose —")), *choices]
        self.fields["coordinating_units"].choices = choices
        if editing:  # where a task sits and its deadline are not edited here
            for name in ("group", "code", "deadline"):
                del self.fields[name]
