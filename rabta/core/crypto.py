"""Encryption of personal identifiers at rest, and keyed hashes for looking them up.

Values are encrypted with Fernet (AES-128-CBC + HMAC-SHA256, from `cryptography`). Several keys may
be configured: the first encrypts, all decrypt, so keys can be rotated without downtime. Because
Fernet tokens are randomised, equality look-ups go through a separate keyed hash (HMAC-SHA256 with
RABTA_LOOKUP_HASH_KEY) of the *normalised* value.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet as _Fernet
from cryptography.fernet import InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class DecryptionFailed(ImproperlyConfigured):
    """The configured keys cannot read a stored value: a wrong or missing key, never bad data to hide."""


@lru_cache(maxsize=4)
def _cipher(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([_Fernet(key.encode()) for key in keys])


def cipher() -> MultiFernet:
    return _cipher(tuple(settings.RABTA_FIELD_ENCRYPTION_KEYS))


def encrypt(value: str) -> str:
    return cipher().encrypt(value.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return cipher().decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken as exc:
        raise DecryptionFailed(
            "RABTA_FIELD_ENCRYPTION_KEYS: none of the configured keys decrypts a stored value; "
            "the key is wrong or the old key was removed before rotation finished"
        ) from exc


def lookup_hash(value: str, *, purpose: str) -> str:
    """Keyed hash of a normalised value. ``purpose`` separates name spaces (a CNIC and a phone
    number with the same digits must not collide)."""
    key = settings.RABTA_LOOKUP_HASH_KEY.encode()
    return hmac.new(key, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


CANARY_PLAINTEXT = "rabta-key-canary-v1"


def check_key_canary() -> None:
    """Decrypt the canary row; create it on a fresh database. Raises DecryptionFailed on a wrong key."""
    from django.db.utils import OperationalError, ProgrammingError

    from rabta.core.models import KeyCanary

    try:
        canary = KeyCanary.objects.filter(pk=1).first()
    except (OperationalError, ProgrammingError):
        return  # not migrated yet: nothing has been encrypted, so no key can be wrong
    if canary is None:
        KeyCanary.objects.get_or_create(pk=1, defaults={"token": encrypt(CANARY_PLAINTEXT)})
        return
    if decrypt(canary.token) != CANARY_PLAINTEXT:
        raise DecryptionFailed("RABTA_FIELD_ENCRYPTION_KEYS: key canary decrypted to an unexpected value")
