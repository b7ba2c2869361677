from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from rabta.accounts.choices import ComplainantType, DocumentType, Gender


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Email or phone number"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    error_messages = {
        "invalid_login": _("The email or phone number and password do not match an account."),
        "inactive": _("This account is inactive."),
    }


class RegisterForm(forms.Form):
    complainant_type = forms.ChoiceField(label=_("I am"), choices=ComplainantType.choices, widget=forms.RadioSelect)
    full_name = forms.CharField(
        label=_("Full name"), max_length=160, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    # Checked by the service (validators.normalize_email), which reads every spelling sign-in reads.
    email = forms.CharField(
        label=_("Email address"),
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label=_("Mobile number"),
        required=False,
        help_text=_("Give an email address, a mobile number, or both."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    password = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters; not a common password."),
    )
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES, initial="en")
    document_type = forms.ChoiceField(
        label=_("Identity document"), required=False, choices=[("", _("None for now")), *DocumentType.choices]
    )
    document_number = forms.CharField(label=_("Document number"), required=False, max_length=40)
    issuing_country = forms.CharField(
        label=_("Issuing country (passport)"),
        required=False,
        max_length=2,
        initial="PK",
        help_text=_("Two-letter code, e.g. PK, GB, CN."),
    )
    gender = forms.ChoiceField(label=_("Gender"), required=False, choices=Gender.choices)
    has_disability = forms.BooleanField(label=_("I am a person with a disability"), required=False)
    is_minority = forms.BooleanField(label=_("I belong to a religious minority"), required=False)
    birth_year = forms.IntegerField(label=_("Year of birth"), required=False, min_value=1900, max_value=2100)

    def clean_phone(self) -> str:
        return str(self.cleaned_data.get("phone") or "").strip()

    def service_kwargs(self) -> dict[str, Any]:
        from rabta.accounts.services import DocumentInput

        data = self.cleaned_data
        documents = []
        if data.get("document_type"):
            documents.append(
                DocumentInput(
                    data["document_type"], data.get("document_number") or "", data.get("issuing_country") or "PK"
                )
            )
        return {
            "complainant_type": data["complainant_type"],
            "full_name": data["full_name"],
            "email": data.get("email") or None,
            "phone": data.get("phone") or None,
            "password": data["password"],
            "language": data["language"],
            "documents": documents,
            "gender": data.get("gender") or "",
            "has_disability": bool(data.get("has_disability")),
            "is_minority": bool(data.get("is_minority")),
            "birth_year": data.get("birth_year"),
        }


def registration_subjects_from(data: Any) -> list[str]:
    """The identifiers typed into a registration form (raw, before validation), normalised for the
    per-identifier rate limit."""
    from rabta.accounts.services import DocumentInput, registration_subjects

    documents = []
    if data.get("document_type"):
        documents.append(
            DocumentInput(
                str(data.get("document_type")),
                str(data.get("document_number") or ""),
                str(data.get("issuing_country") or "PK"),
            )
        )
    return registration_subjects(email=data.get("email"), phone=data.get("phone"), documents=documents)


# Service field names that belong to a differently named form field.
SERVICE_TO_FORM_FIELD = {"documents.0.number": "document_number", "documents.0.doc_type": "document_type"}


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class IdentityForm(forms.Form):
    """One more identity document on the account page (rabta.accounts.services.identity_add checks it)."""

    document_type = forms.ChoiceField(
        label=_("Identity document"),
        choices=[("", _("Choose…")), *DocumentType.choices],
        error_messages={"required": _("Choose the kind of document.")},
    )
    document_number = forms.CharField(
        label=_("Document number"), max_length=40, error_messages={"required": _("Give the document's number.")}
    )
    issuing_country = forms.CharField(
        label=_("Issuing country (passport)"),
        required=False,
        max_length=2,
        initial="PK",
        help_text=_("Two-letter code, e.g. PK, GB, CN."),
    )
