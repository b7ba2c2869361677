"""Every string a service stores passes one check, so SQLite and PostgreSQL store the same things.

SQLite ignores a ``CharField``'s ``max_length`` and keeps NUL bytes; PostgreSQL refuses both, so
without a check of our own the same input is stored on one database and a 500 on the other.
Neither can store a lone surrogate (``"\\ud800"`` is valid JSON but not encodable as UTF-8).

The limits come from the model fields themselves (``max_length``; a ``TextField`` without one
takes :data:`FREE_TEXT_MAX_LENGTH`), looked up once per field, so a limit is written in one place,
the model, and a migration that changes it changes the check too. Whether newlines are allowed
follows the field as well: a ``TextField`` is free text (newline and tab allowed), a ``CharField``
is one line. Every other control character is refused in both: they are never typed by a person,
they break exports and logs, and NUL cannot be stored by PostgreSQL at all.
"""

from __future__ import annotations

import functools
import unicodedata
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from rabta.core.errors import CoreError, DomainError

FREE_TEXT_MAX_LENGTH = 5000
FREE_TEXT_ALLOWED_CONTROLS = frozenset("\n\t")

FieldErrors = dict[str, list[dict[str, str]]]


@functools.cache
def field_rules(model: type[models.Model], name: str) -> tuple[int, bool]:
    """``(max_length, multiline)`` of ``model.name``, from the field's own definition."""
    field = model._meta.get_field(name)
    multiline = isinstance(field, models.TextField)
    limit = getattr(field, "max_length", None) or FREE_TEXT_MAX_LENGTH
    return int(limit), multiline


def text_problem(value: str, *, max_length: int, multiline: bool) -> tuple[CoreError, str] | None:
    """The first thing wrong with ``value`` as ``(code, message)``, or None."""
    for char in value:
        if "\ud800" <= char <= "\udfff":
            return CoreError.TEXT_INVALID_CHARACTER, _("The text holds a character that is not valid Unicode.")
        if unicodedata.category(char) == "Cc" and not (multiline and char in FREE_TEXT_ALLOWED_CONTROLS):
            return CoreError.TEXT_CONTROL_CHARACTER, _("The text holds a control character (code %(code)s).") % {
                "code": f"U+{ord(char):04X}"
            }
    if len(value) > max_length:
        return CoreError.TEXT_TOO_LONG, _("At most %(n)s characters (this has %(length)s).") % {
            "n": max_length,
            "length": len(value),
        }
    return None


def text_clean(
    value: Any,
    *,
    model: type[models.Model],
    name: str,
    field: str | None = None,
    errors: FieldErrors | None = None,
) -> str:
    """``value`` stripped (line ends made ``\\n``) and checked against ``model.name``'s rules.

    ``field`` is the name the client sent, used in the error (default: ``name``). With ``errors``
    the problem is added there, for a service that reports every field at once; without, it is
    raised as a field error.
    """
    text = "" if value is None else str(value)
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    max_length, multiline = field_rules(model, name)
    problem = text_problem(text, max_length=max_length, multiline=multiline)
    if problem is not None:
        code, message = problem
        key = field or name
        if errors is None:
            raise DomainError.for_field(key, code, message)
        errors.setdefault(key, []).append({"code": str(code), "message": str(message)})
    return text
