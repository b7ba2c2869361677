"""The scorecards pages' filters: a period, a measure to colour or rank by, an export format."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rabta.scorecards.definitions import BY_NAME
from rabta.scorecards.selectors import RANKABLE, live_choices

MEASURE_CHOICES = [(name, BY_NAME[name].label) for name in RANKABLE]


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    measure = forms.ChoiceField(label=_("Colour and rank by"), choices=MEASURE_CHOICES, required=False)


class LeagueForm(PeriodForm):
    government = forms.CharField(label=_("Government code"), required=False, max_length=20)
    department = forms.CharField(label=_("Department code"), required=False, max_length=40)
    min_sample = forms.IntegerField(label=_("Minimum complaints to be ranked"), required=False, min_value=1)


class LiveForm(PeriodForm):
    """The live dashboard's filters: a government and one of its departments (codes, from the directory)."""

    # Codes, offered as selects; any other code reaches the selector, which answers 404.
    government = forms.CharField(label=_("Government"), required=False, max_length=20, widget=forms.Select)
    department = forms.CharField(label=_("Department"), required=False, max_length=40, widget=forms.Select)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        governments, departments = live_choices()
        self.fields["government"].widget.choices = [("", _("All governments")), *governments]
        self.fields["department"].widget.choices = [("", _("All departments")), *departments]
        self.fields["measure"].label = _("Colour the districts by")
        self.order_fields(["government", "department", "measure", "start", "end"])
