"""Enforcement fixtures: formations of the world's customs department (the collectorate, a unit
below it, and another collectorate), their enforcement staff, and the demo tariff."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from conftest import make_user
from rabta.accounts.roles import Role
from rabta.directory.choices import OfficeLevel
from rabta.directory.services import office_create
from rabta.enforcement.services import GoodsInput, IncidentInput, PartyInput
from rabta.tariff.demo import demo_tariff_create


@pytest.fixture
def formations(world):
    demo_tariff_create()
    unit = office_create(
        department=world.customs,
        code="FED-CUS-APP-KHI-ASO",
        name="Anti-Smuggling Organisation, Karachi",
        level=OfficeLevel.UNIT,
        jurisdiction=world.collectorate.jurisdiction,
        parent=world.collectorate,
    )
    quetta = office_create(
        department=world.customs,
        code="FED-CUS-QTA",
        name="Collectorate of Customs, Quetta",
        level=OfficeLevel.COLLECTORATE,
        jurisdiction=world.collectorate.jurisdiction,
        parent=world.customs_hq,
    )
    return SimpleNamespace(karachi=world.collectorate, unit=unit, quetta=quetta, hq=world.customs_hq)


@pytest.fixture
def staff(formations):
    """Who's who: a reporter in the unit, another officer there, a supervisor over Karachi (and so the
    unit), one over Quetta only, the national head, a customs manager of Karachi, a risk analyst, and a
    complaints officer (who sees none of it)."""
    return SimpleNamespace(
        reporter=make_user("aso1@customs.gov.pk", "Asif Reporter", (Role.ENFORCEMENT_OFFICER, formations.unit, None)),
        colleague=make_user(
            "aso2@customs.gov.pk", "Bushra Colleague", (Role.ENFORCEMENT_OFFICER, formations.unit, None)
        ),
        supervisor=make_user(
            "sup.khi@customs.gov.pk", "Kamal Supervisor", (Role.ENFORCEMENT_SUPERVISOR, formations.karachi, None)
        ),
        quetta_supervisor=make_user(
            "sup.qta@customs.gov.pk", "Qasim Supervisor", (Role.ENFORCEMENT_SUPERVISOR, formations.quetta, None)
        ),
        head=make_user("head@customs.gov.pk", "Hamid Head", (Role.ENFORCEMENT_SUPERVISOR, formations.hq, None)),
        quetta_officer=make_user(
            "aso.qta@customs.gov.pk", "Qudsia Officer", (Role.ENFORCEMENT_OFFICER, formations.quetta, None)
        ),
        manager=make_user("cm.khi@customs.gov.pk", "Maria Manager", (Role.CUSTOMS_MANAGER, formations.karachi, None)),
        analyst=make_user("analyst@customs.gov.pk", "Ali Analyst", (Role.RISK_ANALYST, None, None)),
        outsider=make_user("officer@punjab.gov.pk", "Omar Outsider", (Role.OFFICER, formations.karachi, None)),
    )


def goods(**overrides) -> GoodsInput:
    values = {
        "tariff_code": "85171300",
        "description": "Smartphones in a false floor",
        "quantity": "120",
        "unit": "NMB",
        "value": "6000000",
        "origin_country": "CN",
    }
    return GoodsInput(**{**values, **overrides})


def incident_input(**overrides) -> IncidentInput:
    values = {
        "formation": "FED-CUS-APP-KHI-ASO",
        "occurred_on": timezone.localdate() - timedelta(days=3),
        "incident_type": "seizure",
        "modus_operandi": "concealment_compartment",
        "description": "Smartphones found under the floor of a truck at the toll plaza.",
        "goods": [goods()],
        "parties": [PartyInput(role="carrier", name="Hasan Goods Transport", country="PK")],
        "route": "Chaman-Karachi",
        "location": "Karachi toll plaza",
        "latitude": "24.9",
        "longitude": "67.1",
        "conveyance_kind": "vehicle",
        "conveyance_reference": "TLN-1234",
    }
    return IncidentInput(**{**values, **overrides})


def month(day: date) -> date:
    return day.replace(day=1)
