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
