"""Value control takes findings made outside its bands (the exchange's mirror checks) through its own
service, keeps them once, and shows them wherever its findings show."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from conftest import make_user
from rabta.accounts.roles import Role
from rabta.core.errors import DomainError, Forbidden
from rabta.core.models import Event
from rabta.risk import audit, valuation
from rabta.risk.audit import History
from rabta.risk.models_valuation import OutsideValueFinding
from rabta.risk.selectors_outside import (
    declaration_outside_findings,
    outside_findings_list,
    outside_findings_of,
    trader_value_control,
)
from rabta.risk.services.outside import OutsideFindingIn, outside_findings_record
from rabta.risk.tests.valuation import conftest as fixtures
from rabta.risk.vocab_valuation import ValuationEvent

analyst = fixtures.analyst
trader = fixtures.trader
filed = fixtures.filed
customs_manager = fixtures.customs_manager
other_collectorate = fixtures.other_collectorate
other_manager = fixtures.other_manager


@pytest.fixture
def exchange_officer(db):
    return make_user("exchange@customs.gov.pk", "Exchange Officer", (Role.EXCHANGE_OFFICER, None, None))


def shipment(declaration, *, key="exchange.mirror:1", declared="1000", outside="2000", **overrides):
    values = {
        "source_key": key,
        "basis": "shipment",
        "declaration_id": declaration.pk,
        "partner_country": "CN",
        "reference": declaration.number,
        "month": date(2026, 11, 1),
        "currency": "USD",
        "declared_value": Decimal(declared),
        "outside_value": Decimal(outside),
        "tolerance_percent": Decimal("10"),
    }
    return OutsideFindingIn(**{**values, **overrides})


def period(*, key="exchange.mirror:2", **overrides):
    values = {
        "source_key": key,
        "basis": "period",
        "partner_country": "CN",
        "hs6": "852872",
        "month": date(2026, 11, 1),
        "currency": "USD",
        "declared_value": Decimal("5000"),
        "outside_value": Decimal("9000"),
        "tolerance_percent": Decimal("10"),
    }
    return OutsideFindingIn(**{**values, **overrides})


def test_a_mirror_finding_is_kept_with_its_verdict_reason_and_event(exchange_officer, filed):
    [kept] = outside_findings_record(actor=exchange_officer, source="mirror", findings=[shipment(filed)])
    assert (kept.finding, kept.gap_percent, kept.declaration) == ("mirror_below", Decimal("-50.00"), filed)
    assert "50.0% below" in kept.reason and filed.number in kept.reason
    event = Event.objects.get(kind=ValuationEvent.OUTSIDE_RECORDED)
    assert event.subject_id == str(kept.pk) or int(event.subject_id) == kept.pk
    assert event.data["finding"] == "mirror_below"


def test_the_same_finding_handed_twice_is_kept_once(exchange_officer, filed):
    outside_findings_record(actor=exchange_officer, source="mirror", findings=[shipment(filed)])
    again = outside_findings_record(actor=exchange_officer, source="mirror", findings=[shipment(filed), period()])
    assert [row.source_key for row in again] == ["exchange.mirror:2"]
    assert OutsideValueFinding.objects.count() == 2
    assert Event.objects.filter(kind=ValuationEvent.OUTSIDE_RECORDED).count() == 2


def test_one_bad_finding_refuses_the_batch_naming_every_fault_and_keeps_nothing(exchange_officer, filed):
    bad = [
        shipment(filed),
        shipment(filed, key="k2", declaration_id=None, currency="usd"),
        period(key="k3", month=date(2026, 11, 5), outside_value=Decimal("0")),
        shipment(filed, key="k4", declared="1950"),  # 2.5 % apart: inside the tolerance, not a finding
    ]
    with pytest.raises(DomainError) as refused:
        outside_findings_record(actor=exchange_officer, source="mirror", findings=bad)
    fields = refused.value.fields
    assert set(fields) == {
        "findings[1].declaration",
        "findings[1].currency",
        "findings[2].month",
        "findings[2].outside_value",
        "findings[3].declared_value",
    }
    assert {error["code"] for errors in fields.values() for error in errors} == {"value_outside_invalid"}
    assert not OutsideValueFinding.objects.exists()
    assert not Event.objects.filter(kind=ValuationEvent.OUTSIDE_RECORDED).exists()


def test_an_unknown_source_is_refused(exchange_officer, filed):
    with pytest.raises(DomainError) as refused:
        outside_findings_record(actor=exchange_officer, source="gossip", findings=[shipment(filed)])
    assert "source" in refused.value.fields


def test_only_the_exchange_a_risk_analyst_or_the_system_hands_findings(customs_manager, trader, analyst, filed):
    for actor in (customs_manager, trader):
        with pytest.raises(Forbidden):
            outside_findings_record(actor=actor, source="mirror", findings=[shipment(filed)])
    assert outside_findings_record(actor=analyst, source="mirror", findings=[shipment(filed)])
    assert outside_findings_record(actor=None, source="mirror", findings=[period()])


def test_the_value_check_shows_the_finding_to_staff_who_see_the_declaration_and_never_to_the_trader(
    exchange_officer, filed, customs_manager, other_manager, trader
):
    outside_findings_record(actor=exchange_officer, source="mirror", findings=[shipment(filed)])
    answer = valuation.declaration_value(user=customs_manager, number=filed.number)
    assert [(f["finding"], f["gap_percent"]) for f in answer.outside_findings] == [("mirror_below", -50.0)]
    assert declaration_outside_findings(user=trader, declaration=filed) == []
    assert declaration_outside_findings(user=other_manager, declaration=filed) == []


def test_period_findings_are_national(exchange_officer, filed, analyst, customs_manager):
    outside_findings_record(actor=exchange_officer, source="mirror", findings=[shipment(filed), period()])
    assert {f.basis for f in outside_findings_list(user=analyst)} == {"shipment", "period"}
    assert {f.basis for f in outside_findings_list(user=customs_manager)} == {"shipment"}


def test_a_mirror_finding_weighs_in_the_audit_score_like_a_band_finding(exchange_officer, filed):
    outside_findings_record(actor=exchange_officer, source="mirror", findings=[shipment(filed)])
    outside = outside_findings_of([filed.pk])[filed.pk]
    plain = audit.audit_score(
        finding="in_band", shortfall=Decimal(0), flagged_items=[], history=History(0, 0), model=None
    )
    mirrored = audit.audit_score(
        finding="in_band", shortfall=Decimal(0), flagged_items=[], history=History(0, 0), model=None, outside=outside
    )
    assert mirrored.value_component == audit.VALUE_POINTS["below_band"] > plain.value_component == 0
    assert mirrored.score > plain.score
    assert "outside_mirror_below" in [reason["code"] for reason in mirrored.reasons]


def test_a_traders_value_control_summary_counts_its_outside_findings(exchange_officer, filed):
    outside_findings_record(actor=exchange_officer, source="mirror", findings=[shipment(filed, outside="500")])
    summary = trader_value_control(importer_id=filed.importer_id)
    assert (summary["outside_findings"], summary["outside_by_kind"]) == (1, {"mirror_above": 1})
    assert summary["outside_first_month"] == summary["outside_last_month"] == "2026-11"
    assert trader_value_control(importer_id=None)["outside_findings"] == 0
