"""Validation and normalisation of identity numbers and phone numbers.

Every function returns the normalised value or raises Django's ``ValidationError`` with a specific
``code``. What can be checked offline differs by document:

* CNIC, NICOP, POC: NADRA's 13-digit number (``XXXXX-XXXXXXX-X``). python-stdnum checks length,
  digits, the province digit and the gender digit (the last). NADRA publishes no check digit.
* Passport: only the shape. Pakistani passports are two letters and seven digits; for other
  countries ICAO 9303 allows up to nine characters of A–Z and 0–9 (we accept six to nine).
* NTN: seven digits and a check digit, written ``NNNNNNN-N``; since 2019 an individual's NTN may
  also be their 13-digit CNIC. FBR does not publish the check-digit algorithm, so only the format
  is checked; the number is confirmed against FBR's registry out of band.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from stdnum import exceptions as stdnum_exceptions
from stdnum.pk import cnic as stdnum_cnic

from rabta.accounts.choices import DocumentType

_PASSPORT_PK = re.compile(r"^[A-Z]{2}[0-9]{7}$")
_PASSPORT_OTHER = re.compile(r"^[A-Z0-9]{6,9}$")
_NTN = re.compile(r"^[0-9]{7}-?[0-9]$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")

# Namespaces for the keyed hash: NADRA numbers share one, so a CNIC cannot reappear as a NICOP.
HASH_NAMESPACE = {
    DocumentType.CNIC: "nadra",
    DocumentType.NICOP: "nadra",
    DocumentType.POC: "nadra",
    DocumentType.NTN: "ntn",
}


def normalize_nadra_number(value: str, *, label: str = "CNIC") -> str:
    """Return the number as ``XXXXX-XXXXXXX-X``."""
    raw = (value or "").strip()
    if not raw:
        raise ValidationError(_("%(label)s is required.") % {"label": label}, code="cnic_required")
    if not re.fullmatch(r"[0-9\- ]+", raw):
        raise ValidationError(
            _("%(label)s may contain only digits and dashes.") % {"label": label}, code="cnic_invalid_format"
        )
    try:
        compact = stdnum_cnic.validate(raw.replace(" ", ""))
    except stdnum_exceptions.InvalidLength as exc:
        raise ValidationError(
            _("%(label)s must have 13 digits (XXXXX-XXXXXXX-X).") % {"label": label}, code="cnic_invalid_length"
        ) from exc
    except stdnum_exceptions.InvalidFormat as exc:
        raise ValidationError(
            _("%(label)s must have 13 digits (XXXXX-XXXXXXX-X).") % {"label": label}, code="cnic_invalid_format"
        ) from exc
    except stdnum_exceptions.ValidationError as exc:
        raise ValidationError(
            _("%(label)s is not a valid NADRA number (unknown region or gender digit).") % {"label": label},
            code="cnic_invalid_component",
        ) from exc
    return str(stdnum_cnic.format(compact))


def normalize_country(value: str) -> str:
    code = (value or "").strip().upper()
    if not _COUNTRY.match(code):
        raise ValidationError(
            _("Give the issuing country as a two-letter ISO code, e.g. PK or GB."), code="passport_country_required"
        )
    return code


def normalize_passport(value: str, *, country: str) -> str:
    country = normalize_country(country)
    number = re.sub(r"[\s-]", "", (value or "")).upper()
    if not number:
        raise ValidationError(_("Passport number is required."), code="passport_required")
    pattern = _PASSPORT_PK if country == "PK" else _PASSPORT_OTHER
    if not pattern.match(number):
        message = (
            _("A Pakistani passport number is two letters and seven digits, e.g. AB1234567.")
            if country == "PK"
            else _("A passport number has 6 to 9 letters and digits.")
        )
        raise ValidationError(message, code="passport_invalid_format")
    return number


def normalize_ntn(value: str) -> str:
    raw = (value or "").strip()
    digits = re.sub(r"[\s-]", "", raw)
    if len(digits) == 13 and digits.isdigit():
        return normalize_nadra_number(raw, label="NTN")
    if not _NTN.match(raw.replace(" ", "")):
        raise ValidationError(
            _("An NTN is seven digits and a check digit (1234567-8), or a 13-digit CNIC."), code="ntn_invalid_format"
        )
    return f"{digits[:7]}-{digits[7]}"


def normalize_document(doc_type: str, number: str, *, country: str = "PK") -> str:
    if doc_type in {DocumentType.CNIC, DocumentType.NICOP, DocumentType.POC}:
        return normalize_nadra_number(number, label=str(DocumentType(doc_type).label).split(" ")[0])
    if doc_type == DocumentType.PASSPORT:
        return normalize_passport(number, country=country)
    if doc_type == DocumentType.NTN:
        return normalize_ntn(number)
    raise ValidationError(_("Unknown identity document type."), code="document_type_unknown")


def document_hash_namespace(doc_type: str, *, country: str = "PK") -> str:
    if doc_type == DocumentType.PASSPORT:
        return f"passport:{country}"
    return HASH_NAMESPACE[DocumentType(doc_type)]


def _compact(value: str) -> str:
    """NFKC-fold (fullwidth and mathematical letters, ligatures, Arabic-Indic digits...) and drop
    whitespace and invisible format characters (zero-width spaces, direction marks), none of which
    can be part of an email address or a phone number but all of which a person or a script can
    paste into a form."""
    folded = unicodedata.normalize("NFKC", value or "")
    return "".join(ch for ch in folded if not ch.isspace() and unicodedata.category(ch) != "Cf")


def compact_login(value: str) -> str:
    """A sign-in name that is neither an email address nor a phone number, folded the same way."""
    return _compact(value).casefold()


def fold_email(value: str) -> str:
    """An email address as normalize_email spells it, without checking that it is one."""
    return _compact(value).lower()


def normalize_email(value: str) -> str:
    """Return the one spelling of an email address that Rabta stores, looks up and counts against.

    Every way of typing the same address (case, spaces anywhere, fullwidth or other compatibility
    forms) gives the same string, so a lock-out, a rate limit or a uniqueness rule keyed on it
    cannot be sidestepped by spelling the address differently. The local part is lower-cased too:
    mail providers treat it case-insensitively in practice, and two accounts differing only in
    case would be two accounts for one mailbox.
    """
    compact = fold_email(value)
    if not compact:
        raise ValidationError(_("Email address is required."), code="email_required")
    try:
        validate_email(compact)
    except ValidationError as exc:
        raise ValidationError(_("Enter a valid email address."), code="email_invalid") from exc
    return compact


def normalize_login(value: str) -> tuple[str, str] | None:
    """What a typed sign-in name stands for: ``("email", address)`` or ``("phone", E.164)``, or
    None when it is neither. The backend, the lock-out and the registration rules all use this, so
    they agree on which spellings name the same account."""
    compact = _compact(value)
    if "@" in compact:
        try:
            return ("email", normalize_email(compact))
        except ValidationError:
            return None
    try:
        return ("phone", normalize_phone(compact))
    except ValidationError:
        return None


def normalize_phone(value: str, *, default_region: str = "PK") -> str:
    """Return the number in E.164 (+923001234567)."""
    if not (value or "").strip():
        raise ValidationError(_("Phone number is required."), code="phone_required")
    try:
        parsed = phonenumbers.parse(value, default_region)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(_("This is not a phone number."), code="phone_unparseable") from exc
    if not phonenumbers.is_valid_number(parsed):
        raise ValidationError(_("This phone number is not valid for its country."), code="phone_invalid")
    return str(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164))


# Digits and symbols people put in place of letters; a name spelt "S@n@1qb@l" is still the name.
_LEET = str.maketrans(
    {"@": "a", "4": "a", "8": "b", "3": "e", "6": "g", "1": "i", "!": "i", "0": "o"}
    | {
        "$": "s",
        "5": "s",
        "7": "t",
        "2": "z",
        "9": "g",
        "|": "l",
        "+": "t",
    }
)


def _letters(value: str) -> str:
    """Case- and compatibility-folded letters of ``value``, without accents or vowel marks (so that
    "Sánā" and "sana", or an Urdu name with and without its diacritics, compare equal)."""
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", value).casefold())
    return "".join(ch for ch in decomposed if ch.isalpha() and unicodedata.category(ch) != "Mn")


def _built_from(text: str, pieces: set[str]) -> bool:
    """Whether ``text`` is a concatenation of ``pieces`` (each used any number of times)."""
    reachable = [True] + [False] * len(text)
    for end in range(1, len(text) + 1):
        reachable[end] = any(
            reachable[end - len(piece)] and text.endswith(piece, 0, end) for piece in pieces if len(piece) <= end
        )
    return reachable[-1]


class FullNameValidator:
    """Refuse a password that is the user's full name, or is built from it: its parts in any order,
    repeated, with initials, with digits and symbols around them, reversed, or in "leet" spelling.

    Django's UserAttributeSimilarityValidator compares whole attributes by similarity ratio, so
    "SanaIqbal1990" passes it against "Sana Iqbal"; a name is the first thing an attacker who knows
    the person tries.
    """

    MIN_CONTAINED = 4  # a name shorter than this inside a longer password is too common to refuse

    def validate(self, password: str, user: Any = None) -> None:
        full_name = str(getattr(user, "full_name", "") or "")
        words = [_letters(word) for word in re.split(r"[\W\d_]+", unicodedata.normalize("NFKC", full_name))]
        words = [word for word in words if word]
        if not words:
            return
        pieces = set(words) | {word[0] for word in words}
        whole = "".join(words)
        for candidate in {_letters(password), _letters(password.casefold().translate(_LEET))}:
            if not candidate:
                continue
            if (
                _built_from(candidate, pieces)
                or _built_from(candidate[::-1], pieces)
                or (len(whole) >= self.MIN_CONTAINED and (whole in candidate or whole[::-1] in candidate))
            ):
                raise ValidationError(_("The password is too close to your name."), code="password_name")

    def get_help_text(self) -> str:
        return _("Your password cannot be your name or be made from it.")
