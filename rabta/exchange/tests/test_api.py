import json

import pytest

from rabta.api.testing.matrix import signed_in
from rabta.exchange.models import Agreement, BankRequest, ExchangeLog, PartnerImport
from rabta.exchange.tests.conftest import ALL_DECLARATION_FIELDS

pytestmark = pytest.mark.django_db
BODY = {
    "kind": "administration",
    "partner_country": "CN",
    "partner_name": "GACC",
    "datasets": ["declarations"],
    "fields": ALL_DECLARATION_FIELDS,
    "valid_from": "2026-01-01",
    "status": "active",
}


@pytest.fixture
def client_x(exchange_officer):
    return signed_in(exchange_officer)


def test_an_officer_makes_an_agreement_exports_and_imports_it_back(client_x, declarations):
    made = client_x.post("/api/exchange/agreements", BODY, content_type="application/json")
    assert made.status_code == 201, made.content
    agreement = made.json()["id"]
    exported = client_x.get(f"/api/exchange/agreements/{agreement}/export?start=2026-11-01&end=2026-11-30&format=xml")
    assert exported.status_code == 200
    assert exported["Content-Type"] == "application/xml"
    text = b"".join(exported.streaming_content).decode()
    assert "<FunctionalReferenceID>KAPE-HC-1001-01122026</FunctionalReferenceID>" in text
    assert ExchangeLog.objects.get().rows == 2
    imported = client_x.post(
        f"/api/exchange/agreements/{agreement}/imports",
        {"format": "xml", "content": text},
        content_type="application/json",
    )
    assert imported.status_code == 201, imported.content
    assert imported.json()["status"] == "accepted"
    assert imported.json()["rejects"] == []
    assert [row["direction"] for row in client_x.get("/api/exchange/log").json()] == ["import", "export"]


def test_a_bad_file_answers_its_rejects(client_x, agreement):
    answer = client_x.post(
        f"/api/exchange/agreements/{agreement.pk}/imports",
        {"format": "json", "content": json.dumps({"Declaration": [{"FunctionalReferenceID": "X"}]})},
        content_type="application/json",
    )
    assert answer.status_code == 201
    body = answer.json()
    assert body["status"] == "rejected"
    assert {(r["row"], r["field"], r["code"]) for r in body["rejects"]} == {
        (1, "issue_date", "required"),
        (1, "", "required"),
    }
    detail = client_x.get(f"/api/exchange/imports/{body['id']}").json()
    assert detail["rejects"] == body["rejects"]


def test_others_get_404_for_an_agreement_and_403_for_a_new_one(agreement, officer_a, customs_manager):
    for user in (officer_a, customs_manager):
        client = signed_in(user)
        assert client.get(f"/api/exchange/agreements/{agreement.pk}").status_code == 404
        assert (
            client.get(f"/api/exchange/agreements/{agreement.pk}/export?start=2026-11-01&end=2026-11-30").status_code
            == 404
        )
        assert client.get("/api/exchange/agreements").json() == []
        assert client.post("/api/exchange/agreements", BODY, content_type="application/json").status_code == 403
    assert Agreement.objects.count() == 1
    assert ExchangeLog.objects.count() == PartnerImport.objects.count() == 0


def test_a_bank_request_answers_a_summary(client_x, bank_agreement, declarations):
    answer = client_x.post(
        f"/api/exchange/agreements/{bank_agreement.pk}/bank-requests",
        {"ntn": "1234567-8"},
        content_type="application/json",
    )
    assert answer.status_code == 201
    assert set(answer.json()["answer"]) == {"known_trader", "value_control", "mirror_checks", "incidents"}
    assert answer.json()["ntn_last4"] == "5678"
    bad = client_x.post(
        f"/api/exchange/agreements/{bank_agreement.pk}/bank-requests", {"ntn": "x"}, content_type="application/json"
    )
    assert bad.status_code == 400
    assert bad.json()["fields"]["ntn"][0]["code"] == "ntn_invalid"
    assert BankRequest.objects.count() == 1
    assert len(client_x.get("/api/exchange/bank-requests").json()) == 1
