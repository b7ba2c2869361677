"""Filing a declaration: every field checked at once, nothing written on error, idempotent retries,
the lane from configuration, and the filing and lane events."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from rabta.api.errors import status_for
from rabta.core.errors import Conflict, DomainError, Forbidden, Unprocessable
from rabta.core.models import Event
from rabta.customs.choices import PartyKind, Status
from rabta.customs.errors import CustomsError
from rabta.customs.events import CustomsEvent
from rabta.customs.models import Declaration, DeclarationItem, Party
from rabta.customs.services.declarations import _fingerprint, declaration_file, lane_assign
from rabta.customs.services.parties import PartyRef
from rabta.customs.tests.conftest import OTHER_NTN, declaration_input, item

pytestmark = pytest.mark.django_db


def test_a_filed_declaration_has_its_items_parties_lane_and_two_events(filed, trader):
    assert filed.status == Status.LANE_ASSIGNED and filed.lane == "green"
    assert filed.items.get().tariff_code == "85287200"
    assert filed.importer.identifier == "1234567-8" and filed.seller.country == "CN"
    assert filed.filed_by == trader
    kinds = list(Event.objects.for_subject(filed).order_by("id").values_list("kind", "to_state"))
    assert kinds == [(CustomsEvent.DECLARATION_FILED, Status.FILED), (CustomsEvent.LANE_ASSIGNED, Status.LANE_ASSIGNED)]


def test_the_default_lane_is_configuration(world, trader, settings):
    settings.RABTA_CUSTOMS_DEFAULT_LANE = "red"
    declaration = declaration_file(data=declaration_input(), actor=trader).declaration
    assert declaration.lane == "red"
    event = Event.objects.for_subject(declaration).get(kind=CustomsEvent.LANE_ASSIGNED)
    assert event.data["lane"] == "red" and event.data["source"] == "default"


def test_an_officer_re_routes_the_lane_with_a_logged_reason(filed, customs_manager):
    lane_assign(declaration=filed, actor=customs_manager, lane="yellow", reason="Invoice looks altered.")
    filed.refresh_from_db()
    assert filed.lane == "yellow"
    event = Event.objects.for_subject(filed).filter(kind=CustomsEvent.LANE_ASSIGNED).latest("id")
    assert event.actor == customs_manager and event.data["source"] == "officer"


def test_an_unknown_lane_is_refused(filed, customs_manager):
    with pytest.raises(DomainError) as caught:
        lane_assign(declaration=filed, actor=customs_manager, lane="purple")
    assert caught.value.fields["lane"][0]["code"] == CustomsError.LANE_UNKNOWN


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"number": "bad number!"}, "number", CustomsError.NUMBER_INVALID),
        ({"declared_on": date(2099, 1, 1)}, "declared_on", CustomsError.DATE_IN_FUTURE),
        ({"arrived_at": datetime(2099, 1, 1, tzinfo=UTC)}, "arrived_at", CustomsError.DATE_IN_FUTURE),
        ({"arrived_at": datetime(1980, 1, 1, tzinfo=UTC)}, "arrived_at", CustomsError.DATE_INVALID),
        ({"arrived_at": datetime(2024, 1, 1, 9, 30)}, "arrived_at", CustomsError.DATE_INVALID),
        ({"currency": "XYZ"}, "currency", CustomsError.CURRENCY_UNKNOWN),
        ({"exchange_rate": Decimal(0)}, "exchange_rate", CustomsError.EXCHANGE_RATE_INVALID),
        ({"collectorate": "NOPE"}, "collectorate", CustomsError.COLLECTORATE_UNKNOWN),
        ({"regime": "smuggling"}, "regime", CustomsError.REGIME_UNKNOWN),
        ({"items": []}, "items", CustomsError.ITEMS_REQUIRED),
        ({"items": [item(tariff_code="8528")]}, "items.0.tariff_code", CustomsError.TARIFF_CODE_INVALID),
        ({"items": [item(tariff_code="85287200123456")]}, "items.0.tariff_code", CustomsError.TARIFF_CODE_INVALID),
        ({"items": [item(origin_country="ZZ")]}, "items.0.origin_country", CustomsError.COUNTRY_UNKNOWN),
        ({"items": [item(quantity=Decimal(-5))]}, "items.0.quantity", CustomsError.QUANTITY_INVALID),
        ({"items": [item(quantity=Decimal("1e15"))]}, "items.0.quantity", CustomsError.QUANTITY_INVALID),
        ({"items": [item(customs_value=Decimal(-1))]}, "items.0.customs_value", CustomsError.VALUE_INVALID),
        ({"items": [item(unit="BOXES")]}, "items.0.unit", CustomsError.UNIT_INVALID),
        ({"items": [item(), item()]}, "items.1.item_number", CustomsError.ITEM_DUPLICATE),
        ({"importer": PartyRef(kind=PartyKind.TRADER, identifier="123")}, "importer", CustomsError.NTN_INVALID),
        (
            {"seller": PartyRef(kind=PartyKind.FOREIGN_TRADER, name="Acme", country="QQ")},
            "seller_country",
            CustomsError.COUNTRY_UNKNOWN,
        ),
    ],
)
def test_bad_input_names_its_field_and_writes_nothing(world, trader, changes, field, code):
    with pytest.raises(DomainError) as caught:
        declaration_file(data=declaration_input(**changes), actor=trader)
    assert status_for(caught.value) == 400
    assert caught.value.fields[field][0]["code"] == code
    assert Declaration.objects.count() == DeclarationItem.objects.count() == Party.objects.count() == 0
    assert not Event.objects.filter(kind__startswith="customs.").exists()


def test_the_arrival_time_is_kept_and_does_not_change_a_replays_fingerprint(world, trader):
    arrived = timezone.now() - timedelta(hours=5)
    declaration = declaration_file(data=declaration_input(arrived_at=arrived), actor=trader).declaration
    declaration.refresh_from_db()
    assert declaration.arrived_at == arrived
    # A filing without the field fingerprints as it did before the field existed (the old formula).
    plain = declaration_input(number="N2")
    before = {key: value for key, value in asdict(plain).items() if key != "arrived_at"}
    old = hashlib.sha256(json.dumps(before, sort_keys=True, default=str, separators=(",", ":")).encode()).hexdigest()
    assert _fingerprint(plain) == old
    assert _fingerprint(plain) != _fingerprint(replace(plain, arrived_at=arrived))


def test_every_bad_field_is_named_at_once(world, trader):
    bad = declaration_input(currency="XYZ", items=[item(unit="BOX", quantity=Decimal(0))])
    with pytest.raises(DomainError) as caught:
        declaration_file(data=bad, actor=trader)
    assert {"currency", "items.0.unit", "items.0.quantity"} <= set(caught.value.fields)


def test_today_is_not_the_future(world, trader):
    declaration = declaration_file(data=declaration_input(declared_on=timezone.localdate()), actor=trader).declaration
    assert declaration.declared_on == timezone.localdate()
    with pytest.raises(DomainError):
        declaration_file(
            data=declaration_input(number="N2", declared_on=timezone.localdate() + timedelta(days=1)), actor=trader
        )


def test_a_declaration_number_filed_twice_is_a_conflict(filed, trader):
    with pytest.raises(Conflict) as caught:
        declaration_file(data=declaration_input(), actor=trader)
    assert caught.value.fields["number"][0]["code"] == CustomsError.NUMBER_TAKEN
    assert Declaration.objects.count() == 1


def test_a_trader_files_only_for_their_own_verified_ntn(world, trader, other_trader):
    theirs = declaration_input(importer=PartyRef(kind=PartyKind.TRADER, identifier=OTHER_NTN))
    with pytest.raises(Forbidden) as caught:
        declaration_file(data=theirs, actor=trader)
    assert caught.value.fields["importer"][0]["code"] == CustomsError.NOT_YOUR_DECLARATION
    assert Declaration.objects.count() == 0


def test_a_retry_with_the_same_key_returns_the_first_filing(world, trader):
    first = declaration_file(data=declaration_input(), actor=trader, idempotency_key="k-1")
    again = declaration_file(data=declaration_input(), actor=trader, idempotency_key="k-1")
    assert first.created and not again.created
    assert again.declaration.pk == first.declaration.pk
    assert Declaration.objects.count() == 1


def test_the_same_key_with_another_declaration_is_refused(world, trader):
    declaration_file(data=declaration_input(), actor=trader, idempotency_key="k-1")
    with pytest.raises(Unprocessable) as caught:
        declaration_file(data=declaration_input(number="OTHER-1"), actor=trader, idempotency_key="k-1")
    assert caught.value.code == CustomsError.IDEMPOTENCY_KEY_REUSED


def test_the_tariff_hook_is_asked_and_its_findings_refuse_the_item(world, trader, monkeypatch):
    from rabta.customs import rules

    asked = []

    def findings(*, codes, on):
        asked.append((tuple(codes), on))
        return {"85287200": "tariff_code_expired"}

    monkeypatch.setattr(rules, "tariff_findings", findings)
    data = declaration_input()
    with pytest.raises(DomainError) as caught:
        declaration_file(data=data, actor=trader)
    assert caught.value.fields["items.0.tariff_code"][0]["code"] == "tariff_code_expired"
    assert asked == [(("85287200",), data.declared_on)]


def test_items_of_a_filing_are_numbered_as_given(world, trader):
    data = replace(declaration_input(), items=[item(item_number=2), item(item_number=7, tariff_code="123456")])
    declaration = declaration_file(data=data, actor=trader).declaration
    assert list(declaration.items.values_list("item_number", "tariff_code")) == [(2, "85287200"), (7, "123456")]


def test_a_figure_finer_than_its_column_is_refused_not_rounded_away(world, trader):
    with pytest.raises(DomainError) as caught:
        declaration_file(data=declaration_input(items=[item(quantity=Decimal("1e-9"))]), actor=trader)
    assert caught.value.fields["items.0.quantity"][0]["code"] == CustomsError.QUANTITY_INVALID
    assert Declaration.objects.count() == 0
