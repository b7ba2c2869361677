from __future__ import annotations

import pytest

from rabta.accounts.models import RoleAssignment, User
from rabta.accounts.roles import Role
from rabta.tariff.demo import demo_tariff_create


def make_tariff_officer(email: str, name: str) -> User:
    user = User.objects.create_user(email=email, password="correct-horse-battery-staple", full_name=name)
    RoleAssignment.objects.create(user=user, role=Role.TARIFF_OFFICER)
    return user


@pytest.fixture
def tariff(db):
    """The demo tariff: a few HS codes, national lines to 12 digits, rates with a history, measures."""
    return demo_tariff_create()


@pytest.fixture
def proposer(db):
    return make_tariff_officer("tariff.policy@fbr.gov.pk", "Sana Proposer")


@pytest.fixture
def approver(db):
    return make_tariff_officer("tariff.approver@fbr.gov.pk", "Bilal Approver")
