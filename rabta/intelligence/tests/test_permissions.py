"""Who may read recurring problems (rabta.intelligence.permissions): oversight only, over every role."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from conftest import make_user
from rabta.accounts.roles import ROLE_DEFINITIONS, Role
from rabta.api.errors import status_for
from rabta.core.errors import DomainError
from rabta.intelligence import permissions
from rabta.intelligence.errors import IntelligenceError

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", list(Role))
def test_recurring_problems_are_oversights(world, role):
    spec = ROLE_DEFINITIONS[role]
    office = world.office_a if spec.needs_office else None
    government = world.gov_punjab if spec.needs_government and not spec.needs_office else None
    user = make_user(f"{role}@gov.pk", str(role), (role, office, government))
    allowed = role == Role.OVERSIGHT
    assert permissions.may_see_recurring(user) is allowed
    if allowed:
        permissions.require_recurring(user)
    else:
        with pytest.raises(DomainError) as caught:
            permissions.require_recurring(user)
        assert (caught.value.code, status_for(caught.value)) == (IntelligenceError.NOT_ALLOWED, 403)


def test_nobody_signed_in_and_the_system_may_not(db):
    assert permissions.may_see_recurring(AnonymousUser()) is False
    assert permissions.may_see_recurring(None) is False


@pytest.mark.parametrize("role", list(Role))
def test_misuse_signals_are_reviewed_by_oversight_and_triage_is_for_office_staff(world, role):
    spec = ROLE_DEFINITIONS[role]
    office = world.office_a if spec.needs_office else None
    government = world.gov_punjab if spec.needs_government and not spec.needs_office else None
    user = make_user(f"{role}@gov.pk", str(role), (role, office, government))
    assert permissions.may_review_signals(user) is (role == Role.OVERSIGHT)
    assert permissions.may_see_triage(user) is (role in {Role.OFFICER, Role.SUPERVISOR, Role.OVERSIGHT})
    if role != Role.OVERSIGHT:
        with pytest.raises(DomainError) as caught:
            permissions.require_review_signals(user)
        assert (caught.value.code, status_for(caught.value)) == (IntelligenceError.NOT_ALLOWED, 403)


def test_nobody_signed_in_reviews_or_triages(db):
    assert permissions.may_review_signals(AnonymousUser()) is False
    assert permissions.may_see_triage(AnonymousUser()) is False
    assert permissions.may_see_triage(None) is False
