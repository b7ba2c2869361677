"""Customs fixtures: a trader whose account holds a verified NTN, and the customs staff of the
world's collectorate (the root conftest's directory)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from conftest import make_user
from rabta.accounts.choices import DocumentType
from rabta.accounts.models import IdentityDocument
from rabta.accounts.roles import Role
from rabta.core.crypto import lookup_hash
from rabta.customs.parties import NTN_NAMESPACE

TRADER_NTN = "1234567-8"
OTHER_NTN = "7654321-0"


def give_ntn(user, ntn: str, *, verified: bool = True) -> IdentityDocument:
    return IdentityDocument.objects.create(
        user=user,
        doc_type=DocumentType.NTN,
        number=ntn,
        number_hash=lookup_hash(ntn, purpose=NTN_NAMESPACE),
        number_last4=ntn[-4:],
        verified_at=timezone.now() if verified else None,
    )


@pytest.fixture
def trader(db):
    user = make_user("trader@example.pk", "Bilal Traders", (Role.COMPLAINANT, None, None), complainant_type="business")
    give_ntn(user, TRADER_NTN)
    return user


@pytest.fixture
def other_trader(db):
    user = make_user("other.trader@example.pk", "Other Traders", (Role.COMPLAINANT, None, None))
    give_ntn(user, OTHER_NTN)
    return user


@pytest.fixture
def customs_manager(world):
    return make_user("cm@customs.gov.pk", "Customs Manager", (Role.CUSTOMS_MANAGER, world.collectorate, None))


@pytest.fixture
def examiner(world):
    return make_user("examiner@customs.gov.pk", "Examining Officer", (Role.EXAMINING_OFFICER, world.collectorate, None))


@pytest.fixture
def other_collectorate(world):
    from rabta.directory.choices import OfficeLevel
    from rabta.directory.services import office_create

    return office_create(
        department=world.customs,
        code="FED-CUS-LHR",
        name="Collectorate of Customs, Lahore",
        level=OfficeLevel.COLLECTORATE,
        jurisdiction=world.lahore,
        parent=world.customs_hq,
    )


@pytest.fixture
def station(world):
    """A port under the world's collectorate."""
    from rabta.directory.choices import OfficeLevel
    from rabta.directory.services import office_create

    return office_create(
        department=world.customs,
        code="FED-CUS-APP-KHI-PQ",
        name="Port Qasim",
        level=OfficeLevel.UNIT,
        jurisdiction=world.karachi,
        parent=world.collectorate,
    )


@pytest.fixture
def other_manager(other_collectorate):
    return make_user("cm.lhr@customs.gov.pk", "Lahore Manager", (Role.CUSTOMS_MANAGER, other_collectorate, None))


def item(**overrides):
    from decimal import Decimal

    from rabta.customs.services.declarations import ItemInput

    values = {
        "item_number": 1,
        "tariff_code": "85287200",
        "description": "LED television sets, 43 inch",
        "origin_country": "CN",
        "departure_country": "AE",
        "quantity": Decimal(100),
        "unit": "NMB",
        "net_mass_kg": Decimal("850.5"),
        "customs_value": Decimal("2500000.00"),
        "duty_assessed": Decimal("500000.00"),
        "taxes_assessed": Decimal("425000.00"),
    }
    return ItemInput(**{**values, **overrides})


def declaration_input(**overrides):
    from datetime import date

    from rabta.customs.choices import PartyKind
    from rabta.customs.services.declarations import DeclarationInput
    from rabta.customs.services.parties import PartyRef

    values = {
        "number": "KAPE-HC-1001-01122026",
        "declared_on": date(2026, 11, 30),
        "collectorate": "FED-CUS-APP-KHI",
        "importer": PartyRef(kind=PartyKind.TRADER, identifier=TRADER_NTN, name="Bilal Traders"),
        "declarant": PartyRef(kind=PartyKind.CLEARING_AGENT, identifier="CHAL-1234"),
        "seller": PartyRef(kind=PartyKind.FOREIGN_TRADER, name="Shenzhen Bright Co", country="CN"),
        "items": [item()],
        "declaration_type": "HC",
        "currency": "USD",
        "exchange_rate": __import__("decimal").Decimal("278.5"),
    }
    return DeclarationInput(**{**values, **overrides})


@pytest.fixture
def filed(world, trader):
    from rabta.customs.services.declarations import declaration_file

    return declaration_file(data=declaration_input(), actor=trader).declaration
