"""Customs: the parties of the single KYC registry, goods declarations, their items and
examinations. The clearance trail is the declaration's events (rabta.core.events)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from rabta.core.fields import EncryptedTextField
from rabta.core.models import TimeStampedModel
from rabta.customs.choices import PartyKind, PartyScheme


class Party(TimeStampedModel):
    """One trader, clearing agent or foreign seller/buyer: one row whatever the declarations call it.

    ``identifier`` (an NTN, a licence number, another system's reference) is encrypted;
    ``identifier_hash`` is the keyed hash of its normalised spelling in the scheme's namespace. For
    an NTN the namespace and spelling are accounts' own (rabta.accounts.validators), so a trader
    whose account holds a verified NTN *is* the party with that hash: nothing is registered twice,
    and the account reaches its declarations through the hash (rabta.customs.selectors). A foreign
    party has no identifier: its hash is of its folded name and country, which keeps one uniqueness
    rule for every party.
    """

    kind = models.CharField(max_length=16, choices=PartyKind.choices)
    scheme = models.CharField(max_length=10, choices=PartyScheme.choices)
    name = models.CharField(_("name"), max_length=200, blank=True)
    country = models.CharField(max_length=2, default="PK", help_text=_("ISO 3166-1 alpha-2"))
    identifier = EncryptedTextField(blank=True)
    identifier_hash = models.CharField(max_length=64, editable=False)
    identifier_last4 = models.CharField(max_length=4, blank=True, editable=False)

    class Meta:
        verbose_name_plural = "parties"
        constraints = [
            # Declarations and accounts find a party by its hash: one party per identifier.
            models.UniqueConstraint(fields=["identifier_hash"], name="cus_party_identifier_unique"),
        ]

    def __str__(self) -> str:
        label = self.name or (f"****{self.identifier_last4}" if self.identifier_last4 else f"#{self.pk}")
        return f"{label} ({self.get_kind_display()})"

    @property
    def masked(self) -> str:
        return f"****{self.identifier_last4}" if self.identifier_last4 else ""
