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
