"""Masking of secrets and personal data in every log line, by their shape.

Logs are read by more people than the database and kept longer, so nothing that opens an account
or identifies a person may reach them: phone numbers, CNICs and other long numbers, one-time codes
next to the words that announce them, e-mail addresses (the domain is kept: it tells which relay
failed), password-reset links, anonymous tracking tokens and any other long random token, and the
values of query parameters and ``key=value`` pairs whose name says they are secret.

Masking goes by shape rather than by field because a value reaches a log in places no field names
it: a URL in an access log, an exception's message, a gateway's error. The same :func:`mask` is
applied by the structlog formatter to every record of every logger (rabta.core.config), and by
:class:`MaskingFilter` to gunicorn's access and error logs (:class:`GunicornLogger`).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping, MutableMapping
from typing import Any

from gunicorn.glogging import Logger as _GunicornLogger

MASK = "***"

# Names of parameters and fields whose value is a secret, wherever they appear: ?token=..,
# code=.., "password": "..", anonymous_token=.. (any name containing one of these words).
_SECRET_WORDS = r"token|code|key|secret|passw(?:or)?d|pwd|otp|pin|sig(?:nature)?|auth|session|csrf|uid(?:b64)?"  # noqa: S105 - names, not a password
_SECRET_NAME = rf"[\w-]*(?:{_SECRET_WORDS})[\w-]*"
# ... except names that say the value is a status or a vocabulary entry, which the logs need.
_PLAIN_NAME = r"(?!(?:status|error|http|response|exit|country|language|lang)_?code\b)"
_SECRET_KEY = re.compile(rf"(?i){_PLAIN_NAME}{_SECRET_NAME}")
_QUERY_PAIR = re.compile(rf"(?i)(?<![\w-]){_PLAIN_NAME}({_SECRET_NAME}=)([^&\s#\"',;]*)")
_JSON_PAIR = re.compile(rf"(?i)([\"']{_PLAIN_NAME}{_SECRET_NAME}[\"']\s*:\s*[\"'])([^\"']*)")
_AUTH_HEADER = re.compile(r"(?i)\b(bearer|basic|token)\s+[A-Za-z0-9._~+/=-]{6,}")
# Django's password-reset confirmation: /reset/<uidb64>/<token>/ under any prefix (ours is
# /password-reset/); the pages after it (sent/, done/) carry nothing.
_RESET_PATH = re.compile(r"(?i)(/[\w-]*reset[\w-]*/)(?!(?:sent|done)/)([^/\s?#\"']+)/([^/\s?#\"']+)")
_EMAIL = re.compile(r"[\w.+-]+@((?:[\w-]+\.)+[\w-]{2,})")
# A one-time code: 4 to 8 digits (any script) shortly after a word that announces it, in English or
# Urdu ("code is 123456", "OTP: 1234", "تصدیقی کوڈ ۱۲۳۴۵۶").
_CODE = re.compile(
    r"(?i)(\b(?:code|codes|otp|pin|passcode|password|token|verification|verify)\b|کوڈ|پن|تصدیق\w*)"
    r"([^\d\n]{0,24}?)(?<!\d)(\d{4,8})(?!\d)"
)
# Phone numbers, CNICs and any other run of ten or more digits, in any script, with the separators
# people write them with: +92 300 1234567, 0300-1234567, (042) 3576-1234, 35202-1234567-1, ۰۳۰۰۱۲۳۴۵۶۷.
# Separators include dashes of every kind, slashes, and the invisible direction marks that Urdu
# text puts around Latin digits.
_SEPARATORS = r"[ \u00a0\-\u2010-\u2015()./\u200e\u200f\u202a-\u202e\u2066-\u2069]"
_LONG_NUMBER = re.compile(rf"(?<!\d)(?:\+|00)?\d(?:{_SEPARATORS}{{0,3}}\d){{9,}}(?!\d)")
_IPV4 = re.compile(r"^\d{1,3}(?:\.\d{1,3}){3}$")
_IPV4_SPLIT = re.compile(r"(?<![\d.])(\d{1,3}(?:\.\d{1,3}){3})(?![\d.])")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[ T]\d{2})?$")
# Long random tokens (anonymous tracking tokens, reset tokens, keys): 20 or more URL-safe characters
# that mix letters and digits, or mix capitals and small letters as random text does.
_TOKEN_CANDIDATE = re.compile(r"(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{20,}(?![A-Za-z0-9_-])")


def _looks_random(candidate: str) -> bool:
    letters = [c for c in candidate if c.isalpha()]
    if any(c.isdigit() for c in candidate) and letters:
        return True
    # Letters only: random text is about half capitals; identifiers in CamelCase have a capital a
    # word, constants are all capitals.
    capitals = sum(c.isupper() for c in letters)
    return bool(letters) and 0.25 <= capitals / len(letters) <= 0.75


def _long_number(match: re.Match[str]) -> str:
    text = match.group(0)
    if _IPV4.match(text) or _ISO_DATE.match(text):  # addresses and dates are needed and are no secret
        return text
    if "." in text and _IPV4_SPLIT.search(text):
        # Addresses written next to other numbers: keep the addresses, judge what lies between them.
        parts = _IPV4_SPLIT.split(text)
        return "".join(part if _IPV4.match(part) else _LONG_NUMBER.sub(_long_number, part) for part in parts)
    return MASK


def _token(match: re.Match[str]) -> str:
    return MASK if _looks_random(match.group(0)) else match.group(0)


_RULES: list[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]]] = [
    (_RESET_PATH, rf"\1{MASK}/{MASK}"),
    (_QUERY_PAIR, rf"\1{MASK}"),
    (_JSON_PAIR, rf"\1{MASK}"),
    (_AUTH_HEADER, rf"\1 {MASK}"),
    (_EMAIL, rf"{MASK}@\1"),
    (_CODE, rf"\1\2{MASK}"),
    (_LONG_NUMBER, _long_number),
    (_TOKEN_CANDIDATE, _token),
]


def mask(text: str, *, tokens: bool = True) -> str:
    """The text with every secret or personal value replaced by ``***``. ``tokens=False`` leaves
    long random strings alone (for request ids, which are random by design)."""
    for pattern, replacement in _RULES if tokens else _RULES[:-1]:
        text = pattern.sub(replacement, text)
    return text


# Keys of a structured log line that hold our own values, not anything a user sent.
_OWN_KEYS = frozenset({"timestamp", "level", "logger"})


def _mask_value(value: Any) -> Any:
    if isinstance(value, str):
        return mask(value)
    if isinstance(value, Mapping):
        return {key: _mask_item(key, item) for key, item in value.items()}
    if isinstance(value, list | tuple | set):
        return [_mask_value(item) for item in value]
    if isinstance(value, bool | int | float) or value is None:
        # Numbers are masked only when written out: a count or an id is not a phone number, but a
        # phone number passed as an int is, so large ints go through the text rule too.
        return mask(str(value)) if isinstance(value, int) and not isinstance(value, bool) and value >= 10**9 else value
    return mask(str(value))


def _mask_item(key: Any, value: Any) -> Any:
    if isinstance(key, str) and _SECRET_KEY.fullmatch(key) and value not in (None, ""):
        return MASK
    return _mask_value(value)


def mask_event_dict(_logger: Any, _method: str, event_dict: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """structlog processor: mask every value of the line (after exceptions are rendered to text)."""
    for key, value in list(event_dict.items()):
        if key == "request_id" and isinstance(value, str):
            # Random by design (ours, or a proxy's), but a client may send its own: masked as text.
            event_dict[key] = mask(value, tokens=False)
        elif key not in _OWN_KEYS:
            event_dict[key] = _mask_item(key, value)
    return event_dict


class MaskingFilter(logging.Filter):
    """A stdlib filter for handlers that do not go through the structlog formatter: renders the
    record's message and exception to text and masks them."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = mask(record.getMessage())
        record.args = ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask(record.exc_text)
        record.exc_info = None
        return True


class GunicornLogger(_GunicornLogger):
    """gunicorn's logger with secrets masked (``logger_class`` in rabta.gunicorn_embedded and
    rabta.gunicorn_production).

    In the access log, what the client sent (request line, path, query, referrer, headers) is
    masked field by field, so that the fields we write ourselves (address, time, status, size,
    duration) are never mistaken for a phone number ("200 1234567" is a status and a size). The
    error log's lines are masked whole.
    """

    # Atoms gunicorn computes itself: nothing a client chose.
    _OWN_ATOMS = frozenset({"h", "l", "t", "s", "b", "B", "T", "D", "M", "L", "p", "H", "m"})

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for handler in self.error_log.handlers:
            if not any(isinstance(existing, MaskingFilter) for existing in handler.filters):
                handler.addFilter(MaskingFilter())

    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        return {
            key: mask(value) if isinstance(value, str) and key not in self._OWN_ATOMS else value
            for key, value in atoms.items()
        }
