"""Value-control fixtures: a history of declarations written straight to the tables (the filing
service's rules are customs' tests' business; thousands of events would only slow these down)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest

from conftest import make_user
from rabta.accounts.roles import Role
from rabta.customs.choices import DiscrepancyType, Outcome, Status
from rabta.customs.models import Declaration, DeclarationItem, Examination, Party
from rabta.customs.tests import conftest as customs_fixtures

# The customs tests' fixtures, shared (the world's trader, its filed declaration, the staff).
trader = customs_fixtures.trader
filed = customs_fixtures.filed
customs_manager = customs_fixtures.customs_manager
examiner = customs_fixtures.examiner
other_collectorate = customs_fixtures.other_collectorate
other_manager = customs_fixtures.other_manager

FAIR_USD = 250.0  # a television set, per unit
RATE = Decimal("278.5")


@pytest.fixture
def analyst(db):
    return make_user("analyst@customs.gov.pk", "Risk Analyst", (Role.RISK_ANALYST, None, None))


class History:
    def __init__(self, world, importer: Party):
        self.world = world
        self.importer = importer
        self.count = 0
        self.rng = random.Random(5)

    def declaration(
        self,
        *,
        price_usd: float,
        code: str = "85287200",
        origin: str = "CN",
        quantity: int = 100,
        kg_per_unit: float = 8.5,
        declared_on: date | None = None,
        status: str = Status.RELEASED,
        importer: Party | None = None,
        collectorate=None,
        examined: str = "",
    ) -> Declaration:
        self.count += 1
        declaration = Declaration.objects.create(
            number=f"HIST-{self.count:05d}",
            declared_on=declared_on or date(2026, 11, 1) - timedelta(days=self.count % 200),
            collectorate=collectorate or self.world.collectorate,
            importer=importer or self.importer,
            currency="USD",
            exchange_rate=RATE,
            status=status,
        )
        DeclarationItem.objects.create(
            declaration=declaration,
            item_number=1,
            tariff_code=code,
            description="LED television sets",
            origin_country=origin,
            departure_country=origin,
            quantity=Decimal(quantity),
            unit="NMB",
            net_mass_kg=Decimal(str(round(quantity * kg_per_unit, 3))),
            customs_value=Decimal(str(round(price_usd * quantity, 2))),
        )
        if examined:
            Examination.objects.create(
                declaration=declaration,
                outcome=examined,
                discrepancy_type="" if examined == Outcome.NO_DISCREPANCY else DiscrepancyType.UNDERVALUATION,
            )
        return declaration

    def honest(self, n: int, **kwargs) -> list[Declaration]:
        return [self.declaration(price_usd=FAIR_USD * self.rng.lognormvariate(0, 0.12), **kwargs) for _ in range(n)]


@pytest.fixture
def history(world, filed):
    return History(world, filed.importer)
