import pytest

from rabta.complaints.models import Category, DeadlinePolicy
from rabta.complaints.services.intake import complaint_submit


@pytest.fixture
def categories(world):
    water = Category.objects.create(code="PB-MUN-WATER", name="Water supply", department=world.lg_punjab)
    sindh_water = Category.objects.create(code="SD-MUN-WATER", name="Water supply", department=world.lg_sindh)
    customs = Category.objects.create(
        code="CUS-DELAY",
        name="Clearance delay",
        department=world.customs,
        is_customs=True,
        attributes=[
            {"name": "gd_number", "type": "declaration_number", "required": True},
            {"name": "days", "type": "number", "required": False},
        ],
    )
    DeadlinePolicy.objects.create()
    return type("Categories", (), {"water": water, "sindh_water": sindh_water, "customs": customs})


@pytest.fixture
def declaration(world):
    """A real goods declaration at the world's collectorate (customs complaints are checked against
    the declarations): filed by the system for the customs tests' trader NTN."""
    from rabta.customs.services.declarations import declaration_file
    from rabta.customs.tests.conftest import declaration_input

    return declaration_file(data=declaration_input(number=GD_NUMBER), actor=None).declaration


GD_NUMBER = "KAPE-HC-12345-01012026"


@pytest.fixture
def submit(categories, citizen):
    def make(**overrides):
        values = {
            "complainant": citizen,
            "category_code": "PB-MUN-WATER",
            "jurisdiction_code": "PK-PB-LHR",
            "subject": "No water for a week",
            "text": "Ayesha Khan here: no water in Gulberg for seven days.",
        }
        values.update(overrides)
        return complaint_submit(**values).complaint

    return make
