"""Every role of accounts/roles.py against every exchange move: only the exchange officer may; an
item is outside everyone else's scope (404 through visible_to)."""

import pytest

from conftest import make_user
from rabta.accounts.roles import ROLE_DEFINITIONS, Role
from rabta.exchange.models import Agreement, ExchangeLog
from rabta.exchange.permissions import ExchangeAction, exchange_allowed

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", list(ROLE_DEFINITIONS))
@pytest.mark.parametrize("action", list(ExchangeAction))
def test_only_the_exchange_officer_works_the_exchange(world, role, action):
    spec = ROLE_DEFINITIONS[role]
    office = world.office_a if spec.needs_office else None
    government = world.gov_punjab if spec.needs_government else None
    user = make_user(f"{role}@example.pk", str(role), (role, office, government))
    assert exchange_allowed(user, action) == (role == Role.EXCHANGE_OFFICER)


@pytest.mark.parametrize("role", list(ROLE_DEFINITIONS))
def test_agreements_are_seen_by_exchange_officers_only(world, agreement, role):
    spec = ROLE_DEFINITIONS[role]
    office = world.office_a if spec.needs_office else None
    government = world.gov_punjab if spec.needs_government else None
    user = make_user(f"{role}@example.pk", str(role), (role, office, government))
    assert Agreement.objects.visible_to(user).exists() == (role == Role.EXCHANGE_OFFICER)
    assert not ExchangeLog.objects.visible_to(None).exists()
    assert not Agreement.objects.visible_to(None).exists()


def test_an_anonymous_user_sees_nothing(agreement):
    from django.contrib.auth.models import AnonymousUser

    assert not Agreement.objects.visible_to(AnonymousUser()).exists()
    assert not exchange_allowed(AnonymousUser(), ExchangeAction.READ)
