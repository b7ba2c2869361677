"""Operational endpoints: liveness, readiness, metrics."""

from __future__ import annotations

import hmac
import ipaddress
from functools import lru_cache

import structlog
from django.conf import settings
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from rabta.core.clientip import client_ip
from rabta.core.crypto import DecryptionFailed, check_key_canary

log = structlog.get_logger(__name__)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """The process is up and answering. Touches nothing else, so a slow database never kills it."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Ready to serve: the database answers and the encryption keys read its data."""
    checks: dict[str, str] = {}
    ok = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except Exception as exc:
        log.warning("readyz.database_unreachable", error=str(exc))
        checks["database"] = "unreachable"
        ok = False
    if ok:
        try:
            check_key_canary()
            checks["encryption_keys"] = "ok"
        except DecryptionFailed:
            checks["encryption_keys"] = "wrong key"
            ok = False
    return JsonResponse({"status": "ok" if ok else "unavailable", "checks": checks}, status=200 if ok else 503)


def metrics_allowed(request: HttpRequest) -> bool:
    """From a configured address (as rabta.core.clientip sees it: forwarding headers only through
    our own proxies) or with the configured bearer token."""
    token: str = settings.RABTA_METRICS_TOKEN
    offered = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(offered.encode(), f"Bearer {token}".encode()):
        return True
    address = ipaddress.ip_address(client_ip(request))
    return any(address in network for network in _networks(tuple(settings.RABTA_METRICS_ALLOWED_ADDRESSES)))


@lru_cache(maxsize=4)
def _networks(entries: tuple[str, ...]) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry.strip()]


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    # Not found rather than forbidden: the endpoint's existence is nobody else's business.
    if not metrics_allowed(request):
        raise Http404
    return HttpResponse(generate_latest(), content_type=CONTENT_TYPE_LATEST)
