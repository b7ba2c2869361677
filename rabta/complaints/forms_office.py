"""Forms of the staff pages (rabta/complaints/views_office.py). As in forms.py, they check only what
a form can (a choice made, a box filled) and keep what was typed; the rules are the services'."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from rabta.accountability.choices import AuditFinding, Rating
from rabta.complaints.choices import Outcome, Priority, RejectReason, Status
from rabta.reviews.models import DecisionReview

DECIDED_OUTCOMES = [(o.value, o.label) for o in (Outcome.RELIEF_GRANTED, Outcome.PARTIAL_RELIEF, Outcome.NO_RELIEF)]


def _blank(label: str | object) -> list[tuple[str, object]]:
    return [("", label)]


class InboxFilterForm(forms.Form):
    """The inbox's filters (a GET form): each narrows the API's list, none names a complainant."""

    status = forms.ChoiceField(label=_("Status"), required=False, choices=_blank(_("Any")) + list(Status.choices))
    category = forms.CharField(label=_("Category code"), required=False, max_length=64)
    office = forms.CharField(label=_("Office code"), required=False, max_length=64)
    priority = forms.ChoiceField(label=_("Priority"), required=False, choices=_blank(_("Any")) + list(Priority.choices))
    due = forms.ChoiceField(
        label=_("Deadline"),
        required=False,
        choices=[("", _("Any")), ("overdue", _("Late")), ("today", _("Due today or late"))],
    )
    sort = forms.ChoiceField(
        label=_("Order"),
        required=False,
        choices=[("", _("Newest first")), ("deadline", _("Nearest deadline first (this page)"))],
    )
    before = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)


class ReauthForm(forms.Form):
    """Asks for the password again before a sensitive staff action (bulk acknowledge, reveal)."""

    password = forms.CharField(
        label=_("Your password, again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Give your password to confirm.")},
    )


class BodyForm(forms.Form):
    body = forms.CharField(
        label=_("Message"), widget=forms.Textarea(attrs={"rows": 4}), error_messages={"required": _("Write a message.")}
    )


class NoteForm(forms.Form):
    body = forms.CharField(
        label=_("Internal note (never shown to the complainant)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write the note.")},
    )


class InformationForm(forms.Form):
    body = forms.CharField(
        label=_("What do you need from the complainant?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say what information you need.")},
    )


class TransferForm(forms.Form):
    to_office = forms.CharField(
        label=_("Office code"),
        max_length=64,
        help_text=_("The code of the office that should handle it, as the office directory gives it."),
        error_messages={"required": _("Give the office's code.")},
    )
    reason = forms.CharField(
        label=_("Why it belongs there"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Give a reason for the transfer.")},
    )


class ResolveForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=DECIDED_OUTCOMES,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the outcome.")},
    )
    reasons = forms.CharField(
        label=_("What was done, and why"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class RejectForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why it is rejected"),
        choices=RejectReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a reason.")},
    )
    explanation = forms.CharField(
        label=_("Explanation the complainant reads"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Explain the rejection.")},
    )
    duplicate_of = forms.CharField(
        label=_("Tracking number of the original (for a duplicate)"), required=False, max_length=20
    )


class DuplicateForm(forms.Form):
    other = forms.CharField(
        label=_("Tracking number of the complaint it duplicates"),
        max_length=20,
        error_messages={"required": _("Give a tracking number.")},
    )


class RateForm(forms.Form):
    rating = forms.ChoiceField(
        label=_("Was the complaint made responsibly?"),
        choices=Rating.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a rating.")},
    )


class AppealDecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=DECIDED_OUTCOMES,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the decision.")},
    )
    reasons = forms.CharField(
        label=_("Reasons"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("A decision must give its reasons.")},
    )


class RevealForm(ReauthForm):
    reason = forms.CharField(
        label=_("Why the identity must be revealed"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Give the reason; it is recorded.")},
    )
    field_order = ["reason", "password"]


class SearchForm(forms.Form):
    search = forms.CharField(
        label=_("Tracking number or words of the subject"),
        required=False,
        max_length=200,
    )
    status = forms.ChoiceField(label=_("Status"), required=False, choices=_blank(_("Any")) + list(Status.choices))
    office = forms.CharField(label=_("Office code"), required=False, max_length=64)


class ReviewAssignForm(forms.Form):
    reviewer = forms.CharField(
        label=_("Reviewer's email or phone"), max_length=200, error_messages={"required": _("Name the reviewer.")}
    )
    post = forms.IntegerField(label=_("Post number"), error_messages={"required": _("Give the reviewer's post.")})


class ReviewDecideForm(forms.Form):
    result = forms.ChoiceField(
        label=_("Result"),
        choices=DecisionReview.Result.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the result.")},
    )
    reasons = forms.CharField(
        label=_("Reasons"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("A decision must give its reasons.")},
    )


class StandingDecideForm(forms.Form):
    granted = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("yes", _("Grant the appeal")), ("no", _("Refuse the appeal"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose grant or refuse.")},
    )
    reasons = forms.CharField(
        label=_("Reasons the complainant reads"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Give the reasons.")},
    )


class AuditCloseForm(forms.Form):
    finding = forms.ChoiceField(
        label=_("Finding"),
        choices=AuditFinding.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a finding.")},
    )
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), error_messages={"required": _("Write the notes.")}
    )
