"""Operational endpoints: liveness, readiness, metrics."""

from __future__ import annotations

import structlog
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

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


@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    return HttpResponse(generate_latest(), content_type=CONTENT_TYPE_LATEST)
