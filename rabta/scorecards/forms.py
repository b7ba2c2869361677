"""The scorecards pages' filters: a period, a measure to colour or rank by, an export format."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from rabta.scorecards.definitions import BY_NAME
from rabta.scorecards.selectors import RANKABLE

MEASURE_CHOICES = [(name, BY_NAME[name].label) for name in RANKABLE]


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    measure = forms.ChoiceField(label=_("Colour and rank by"), choices=MEASURE_CHOICES, required=False)


class LeagueForm(PeriodForm):
    government = forms.CharField(label=_("Government code"), required=False, max_length=20)
    department = forms.CharField(label=_("Department code"), required=False, max_length=40)
    min_sample = forms.IntegerField(label=_("Minimum complaints to be ranked"), required=False, min_value=1)
