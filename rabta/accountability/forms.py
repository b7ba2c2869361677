"""The forms of the accountability-action pages. They check shape only (a date is a date); the
services decide the rules and their refusals are shown next to these fields."""

from __future__ import annotations

import re
from collections.abc import Sequence

from django import forms
from django.utils.translation import gettext_lazy as _

from rabta.accountability.choices import ActionKind, ActionStatus

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ActionFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("Any kind")), *ActionKind.choices], required=False)
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any status")), *ActionStatus.choices], required=False
    )
    office = forms.CharField(label=_("Office code"), required=False, max_length=60)
    since = forms.DateField(label=_("Taken from"), required=False, widget=DATE)
    until = forms.DateField(label=_("Taken until"), required=False, widget=DATE)


class ActionOfficeForm(forms.Form):
    """The first step of recording: which office (its officers and audits are then offered)."""

    office = forms.CharField(
        label=_("Office code"),
        max_length=60,
        help_text=_("The code of the office the action is on, for example PB-LG-LHR."),
        error_messages={"required": _("Give the office's code.")},
    )


class ActionRecordForm(forms.Form):
    office = forms.CharField(widget=forms.HiddenInput, max_length=60)
    kind = forms.ChoiceField(
        label=_("Kind of action"),
        choices=[("", _("Choose…")), *ActionKind.choices],
        error_messages={"required": _("Choose the kind of action.")},
    )
    officer = forms.TypedChoiceField(
        label=_("On whom"),
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("An officer serving in the office, or the office as a whole."),
    )
    authority = forms.CharField(
        label=_("Authority who took it"),
        max_length=200,
        help_text=_("For example: Chief Secretary Punjab."),
        error_messages={"required": _("Name the authority who took the action.")},
    )
    grounds = forms.CharField(
        label=_("Grounds"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Give the grounds for the action.")},
    )
    taken_on = forms.DateField(
        label=_("Taken on"), widget=DATE, error_messages={"required": _("Give the date the action was taken.")}
    )
    reply_due = forms.DateField(label=_("Reply due by"), required=False, widget=DATE)
    complaints = forms.CharField(
        label=_("Complaints behind it"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Tracking numbers, separated by spaces or commas. Only complaints in your scope can be cited."),
    )
    audits = forms.TypedMultipleChoiceField(
        label=_("Officer audits behind it"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self,
        *args: object,
        officers: Sequence[tuple[int | str, str]],
        audits: Sequence[tuple[int, str]],
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["officer"].choices = [("", _("The office as a whole")), *officers]  # type: ignore[attr-defined]
        self.fields["audits"].choices = audits  # type: ignore[attr-defined]

    def complaint_numbers(self) -> list[str]:
        return [number for number in re.split(r"[\s,;]+", self.cleaned_data.get("complaints") or "") if number]


class ActionReplyForm(forms.Form):
    reply = forms.CharField(
        label=_("Reply received"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Give the reply received.")},
    )
    replied_on = forms.DateField(
        label=_("Replied on"), widget=DATE, error_messages={"required": _("Give the date of the reply.")}
    )


class ActionConcludeForm(forms.Form):
    outcome = forms.CharField(
        label=_("Outcome"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say how it ended.")},
    )
    concluded_on = forms.DateField(
        label=_("Concluded on"), widget=DATE, error_messages={"required": _("Give the date it was concluded.")}
    )


class ActionWithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it is withdrawn"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say why it is withdrawn.")},
    )
