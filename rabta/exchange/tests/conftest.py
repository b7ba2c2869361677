from datetime import date

import pytest

from conftest import make_user
from rabta.accounts.roles import Role
from rabta.customs.tests.conftest import customs_manager, declaration_input, item, trader  # noqa: F401 (fixtures)
from rabta.exchange import services
from rabta.exchange.wco import DATASET_FIELDS

ALL_DECLARATION_FIELDS = [field.key for field in DATASET_FIELDS["declarations"]]


@pytest.fixture
def exchange_officer(db):
    return make_user("exchange@customs.gov.pk", "Exchange Officer", (Role.EXCHANGE_OFFICER, None, None))


def agreement_for(officer, *, fields=None, datasets=("declarations",), country="CN", **overrides):
    values = {
        "actor": officer,
        "kind": "administration",
        "partner_country": country,
        "partner_name": "General Administration of Customs",
        "datasets": list(datasets),
        "fields": list(fields if fields is not None else ALL_DECLARATION_FIELDS),
        "valid_from": date(2026, 1, 1),
        "valid_to": date(2030, 12, 31),
        "status": "active",
    }
    return services.agreement_create(**{**values, **overrides})


@pytest.fixture
def agreement(exchange_officer):
    return agreement_for(exchange_officer)


@pytest.fixture
def bank_agreement(exchange_officer):
    return services.agreement_create(
        actor=exchange_officer,
        kind="bank",
        partner_country="PK",
        partner_name="Bank compliance unit",
        valid_from=date(2026, 1, 1),
        status="active",
    )


@pytest.fixture
def declarations(world, trader):  # noqa: F811
    from rabta.customs.services.declarations import declaration_file

    first = declaration_file(data=declaration_input(), actor=trader).declaration
    second = declaration_file(
        data=declaration_input(
            number="KAPE-HC-1002-01122026",
            items=[
                item(),
                item(item_number=2, tariff_code="85171300", customs_value=__import__("decimal").Decimal("1000.50")),
            ],
        ),
        actor=trader,
    ).declaration
    return [first, second]


def export_text(export):
    return "".join(export.chunks)
