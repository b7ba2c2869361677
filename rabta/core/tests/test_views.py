"""Core's own views (rabta.core.views): the probes a load balancer and an orchestrator call, and the
metrics endpoint. What the probes report is in test_operations.py, who may read metrics in
test_security_headers.py; here, how each answers as an HTTP resource."""

from __future__ import annotations

from unittest import mock

import pytest
from django.test import override_settings

from rabta.core.crypto import DecryptionFailed

PROBES = ["/healthz", "/readyz", "/metrics"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", PROBES)
def test_probes_and_metrics_answer_only_reads(client, path):
    for method in ("post", "put", "delete"):
        assert getattr(client, method)(path).status_code == 405, method


@pytest.mark.django_db
@pytest.mark.parametrize("path", PROBES)
def test_probes_and_metrics_are_never_cached(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert "no-cache" in response.headers["Cache-Control"]
    assert "max-age=0" in response.headers["Cache-Control"]


@pytest.mark.django_db
def test_readyz_is_unavailable_with_the_wrong_encryption_key(client):
    with mock.patch("rabta.core.views.check_key_canary", side_effect=DecryptionFailed("wrong key")):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "checks": {"database": "ok", "encryption_keys": "wrong key"}}


@pytest.mark.django_db
def test_metrics_are_not_found_rather_than_forbidden_for_anyone_else(client):
    with override_settings(RABTA_METRICS_TOKEN="t" * 32, RABTA_METRICS_ALLOWED_ADDRESSES=[]):
        refused = client.get("/metrics", HTTP_AUTHORIZATION="Bearer " + "x" * 32)
        allowed = client.get("/metrics", HTTP_AUTHORIZATION="Bearer " + "t" * 32)
    assert refused.status_code == 404
    assert b"python_info" not in refused.content
    assert allowed.status_code == 200 and b"python_info" in allowed.content
