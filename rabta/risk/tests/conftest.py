"""Risk fixtures: the customs world (a trader, the collectorate's staff) plus two risk analysts, a
model directory of the test's own, and a seeded random source for every lane decision."""

from __future__ import annotations

import random

import pytest

from conftest import make_user
from rabta.accounts.roles import Role
from rabta.customs.tests.conftest import customs_manager, examiner, filed, other_trader, trader  # noqa: F401
from rabta.risk.services.lanes import random_source


@pytest.fixture
def analyst(db):
    return make_user("analyst@customs.gov.pk", "Risk Analyst", (Role.RISK_ANALYST, None, None))


@pytest.fixture
def second_analyst(db):
    return make_user("analyst2@customs.gov.pk", "Second Analyst", (Role.RISK_ANALYST, None, None))


@pytest.fixture(autouse=True)
def model_dir(settings, tmp_path):
    settings.RABTA_RISK_MODEL_DIR = tmp_path / "models"
    return settings.RABTA_RISK_MODEL_DIR


@pytest.fixture(autouse=True)
def seeded():
    with random_source(random.Random(1234)):
        yield


# --- the border agencies (rabta.risk.services.agencies) ---------------------------------------------


@pytest.fixture
def ppd(db):
    from rabta.risk.services.agencies import agency_save

    return agency_save(
        actor=None,
        code="ppd",
        name_en="Department of Plant Protection",
        name_ur="محکمہ تحفظ نباتات",
        code_prefixes=["10", "08"],
        outcomes=["hold", "lab_test", "inspection"],
    )


@pytest.fixture
def drap(db):
    from rabta.risk.services.agencies import agency_save

    return agency_save(
        actor=None,
        code="drap",
        name_en="Drug Regulatory Authority of Pakistan",
        name_ur="ڈرگ ریگولیٹری اتھارٹی آف پاکستان",
        code_prefixes=["3004"],
        outcomes=["hold", "lab_test", "document_check"],
    )


def agency_officer(email: str, agency):
    from rabta.risk.services.agencies import agency_member_add

    user = make_user(email, email.split("@")[0], (Role.AGENCY_OFFICER, None, None))
    agency_member_add(actor=None, agency=agency, user=user)
    return user


@pytest.fixture
def ppd_officer(ppd):
    return agency_officer("officer@ppd.gov.pk", ppd)


@pytest.fixture
def drap_officer(drap):
    return agency_officer("officer@drap.gov.pk", drap)
