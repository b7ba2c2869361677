"""Forms of the complaint pages. They check what a form can (a choice was made, a box filled) and
hold what the user typed; every rule of a complaint is the services' (intake, messages,
feedback), whose field errors are attached to these forms by :func:`errors_attach`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rabta.complaints.choices import Anonymity, Kind
from rabta.complaints.models import SUBJECT_MAX_LENGTH, Category
from rabta.core.errors import DomainError

# What each anonymity choice means, in plain words: what the office will and will not see
# (rabta.complaints.privacy: the office reads a hidden complainant's words scrubbed of who they are).
ANONYMITY_EXPLAINED = {
    Anonymity.NAME_HIDDEN_FROM_PUBLIC: _(
        "The office sees your name and contact details, so it can reply to you and call you if needed. "
        "The public never sees your name."
    ),
    Anonymity.IDENTITY_HIDDEN_FROM_OFFICE: _(
        "The office does not see your name, phone, email or identity numbers: Rabta removes them, and anything "
        "that looks like them, from what you write before the office reads it. Only the oversight unit can see "
        "who you are, and every time it looks, that is recorded. You follow the complaint from your account."
    ),
    Anonymity.FULLY_ANONYMOUS: _(
        "No account is linked to the complaint: nobody, not even the oversight unit, can find out who sent it. "
        "You get a secret token once; only with it can you follow the complaint. The office cannot write back to "
        "you, and you cannot reopen or appeal."
    ),
}


class ChoicesForm(forms.Form):
    def _choice(self, name: str) -> forms.ChoiceField:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        return field


class WhatForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What do you want to send?"), choices=Kind.choices, initial=Kind.COMPLAINT, widget=forms.RadioSelect
    )
    subject = forms.CharField(
        label=_("Subject"),
        max_length=SUBJECT_MAX_LENGTH,
        help_text=_("A few words, for example: No water in our street for a week."),
        error_messages={"required": _("Give a short subject.")},
    )
    text = forms.CharField(
        label=_("What happened?"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Say what happened, where and when, and what you want the office to do. Any language is fine."),
        error_messages={"required": _("Describe the complaint.")},
    )


class CategoryForm(ChoicesForm):
    q = forms.CharField(
        label=_("Search categories"),
        required=False,
        help_text=_("Type a few words in English or Urdu, for example: water, بجلی, customs."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    category = forms.ChoiceField(
        label=_("Category"), widget=forms.RadioSelect, error_messages={"required": _("Choose a category.")}
    )

    def __init__(self, *args: Any, categories: list[Category], language: str = "en", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._choice("category").choices = [(c.code, category_label(c, language)) for c in categories]


def category_label(category: Category, language: str) -> str:
    name = category.name_ur if language == "ur" and category.name_ur else category.name
    department = category.department
    department_name = getattr(department, "name_ur", "") if language == "ur" else ""
    return f"{name} — {department_name or department.name}"


class PlaceForm(ChoicesForm):
    province = forms.ChoiceField(label=_("Province or territory"), error_messages={"required": _("Choose a province.")})
    district = forms.ChoiceField(label=_("District"), required=False)
    tehsil = forms.ChoiceField(label=_("Tehsil (if you know it)"), required=False)

    def __init__(self, *args: Any, choices: dict[str, list[tuple[str, str]]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        pick: list[tuple[str, Any]] = [("", _("Choose…"))]
        for name in ("province", "district", "tehsil"):
            self._choice(name).choices = pick + choices.get(name, [])
        self.fields["district"].required = bool(choices.get("district"))
        self.fields["district"].error_messages["required"] = _("Choose a district.")


ATTRIBUTE_PREFIX = "attributes."


class DetailsForm(forms.Form):
    """The category's own details (``Category.attributes``) and, for customs, the goods
    declaration and collectorate. Field names are the service's (``attributes.<name>``)."""

    def __init__(self, *args: Any, category: Category, collectorates: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for spec in category.attributes or []:
            name = spec["name"]
            kind = spec.get("type", "text")
            if category.is_customs and kind == "declaration_number":
                continue  # asked once, as the goods declaration number below (views fill it in)
            label = spec.get("label") or name.replace("_", " ").capitalize()
            required = bool(spec.get("required"))
            field: forms.Field
            if kind == "choice":
                field = forms.ChoiceField(
                    label=label, required=required, choices=[("", _("Choose…"))] + [(c, c) for c in spec["choices"]]
                )
            elif kind == "multichoice":
                field = forms.MultipleChoiceField(
                    label=label,
                    required=required,
                    choices=[(c, c) for c in spec["choices"]],
                    widget=forms.CheckboxSelectMultiple,
                )
            elif kind == "longtext":
                field = forms.CharField(label=label, required=required, widget=forms.Textarea(attrs={"rows": 4}))
            elif kind == "date":
                field = forms.CharField(label=label, required=required, widget=forms.DateInput(attrs={"type": "date"}))
            elif kind == "number":
                field = forms.CharField(
                    label=label, required=required, widget=forms.TextInput(attrs={"inputmode": "decimal"})
                )
            else:
                field = forms.CharField(label=label, required=required)
            field.error_messages["required"] = _("This category needs this detail.")
            self.fields[ATTRIBUTE_PREFIX + name] = field
        if category.is_customs:
            self.fields["declaration_number"] = forms.CharField(
                label=_("Goods declaration number"),
                help_text=_("As on your goods declaration, for example KAPE-HC-12345-01012026."),
                error_messages={"required": _("Give the goods declaration number.")},
            )
            self.fields["collectorate"] = forms.ChoiceField(
                label=_("Customs collectorate"),
                choices=[("", _("Choose…")), *collectorates],
                error_messages={"required": _("Choose the collectorate.")},
            )


class PrivacyForm(ChoicesForm):
    anonymity = forms.ChoiceField(
        label=_("Who may see that it is you?"), widget=forms.RadioSelect, error_messages={"required": _("Choose one.")}
    )

    def __init__(self, *args: Any, signed_in: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = Anonymity.values if signed_in else [Anonymity.FULLY_ANONYMOUS]
        self._choice("anonymity").choices = [(value, Anonymity(value).label) for value in allowed]


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Your message to the office"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Write a message.")},
    )


class FeedbackForm(forms.Form):
    satisfied = forms.TypedChoiceField(
        label=_("Are you satisfied with the result?"),
        choices=[("yes", _("Yes, the matter is settled")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose yes or no.")},
    )
    rating = forms.TypedChoiceField(
        label=_("How well did the office handle it? (1 poor, 5 very good)"),
        choices=[(str(n), str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Rate from 1 to 5.")},
    )
    comment = forms.CharField(label=_("Comment (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 4}))


class TrackNumberForm(forms.Form):
    number = forms.CharField(
        label=_("Tracking number"),
        max_length=20,
        help_text=_("It looks like RB-XXXX-XXXX-X and was shown when the complaint was lodged."),
        error_messages={"required": _("Give the tracking number.")},
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false"}),
    )


class TrackTokenForm(forms.Form):
    token = forms.CharField(
        label=_("Secret token"),
        max_length=100,
        help_text=_("Given once, when a fully anonymous complaint was lodged."),
        error_messages={"required": _("Give the secret token.")},
        widget=forms.PasswordInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


def errors_attach(form: forms.Form, error: DomainError, renamed: dict[str, str] | None = None) -> None:
    """Put a service's field errors next to the form's fields (under the form's name for the
    service's field, ``renamed``); what no field of this form holds goes to the top of the form."""
    renamed = renamed or {}
    problems = error.fields or {"__all__": [{"code": error.code, "message": error.message}]}
    for field, items in problems.items():
        name = renamed.get(field, field)
        for item in items:
            form.add_error(name if name in form.fields else None, item["message"])


class OfflineDraftForm(WhatForm, ChoicesForm):
    """The one-page form of the "Waiting to be sent" page, which the service worker keeps so that a
    complaint can be written with no connection. Its script keeps the draft on the device and sends
    it to the JSON API once the connection returns; the page itself never receives it."""

    category = forms.ChoiceField(label=_("Category"), error_messages={"required": _("Choose a category.")})
    jurisdiction = forms.ChoiceField(
        label=_("District"),
        help_text=_("The district where it happened."),
        error_messages={"required": _("Choose the district.")},
    )
    anonymity = forms.ChoiceField(
        label=_("Who may see that it is you?"),
        widget=forms.RadioSelect,
        initial=Anonymity.NAME_HIDDEN_FROM_PUBLIC,
        # Sent from the account signed in when the connection returns: never fully anonymous, whose
        # secret token would have to be kept on a device others may use.
        choices=[(value, Anonymity(value).label) for value in Anonymity.values if value != Anonymity.FULLY_ANONYMOUS],
    )

    def __init__(
        self,
        *args: Any,
        categories: list[tuple[str, str]],
        districts: list[tuple[str, list[tuple[str, str]]]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._choice("category").choices = [("", _("Choose…")), *categories]
        self._choice("jurisdiction").choices = [("", _("Choose…")), *districts]
        for field in self.fields.values():
            if field.required:
                field.widget.attrs["required"] = True


class AttachmentForm(forms.Form):
    """A photo or a PDF for a complaint. The form checks only the size, so that a file too large is
    refused before anything else happens; its type, content and the number of files per complaint
    are the attachment service's to judge (rabta.complaints.services.attachments)."""

    file = forms.FileField(label=_("A photo or a document"), error_messages={"required": _("Choose a file.")})
    share_location = forms.BooleanField(
        required=False,
        label=_("Keep the place where the photo was taken"),
        help_text=_("Only if it helps the office find the problem. Otherwise Rabta removes it."),
    )

    def __init__(
        self, *args: Any, max_bytes: int, per_complaint: int, hidden: bool, required: bool = True, **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        self.max_bytes = max_bytes
        field = self.fields["file"]
        field.required = required
        if not required:
            field.label = _("A photo or a document (if you have one)")
        field.help_text = _(
            "A photo (JPEG, PNG or WebP) or a PDF, at most %(mb)s MB; up to %(count)s files per complaint. "
            "Rabta removes hidden details such as the camera and the time before anyone else sees it."
        ) % {"mb": max_bytes // (1024 * 1024), "count": per_complaint}
        field.widget.attrs["accept"] = "image/jpeg,image/png,image/webp,application/pdf"
        if hidden:
            # Where the office must not learn who the complainant is, no location is ever kept.
            del self.fields["share_location"]

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if upload is not None and upload.size > self.max_bytes:
            raise forms.ValidationError(
                _("Files can be at most %(mb)s MB.") % {"mb": self.max_bytes // (1024 * 1024)}, code="too_large"
            )
        return upload
