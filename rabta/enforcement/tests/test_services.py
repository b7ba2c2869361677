"""Incident reports through their services: the lifecycle, four eyes, immutability, every bad
field named at once with nothing saved, and the trend roll-ups equal to a rebuild."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rabta.core.errors import Conflict, DomainError, Forbidden
from rabta.core.models import Event
from rabta.enforcement import services
from rabta.enforcement.events import EnforcementEvent
from rabta.enforcement.models import Incident, IncidentGoods, IncidentTrend
from rabta.enforcement.services import PartyInput
from rabta.enforcement.tests.conftest import goods, incident_input

pytestmark = pytest.mark.django_db


def _approved(staff, **overrides):
    incident = services.incident_draft(actor=staff.reporter, data=incident_input(**overrides))
    services.incident_submit(actor=staff.reporter, incident=incident)
    return services.incident_approve(actor=staff.supervisor, incident=incident)


def _kinds(incident):
    return list(Event.objects.for_subject(incident).order_by("id").values_list("kind", flat=True))


def test_a_report_goes_from_draft_to_approved_with_an_event_at_each_step(staff):
    incident = services.incident_draft(actor=staff.reporter, data=incident_input())
    assert incident.reference.startswith("EN-") and incident.review_status == "draft"
    assert incident.total_value == Decimal("6000000") and incident.goods.count() == 1
    services.incident_submit(actor=staff.reporter, incident=incident)
    services.incident_approve(actor=staff.supervisor, incident=incident)
    incident.refresh_from_db()
    assert incident.review_status == "approved" and incident.approved_by == staff.supervisor
    assert _kinds(incident) == [EnforcementEvent.DRAFTED, EnforcementEvent.SUBMITTED, EnforcementEvent.APPROVED]


def test_the_reporter_never_approves_their_own_report_even_as_a_supervisor(staff, formations):
    incident = services.incident_draft(actor=staff.supervisor, data=incident_input(formation="FED-CUS-APP-KHI"))
    services.incident_submit(actor=staff.supervisor, incident=incident)
    with pytest.raises(Forbidden) as refused:
        services.incident_approve(actor=staff.supervisor, incident=incident)
    assert refused.value.code == "approver_is_reporter"
    incident.refresh_from_db()
    assert incident.review_status == "submitted" and IncidentTrend.objects.count() == 0
    services.incident_approve(actor=staff.head, incident=incident)  # the line above approves it


@pytest.mark.parametrize("who", ["colleague", "quetta_supervisor", "manager", "analyst", "outsider"])
def test_only_a_supervisor_of_the_line_approves(staff, who):
    incident = services.incident_draft(actor=staff.reporter, data=incident_input())
    services.incident_submit(actor=staff.reporter, incident=incident)
    with pytest.raises(Forbidden) as refused:
        services.incident_approve(actor=getattr(staff, who), incident=incident)
    assert refused.value.code == "not_allowed"


def test_a_returned_report_is_a_draft_again_with_the_reasons(staff):
    incident = services.incident_draft(actor=staff.reporter, data=incident_input())
    services.incident_submit(actor=staff.reporter, incident=incident)
    with pytest.raises(DomainError) as refused:
        services.incident_return(actor=staff.supervisor, incident=incident, reason="  ")
    assert refused.value.fields["reason"][0]["code"] == "reason_required"
    services.incident_return(actor=staff.supervisor, incident=incident, reason="Give the truck's registration.")
    incident.refresh_from_db()
    assert incident.review_status == "draft"
    assert Event.objects.for_subject(incident).get(kind=EnforcementEvent.RETURNED).reason.startswith("Give the truck")
    services.incident_draft_update(
        actor=staff.reporter, incident=incident, data=incident_input(conveyance_reference="LES-9")
    )
    incident.refresh_from_db()
    assert incident.conveyance_reference == "LES-9"


def test_an_approved_report_is_not_edited_only_amended_with_reasons(staff):
    incident = _approved(staff)
    with pytest.raises(Conflict) as refused:
        services.incident_draft_update(actor=staff.reporter, incident=incident, data=incident_input(route="X"))
    assert refused.value.code == "incident_not_a_draft"
    with pytest.raises(DomainError) as refused:
        services.incident_amend(actor=staff.reporter, incident=incident, reason="", changes={"route": "Taftan-Quetta"})
    assert refused.value.fields["reason"][0]["code"] == "reason_required"
    with pytest.raises(DomainError) as refused:
        services.incident_amend(actor=staff.reporter, incident=incident, reason="typo", changes={"formation": "X"})
    assert refused.value.fields["formation"][0]["code"] == "field_not_amendable"
    with pytest.raises(DomainError) as refused:
        services.incident_amend(
            actor=staff.reporter, incident=incident, reason="typo", changes={"route": incident.route}
        )
    assert refused.value.fields["changes"][0]["code"] == "amendment_empty"
    amendment = services.incident_amend(
        actor=staff.reporter, incident=incident, reason="Wrong route typed", changes={"route": "Taftan-Quetta"}
    )
    assert amendment.changes == {"route": ["Chaman-Karachi", "Taftan-Quetta"]}
    incident.refresh_from_db()
    assert incident.route == "Taftan-Quetta" and incident.review_status == "approved"
    assert IncidentTrend.objects.filter(dimension="route", value="Chaman-Karachi").count() == 0
    assert IncidentTrend.objects.get(dimension="route", value="Taftan-Quetta", formation_id=0).incidents == 1
    with pytest.raises(Forbidden):
        services.incident_amend(actor=staff.quetta_officer, incident=incident, reason="x", changes={"route": "Y"})


def test_a_report_of_a_formation_since_closed_is_still_amended(staff, formations):
    incident = _approved(staff)
    formations.unit.is_active = False
    formations.unit.save(update_fields=["is_active"])
    services.incident_amend(actor=staff.supervisor, incident=incident, reason="Recount", changes={"route": "Z-Route"})
    incident.refresh_from_db()
    assert incident.route == "Z-Route" and incident.formation == formations.unit
    # A new report cannot be filed there any more.
    with pytest.raises(DomainError) as refused:
        services.incident_draft(actor=staff.supervisor, data=incident_input())
    assert refused.value.fields["formation"][0]["code"] == "formation_unknown"


def test_every_bad_field_is_named_at_once_and_nothing_is_saved(staff):
    future = timezone.localdate() + timedelta(days=1)
    bad = incident_input(
        occurred_on=future,
        incident_type="piracy",
        modus_operandi="magic",
        description="",
        goods=[
            goods(tariff_code="99999999"),
            goods(tariff_code="12ab", quantity="-4", unit="XXX", value="NaN", origin_country="ZZ"),
        ],
        parties=[PartyInput(role="importer", identifier="9999999-9"), PartyInput(role="boss", name="x")],
        declarations=["NO-SUCH-GD"],
        latitude="95",
        longitude="",
    )
    events = Event.objects.count()
    with pytest.raises(DomainError) as refused:
        services.incident_draft(actor=staff.reporter, data=bad)
    codes = {field: [p["code"] for p in problems] for field, problems in refused.value.fields.items()}
    assert codes["occurred_on"] == ["date_in_future"]
    assert codes["incident_type"] == ["incident_type_unknown"] and codes["modus_operandi"] == ["modus_operandi_unknown"]
    assert codes["description"] == ["text_required"]
    assert codes["goods.0.tariff_code"] == ["code_unknown"] and codes["goods.1.tariff_code"] == ["code_malformed"]
    assert codes["goods.1.quantity"] == ["quantity_invalid"] and codes["goods.1.value"] == ["value_invalid"]
    assert codes["goods.1.unit"] == ["unit_unknown"] and codes["goods.1.origin_country"] == ["country_unknown"]
    assert codes["parties.0.identifier"] == ["party_unknown"] and codes["parties.1.role"] == ["party_role_unknown"]
    assert codes["declarations.0"] == ["declaration_unknown"]
    assert "coordinates_incomplete" in codes["latitude"] and "latitude_out_of_range" in codes["latitude"]
    assert Incident.objects.count() == 0 and IncidentGoods.objects.count() == 0
    assert Event.objects.count() == events


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    quantity=st.one_of(
        st.decimals(allow_nan=True, allow_infinity=True, places=4),
        st.sampled_from(["", "1e13", "-0", "0", "abc", "1_000", "１٢"]),
    ),
    value=st.one_of(st.decimals(allow_nan=True, allow_infinity=True, places=3), st.sampled_from(["1e14", "-1", ""])),
    days=st.integers(min_value=-20000, max_value=400),
)
def test_generated_quantities_values_and_dates_are_taken_only_when_possible(staff, quantity, value, days):
    day = timezone.localdate() + timedelta(days=days)
    data = incident_input(goods=[goods(quantity=str(quantity), value=str(value))], occurred_on=day)
    q = services._decimal(quantity)
    v = services._decimal(value)
    possible = (
        q is not None
        and Decimal(0) < q < Decimal("1e12")
        and q == round(q, 3)
        and v is not None
        and Decimal(0) <= v < Decimal("1e13")
        and v == round(v, 2)
        and services.EARLIEST_DATE <= day <= timezone.localdate()
    )
    before = Incident.objects.count()
    try:
        incident = services.incident_draft(actor=staff.reporter, data=data)
    except DomainError as error:
        assert not possible, error.fields
        assert set(error.fields) <= {"goods.0.quantity", "goods.0.value", "occurred_on"}
        assert Incident.objects.count() == before
    else:
        assert possible
        line = incident.goods.get()
        assert line.quantity == q and line.value == v


def test_only_enforcement_staff_report_and_only_for_their_formations(staff):
    with pytest.raises(Forbidden) as refused:
        services.incident_draft(actor=staff.outsider, data=incident_input(formation="FED-CUS-APP-KHI"))
    assert refused.value.code == "not_allowed"
    with pytest.raises(Forbidden) as refused:
        services.incident_draft(actor=staff.reporter, data=incident_input(formation="FED-CUS-QTA"))
    assert refused.value.fields["formation"][0]["code"] == "formation_not_yours"
    with pytest.raises(DomainError) as refused:
        services.incident_draft(actor=staff.reporter, data=incident_input(formation="PB-NOWHERE"))
    assert refused.value.fields["formation"][0]["code"] == "formation_unknown"
    # A supervisor reports for a formation below them.
    assert (
        services.incident_draft(actor=staff.supervisor, data=incident_input()).formation.code == "FED-CUS-APP-KHI-ASO"
    )


def test_a_case_moves_forward_only_and_a_fine_names_its_amount(staff):
    incident = _approved(staff)
    services.incident_case_update(
        actor=staff.supervisor, incident=incident, case_status="under_investigation", reason="FIR lodged"
    )
    with pytest.raises(DomainError) as refused:
        services.incident_case_update(actor=staff.supervisor, incident=incident, case_status="reported", reason="x")
    assert refused.value.fields["case_status"][0]["code"] == "case_status_backwards"
    with pytest.raises(DomainError) as refused:
        services.incident_case_update(
            actor=staff.supervisor, incident=incident, case_status="adjudicated", outcome="fine", reason="x"
        )
    assert refused.value.fields["fine_amount"][0]["code"] == "fine_invalid"
    services.incident_case_update(
        actor=staff.supervisor,
        incident=incident,
        case_status="adjudicated",
        outcome="fine",
        fine_amount="250000",
        reason="Adjudication order 12/2026",
    )
    incident.refresh_from_db()
    assert incident.case_status == "adjudicated" and incident.fine_amount == Decimal("250000.00")


def _trend_table():
    return sorted(
        (t.formation_id, t.dimension, t.value, t.month, t.incidents, t.goods_value)
        for t in IncidentTrend.objects.exclude(incidents=0)
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_folded_trends_equal_a_rebuild_over_random_histories(staff, seed):
    rng = random.Random(seed)
    codes = ["85171300", "84713010", "10063010", "22083000", "30049099"]
    reports = []
    for step in range(25):
        roll = rng.random()
        if roll < 0.55 or not reports:
            lines = [
                goods(
                    tariff_code=rng.choice(codes),
                    value=str(rng.randint(0, 10**7)),
                    origin_country=rng.choice(["CN", "AE", "AF", ""]),
                )
                for _ in range(rng.randint(1, 3))
            ]
            data = incident_input(
                goods=lines,
                route=rng.choice(["", "Chaman-Karachi", "Taftan-Quetta"]),
                incident_type=rng.choice(["seizure", "narcotics", "currency"]),
                occurred_on=timezone.localdate() - timedelta(days=rng.randint(0, 400)),
            )
            incident = services.incident_draft(actor=staff.reporter, data=data)
            services.incident_submit(actor=staff.reporter, incident=incident)
            if rng.random() < 0.8:
                services.incident_approve(actor=staff.supervisor, incident=incident)
                reports.append(incident)
        else:
            incident = rng.choice(reports)
            changes = {
                "route": rng.choice(["", "Torkham-Peshawar"]),
                "modus_operandi": rng.choice(["undeclared", "document_fraud"]),
            }
            new_goods = (
                [goods(tariff_code=rng.choice(codes), value=str(rng.randint(1, 10**6)))] if rng.random() < 0.5 else None
            )
            try:
                services.incident_amend(
                    actor=staff.supervisor, incident=incident, reason=f"step {step}", changes=changes, goods=new_goods
                )
            except DomainError as error:
                assert error.fields["changes"][0]["code"] == "amendment_empty"
    folded = _trend_table()
    assert folded, "the history approved nothing"
    services.trends_rebuild()
    assert _trend_table() == folded
