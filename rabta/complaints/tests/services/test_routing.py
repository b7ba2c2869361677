"""Routing always reaches an office that serves the complaint's place, or refuses with the
categories that do serve it. Checked over generated directories (several governments, offices with
further places, inactive offices, rules that point anywhere) against an oracle written apart from
the routing code."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from rabta.complaints.choices import Status
from rabta.complaints.models import Category, Complaint, DeadlinePolicy, RoutingRule
from rabta.complaints.reference import MEMO
from rabta.complaints.services import routing, work
from rabta.complaints.services.deadlines import deadlines_owed
from rabta.complaints.services.intake import complaint_submit
from rabta.core.errors import DomainError
from rabta.directory.choices import GovernmentLevel, JurisdictionKind, OfficeLevel
from rabta.directory.models import Department, Government, Jurisdiction, Office
from rabta.directory.services import office_create

PROVINCES = [("PB", "Punjab", "پنجاب"), ("SD", "Sindh", "سندھ"), ("GB", "Gilgit-Baltistan", "گلگت بلتستان")]
TOPICS = [("WATER", "Water supply"), ("ROADS", "Streets and local roads"), ("FIR", "FIR not registered")]


@dataclass
class Directory:
    places: list[Jurisdiction] = field(default_factory=list)
    categories: list[Category] = field(default_factory=list)
    offices: list[Office] = field(default_factory=list)


def _directory(rng: random.Random) -> Directory:
    """Pakistan > 3 provinces > 2 divisions each > 2-3 districts each; the federal government and
    one per province, each with departments whose offices cover some places and not others."""
    d = Directory()
    country = Jurisdiction.objects.create(code="PK", name="Pakistan", kind=JurisdictionKind.COUNTRY)
    d.places.append(country)
    federal = Government.objects.create(code="FED", name="Federal", level=GovernmentLevel.FEDERAL, jurisdiction=country)
    governments = [(federal, country)]
    for code, name, name_ur in PROVINCES:
        province = Jurisdiction.objects.create(
            code=f"PK-{code}", name=name, name_ur=name_ur, kind=JurisdictionKind.PROVINCE, parent=country
        )
        d.places.append(province)
        for div in range(2):
            division = Jurisdiction.objects.create(
                code=f"PK-{code}-DV{div}",
                name=f"{name} division {div}",
                kind=JurisdictionKind.DIVISION,
                parent=province,
            )
            d.places.append(division)
            for dist in range(rng.randint(2, 3)):
                d.places.append(
                    Jurisdiction.objects.create(
                        code=f"PK-{code}-D{div}{dist}",
                        name=f"{name} district {div}{dist}",
                        kind=JurisdictionKind.DISTRICT,
                        parent=division,
                    )
                )
        government = Government.objects.create(
            code=code, name=f"Government of {name}", level=GovernmentLevel.PROVINCIAL, jurisdiction=province
        )
        governments.append((government, province))
    for government, region in governments:
        below = [p for p in d.places if _chain(p)[1:].count(region) or p == region]
        for number in range(2):
            department = Department.objects.create(
                government=government, code=f"{government.code}-DEP{number}", name=f"Department {number}"
            )
            offices = []
            # Some departments have a head office for their whole region, some only local offices.
            head = None
            if rng.random() < 0.7:
                head = office_create(
                    department=department,
                    code=f"{department.code}-HQ",
                    name=f"{department.code} head office",
                    level=OfficeLevel.HEAD,
                    jurisdiction=region,
                )
                offices.append(head)
            for index, place in enumerate(rng.sample(below, k=min(len(below), rng.randint(0, 4)))):
                office = office_create(
                    department=department,
                    code=f"{department.code}-O{index}",
                    name=f"{department.code} office {index}",
                    level=OfficeLevel.DISTRICT,
                    jurisdiction=place,
                    parent=head,
                )
                if rng.random() < 0.3:  # further places, possibly in another province
                    office.serves.add(rng.choice(d.places))
                if rng.random() < 0.15:
                    Office.objects.filter(pk=office.pk).update(is_active=False)
                offices.append(office)
            d.offices += offices
            for topic, name in rng.sample(TOPICS, k=2):
                d.categories.append(
                    Category.objects.create(code=f"{department.code}-{topic}", name=name, department=department)
                )
    # Rules that point anywhere: the right office, another government's office, any place or one place.
    for category in d.categories:
        for _ in range(rng.randint(0, 2)):
            RoutingRule.objects.create(
                category=category,
                jurisdiction=rng.choice([None, *d.places]),
                office=rng.choice(d.offices),
                priority=rng.randint(0, 3),
                active=rng.random() < 0.9,
            )
    DeadlinePolicy.objects.create()
    return d


def _chain(place: Jurisdiction) -> list[Jurisdiction]:
    chain = []
    current: Jurisdiction | None = place
    while current is not None:
        chain.append(current)
        current = current.parent
    return chain


def _serves(office: Office, place: Jurisdiction) -> bool:
    """The oracle: the office's main place or one of its further places is the place or above it."""
    office = Office.objects.get(pk=office.pk)
    served = {office.jurisdiction_id, *office.serves.values_list("pk", flat=True)}
    return any(p.pk in served for p in _chain(place))


def _some_office_serves(category: Category, place: Jurisdiction) -> bool:
    """The oracle of refusal: no active rule of the category applies with an active office serving
    the place, and no active office of its department serves it."""
    chain_ids = {p.pk for p in _chain(place)}
    for rule in RoutingRule.objects.filter(category=category, active=True, office__is_active=True):
        if (rule.jurisdiction_id is None or rule.jurisdiction_id in chain_ids) and _serves(rule.office, place):
            return True
    return any(_serves(o, place) for o in Office.objects.filter(department=category.department, is_active=True))


@pytest.mark.parametrize("seed", range(6))
def test_every_routed_office_serves_the_place_or_intake_refuses_with_what_does(db, citizen, seed):
    rng = random.Random(seed)
    directory = _directory(rng)
    pairs = [(c, p) for c in directory.categories for p in directory.places]
    outcomes = set()
    for number, (category, place) in enumerate(rng.sample(pairs, k=min(40, len(pairs)))):
        try:
            complaint = complaint_submit(
                complainant=citizen,
                category_code=category.code,
                jurisdiction_code=place.code,
                subject="Water",
                text="No water in our street for a week.",
                idempotency_key=f"{seed}-{number}",
            ).complaint
        except DomainError as error:
            assert error.fields["category"][0]["code"] == "no_office_for_place", error.as_dict()
            assert not _some_office_serves(category, place), (category.code, place.code)
            suggested = [s["code"] for s in error.fields.get("suggested_categories", [])]
            assert category.code not in suggested
            serving = [c for c in directory.categories if c != category and _some_office_serves(c, place)]
            assert bool(suggested) == bool(serving)
            assert set(suggested) <= {c.code for c in serving}
            outcomes.add("refused")
            continue
        office = complaint.current_office
        assert office.is_active
        assert _serves(office, place), (category.code, place.code, office.code)
        assert Complaint.objects.filter(pk=complaint.pk, current_office=office).exists()
        outcomes.add("routed")
    assert outcomes == {"refused", "routed"}  # both branches were checked, not one of them vacuously


@pytest.mark.parametrize("seed", range(4))
def test_transfers_only_reach_offices_that_serve_the_place(db, citizen, seed, settings):
    settings.RABTA_MAX_TRANSFERS = 100
    rng = random.Random(1000 + seed)
    directory = _directory(rng)
    lodged = []
    for number, (category, place) in enumerate(
        rng.sample([(c, p) for c in directory.categories for p in directory.places], k=40)
    ):
        try:
            lodged.append(
                complaint_submit(
                    complainant=citizen,
                    category_code=category.code,
                    jurisdiction_code=place.code,
                    subject="Road",
                    text="The road is broken.",
                    idempotency_key=f"t{seed}-{number}",
                ).complaint
            )
        except DomainError:
            continue
    assert lodged
    outcomes = set()
    for complaint in lodged:
        target = rng.choice([o for o in Office.objects.filter(is_active=True) if o.pk != complaint.current_office_id])
        if _serves(target, complaint.jurisdiction):
            routing.complaint_transfer(complaint=complaint, to_office=target, reason="closer office", actor=None)
            complaint.refresh_from_db()
            assert complaint.current_office == target
            outcomes.add("transferred")
        else:
            with pytest.raises(DomainError) as caught:
                routing.complaint_transfer(complaint=complaint, to_office=target, reason="elsewhere", actor=None)
            assert caught.value.fields["to_office"][0]["code"] == "office_not_serving_place"
            outcomes.add("refused")
    assert outcomes == {"transferred", "refused"}  # both branches were checked


def test_a_rule_to_an_office_that_does_not_serve_the_place_is_passed_over(submit, world, categories):
    # A "for any place" rule of Punjab's water category to Punjab's head office, and a place in Sindh.
    RoutingRule.objects.create(category=categories.water, jurisdiction=None, office=world.head_a)
    with pytest.raises(DomainError) as caught:
        submit(jurisdiction_code="PK-SD-KHI")
    assert caught.value.fields["category"][0]["code"] == "no_office_for_place"
    assert [s["code"] for s in caught.value.fields["suggested_categories"]][:1] == ["SD-MUN-WATER"]
    # The suggestion works.
    assert submit(category_code="SD-MUN-WATER", jurisdiction_code="PK-SD-KHI").current_office == world.office_b


def test_a_named_collectorate_must_serve_the_place(submit, world, declaration):
    gd = {"gd_number": "KAPE-HC-12345-01012026"}
    with pytest.raises(DomainError) as caught:
        submit(
            category_code="CUS-DELAY",
            jurisdiction_code="PK-PB-LHR",
            attributes=gd,
            collectorate_code=world.collectorate.code,
        )
    assert caught.value.fields["collectorate"][0]["code"] == "collectorate_not_serving_place"
    complaint = submit(
        category_code="CUS-DELAY",
        jurisdiction_code="PK-SD-KHI",
        attributes=gd,
        collectorate_code=world.collectorate.code,
    )
    assert complaint.current_office == world.collectorate


def test_the_api_refusal_names_the_serving_categories(client, citizen, categories):
    client.force_login(citizen)
    response = client.post(
        "/api/complaints",
        {"category": "PB-MUN-WATER", "jurisdiction": "PK-SD-KHI", "subject": "Water", "text": "No water"},
        content_type="application/json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["fields"]["category"][0]["code"] == "no_office_for_place"
    assert body["fields"]["suggested_categories"][0]["code"] == "SD-MUN-WATER"


def test_a_rule_for_a_place_its_office_does_not_serve_is_refused_on_save_in_a_form(world, categories):
    rule = RoutingRule(category=categories.water, jurisdiction=world.karachi, office=world.head_a)
    with pytest.raises(ValidationError) as caught:
        rule.full_clean()
    assert caught.value.error_dict["office"][0].code == "office_not_serving_place"
    RoutingRule(category=categories.water, jurisdiction=world.lahore, office=world.head_a).full_clean()
    world.head_a.serves.add(world.karachi)  # once it serves Karachi too, the rule is sound
    rule.full_clean()


def test_an_inactive_collectorate_is_not_named(submit, world, declaration):
    Office.objects.filter(pk=world.collectorate.pk).update(is_active=False)
    with pytest.raises(DomainError) as caught:
        submit(
            category_code="CUS-DELAY",
            jurisdiction_code="PK-SD-KHI",
            attributes={"gd_number": "KAPE-HC-12345-01012026"},
            collectorate_code=world.collectorate.code,
        )
    # Refused with its own code: a complaint is never left unrouted at an office nobody works in.
    assert caught.value.fields["collectorate"][0]["code"] == "collectorate_inactive"


def test_the_receiving_office_acknowledges_a_transferred_complaint_itself(submit, world, officer_a):
    complaint = submit()
    work.complaint_acknowledge(complaint=complaint, actor=officer_a)
    later = timezone.now() + timedelta(days=6)
    with time_machine.travel(later, tick=False):
        routing.complaint_transfer(complaint=complaint, to_office=world.head_a, reason="Head office", actor=officer_a)
    complaint.refresh_from_db()
    assert complaint.status == Status.ROUTED and complaint.acknowledged_at is None
    assert complaint.acknowledge_due_at > later  # counted from the transfer
    assert "acknowledge" in dict(deadlines_owed(complaint))
    assert complaint.next_reminder_at is not None
    with pytest.raises(DomainError) as caught:
        work.complaint_resolve(complaint=complaint, actor=officer_a, outcome="relief_granted")
    assert caught.value.code == "transition_not_allowed"


def test_a_retry_of_an_accepted_submission_is_that_one_even_if_nothing_serves_the_place_now(submit, world):
    first = submit(idempotency_key="k1")
    # Every office of Punjab's department closes (an update() sends no signal: tell the memo).
    Office.objects.filter(department=world.lg_punjab).update(is_active=False)
    MEMO.changed()
    with pytest.raises(DomainError) as caught:
        submit(idempotency_key="k2")
    assert caught.value.fields["category"][0]["code"] == "no_office_for_place"
    assert submit(idempotency_key="k1").pk == first.pk
