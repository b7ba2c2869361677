"""Model fields for encrypted personal identifiers."""

from __future__ import annotations

from typing import Any

from django.db import models

from rabta.core import crypto


class EncryptedTextField(models.TextField):
    """Stores a Fernet token; Python code sees the plain string.

    Cannot be filtered on (tokens are randomised): pair it with a ``*_hash`` column written from
    the normalised value with :func:`rabta.core.crypto.lookup_hash`.
    """

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return crypto.decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(str(value))

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name not in {"isnull"}:
            raise TypeError(
                f"Encrypted field {self.name!r} cannot be filtered with {lookup_name!r}; use its hash column"
            )
        return super().get_lookup(lookup_name)
