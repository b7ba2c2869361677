"""Demo border agencies (``rabta loaddemo``, from rabta.risk.demo): plant protection (PPD) and drug
regulation (DRAP), each with its demo login as a member, two rules, and PPD's shared list; then two
demo declarations, rice and medicaments, filed through customs so each gets its agency's outcome
beside the lane."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

from django.utils import timezone

from rabta.accounts.models import User
from rabta.customs.choices import PartyKind
from rabta.customs.models import Declaration
from rabta.customs.services.declarations import DeclarationInput, ItemInput, declaration_file
from rabta.customs.services.parties import PartyRef
from rabta.directory.models import Office
from rabta.risk.choices import AgencyOutcome, RuleStatus, WatchListKind
from rabta.risk.models_agency import Agency, AgencyRule, AgencyShare
from rabta.risk.services.agencies import (
    AgencyRuleInput,
    agency_member_add,
    agency_rule_create,
    agency_save,
    agency_share,
)
from rabta.risk.services.lanes import random_source

AGENCIES = [
    (
        "ppd",
        "Department of Plant Protection",
        "محکمہ تحفظ نباتات",
        ["06", "07", "08", "09", "10", "12"],
        [AgencyOutcome.HOLD, AgencyOutcome.LAB_TEST, AgencyOutcome.INSPECTION],
        "ppd.officer@demo.rabta.pk",
        [
            ("Rice: pest test", 'hs4 == "1006"', AgencyOutcome.LAB_TEST, 100),
            ("Fresh fruit over 5 tonnes", 'hs2 == "08" and net_mass > 5000', AgencyOutcome.INSPECTION, 50),
        ],
    ),
    (
        "drap",
        "Drug Regulatory Authority of Pakistan",
        "ڈرگ ریگولیٹری اتھارٹی آف پاکستان",
        ["2941", "3002", "3003", "3004"],
        [AgencyOutcome.HOLD, AgencyOutcome.LAB_TEST, AgencyOutcome.DOCUMENT_CHECK],
        "drap.officer@demo.rabta.pk",
        [
            (
                "Medicaments under Rs 500 a kilogram",
                'hs4 == "3004" and value_per_kg < 500',
                AgencyOutcome.LAB_TEST,
                100,
            ),
            ("Medicaments: registration papers", 'hs4 == "3004"', AgencyOutcome.DOCUMENT_CHECK, 100),
        ],
    ),
]
DECLARATIONS = [
    ("DEMO-OGA-1", "10063010", "Basmati rice, wholly milled", "IN", "20000", "2500000.00"),
    ("DEMO-OGA-2", "30049099", "Paracetamol tablets, retail packs", "CN", "800", "300000.00"),
]


def demo_agencies_create(*, seed: int = 0) -> str:
    made = rules = filed = 0
    for code, name_en, name_ur, prefixes, outcomes, email, agency_rules in AGENCIES:
        agency = Agency.objects.filter(code=code).first()
        if agency is None:
            agency = agency_save(
                actor=None, code=code, name_en=name_en, name_ur=name_ur, code_prefixes=prefixes, outcomes=outcomes
            )
            made += 1
        officer = User.objects.filter(email=email).first()
        if officer is not None:
            agency_member_add(actor=None, agency=agency, user=officer)
        for name, condition, outcome, percentage in agency_rules:
            if not AgencyRule.objects.filter(agency=agency, name=name, status=RuleStatus.ACTIVE).exists():
                agency_rule_create(
                    actor=None,
                    agency=agency,
                    data=AgencyRuleInput(
                        name=name,
                        condition=condition,
                        outcome=outcome,
                        percentage=Decimal(percentage),
                        valid_from=date(2020, 1, 1),
                    ),
                )
                rules += 1
    ppd = Agency.objects.get(code="ppd")
    if not AgencyShare.objects.filter(agency=ppd).exists():
        agency_share(
            actor=None,
            agency=ppd,
            name="khapra-beetle-origins",
            kind=WatchListKind.COUNTRY,
            entries=["IN", "BD"],
            note="Khapra beetle reported in grain shipments from these origins.",
        )
    collectorate = Office.objects.filter(level="collectorate", is_active=True).order_by("code").first()
    if collectorate is not None:
        with random_source(random.Random(seed)):
            for number, tariff_code, description, origin, mass, value in DECLARATIONS:
                if Declaration.objects.filter(number=number).exists():
                    continue
                declaration_file(
                    actor=None,
                    data=DeclarationInput(
                        number=number,
                        declared_on=timezone.localdate(),
                        collectorate=collectorate.code,
                        importer=PartyRef(kind=PartyKind.TRADER, identifier="4210133-1", name="Demo importer 33-1"),
                        items=[
                            ItemInput(
                                item_number=1,
                                tariff_code=tariff_code,
                                description=description,
                                origin_country=origin,
                                departure_country=origin,
                                quantity=Decimal(1000),
                                unit="KGM",
                                net_mass_kg=Decimal(mass),
                                customs_value=Decimal(value),
                            )
                        ],
                    ),
                )
                filed += 1
    return f"agencies: {made} created, {rules} rules, {filed} declarations filed"
