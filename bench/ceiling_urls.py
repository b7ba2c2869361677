"""Rabta's URLs plus ``POST /bench/ceiling``: one authenticated, CSRF-checked, one-row INSERT.

It goes through the same middleware (sessions, CSRF, authentication, second factor) and the same
database connection settings as the complaint API, so ``complaint_intake_rps`` divided by
``db_insert_ceiling_rps`` is the cost of Rabta's own intake work, not of Django or the network.
"""

from __future__ import annotations

import json

from django.db import transaction
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.views.decorators.http import require_POST

from bench.models import CeilingRow
from rabta.urls import urlpatterns as rabta_urlpatterns


@require_POST
def ceiling(request: HttpRequest) -> JsonResponse:
    if not request.user.is_authenticated:
        return JsonResponse({"code": "not_authenticated", "message": "Sign in first.", "fields": {}}, status=401)
    body = json.loads(request.body or b"{}")
    with transaction.atomic():
        row = CeilingRow.objects.create(payload=str(body.get("text", ""))[:2000])
    return JsonResponse({"id": row.pk}, status=201)


urlpatterns = [path("bench/ceiling", ceiling), *rabta_urlpatterns]
