from unittest import mock

import pytest
from django.db.utils import OperationalError


def test_healthz_answers_without_touching_the_database(client):
    # No django_db mark: pytest-django makes any database access in this test an error.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_reports_database_and_keys(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "encryption_keys": "ok"}


@pytest.mark.django_db
def test_readyz_is_unavailable_when_the_database_is_unreachable(client):
    with mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=OperationalError("down")):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "unreachable"


def test_every_response_carries_a_request_id_and_keeps_a_safe_incoming_one(client):
    assert len(client.get("/healthz").headers["X-Request-ID"]) == 32
    assert client.get("/healthz", HTTP_X_REQUEST_ID="lb-1234").headers["X-Request-ID"] == "lb-1234"
    # A header that could inject into logs is replaced, not echoed.
    assert client.get("/healthz", HTTP_X_REQUEST_ID="x\nforged").headers["X-Request-ID"] != "x\nforged"


@pytest.mark.django_db
def test_openapi_document_is_served(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["info"]["title"] == "Rabta API"
    assert "/api/" in document["paths"]


@pytest.mark.django_db
def test_metrics_are_in_prometheus_format(client):
    response = client.get("/metrics")
    assert response.status_code == 200
    assert b"python_info" in response.content


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "ur"])
def test_pages_carry_the_language_in_the_url(client, language):
    response = client.get(f"/{language}/")
    assert response.status_code == 200
    assert f'lang="{language}"'.encode() in response.content


@pytest.mark.django_db
def test_an_unknown_language_prefix_is_not_found(client):
    assert client.get("/fr/").status_code == 404
