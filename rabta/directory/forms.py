"""The office finder's filter form: validates the query string before any selector runs."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from rabta.directory.choices import JurisdictionKind, OfficeLevel
from rabta.directory.models import Department, Government, Jurisdiction


class OfficeSearchForm(forms.Form):
    q = forms.CharField(label=_("Office name or code"), required=False, max_length=100)
    government = forms.ModelChoiceField(
        label=_("Government"),
        queryset=Government.objects.order_by("code"),
        to_field_name="code",
        required=False,
        empty_label=_("All governments"),
    )
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.select_related("government").order_by("government__code", "name"),
        to_field_name="code",
        required=False,
        empty_label=_("All departments"),
    )
    jurisdiction = forms.ModelChoiceField(
        label=_("Place"),
        queryset=Jurisdiction.objects.exclude(kind=JurisdictionKind.TEHSIL).order_by("code"),
        to_field_name="code",
        required=False,
        empty_label=_("Anywhere in Pakistan"),
    )
    level = forms.ChoiceField(label=_("Level"), choices=[("", _("Any level")), *OfficeLevel.choices], required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        # Departments read as "Police Department (PB)" so the same name in eight governments is told apart.
        self.fields["department"].label_from_instance = lambda d: f"{d.name} ({d.government.code})"  # type: ignore[attr-defined]
        self.fields["jurisdiction"].label_from_instance = lambda j: f"{j.name} ({j.get_kind_display()})"  # type: ignore[attr-defined]
