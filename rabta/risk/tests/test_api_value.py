"""GET /api/risk/declarations/{number}/value and GET /api/risk/audit-candidates."""

from __future__ import annotations

from datetime import date

import pytest

from rabta.api.testing.matrix import signed_in
from rabta.risk.audit import audit_candidates_refresh
from rabta.risk.tests.valuation import conftest as fixtures
from rabta.risk.tests.valuation.conftest import FAIR_USD
from rabta.risk.valuation import value_bands_rebuild, value_check_record

pytestmark = pytest.mark.django_db
# The value-control fixtures (rabta/risk/tests/valuation/conftest.py), shared.
analyst = fixtures.analyst
history = fixtures.history
trader = fixtures.trader
filed = fixtures.filed
customs_manager = fixtures.customs_manager
other_collectorate = fixtures.other_collectorate
other_manager = fixtures.other_manager


@pytest.fixture
def banded(history, filed):
    item = filed.items.get()
    item.customs_value = 1000  # a hundred sets at ten dollars
    item.save()
    history.honest(40)
    value_bands_rebuild(actor=None, as_of=date(2026, 11, 30))
    return history


def test_staff_who_see_the_declaration_read_its_value_check(banded, filed, customs_manager, analyst):
    for user in (customs_manager, analyst):
        response = signed_in(user).get(f"/api/risk/declarations/{filed.number}/value")
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["stored"] is False and body["finding"] == "far_below_band"  # 10 USD a set
        (item,) = body["items"]
        assert item["bases"][0]["band"]["level"] == "code_origin"
        assert item["suggested_low"] < item["suggested_high"]


def test_a_stored_check_is_what_the_api_shows(banded, filed, customs_manager):
    value_check_record(declaration=filed)
    body = signed_in(customs_manager).get(f"/api/risk/declarations/{filed.number}/value").json()
    assert body["stored"] is True and body["checked_at"]


def test_the_trader_is_refused_and_others_read_it_as_missing(banded, filed, trader, other_manager, oversight, client):
    assert signed_in(trader).get(f"/api/risk/declarations/{filed.number}/value").status_code == 403
    for user in (other_manager, oversight):
        assert signed_in(user).get(f"/api/risk/declarations/{filed.number}/value").status_code == 404
    assert signed_in(trader).get("/api/risk/declarations/NO-SUCH/value").status_code == 404
    assert client.get(f"/api/risk/declarations/{filed.number}/value").status_code == 401


def test_the_audit_list_is_paged_and_ranked(banded, analyst, django_assert_num_queries):
    for _ in range(5):
        banded.declaration(price_usd=FAIR_USD * 0.3)
    audit_candidates_refresh(actor=None)
    client = signed_in(analyst)
    first = client.get("/api/risk/audit-candidates?page_size=3").json()
    assert first["count"] == 45 and len(first["items"]) == 3
    assert first["items"][0]["score"] >= first["items"][-1]["score"]
    assert first["items"][0]["reasons"][0]["code"] == "value_far_below_band"
    # Session, user, second factor, roles, NTNs and the two role reads of the declarations' scope,
    # then the count and the page: nine whatever the page size (the page joins what it shows).
    with django_assert_num_queries(9):
        assert len(client.get("/api/risk/audit-candidates?page=1&page_size=45").json()["items"]) == 45


def test_the_audit_list_refuses_a_trader(trader):
    response = signed_in(trader).get("/api/risk/audit-candidates")
    assert response.status_code == 403 and response.json()["code"] == "not_allowed"
