"""The trade information portal's tariff search form: validates the query string before any
selector runs."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from rabta.tariff.selectors import MAX_QUERY_LENGTH


class TariffSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Tariff code or goods description (English or Urdu)"), max_length=MAX_QUERY_LENGTH, required=True
    )
    on = forms.DateField(
        label=_("Only codes in force on (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class TariffDateForm(forms.Form):
    on = forms.DateField(
        label=_("Show the tariff in force on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class EnquiryForm(forms.Form):
    question = forms.CharField(label=_("Your question"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)
    code = forms.CharField(label=_("Tariff code it is about (optional)"), required=False, max_length=40)


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 4}), max_length=8000)
