"""The customs JSON API: filing (idempotent), reading, listing in scope, the timeline and the
officers' stage moves, all in the one error format."""

from __future__ import annotations

import pytest

from rabta.api.testing.matrix import signed_in
from rabta.customs.choices import Status
from rabta.customs.models import Declaration, DeclarationItem

pytestmark = pytest.mark.django_db

BODY = {
    "number": "KAPE-HC-2001",
    "declared_on": "2026-11-30",
    "collectorate": "FED-CUS-APP-KHI",
    "importer": "1234567-8",
    "declarant": "CHAL-1234",
    "seller_name": "Shenzhen Bright Co",
    "seller_country": "CN",
    "currency": "USD",
    "exchange_rate": 278.5,
    "items": [
        {
            "item_number": 1,
            "tariff_code": "85287200",
            "description": "LED television sets",
            "origin_country": "CN",
            "departure_country": "AE",
            "quantity": 100,
            "unit": "NMB",
            "net_mass_kg": 850.5,
            "customs_value": 2500000,
            "duty_assessed": 500000,
            "taxes_assessed": 425000,
        }
    ],
}


def post(client, path, body, **headers):
    return client.post(path, body, content_type="application/json", **headers)


@pytest.fixture
def trader_client(trader):
    return signed_in(trader)


def test_filing_returns_the_declaration_with_its_lane_and_masked_parties(world, trader_client):
    response = post(trader_client, "/api/customs/declarations", BODY)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["status"], body["lane"], body["collectorate"]) == (Status.LANE_ASSIGNED, "green", "FED-CUS-APP-KHI")
    assert body["importer"]["identifier"] == "****67-8" and "1234567" not in response.content.decode()
    assert body["items"][0]["tariff_code"] == "85287200"


def test_a_retried_filing_with_its_key_is_one_declaration(world, trader_client):
    first = post(trader_client, "/api/customs/declarations", BODY, HTTP_IDEMPOTENCY_KEY="abc")
    again = post(trader_client, "/api/customs/declarations", BODY, HTTP_IDEMPOTENCY_KEY="abc")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()
    assert Declaration.objects.count() == 1
    other = post(trader_client, "/api/customs/declarations", {**BODY, "number": "X-2"}, HTTP_IDEMPOTENCY_KEY="abc")
    assert (other.status_code, other.json()["code"]) == (422, "idempotency_key_reused")


def test_the_same_number_without_a_key_is_a_409(world, trader_client):
    post(trader_client, "/api/customs/declarations", BODY)
    again = post(trader_client, "/api/customs/declarations", BODY)
    assert again.status_code == 409
    assert again.json()["fields"]["number"][0]["code"] == "declaration_number_taken"


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"currency": "ABC"}, "currency", "currency_unknown"),
        ({"declared_on": "2099-01-01"}, "declared_on", "date_in_future"),
        ({"importer": "12"}, "importer", "ntn_invalid"),
        ({"seller_country": "XX"}, "seller_country", "country_unknown"),
        ({"items": [{**BODY["items"][0], "quantity": -1}]}, "items.0.quantity", "quantity_invalid"),
        ({"items": [{**BODY["items"][0], "origin_country": "ZZ"}]}, "items.0.origin_country", "country_unknown"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_files_nothing(world, trader_client, change, field, code):
    response = post(trader_client, "/api/customs/declarations", {**BODY, **change})
    assert response.status_code == 400
    assert response.json()["fields"][field][0]["code"] == code
    assert Declaration.objects.count() == DeclarationItem.objects.count() == 0


def test_a_citizen_without_the_ntn_cannot_file_for_it(world, citizen):
    response = post(signed_in(citizen), "/api/customs/declarations", BODY)
    assert response.status_code == 403
    assert response.json()["fields"]["importer"][0]["code"] == "not_your_declaration"


def test_the_list_is_scoped_and_paged(filed, trader_client, other_trader):
    mine = trader_client.get("/api/customs/declarations").json()
    assert mine["count"] == 1 and mine["items"][0]["number"] == filed.number
    assert mine["items"][0]["importer"] == "Bilal Traders"
    assert signed_in(other_trader).get("/api/customs/declarations").json()["count"] == 0
    assert trader_client.get("/api/customs/declarations?status=released").json()["count"] == 0


def test_outside_scope_reads_as_missing(filed, other_trader):
    client = signed_in(other_trader)
    for path in (f"/api/customs/declarations/{filed.number}", f"/api/customs/declarations/{filed.number}/timeline"):
        assert client.get(path).status_code == 404
    assert post(client, f"/api/customs/declarations/{filed.number}/release", {}).status_code == 404


def test_officers_move_a_declaration_to_release_and_the_trader_reads_the_trail(
    filed, trader_client, customs_manager, examiner
):
    manager, exam = signed_in(customs_manager), signed_in(examiner)
    base = f"/api/customs/declarations/{filed.number}"
    assert post(manager, f"{base}/lane", {"lane": "red", "reason": "Tip-off."}).json()["lane"] == "red"
    refused = post(trader_client, f"{base}/examination", {"outcome": "no_discrepancy"})
    assert (refused.status_code, refused.json()["code"]) == (403, "not_allowed")
    result = {"outcome": "discrepancy", "discrepancy_type": "misclassification", "extra_duty": 1000}
    assert post(exam, f"{base}/examination", result).json()["examination"]["discrepancy_type"] == "misclassification"
    assessed = post(exam, f"{base}/assessment", {}).json()
    assert assessed["assessed_amount"] == "926000.00"
    assert post(manager, f"{base}/payment", {"amount": 926000}).json()["status"] == "duty_paid"
    again = post(manager, f"{base}/payment", {"amount": 926000})
    assert (again.status_code, again.json()["code"]) == (409, "invalid_transition")
    assert post(manager, f"{base}/release", {}).json()["status"] == "released"
    trail = trader_client.get(f"{base}/timeline").json()
    assert [row["to_state"] for row in trail] == [
        "filed",
        "lane_assigned",
        "lane_assigned",
        "examined",
        "assessed",
        "duty_paid",
        "released",
    ]
    assert {row["actor"] for row in trail} == {"you", "system", "customs"}


def test_an_unknown_status_filter_is_a_400_naming_it(world, trader_client):
    response = trader_client.get("/api/customs/declarations?status=lost")
    assert response.status_code == 400
    assert response.json()["fields"]["status"][0]["code"] == "status_unknown"


def test_the_list_costs_the_same_queries_for_one_declaration_or_many(world, trader, trader_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from rabta.customs.services.declarations import declaration_file
    from rabta.customs.tests.conftest import declaration_input

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert trader_client.get("/api/customs/declarations").status_code == 200
        return len(captured)

    declaration_file(data=declaration_input(number="N-0"), actor=trader)
    one = queries()
    for n in range(1, 6):
        declaration_file(data=declaration_input(number=f"N-{n}"), actor=trader)
    assert queries() == one
