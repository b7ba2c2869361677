"""The risk pages' forms: they check the shape of what was typed; the services decide the rest
(a condition is parsed by ``rule_create``, whose refusal names its line and column)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from rabta.customs.choices import PartyKind
from rabta.risk.choices import WatchListKind


def _date() -> forms.DateField:
    return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))


class RuleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    condition = forms.CharField(
        label=_("Condition"),
        max_length=2000,
        help_text=_('For example: hs4 == "8528" and value_per_kg < 2000'),
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false", "dir": "ltr", "class": "code"}),
    )
    lane = forms.ChoiceField(label=_("Lane"))
    percentage = forms.DecimalField(
        label=_("Selection percentage"), min_value=0, max_value=100, decimal_places=2, initial=100
    )
    valid_from = forms.DateField(
        label=_("In force from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    valid_until = forms.DateField(
        label=_("In force until (optional)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lane"].choices = [(lane, lane) for lane in settings.RABTA_CUSTOMS_LANES]  # type: ignore[attr-defined]


class BacktestForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))


class ActivateForm(forms.Form):
    pass


class RetireForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the rule is retired"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class WatchListForm(forms.Form):
    name = forms.SlugField(label=_("Name (lower-case letters, digits and hyphens)"), max_length=60)
    kind = forms.ChoiceField(label=_("What the list holds"), choices=WatchListKind.choices)
    party_kind = forms.ChoiceField(label=_("Kind of party (party lists)"), choices=PartyKind.choices, required=False)
    description = forms.CharField(label=_("Description"), max_length=500, required=False)
    entries = forms.CharField(
        label=_("Entries, one a line"),
        required=False,
        help_text=_(
            "Parties: their NTN or other identifier (kept only as a keyed hash). Codes: 2 to 12 digits. Countries: ISO alpha-2."
        ),
        widget=forms.Textarea(attrs={"rows": 5, "dir": "ltr"}),
    )

    def entry_list(self) -> list[str]:
        return _lines(self.cleaned_data.get("entries") or "")


class WatchListChangeForm(forms.Form):
    description = forms.CharField(label=_("Description"), max_length=500, required=False)
    add = forms.CharField(
        label=_("Entries to add, one a line"), required=False, widget=forms.Textarea(attrs={"rows": 4, "dir": "ltr"})
    )
    remove = forms.TypedMultipleChoiceField(
        label=_("Entries to remove"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, labels: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["remove"].choices = [(i, label) for i, label in enumerate(labels or [])]  # type: ignore[attr-defined]

    def additions(self) -> list[str]:
        return _lines(self.cleaned_data.get("add") or "")
