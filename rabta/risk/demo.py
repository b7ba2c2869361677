"""Demo risk rules: a watch list of importers and two officer rules, and four demo declarations
filed through customs so that each gets its lane with readable reasons (``rabta loaddemo``)."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

DEMO_AFTER: tuple[str, ...] = ("directory", "accounts", "tariff")

WATCHED_NTN = "3520212-5"
RULES = [
    ("Watch-listed importer", 'importer in watchlist("demo-watched-importers")', "red"),
    ("Television sets under Rs 2,000 a kilogram", 'hs4 == "8528" and value_per_kg < 2000', "yellow"),
]


def demo_load(*, offices: int = 0, seed: int = 0, shared_data: Path | None = None, stdout: Any = None) -> str:
    from django.utils import timezone

    from rabta.customs.choices import PartyKind, Status
    from rabta.customs.models import Declaration
    from rabta.customs.services.declarations import DeclarationInput, ItemInput, declaration_file
    from rabta.customs.services.parties import PartyRef
    from rabta.directory.choices import OfficeLevel
    from rabta.directory.models import Office
    from rabta.risk.choices import RuleStatus, WatchListKind
    from rabta.risk.models import RiskRule, WatchList
    from rabta.risk.services.lanes import random_source
    from rabta.risk.services.rules import RuleInput, rule_create, watchlist_save

    created_rules = 0
    if not WatchList.objects.filter(name="demo-watched-importers").exists():
        watchlist_save(actor=None, name="demo-watched-importers", kind=WatchListKind.PARTY, entries=[WATCHED_NTN])
    for name, condition, lane in RULES:
        if not RiskRule.objects.filter(name=name, status=RuleStatus.ACTIVE).exists():
            rule_create(
                actor=None, data=RuleInput(name=name, condition=condition, lane=lane, valid_from=date(2020, 1, 1))
            )
            created_rules += 1
    from rabta.risk.demo_agency import demo_agencies_create

    agencies = demo_agencies_create(seed=seed)  # the border agencies (PPD, DRAP)
    collectorate = Office.objects.filter(level=OfficeLevel.COLLECTORATE, is_active=True).order_by("code").first()
    if collectorate is None:
        return f"risk: {created_rules} rules created, no collectorate for demo declarations; {agencies}"

    def tv(value: str, mass: str) -> ItemInput:
        return ItemInput(
            item_number=1,
            tariff_code="85287219",
            description="Colour television sets, 43 inch",
            origin_country="CN",
            departure_country="AE",
            quantity=Decimal(100),
            unit="NMB",
            net_mass_kg=Decimal(mass),
            customs_value=Decimal(value),
        )

    today = timezone.localdate()
    demo = [
        ("DEMO-RISK-1", WATCHED_NTN, tv("2500000.00", "850")),  # watch-listed importer: red
        ("DEMO-RISK-2", "4210133-1", tv("900000.00", "850")),  # about Rs 1,060 a kilogram: yellow
        ("DEMO-RISK-3", "4210133-1", tv("9000000.00", "850")),
        ("DEMO-RISK-4", "1730155-3", tv("6500000.00", "700")),
    ]
    filed = 0
    with random_source(random.Random(seed)):
        for number, ntn, goods in demo:
            if Declaration.objects.filter(number=number).exists():
                continue
            declaration_file(
                actor=None,
                data=DeclarationInput(
                    number=number,
                    declared_on=today,
                    collectorate=collectorate.code,
                    importer=PartyRef(kind=PartyKind.TRADER, identifier=ntn, name=f"Demo importer {ntn[-4:]}"),
                    items=[goods],
                ),
            )
            filed += 1
    lanes = dict.fromkeys(("red", "yellow", "green"), 0)
    for lane in Declaration.objects.filter(number__startswith="DEMO-RISK-", status=Status.LANE_ASSIGNED).values_list(
        "lane", flat=True
    ):
        lanes[lane] = lanes.get(lane, 0) + 1
    return f"risk: {created_rules} rules created, {filed} demo declarations filed (lanes {lanes}); {agencies}"
