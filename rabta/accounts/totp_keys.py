"""TOTP keys encrypted at rest, with the same Fernet keys as identity numbers (rabta.core.crypto).

django-otp's ``TOTPDevice.key`` is a plain CharField holding the shared secret in hex: anyone who
reads the table (a backup, a replica, a leaked dump) could mint every staff member's second factor.
A custom device model would mean our own copy of django-otp's TOTP device, its admin and its
migrations; instead the key column's field is given Fernet encryption on the way to and from the
database (:func:`totp_key_field_encrypt`, called from AccountsConfig.ready()), and everything that
uses ``device.key`` / ``device.bin_key`` sees the hex key as before.

The field still describes itself to migrations as django-otp's CharField(max_length=80), so no
migration is written into django-otp; the column is widened on PostgreSQL by
``accounts.0002_totp_key_column_wide`` (a Fernet token of a 40-byte key is about 200 characters),
and ``accounts.0003_totp_keys_encrypt`` encrypts the rows stored before.
"""

from __future__ import annotations

import string
from typing import Any

from django.db import models

from rabta.core import crypto

_HEX = frozenset(string.hexdigits)


def is_clear_key(value: str) -> bool:
    """A key as django-otp writes it (hex), not yet encrypted."""
    return bool(value) and set(value) <= _HEX


class EncryptedTotpKeyField(models.CharField):
    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if not value or is_clear_key(value):
            # A row written before 0003 ran (migrations not yet applied on this host): still readable,
            # and encrypted the next time the device is saved.
            return value
        return crypto.decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if not value or not is_clear_key(str(value)):
            return value
        return crypto.encrypt(str(value))

    def deconstruct(self) -> Any:
        name, _path, args, kwargs = super().deconstruct()
        # As django-otp declares it, so that makemigrations sees no change to a third-party app.
        return name, "django.db.models.CharField", args, kwargs


def totp_key_field_encrypt() -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    field = TOTPDevice._meta.get_field("key")
    if not isinstance(field, EncryptedTotpKeyField):
        field.__class__ = EncryptedTotpKeyField
