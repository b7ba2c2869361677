"""References people read aloud over the phone: ``PP-XXXX-XXXX-C``.

Eight random characters from an alphabet without look-alikes (no 0/O, 1/I/L, U), then a check
character (position-weighted sum mod 30), so that most mistyped references are caught before they
are looked up. Not all: 30 is not prime, so a typo at a weight sharing a factor with 30 (2, 3, 4,
5, 6, 8) escapes when the two characters differ by a multiple of 30 / that factor. A reference
that passes the check is still looked up, so such a typo only costs a "not found". Random, so references cannot be counted or guessed; 30^8 bodies per prefix, so a clash is
left to the unique index that stores them.
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
_CHAR = "[2-9A-HJKMNP-TV-Z]"


def _check(body: str) -> str:
    return ALPHABET[sum((i + 1) * ALPHABET.index(c) for i, c in enumerate(body)) % len(ALPHABET)]


def readable_reference_new(prefix: str) -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"{prefix}-{body[:4]}-{body[4:]}-{_check(body)}"


def readable_reference_is_valid(value: str, prefix: str) -> bool:
    match = re.fullmatch(rf"{re.escape(prefix)}-({_CHAR}{{4}})-({_CHAR}{{4}})-({_CHAR})", value or "")
    return match is not None and _check(match.group(1) + match.group(2)) == match.group(3)
