"""Rate limits per client address and per subject (an account, an identifier), in the shared cache.

Counting is django-ratelimit's (fixed windows staggered per key, atomic increments on Redis); this
module adds what every caller needs: the limits named once in settings (``RABTA_RATE_LIMITS``, a
scope mapped to an address rate and a subject rate, e.g. ``{"intake": {"address": "60/h",
"subject": "10/h"}}``), the address taken from :func:`rabta.core.clientip.client_ip`, subjects
hashed so no identifier is written to the cache in clear, and one error, :class:`RateLimited`,
which every interface renders as 429 with ``Retry-After`` in the one error format.

A request that is refused is not counted again, so a client that waits for ``Retry-After`` gets
in, and hammering does not extend its own block beyond the window.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.core import get_usage

from rabta.core.clientip import client_ip
from rabta.core.errors import CoreError, Throttled


class RateLimited(Throttled):
    """Too many actions of one scope: every interface answers 429 with ``Retry-After``."""

    def __init__(self, *, retry_after: int, message: str = "Too many requests: try again later.") -> None:
        super().__init__(CoreError.RATE_LIMITED, message)
        self.retry_after = max(1, int(retry_after))


def _rates(scope: str) -> dict[str, str]:
    try:
        return dict(settings.RABTA_RATE_LIMITS[scope])
    except KeyError as exc:  # a programming error: every scope is declared in settings
        raise KeyError(f"RABTA_RATE_LIMITS has no scope {scope!r}") from exc


def _digest(value: str) -> str:
    return hashlib.sha256(f"{settings.RABTA_LOOKUP_HASH_KEY}:{value}".encode()).hexdigest()[:32]


def _usage(request: HttpRequest, *, group: str, value: str, rate: str, increment: bool) -> dict[str, Any] | None:
    return get_usage(request, group=group, key=lambda _group, _request: value, rate=rate, increment=increment)


def rate_limit(request: HttpRequest, *, scope: str, subjects: Iterable[str] = ()) -> None:
    """Count one action of ``scope`` for this client's address and for each subject; raise
    :class:`RateLimited` (and count nothing) when any of them is already at its limit."""
    rates = _rates(scope)
    checks: list[tuple[str, str, str]] = []
    if rates.get("address"):
        checks.append((f"{scope}:address", client_ip(request), rates["address"]))
    if rates.get("subject"):
        checks.extend((f"{scope}:subject", _digest(str(subject)), rates["subject"]) for subject in subjects if subject)
    # Look first, count after: a refused request must not use up the client's next window.
    for group, value, rate in checks:
        usage = _usage(request, group=group, value=value, rate=rate, increment=False)
        if usage is not None and usage["count"] >= usage["limit"]:
            raise RateLimited(retry_after=usage["time_left"])
    for group, value, rate in checks:
        _usage(request, group=group, value=value, rate=rate, increment=True)
