"""Who may manage whose account, tested where it is decided (rabta.accounts.permissions): tables of
actor × action × whose account → allowed or refused, generated over every role of
rabta.accounts.roles, then that the account services ask the layer before they write.

A superuser manages every account; an active system administrator manages only accounts at or
below their own level (complainants, and staff whose every role is one an administrator may grant)
and grants only those roles; nobody grants a role to themselves; everyone may give up their own.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from conftest import make_user
from rabta.accounts import permissions, services
from rabta.accounts.models import RoleAssignment, User
from rabta.accounts.roles import ROLE_DEFINITIONS, Role
from rabta.api.errors import status_for
from rabta.core.errors import DomainError

# The roles an administrator may grant, written out: any change to roles.py that widens it fails here.
GRANTABLE = {
    Role.RISK_ANALYST,
    Role.EXAMINING_OFFICER,
    Role.TARIFF_OFFICER,
    Role.ENFORCEMENT_OFFICER,
    Role.ENFORCEMENT_SUPERVISOR,
    Role.AGENCY_OFFICER,
    Role.EXCHANGE_OFFICER,
}

ACTORS = ("system", "superuser", "administrator", "inactive_administrator", "staff_flag_only", "officer", "citizen")
TARGETS = ("self", "citizen", "grantable_staff", "staff_flag_only", "officer", "other_administrator", "superuser")

# Actor -> the accounts it may manage (by target); every other pair is refused.
MANAGES = {
    "system": set(TARGETS),
    "superuser": set(TARGETS),
    "administrator": {"self", "citizen", "grantable_staff", "staff_flag_only"},
    "inactive_administrator": set(),
    "staff_flag_only": set(),
    "officer": set(),
    "citizen": set(),
}


def account(name: str, world, *, second: bool = False) -> User:
    """An account of the kind ``name`` (``second``: another one of the same kind)."""
    email = f"{name}{'.2' if second else ''}@accounts.test"
    if name == "superuser":
        return User.objects.create_superuser(email, "correct-horse-battery-staple", full_name=name)
    if name in ("administrator", "inactive_administrator", "other_administrator"):
        user = make_user(email, name, (Role.ADMINISTRATOR, None, None))
        user.is_staff, user.is_active = True, name != "inactive_administrator"
        user.save(update_fields=["is_staff", "is_active"])
        return user
    if name == "staff_flag_only":
        user = make_user(email, name)
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        return user
    if name == "officer":
        return make_user(email, name, (Role.OFFICER, world.office_a, None))
    if name == "grantable_staff":
        return make_user(email, name, (Role.EXAMINING_OFFICER, world.collectorate, None))
    assert name == "citizen", name
    return make_user(email, name, (Role.COMPLAINANT, None, None))


def actor_and_target(actor_name: str, target_name: str, world):
    actor = None if actor_name == "system" else account(actor_name, world)
    if target_name == "self":
        return actor, actor if actor is not None else account("citizen", world)
    return actor, account(target_name, world, second=target_name == actor_name)


def test_the_roles_an_administrator_grants_are_those_that_read_no_complaint():
    assert permissions.ADMINISTRATOR_GRANTABLE_ROLES == GRANTABLE
    for role, spec in ROLE_DEFINITIONS.items():
        if role in GRANTABLE:
            assert spec.is_staff_role and not spec.sees_complaint_contents and not spec.may_reveal_identity


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("actor_name", ACTORS)
def test_who_may_grant_each_role(actor_name, role, world):
    actor = None if actor_name == "system" else account(actor_name, world)
    expected = actor_name in ("system", "superuser") or (actor_name == "administrator" and role in GRANTABLE)
    assert permissions.role_grantable_by(actor, role) is expected


def test_anonymous_visitors_grant_and_manage_nothing(world):
    anonymous = AnonymousUser()
    assert not any(permissions.role_grantable_by(anonymous, role) for role in Role)
    assert not permissions.account_manageable_by(anonymous, account("citizen", world))


@pytest.mark.parametrize("target_name", TARGETS)
@pytest.mark.parametrize("actor_name", ACTORS)
def test_whose_account_each_actor_manages(actor_name, target_name, world):
    actor, target = actor_and_target(actor_name, target_name, world)
    allowed = target_name in MANAGES[actor_name]
    assert permissions.account_manageable_by(actor, target) is allowed
    if allowed:
        permissions.require_account_manageable(actor, target)
    else:
        with pytest.raises(DomainError) as caught:
            permissions.require_account_manageable(actor, target)
        assert status_for(caught.value) == 403
        assert caught.value.fields["user"][0]["code"] == "account_not_manageable"


def code_of(error: DomainError) -> str:
    """The refusal's reason: these refusals name the field refused (``user``, ``role``, a field)."""
    ((_field, errors),) = error.fields.items()
    return errors[0]["code"]


def refusal(check) -> str | None:
    try:
        check()
    except DomainError as error:
        assert status_for(error) == 403
        return code_of(error)
    return None


def test_granting_and_revoking_a_role(world):
    superuser, administrator = account("superuser", world), account("administrator", world)
    citizen, officer = account("citizen", world), account("officer", world)
    grant, revoke = permissions.require_role_grant, permissions.require_role_revoke
    cases = [
        # (check, the refusal's code or None when allowed)
        (lambda: grant(None, citizen, Role.OVERSIGHT), None),
        (lambda: grant(superuser, citizen, Role.OVERSIGHT), None),
        (lambda: grant(superuser, superuser, Role.OFFICER), "role_self_grant"),
        (lambda: grant(administrator, administrator, Role.EXAMINING_OFFICER), "role_self_grant"),
        (lambda: grant(administrator, citizen, Role.EXAMINING_OFFICER), None),
        (lambda: grant(administrator, citizen, Role.OFFICER), "role_not_grantable"),
        (lambda: grant(administrator, officer, Role.EXAMINING_OFFICER), "account_not_manageable"),
        (lambda: grant(officer, citizen, Role.EXAMINING_OFFICER), "role_not_grantable"),
        (lambda: revoke(administrator, officer, Role.OFFICER), "role_not_grantable"),
        (lambda: revoke(administrator, officer, Role.EXAMINING_OFFICER), "account_not_manageable"),
        (lambda: revoke(administrator, citizen, Role.EXAMINING_OFFICER), None),
        (lambda: revoke(officer, officer, Role.OFFICER), None),  # giving up one's own role
        (lambda: revoke(citizen, officer, Role.OFFICER), "role_not_grantable"),
        (lambda: revoke(None, officer, Role.OFFICER), None),
    ]
    assert [refusal(check) for check, _expected in cases] == [expected for _check, expected in cases]


@pytest.mark.parametrize("actor_name", ["superuser", "administrator", "officer"])
def test_which_fields_of_an_account_each_actor_edits_by_hand(actor_name, world):
    actor = account(actor_name, world)
    editable = permissions.user_fields_editable_by(actor)
    if actor_name == "superuser":
        assert editable == {"full_name", "preferred_language", "is_active", "email", "is_staff", "is_superuser"}
    else:
        assert editable == {"full_name", "preferred_language", "is_active"}
    permissions.require_fields_editable(actor, ["full_name", "is_active"])
    refused = refusal(lambda: permissions.require_fields_editable(actor, ["is_superuser", "email", "full_name"]))
    assert refused == (None if actor_name == "superuser" else "field_not_editable")


def test_a_refused_field_is_named_first_in_order(world):
    with pytest.raises(DomainError) as caught:
        permissions.require_fields_editable(account("administrator", world), ["is_superuser", "email"])
    assert list(caught.value.fields) == ["email"]


# Staff sessions and the admin's door.

SESSIONS = {
    # account -> (a staff session: second factor and idle time-out, enters the admin before the second factor)
    "citizen": (False, False),
    "officer": (True, False),  # a staff role, but no admin access
    "staff_flag_only": (True, False),  # admin access by flag, but no role to justify it
    "administrator": (True, True),
    "inactive_administrator": (True, False),
    "superuser": (True, True),
}


@pytest.mark.parametrize("name", list(SESSIONS))
def test_who_holds_a_staff_session_and_who_enters_the_admin(name, world):
    user = account(name, world)
    assert (permissions.is_staff_account(user), permissions.may_enter_admin(user)) == SESSIONS[name]


@pytest.mark.parametrize("role", list(Role))
def test_every_staff_role_makes_a_staff_session(role, world):
    spec = ROLE_DEFINITIONS[role]
    office = world.office_a if spec.needs_office else None
    government = world.gov_punjab if spec.needs_government else None
    user = make_user(f"{role}@roles.test", str(role), (role, office, government))
    assert permissions.is_staff_account(user) is spec.is_staff_role


# The services ask the layer: a refused call writes nothing.


def test_the_role_services_ask_the_layer_and_write_nothing_when_refused(world):
    administrator, citizen, officer = (
        account("administrator", world),
        account("citizen", world),
        account("officer", world),
    )
    with pytest.raises(DomainError) as caught:
        services.role_grant(user=citizen, role=Role.OVERSIGHT, government=world.gov_punjab, granted_by=administrator)
    assert code_of(caught.value) == "role_not_grantable"
    assert not citizen.role_assignments.filter(role=Role.OVERSIGHT).exists()
    assignment = RoleAssignment.objects.get(user=officer, role=Role.OFFICER)
    with pytest.raises(DomainError) as caught:
        services.role_revoke(assignment=assignment, revoked_by=administrator)
    assert code_of(caught.value) == "role_not_grantable"
    assignment.refresh_from_db()
    assert assignment.active


def test_user_update_asks_the_layer_and_writes_nothing_when_refused(world):
    administrator, officer = account("administrator", world), account("officer", world)
    with pytest.raises(DomainError) as caught:
        services.user_update(user=officer, actor=administrator, changes={"full_name": "Renamed"})
    assert code_of(caught.value) == "account_not_manageable"
    citizen = account("citizen", world)
    with pytest.raises(DomainError) as caught:
        services.user_update(user=citizen, actor=administrator, changes={"email": "taken.over@example.pk"})
    assert code_of(caught.value) == "field_not_editable"
    officer.refresh_from_db()
    citizen.refresh_from_db()
    assert (officer.full_name, citizen.email) == ("officer", "citizen@accounts.test")
