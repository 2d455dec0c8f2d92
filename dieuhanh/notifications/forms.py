from django import forms
from django.utils.translation import gettext_lazy as _

from dieuhanh.notifications.models import EmailChoice


class PreferenceForm(forms.Form):
    email = forms.ChoiceField(label=_("E-mail me"), choices=EmailChoice.choices, widget=forms.RadioSelect)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
