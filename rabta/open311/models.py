"""Open311 GeoReport v2: the client applications that file through it, the categories it offers as
services, and what a filing keeps beside its complaint (the client, the token, the text the
complainant agreed to publish)."""

from __future__ import annotations

from django.db import models

from rabta.core.models import TimeStampedModel
from rabta.open311.choices import ServiceType

PUBLISHED_DESCRIPTION_MAX_LENGTH = 4000  # GeoReport v2's request.json: description maxLength


class ClientApplication(TimeStampedModel):
    """A portal, city app or helpline that files complaints through Open311 with its own API key.

    Only a keyed hash of the key is stored (``rabta.core.crypto.lookup_hash``): the key is shown
    once when it is issued, and a leaked database does not leak working keys. A revoked client's
    key is refused from the next request on; its filings stay."""

    name = models.CharField(max_length=120)
    contact_email = models.EmailField(blank=True)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    key_hint = models.CharField(
        max_length=8, blank=True, editable=False
    )  # the key's last characters, to tell keys apart
    # Requests that give only coordinates (or nothing but an address this place holds) are placed here.
    jurisdiction = models.ForeignKey(
        "directory.Jurisdiction", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    active = models.BooleanField(default=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} (…{self.key_hint})" if self.key_hint else self.name


class Service(TimeStampedModel):
    """A complaint category offered through Open311. A category is offered only when a row says so,
    so a private kind (harassment, corruption) is never listed or accepted by default."""

    category = models.OneToOneField("complaints.Category", on_delete=models.CASCADE, related_name="open311_service")
    listed = models.BooleanField(default=True)
    service_type = models.CharField(max_length=10, choices=ServiceType.choices, default=ServiceType.REALTIME)
    keywords = models.CharField(max_length=300, blank=True)
    group = models.CharField(max_length=120, blank=True)
    description = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["category__code"]

    def __str__(self) -> str:
        return f"Open311: {self.category.code}"


class Filing(TimeStampedModel):
    """A complaint filed through Open311: which client filed it, the token the client may follow it
    by, and the only description the public reads (what the complainant gave to be published,
    scrubbed of who they are). The contact details a client sends are never stored here: they only
    match an existing account (``rabta.open311.services.request_file``)."""

    complaint = models.OneToOneField("complaints.Complaint", on_delete=models.CASCADE, related_name="open311_filing")
    client = models.ForeignKey(ClientApplication, on_delete=models.PROTECT, related_name="filings")
    token = models.CharField(max_length=40, unique=True, editable=False)
    published_description = models.TextField(blank=True)
    # Coordinates as published: rounded to about a hundred metres, never the exact point.
    published_latitude = models.DecimalField(max_digits=7, decimal_places=3, null=True, blank=True)
    published_longitude = models.DecimalField(max_digits=7, decimal_places=3, null=True, blank=True)
    media_url = models.URLField(max_length=500, blank=True)
    device_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        indexes = [models.Index(fields=["client", "created_at"], name="o311_filing_client_idx")]

    def __str__(self) -> str:
        return f"Open311 filing of complaint #{self.complaint_id}"


class ClientUpdate(TimeStampedModel):
    """An update a client pushed for a complainant (POST servicerequestupdates), kept so that the
    same update sent twice is one message."""

    filing = models.ForeignKey(Filing, on_delete=models.CASCADE, related_name="client_updates")
    client_update_id = models.CharField(max_length=64)
    message = models.ForeignKey(
        "complaints.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["filing", "client_update_id"], name="o311_update_once"),
        ]
