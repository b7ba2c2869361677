"""Who may grant, revoke and manage what: role_grant, role_revoke, user_update and the account
services the admin calls, for every role and every kind of actor."""

from __future__ import annotations

import random

import pytest
from django.contrib.auth.models import AnonymousUser

from rabta.accounts.models import RoleAssignment, User
from rabta.accounts.permissions import ADMINISTRATOR_GRANTABLE_ROLES, account_manageable_by
from rabta.accounts.roles import ROLE_DEFINITIONS, STAFF_ROLES, Role
from rabta.accounts.services import (
    ADMINISTRATOR_GROUP,
    USER_FIELDS_ADMINISTRATORS_EDIT,
    administrator_grant,
    role_grant,
    role_revoke,
    user_update,
)
from rabta.accounts.tests.admin_cast import PASSWORD, generated_name
from rabta.api.errors import status_for
from rabta.core.errors import DomainError
from rabta.core.models import Event

pytestmark = pytest.mark.django_db


def person(rng: random.Random, **extra) -> User:
    return User.objects.create_user(
        email=f"p{rng.randrange(10**9)}@gov.pk", password=PASSWORD, full_name=generated_name(rng), **extra
    )


def scope(world, role):
    spec = ROLE_DEFINITIONS[Role(role)]
    return {
        "office": world.office_a if spec.needs_office else None,
        "government": world.gov_punjab if spec.needs_government else None,
    }


@pytest.fixture
def actors(world):
    rng = random.Random(5)
    superuser = person(rng, is_superuser=True, is_staff=True)
    administrator = person(rng)
    administrator_grant(user=administrator, granted_by=superuser)
    officer = person(rng)
    role_grant(user=officer, role=Role.OFFICER, office=world.office_a)
    return {"superuser": superuser, "administrator": administrator, "officer": officer, "system": None, "rng": rng}


def test_the_roles_an_administrator_grants_read_no_complaints():
    assert ADMINISTRATOR_GRANTABLE_ROLES
    for role in ADMINISTRATOR_GRANTABLE_ROLES:
        spec = ROLE_DEFINITIONS[role]
        assert not spec.sees_complaint_contents and not spec.may_reveal_identity and role != Role.ADMINISTRATOR


@pytest.mark.parametrize("actor_kind", ["superuser", "administrator", "officer", "system"])
@pytest.mark.parametrize("role", Role.values)
def test_role_grant_checks_who_grants(world, actors, actor_kind, role):
    actor, grantee = actors[actor_kind], person(actors["rng"])
    allowed = {
        "system": True,
        "superuser": True,
        "administrator": role in ADMINISTRATOR_GRANTABLE_ROLES,
        "officer": False,
    }[actor_kind]
    if allowed:
        assignment = role_grant(user=grantee, role=role, granted_by=actor, **scope(world, role))
        assert assignment.granted_by == actor and assignment.active
        event = Event.objects.get(kind="accounts.role_granted", subject_id=str(grantee.pk))
        assert event.actor == actor and event.to_state == role
    else:
        with pytest.raises(DomainError) as caught:
            role_grant(user=grantee, role=role, granted_by=actor, **scope(world, role))
        assert status_for(caught.value) == 403
        assert not RoleAssignment.objects.filter(user=grantee).exists()


@pytest.mark.parametrize("actor_kind", ["superuser", "administrator"])
@pytest.mark.parametrize("role", Role.values)
def test_nobody_grants_a_role_to_themselves(world, actors, actor_kind, role):
    actor = actors[actor_kind]
    with pytest.raises(DomainError) as caught:
        role_grant(user=actor, role=role, granted_by=actor, **scope(world, role))
    assert caught.value.fields["user"][0]["code"] == "role_self_grant"


@pytest.mark.parametrize("role", sorted(STAFF_ROLES - {Role.ADMINISTRATOR}))
def test_an_administrator_manages_no_account_above_their_level(world, actors, role):
    """Granting even a harmless role to (or resetting) an account that reads complaints is refused."""
    holder = person(actors["rng"])
    role_grant(user=holder, role=role, **scope(world, role))
    expected = role in ADMINISTRATOR_GRANTABLE_ROLES
    assert account_manageable_by(actors["administrator"], User.objects.get(pk=holder.pk)) is expected
    assert account_manageable_by(actors["superuser"], holder)
    assert not account_manageable_by(actors["officer"], holder)
    assert not account_manageable_by(AnonymousUser(), holder)


def test_a_revoked_grant_granted_again_records_the_new_grantor(world, actors):
    analyst = person(actors["rng"])
    assignment = role_grant(user=analyst, role=Role.RISK_ANALYST, granted_by=actors["superuser"])
    role_revoke(assignment=assignment, revoked_by=actors["superuser"])
    again = role_grant(user=analyst, role=Role.RISK_ANALYST, granted_by=actors["administrator"])
    assert again.pk == assignment.pk and again.active and again.granted_by == actors["administrator"]


def test_revoking_the_administrator_role_takes_the_admin_away_but_not_other_staff_roles(world, actors):
    rng = actors["rng"]
    only_admin, admin_and_analyst = person(rng), person(rng)
    for user in (only_admin, admin_and_analyst):
        administrator_grant(user=user, granted_by=actors["superuser"])
    role_grant(user=admin_and_analyst, role=Role.RISK_ANALYST, granted_by=actors["superuser"])
    for user in (only_admin, admin_and_analyst):
        role_revoke(assignment=user.role_assignments.get(role=Role.ADMINISTRATOR), revoked_by=actors["superuser"])
        user.refresh_from_db()
        assert not user.groups.filter(name=ADMINISTRATOR_GROUP).exists()
    assert not only_admin.is_staff
    assert admin_and_analyst.is_staff  # still holds a staff role
    # A superuser keeps admin access whatever roles they lose.
    superuser = actors["superuser"]
    analyst = role_grant(user=superuser, role=Role.RISK_ANALYST)
    role_revoke(assignment=analyst)
    superuser.refresh_from_db()
    assert superuser.is_staff and superuser.is_superuser


def test_role_revoke_twice_records_one_event(world, actors):
    officer = actors["officer"]
    assignment = officer.role_assignments.get(role=Role.OFFICER)
    role_revoke(assignment=assignment, revoked_by=actors["superuser"])
    role_revoke(assignment=assignment, revoked_by=actors["superuser"])
    assert Event.objects.filter(kind="accounts.role_revoked", subject_id=str(officer.pk)).count() == 1


@pytest.mark.parametrize("seed", range(6))
def test_user_update_takes_only_the_fields_the_actor_may_change(world, actors, seed):
    rng = random.Random(1000 + seed)  # apart from the actors' generator
    target = person(rng)
    candidates = {
        "full_name": generated_name(rng),
        "preferred_language": rng.choice(["en", "ur"]),
        "is_active": rng.choice([True, False]),
        "email": f"x{rng.randrange(10**6)}@example.pk",
        "is_staff": True,
        "is_superuser": True,
    }
    role_grant(user=target, role=Role.RISK_ANALYST)  # admin access follows a staff role
    chosen = dict(rng.sample(sorted(candidates.items()), k=rng.randrange(1, len(candidates) + 1)))
    if set(chosen) <= USER_FIELDS_ADMINISTRATORS_EDIT:
        user_update(user=target, actor=actors["administrator"], changes=chosen)
        target.refresh_from_db()
        assert all(getattr(target, name) == value for name, value in chosen.items())
    else:
        with pytest.raises(DomainError) as caught:
            user_update(user=target, actor=actors["administrator"], changes=chosen)
        assert status_for(caught.value) == 403
        assert User.objects.get(pk=target.pk).full_name == target.full_name
    # A superuser may change all of them; the event names fields, never values.
    user_update(user=target, actor=actors["superuser"], changes=chosen)
    target.refresh_from_db()
    assert all(getattr(target, name) == value for name, value in chosen.items())
    for event in Event.objects.filter(kind="accounts.user_updated", subject_id=str(target.pk)):
        assert candidates["full_name"] not in str(event.data) and candidates["email"] not in str(event.data)


def test_a_superuser_changing_an_address_keeps_it_unique_and_unverified(world, actors):
    from django.utils import timezone

    rng = actors["rng"]
    target, other = person(rng), person(rng)
    claimant = person(rng)  # has typed an address without verifying it: that takes nothing
    User.objects.filter(pk__in=[target.pk, other.pk]).update(email_verified_at=timezone.now())
    target.refresh_from_db()
    with pytest.raises(DomainError) as caught:
        user_update(user=target, actor=actors["superuser"], changes={"email": other.email.upper()})
    assert caught.value.fields["email"][0]["code"] == "email_taken"
    user_update(user=target, actor=actors["superuser"], changes={"email": claimant.email.upper()})
    target.refresh_from_db()
    assert target.email == claimant.email.lower() and target.email_verified_at is None
    user_update(user=target, actor=actors["superuser"], changes={"email": " New.Address@Example.PK "})
    target.refresh_from_db()
    assert target.email == "new.address@example.pk" and target.email_verified_at is None


def test_admin_access_is_given_only_with_a_staff_role(world, actors):
    rng = actors["rng"]
    complainant = person(rng)
    role_grant(user=complainant, role=Role.COMPLAINANT)
    with pytest.raises(DomainError) as caught:
        user_update(user=complainant, actor=actors["superuser"], changes={"is_staff": True})
    assert caught.value.fields["is_staff"][0]["code"] == "admin_access_needs_role"
    assert not User.objects.get(pk=complainant.pk).is_staff
    role_grant(user=complainant, role=Role.EXAMINING_OFFICER, office=world.collectorate)
    user_update(user=User.objects.get(pk=complainant.pk), actor=actors["superuser"], changes={"is_staff": True})
    assert User.objects.get(pk=complainant.pk).is_staff
