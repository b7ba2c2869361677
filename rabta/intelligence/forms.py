"""Forms of the intelligence pages: a signal's review and the recurring problems' filters."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from rabta.intelligence.choices import SignalStatus


class SignalReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (SignalStatus.CONFIRMED, _("Confirm: it counts in the responsibility index")),
            (SignalStatus.DISMISSED, _("Dismiss: it does not count")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Confirm or dismiss the signal.")},
    )
    reason = forms.CharField(
        label=_("Why"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say why.")},
    )


class SignalQueueForm(forms.Form):
    status = forms.ChoiceField(label=_("Show"), choices=SignalStatus.choices, required=False)


class ClusterFilterForm(forms.Form):
    office = forms.CharField(label=_("Office code"), max_length=64, required=False)
    category = forms.CharField(label=_("Category code"), max_length=60, required=False)
    district = forms.CharField(label=_("District code"), max_length=40, required=False)
    rising = forms.BooleanField(label=_("Rising only"), required=False)
