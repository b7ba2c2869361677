"""Forms of the customs staff pages: the list's filters and one form per officer's move. The field
names are the services' (``lane``, ``reason``, ``outcome``, ``amount``...), so a service's refusal
lands next to the field it names."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from rabta.customs.choices import DiscrepancyType, ImportFormat, Outcome, Status


def _note(label: Any) -> forms.CharField:
    return forms.CharField(label=label, max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class DeclarationFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Stage"), required=False)
    collectorate = forms.ChoiceField(label=_("Collectorate"), required=False)
    page = forms.IntegerField(required=False, min_value=1, max_value=100_000, widget=forms.HiddenInput)

    def __init__(self, *args: Any, collectorates: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Any stage")), *Status.choices]  # type: ignore[attr-defined]
        self.fields["collectorate"].choices = [("", _("Any collectorate")), *collectorates]  # type: ignore[attr-defined]


class LaneForm(forms.Form):
    lane = forms.ChoiceField(label=_("Lane"))
    reason = forms.CharField(label=_("Why this lane"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lane"].choices = [(lane, lane) for lane in settings.RABTA_CUSTOMS_LANES]  # type: ignore[attr-defined]


class StageForm(forms.Form):
    reason = _note(_("Note (optional)"))


class ExaminationForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Result"), choices=Outcome.choices)
    discrepancy_type = forms.ChoiceField(
        label=_("Type of discrepancy"),
        required=False,
        choices=[("", _("None")), *DiscrepancyType.choices],
        help_text=_("Only with a discrepancy."),
    )
    extra_duty = forms.DecimalField(
        label=_("Extra duty raised (PKR)"), required=False, min_value=0, decimal_places=2, max_digits=15
    )
    remarks = _note(_("Remarks"))


class PaymentForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount paid (PKR)"), decimal_places=2, max_digits=22)


class ImportUploadForm(forms.Form):
    """A declarations file for the background import (rabta.customs.services.import_jobs)."""

    file_format = forms.ChoiceField(label=_("Format"), choices=ImportFormat.choices, initial=ImportFormat.CSV)
    collectorate = forms.ChoiceField(
        label=_("Collectorate for KCS records"),
        help_text=_("KCS files name Korean offices; their declarations are filed at this collectorate."),
        required=False,
    )

    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "CSV or JSON Lines in Rabta's columns, or a KCS file. Rows with problems are listed; the rest import."
        ),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.jsonl,.json,.txt,text/csv"}),
    )

    def __init__(self, *args: Any, collectorates: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["collectorate"].choices = [("", _("The first collectorate")), *collectorates]  # type: ignore[attr-defined]
