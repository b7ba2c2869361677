"""Parties of the single KYC registry: traders by NTN, clearing agents by licence, foreign sellers
and buyers by name and country. A party is registered once; registering it again returns it."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from rabta.accounts.choices import DocumentType
from rabta.accounts.models import IdentityDocument
from rabta.accounts.types import Actor
from rabta.core.errors import CoreError, DomainError
from rabta.core.events import event_record
from rabta.core.textinput import text_clean
from rabta.customs.choices import PartyKind, PartyScheme
from rabta.customs.errors import CustomsError
from rabta.customs.events import CustomsEvent
from rabta.customs.models import Party
from rabta.customs.parties import (
    SCHEME_FOR_KIND,
    country_normalize,
    external_normalize,
    licence_normalize,
    ntn_normalize,
    party_hash,
    verified_ntn_hashes,
)


@dataclass(frozen=True)
class PartyRef:
    """A party as a declaration names it, before it is looked up or registered."""

    kind: str
    identifier: str = ""
    name: str = ""
    country: str = "PK"
    scheme: str = ""  # the kind's usual scheme unless given (``external`` for imported records)


def _bad(field: str, code: str, message: str) -> DomainError:
    return DomainError(
        CoreError.VALIDATION, f"{field}: {message}", fields={field: [{"code": code, "message": message}]}
    )


def party_normalize(ref: PartyRef, *, field: str = "identifier") -> tuple[PartyRef, str]:
    """The reference with its identifier, name and country in their one spelling, and its hash.
    Raises DomainError naming ``field`` (or ``<field>_country``/``<field>_name``)."""
    if ref.kind not in PartyKind.values:
        raise _bad(field, CustomsError.PARTY_KIND_MISMATCH, _("Unknown kind of party."))
    scheme = ref.scheme or SCHEME_FOR_KIND[PartyKind(ref.kind)]
    name = text_clean(ref.name, model=Party, name="name", field=f"{field}_name")
    try:
        country = country_normalize(ref.country or "PK")
    except ValidationError as exc:
        raise _bad(f"{field}_country", CustomsError.COUNTRY_UNKNOWN, " ".join(exc.messages)) from exc
    try:
        if scheme == PartyScheme.NTN:
            identifier = ntn_normalize(ref.identifier)
        elif scheme == PartyScheme.LICENCE:
            identifier = licence_normalize(ref.identifier)
        elif scheme == PartyScheme.EXTERNAL:
            identifier = external_normalize(ref.identifier)
        else:
            identifier = ""
    except ValidationError as exc:
        raise _bad(field, exc.code or "invalid", " ".join(exc.messages)) from exc
    if scheme == PartyScheme.NAME:
        if not name:
            raise _bad(f"{field}_name", CustomsError.NAME_REQUIRED, _("Give the party's name."))
        digest = party_hash(kind=ref.kind, scheme=scheme, identifier=name, country=country)
    else:
        digest = party_hash(kind=ref.kind, scheme=scheme, identifier=identifier)
    return PartyRef(kind=ref.kind, identifier=identifier, name=name, country=country, scheme=scheme), digest


def party_register(*, ref: PartyRef, actor: Actor = None, field: str = "identifier") -> Party:
    """The party ``ref`` names, registered on first sight. A second registration of the same NTN,
    licence or name and country returns the first party (of the same kind, else it is refused):
    one identity, however many declarations or accounts name it."""
    clean, digest = party_normalize(ref, field=field)
    existing = Party.objects.filter(identifier_hash=digest).first()
    if existing is None:
        try:
            with transaction.atomic():
                existing = Party.objects.create(
                    kind=clean.kind,
                    scheme=clean.scheme,
                    name=clean.name,
                    country=clean.country,
                    identifier=clean.identifier,
                    identifier_hash=digest,
                    identifier_last4=clean.identifier[-4:] if clean.identifier else "",
                )
                event_record(
                    kind=CustomsEvent.PARTY_REGISTERED,
                    subject=existing,
                    actor=actor,
                    data={"kind": clean.kind, "scheme": clean.scheme},
                )
                return existing
        except IntegrityError:  # registered by a concurrent request: the constraint decided
            existing = Party.objects.get(identifier_hash=digest)
    if existing.kind != clean.kind:
        raise _bad(field, CustomsError.PARTY_KIND_MISMATCH, _("This identifier belongs to another kind of party."))
    return existing


def party_for_account(*, user: Actor) -> Party | None:
    """The trader party that is this account, registering it from the account's verified NTN the
    first time it is asked: the same identity, never a second registration."""
    hashes = verified_ntn_hashes(user)
    if not hashes:
        return None
    party = Party.objects.filter(identifier_hash__in=hashes, kind=PartyKind.TRADER).order_by("pk").first()
    if party is not None:
        return party
    assert user is not None and user.is_authenticated
    document = IdentityDocument.objects.get(user=user, doc_type=DocumentType.NTN, verified_at__isnull=False)
    profile = getattr(user, "complainant_profile", None)
    name = (profile.business_name if profile is not None else "") or user.get_full_name()
    return party_register(ref=PartyRef(kind=PartyKind.TRADER, identifier=document.number, name=name), actor=user)
