"""Normalising and hashing party identifiers: shared by the services (one party at a time) and the
bulk import (a column at a time), so both find the same party for the same trader."""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from rabta.accounts.choices import DocumentType
from rabta.accounts.models import IdentityDocument
from rabta.accounts.types import Actor
from rabta.accounts.validators import document_hash_namespace, normalize_ntn
from rabta.core.crypto import lookup_hash
from rabta.customs.choices import PartyKind, PartyScheme
from rabta.customs.codes import COUNTRIES
from rabta.customs.errors import CustomsError

# The NTN namespace is accounts': a party's NTN hash equals the hash of the same NTN on an account.
NTN_NAMESPACE = document_hash_namespace(DocumentType.NTN)
_LICENCE = re.compile(r"^[A-Z0-9][A-Z0-9/-]{2,23}$")
_EXTERNAL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$")


def ntn_normalize(value: str) -> str:
    """An NTN as FBR writes it (``1234567-8``), or a 13-digit CNIC used as an individual's NTN.

    python-stdnum has no Pakistani NTN (only ``stdnum.pk.cnic``) and FBR publishes no check-digit
    algorithm, so the format is what can be checked offline: accounts' validator, reused so that
    both spell a number alike. Raises ValidationError with code ``ntn_invalid``."""
    try:
        return normalize_ntn(value)
    except ValidationError as exc:
        raise ValidationError(
            _("An NTN is seven digits and a check digit (1234567-8), or a 13-digit CNIC."),
            code=CustomsError.NTN_INVALID,
        ) from exc


def licence_normalize(value: str) -> str:
    """A clearing agent's customs licence number: 3 to 24 letters, digits, ``/`` and ``-``, upper-cased."""
    compact = re.sub(r"\s+", "", unicodedata.normalize("NFKC", value or "")).upper()
    if not _LICENCE.match(compact):
        raise ValidationError(
            _("A licence number is 3 to 24 letters, digits, slashes and dashes."), code=CustomsError.LICENCE_INVALID
        )
    return compact


def country_normalize(value: str) -> str:
    code = (value or "").strip().upper()
    if code not in COUNTRIES:
        raise ValidationError(
            _("Give the country as an ISO 3166 two-letter code, e.g. PK or CN."), code=CustomsError.COUNTRY_UNKNOWN
        )
    return code


def name_key(name: str) -> str:
    """A foreign party's name folded so that case, spacing and compatibility forms do not make two parties."""
    folded = unicodedata.normalize("NFKC", name or "").casefold()
    return " ".join(folded.split())


def external_normalize(value: str) -> str:
    compact = (value or "").strip()
    if not _EXTERNAL.match(compact):
        raise ValidationError(
            _("A reference is 1 to 64 letters, digits and . _ : / -."), code=CustomsError.PARTY_UNKNOWN
        )
    return compact


def party_hash(*, kind: str, scheme: str, identifier: str, country: str = "") -> str:
    """The keyed look-up hash of a normalised identifier in its namespace."""
    if scheme == PartyScheme.NTN:
        return lookup_hash(identifier, purpose=NTN_NAMESPACE)
    if scheme == PartyScheme.LICENCE:
        return lookup_hash(identifier, purpose="customs_licence")
    if scheme == PartyScheme.NAME:
        return lookup_hash(f"{country}:{name_key(identifier)}", purpose="customs_foreign_party")
    # Another system's references are per kind: a KCS importer and declarant may share an id.
    return lookup_hash(identifier, purpose=f"customs_external:{kind}")


SCHEME_FOR_KIND = {
    PartyKind.TRADER: PartyScheme.NTN,
    PartyKind.CLEARING_AGENT: PartyScheme.LICENCE,
    PartyKind.FOREIGN_TRADER: PartyScheme.NAME,
}


def verified_ntn_hashes(user: Actor) -> list[str]:
    """The NTN hashes an account holds *verified*: typing an NTN proves nothing, so an unverified
    claim never makes anyone a party to someone else's declarations."""
    if user is None or not user.is_authenticated:
        return []
    return list(
        IdentityDocument.objects.filter(user=user, doc_type=DocumentType.NTN, verified_at__isnull=False).values_list(
            "number_hash", flat=True
        )
    )
