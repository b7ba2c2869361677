"""The forms of the border agencies' pages (rabta.risk.views_agency); the services decide."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from rabta.risk.choices import AgencyOutcome, AgencyResult, WatchListKind

RESULTS = [(value, label) for value, label in AgencyResult.choices if value]


class SelectionFilterForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), required=False, choices=[("", _("Any outcome")), *AgencyOutcome.choices]
    )


class ResultForm(forms.Form):
    result = forms.ChoiceField(label=_("Result"), choices=RESULTS)
    note = forms.CharField(label=_("Note"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class AgencyRuleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    condition = forms.CharField(
        label=_("Condition"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "ltr"}),
        help_text=_('For example: origin == "IN" and net_mass > 1000'),
    )
    outcome = forms.ChoiceField(label=_("Outcome"), choices=())
    percentage = forms.DecimalField(label=_("Percentage selected"), initial=Decimal(100), min_value=0, max_value=100)
    valid_from = forms.DateField(label=_("Valid from"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    valid_until = forms.DateField(
        label=_("Valid until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: object, outcomes: list[str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        labels = dict(AgencyOutcome.choices)
        self.fields["outcome"].choices = [(o, labels.get(o, o)) for o in outcomes]  # type: ignore[attr-defined]


class BacktestForm(forms.Form):
    condition = forms.CharField(
        label=_("Condition"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3, "dir": "ltr"})
    )
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))
    percentage = forms.DecimalField(label=_("Percentage selected"), initial=Decimal(100), min_value=0, max_value=100)


class ShareForm(forms.Form):
    name = forms.SlugField(label=_("List name"), max_length=40)
    kind = forms.ChoiceField(label=_("What the list holds"), choices=WatchListKind.choices)
    entries = forms.CharField(
        label=_("Entries, one a line"),
        widget=forms.Textarea(attrs={"rows": 4, "dir": "ltr"}),
        help_text=_("NTNs of parties, tariff codes or two-letter country codes."),
    )
    note = forms.CharField(label=_("Note for customs"), required=False, max_length=500)

    def entry_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["entries"].splitlines() if line.strip()]
