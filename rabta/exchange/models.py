"""Data exchange with partner customs administrations and banks: bilateral agreements (who gets
which datasets and which fields, for how long), the log of every exchange, the partner files
imported (with every rejected row), the partner's declarations they held, the mirror findings
made from them, and the requests of banks' compliance units about traders.

Nothing here names a declaration's people: a partner's declarations carry codes, countries,
quantities and values; a bank request keeps the keyed hash of the NTN asked about, never the NTN."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from rabta.accounts.roles import Role, user_roles
from rabta.accounts.types import Actor
from rabta.exchange import choices

DEFAULT_TOLERANCE = Decimal("10.00")  # percent: what a CIF/FOB gap and timing leave between two honest values


class ExchangeQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: Actor) -> ExchangeQuerySet:
        """The exchange is national and held by its officers: an exchange officer sees every
        agreement, log row, import and request; nobody else sees any (404)."""
        if Role.EXCHANGE_OFFICER in user_roles(user):
            return self.all()
        return self.none()


class Agreement(models.Model):
    """A bilateral agreement: the partner (a customs administration or a bank's compliance unit),
    the datasets and fields it receives, its validity and status."""

    kind = models.CharField(max_length=16, choices=choices.PartnerKind.choices)
    partner_country = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2")
    partner_name = models.CharField(max_length=200)
    datasets = models.JSONField(default=list, help_text="Dataset values")
    fields = models.JSONField(default=list, help_text="keys of rabta.exchange.wco.FIELDS")
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=choices.AgreementStatus.choices, default=choices.AgreementStatus.DRAFT
    )
    tolerance_percent = models.DecimalField(max_digits=5, decimal_places=2, default=DEFAULT_TOLERANCE)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ExchangeQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="exchange_agreement_dates",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner_name} ({self.partner_country}) #{self.pk}"


class ExchangeLog(models.Model):
    """One exchange, written once and never changed: who, with which partner under which agreement,
    the period, the rows and the SHA-256 of the bytes that went out (or came in)."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="log")
    direction = models.CharField(max_length=12, choices=choices.Direction.choices)
    dataset = models.CharField(max_length=16, choices=choices.Dataset.choices)
    file_format = models.CharField(max_length=4, choices=choices.FileFormat.choices, blank=True)
    period_from = models.DateField(null=True, blank=True)
    period_to = models.DateField(null=True, blank=True)
    rows = models.PositiveIntegerField(default=0)
    checksum = models.CharField(max_length=64)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ExchangeQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.direction} {self.dataset} #{self.pk}"


class PartnerImport(models.Model):
    """A partner's file: accepted (its declarations stored) or rejected whole (its rejects say why)."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="imports")
    file_format = models.CharField(max_length=4, choices=choices.FileFormat.choices)
    original_name = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=10, choices=choices.ImportStatus.choices)
    rows = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    findings = models.PositiveIntegerField(default=0)
    checksum = models.CharField(max_length=64)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ExchangeQuerySet.as_manager()

    def __str__(self) -> str:
        return f"import #{self.pk} ({self.status})"


class ImportReject(models.Model):
    """One reason a partner file was refused: the row (0 for the file itself), the element, the
    field, the code and the reason."""

    partner_import = models.ForeignKey(PartnerImport, on_delete=models.CASCADE, related_name="rejects")
    row = models.PositiveIntegerField()
    element = models.CharField(max_length=200)
    field = models.CharField(max_length=60)
    code = models.CharField(max_length=40)
    reason = models.CharField(max_length=300)

    class Meta:
        ordering = ["row", "pk"]

    def __str__(self) -> str:
        return f"row {self.row} {self.element}: {self.code}"


class PartnerDeclaration(models.Model):
    """An export declaration of the partner administration, as its file gave it."""

    partner_import = models.ForeignKey(PartnerImport, on_delete=models.CASCADE, related_name="declarations")
    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="+")
    reference = models.CharField(max_length=40)
    issue_date = models.DateField()
    type_code = models.CharField(max_length=12, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    office = models.CharField(max_length=40, blank=True)
    transport_mode = models.CharField(max_length=2, blank=True)

    class Meta:
        indexes = [models.Index(fields=["reference"], name="exchange_partner_ref_idx")]

    def __str__(self) -> str:
        return self.reference


class PartnerGoodsItem(models.Model):
    declaration = models.ForeignKey(PartnerDeclaration, on_delete=models.CASCADE, related_name="items")
    sequence = models.PositiveIntegerField()
    tariff_code = models.CharField(max_length=12)
    description = models.CharField(max_length=500, blank=True)
    origin_country = models.CharField(max_length=2, blank=True)
    export_country = models.CharField(max_length=2, blank=True)
    quantity = models.DecimalField(max_digits=18, decimal_places=3, null=True, blank=True)
    unit = models.CharField(max_length=3, blank=True)
    net_mass_kg = models.DecimalField(max_digits=18, decimal_places=3, null=True, blank=True)
    value = models.DecimalField(max_digits=20, decimal_places=2)

    def __str__(self) -> str:
        return f"{self.declaration_id}/{self.sequence}"


class MirrorFinding(models.Model):
    """Declared import value against the partner's declared export value, beyond the agreement's
    tolerance: for one shipment (the same reference) or one month × HS6 code × partner."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="+")
    partner_import = models.ForeignKey(PartnerImport, on_delete=models.CASCADE, related_name="mirror_findings")
    basis = models.CharField(max_length=10, choices=choices.MirrorBasis.choices)
    declaration = models.ForeignKey(
        "customs.Declaration", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    reference = models.CharField(max_length=40, blank=True)
    hs6 = models.CharField(max_length=6, blank=True)
    month = models.DateField()
    currency = models.CharField(max_length=3)
    import_value = models.DecimalField(max_digits=22, decimal_places=2)
    export_value = models.DecimalField(max_digits=22, decimal_places=2)
    gap_percent = models.DecimalField(max_digits=9, decimal_places=2, help_text="(import - export) / export × 100")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ExchangeQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.basis} {self.reference or self.hs6} {self.gap_percent}%"


class BankRequest(models.Model):
    """A bank compliance unit's request about a trader and the answer customs gave, kept as given."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="bank_requests")
    ntn_hash = models.CharField(max_length=64, editable=False)
    ntn_last4 = models.CharField(max_length=4, editable=False)
    bank_reference = models.CharField(max_length=60, blank=True)
    answer = models.JSONField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ExchangeQuerySet.as_manager()

    def __str__(self) -> str:
        return f"bank request #{self.pk} ****{self.ntn_last4}"
