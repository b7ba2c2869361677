"""The forms of the enforcement pages. They only shape the input; every rule is the services'
(``rabta.enforcement.services``), whose refusals are put next to these fields (``field_for``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rabta.enforcement import choices
from rabta.enforcement.models import TrendDimension
from rabta.enforcement.services import GoodsInput, IncidentInput, PartyInput

GOODS_ROWS = 3
PARTY_ROWS = 3
GOODS_FIELDS = ("tariff_code", "description", "quantity", "unit", "value", "origin_country")
PARTY_FIELDS = ("role", "identifier", "name", "country")


def field_for(service_key: str) -> str:
    """The form field of a service's field key: ``goods.0.quantity`` -> ``goods_0_quantity``."""
    return service_key.replace(".", "_")


class IncidentForm(forms.Form):
    formation = forms.ChoiceField(label=_("Formation"))
    occurred_on = forms.CharField(
        label=_("Date of the incident"), widget=forms.DateInput(attrs={"type": "date"}), required=False
    )
    incident_type = forms.ChoiceField(label=_("Type of incident"), choices=choices.IncidentType.choices)
    modus_operandi = forms.ChoiceField(label=_("Modus operandi"), choices=choices.ModusOperandi.choices)
    description = forms.CharField(label=_("What happened"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    place = forms.CharField(
        label=_("District (jurisdiction code)"), required=False, help_text=_("For example PK-SD-KHI-S.")
    )
    location = forms.CharField(label=_("Border crossing, port or place"), required=False)
    route = forms.CharField(label=_("Route or corridor"), required=False, help_text=_("For example Chaman-Quetta."))
    latitude = forms.CharField(
        label=_("Latitude"), required=False, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    longitude = forms.CharField(
        label=_("Longitude"), required=False, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    conveyance_kind = forms.ChoiceField(label=_("Conveyance"), choices=choices.ConveyanceKind.choices, required=False)
    conveyance_reference = forms.CharField(label=_("Registration, vessel or container number"), required=False)
    declarations = forms.CharField(
        label=_("Goods declarations involved"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One declaration number a line."),
    )

    def __init__(self, *args: Any, formations: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["formation"].choices = formations  # type: ignore[attr-defined]
        for i in range(GOODS_ROWS):
            n = i + 1
            self.fields[f"goods_{i}_tariff_code"] = forms.CharField(
                label=_("Tariff code (line %(n)d)") % {"n": n},
                required=False,
                widget=forms.TextInput(attrs={"inputmode": "numeric"}),
            )
            self.fields[f"goods_{i}_description"] = forms.CharField(
                label=_("Goods (line %(n)d)") % {"n": n}, required=False
            )
            self.fields[f"goods_{i}_quantity"] = forms.CharField(
                label=_("Quantity (line %(n)d)") % {"n": n},
                required=False,
                widget=forms.TextInput(attrs={"inputmode": "decimal"}),
            )
            self.fields[f"goods_{i}_unit"] = forms.CharField(
                label=_("Unit (line %(n)d)") % {"n": n},
                required=False,
                initial="KGM" if i == 0 else "",
                help_text=_("KGM, NMB, LTR…") if i == 0 else "",
            )
            self.fields[f"goods_{i}_value"] = forms.CharField(
                label=_("Value in PKR (line %(n)d)") % {"n": n},
                required=False,
                widget=forms.TextInput(attrs={"inputmode": "decimal"}),
            )
            self.fields[f"goods_{i}_origin_country"] = forms.CharField(
                label=_("Origin country (line %(n)d)") % {"n": n},
                required=False,
                help_text=_("Two letters, e.g. CN.") if i == 0 else "",
            )
        for i in range(PARTY_ROWS):
            n = i + 1
            self.fields[f"parties_{i}_role"] = forms.ChoiceField(
                label=_("Role (party %(n)d)") % {"n": n},
                choices=[("", _("—")), *choices.PartyRole.choices],
                required=False,
            )
            self.fields[f"parties_{i}_identifier"] = forms.CharField(
                label=_("NTN or licence (party %(n)d)") % {"n": n},
                required=False,
                help_text=_("Links the party to the KYC registry.") if i == 0 else "",
            )
            self.fields[f"parties_{i}_name"] = forms.CharField(label=_("Name (party %(n)d)") % {"n": n}, required=False)
            self.fields[f"parties_{i}_country"] = forms.CharField(
                label=_("Country (party %(n)d)") % {"n": n}, required=False
            )

    def goods_rows(self) -> list[list[forms.BoundField]]:
        return [[self[f"goods_{i}_{name}"] for name in GOODS_FIELDS] for i in range(GOODS_ROWS)]

    def party_rows(self) -> list[list[forms.BoundField]]:
        return [[self[f"parties_{i}_{name}"] for name in PARTY_FIELDS] for i in range(PARTY_ROWS)]

    def header_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if not name.startswith(("goods_", "parties_"))]

    def incident_input(self) -> IncidentInput:
        """The service's input; empty goods and party rows are left out."""
        data = self.cleaned_data
        goods = []
        for i in range(GOODS_ROWS):
            row = {name: data.get(f"goods_{i}_{name}", "").strip() for name in GOODS_FIELDS}
            if any(v for k, v in row.items() if k != "unit"):
                goods.append(GoodsInput(**row))
        parties = []
        for i in range(PARTY_ROWS):
            row = {name: data.get(f"parties_{i}_{name}", "").strip() for name in PARTY_FIELDS}
            if any(row.values()):
                parties.append(PartyInput(**row))
        return IncidentInput(
            formation=data["formation"],
            occurred_on=data["occurred_on"].strip() or None,
            incident_type=data["incident_type"],
            modus_operandi=data["modus_operandi"],
            description=data["description"],
            goods=goods,
            parties=parties,
            declarations=[line.strip() for line in data["declarations"].splitlines() if line.strip()],
            place=data["place"].strip(),
            location=data["location"],
            route=data["route"],
            latitude=data["latitude"].strip() or None,
            longitude=data["longitude"].strip() or None,
            conveyance_kind=data["conveyance_kind"],
            conveyance_reference=data["conveyance_reference"],
        )


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("Why it goes back"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class CaseForm(forms.Form):
    case_status = forms.ChoiceField(label=_("Case status"), choices=choices.CaseStatus.choices)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=choices.CaseOutcome.choices, required=False)
    fine_amount = forms.CharField(label=_("Fine in PKR"), required=False)
    reason = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class AmendForm(forms.Form):
    description = forms.CharField(label=_("What happened"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    location = forms.CharField(label=_("Border crossing, port or place"), required=False)
    route = forms.CharField(label=_("Route or corridor"), required=False)
    modus_operandi = forms.ChoiceField(label=_("Modus operandi"), choices=choices.ModusOperandi.choices)
    reason = forms.CharField(
        label=_("Reasons for the correction"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    CHANGEABLE = ("description", "location", "route", "modus_operandi")


class EvidenceForm(forms.Form):
    """A photo or a PDF of evidence. The form checks only the size, so a file too large is refused
    before anything else; its type and content are the attachment machinery's to judge."""

    file = forms.FileField(label=_("A photo or a document"), error_messages={"required": _("Choose a file.")})
    share_location = forms.BooleanField(
        required=False,
        label=_("Keep the place where the photo was taken"),
        help_text=_("Otherwise Rabta removes the position from the photo; the time it was taken is kept."),
    )
    reason = forms.CharField(
        label=_("Reasons for adding it"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("The report is approved: a new file is an amendment, with its reasons."),
    )

    def __init__(self, *args: Any, max_bytes: int, per_incident: int, approved: bool, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.max_bytes = max_bytes
        field = self.fields["file"]
        field.help_text = _(
            "A photo (JPEG, PNG or WebP) or a PDF, at most %(mb)s MB; up to %(count)s files per report. "
            "Rabta removes hidden details such as the camera and its owner before it is stored."
        ) % {"mb": max_bytes // (1024 * 1024), "count": per_incident}
        field.widget.attrs["accept"] = "image/jpeg,image/png,image/webp,application/pdf"
        if not approved:
            del self.fields["reason"]

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if upload is not None and upload.size > self.max_bytes:
            raise forms.ValidationError(
                _("Files can be at most %(mb)s MB.") % {"mb": self.max_bytes // (1024 * 1024)}, code="too_large"
            )
        return upload


class TrendForm(forms.Form):
    by = forms.ChoiceField(
        # With its context: other catalogues translate a bare "By" as the author of something.
        label=pgettext_lazy("incident trends: the dimension", "By"),
        required=False,
        choices=[
            (TrendDimension.ALL.value, _("All incidents")),
            ("formation", _("Formation")),
            (TrendDimension.ROUTE.value, _("Route")),
            (TrendDimension.ORIGIN.value, _("Origin country")),
            (TrendDimension.CODE.value, _("HS heading")),
            (TrendDimension.MODUS.value, _("Modus operandi")),
            (TrendDimension.TYPE.value, _("Type of incident")),
        ],
    )
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


class RuleDraftForm(forms.Form):
    """A risk rule drafted from an incident: risk's ``RuleInput`` and a back-test period."""

    name = forms.CharField(label=_("Rule name"), required=False)
    condition = forms.CharField(
        label=_("Condition"),
        widget=forms.Textarea(attrs={"rows": 4, "dir": "ltr"}),
        required=False,
        help_text=_("In the risk rules' condition language; pre-filled from the incident."),
    )
    lane = forms.ChoiceField(label=_("Lane"))
    percentage = forms.DecimalField(label=_("Share of matches selected (%)"), min_value=0, max_value=100, initial=100)
    start = forms.DateField(label=_("Back-test from"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("Back-test to"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, lanes: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lane"].choices = [(lane, lane) for lane in lanes]  # type: ignore[attr-defined]
