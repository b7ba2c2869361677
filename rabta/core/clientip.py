"""The client's address, for lockouts, rate limits and audit: taken only from what we trust.

A header such as ``X-Forwarded-For`` is written by whoever sends the request, so it is read only
when the deployment says how many reverse proxies of its own stand in front of Rabta
(``RABTA_TRUSTED_PROXY_COUNT``, default 0; the header's name is ``RABTA_CLIENT_IP_HEADER``).
Each of those proxies appends the address it received the request from, so the client is the
N-th entry from the right; anything to the left of it was written by the client and is ignored.
With no proxy configured, the address is the TCP peer (``REMOTE_ADDR``) and every forwarding
header is ignored, so a client cannot choose the address its failures and requests count against.

(django-ipware was considered: its ``proxy_count`` counts the proxies listed *inside* the header
rather than the proxies in front of the server, and answers None for the commonest set-up, one
proxy that writes only the client's address. The rule here is the whole of what we need.)
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest

UNKNOWN = "0.0.0.0"  # noqa: S104 - a placeholder key, never bound


def _valid(candidate: str) -> str | None:
    candidate = candidate.strip()
    if candidate.startswith("[") and "]" in candidate:  # [IPv6]:port
        candidate = candidate[1 : candidate.index("]")]
    elif candidate.count(":") == 1:  # IPv4:port
        candidate = candidate.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None


def client_ip(request: HttpRequest, *_args: object, **_kwargs: object) -> str:
    """The address requests from this client are counted against.

    Extra arguments are accepted and ignored so django-axes can call this as its
    ``AXES_CLIENT_IP_CALLABLE``.
    """
    peer = _valid(str(request.META.get("REMOTE_ADDR") or "")) or UNKNOWN
    proxies: int = settings.RABTA_TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return peer
    header = "HTTP_" + settings.RABTA_CLIENT_IP_HEADER.upper().replace("-", "_")
    chain = [part for part in str(request.META.get(header, "")).split(",") if part.strip()]
    if len(chain) < proxies:
        # The request did not pass through every proxy we were told of: trust only the peer.
        return peer
    return _valid(chain[-proxies]) or peer
