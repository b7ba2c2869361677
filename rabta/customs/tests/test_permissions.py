"""Who may make which move of the clearance, tested where it is decided (rabta.customs.permissions):
one table of persona × action × where the declaration sits → allowed or refused, generated over
every role of rabta.accounts.roles and every place a role can be held, then that the services ask
the layer before they change anything.

The moves are for customs staff of an office covering the declaration: a customs manager at its
collectorate or any office above it, an examining officer at its collectorate or its station. The
404 for a declaration outside the reader's scope is the fetch's (test_api.py), not this layer's.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser

from conftest import make_user
from rabta.accounts.roles import ROLE_DEFINITIONS, Role
from rabta.api.errors import status_for
from rabta.core.errors import DomainError
from rabta.customs import permissions
from rabta.customs.choices import Outcome, Status
from rabta.customs.models import Declaration
from rabta.customs.permissions import Action
from rabta.customs.services.clearance import (
    declaration_assess,
    declaration_check_documents,
    declaration_examine,
    declaration_record_payment,
    declaration_release,
)
from rabta.customs.services.declarations import lane_assign

OFFICE_PLACES = ("collectorate", "above", "station", "other collectorate", "other department")
GOVERNMENT_PLACES = ("federal", "punjab")


def places(role: Role) -> tuple[str, ...]:
    spec = ROLE_DEFINITIONS[role]
    return OFFICE_PLACES if spec.needs_office else GOVERNMENT_PLACES if spec.needs_government else ("none",)


CASES = [(str(role), place) for role in Role for place in places(role)]

MANAGERS = {("customs_manager", "collectorate"), ("customs_manager", "above")}
EXAMINERS = {("examining_officer", "collectorate"), ("examining_officer", "station")}

# Action -> the (role, place) that make the move; everyone else is refused with 403 not_allowed.
TABLE = {
    Action.ASSIGN_LANE: MANAGERS,
    Action.CHECK_DOCUMENTS: MANAGERS | EXAMINERS,
    Action.EXAMINE: EXAMINERS,
    Action.ASSESS: MANAGERS | EXAMINERS,
    Action.RECORD_PAYMENT: MANAGERS,
    Action.RELEASE: MANAGERS | EXAMINERS,
}


@pytest.fixture
def declaration(filed, station):
    Declaration.objects.filter(pk=filed.pk).update(station=station)
    return Declaration.objects.select_related("collectorate").get(pk=filed.pk)


def holder(role: str, place: str, world, station, other_collectorate):
    office = {
        "collectorate": world.collectorate,
        "above": world.customs_hq,
        "station": station,
        "other collectorate": other_collectorate,
        "other department": world.office_a,
    }.get(place)
    government = {"federal": world.federal, "punjab": world.gov_punjab}.get(place)
    return make_user(f"{role}.{place.replace(' ', '-')}@gov.pk", role, (Role(role), office, government))


def answers(user, declaration) -> dict[Action, bool]:
    """Each action's answer for ``user``, as a service asks it; a refusal is always 403 not_allowed."""
    result = {}
    for action in Action:
        try:
            permissions.require(user, declaration, action)
        except DomainError as error:
            assert (error.code, status_for(error)) == ("not_allowed", 403)
            result[action] = False
        else:
            result[action] = True
    return result


def test_the_table_names_every_action_and_every_role_is_tried():
    assert set(TABLE) == set(Action)
    assert {role for role, _place in CASES} == {str(role) for role in Role}


@pytest.mark.parametrize(("role", "place"), CASES)
def test_who_may_make_each_move_of_the_clearance(role, place, declaration, world, station, other_collectorate):
    user = holder(role, place, world, station, other_collectorate)
    expected = {action: (role, place) in TABLE[action] for action in Action}
    assert answers(user, declaration) == expected


def test_the_importer_anonymous_visitors_and_revoked_staff_make_no_move(
    declaration, trader, other_trader, examiner, customs_manager
):
    examiner.role_assignments.update(active=False)
    customs_manager.role_assignments.update(active=False)
    for user in (trader, other_trader, AnonymousUser(), make_user("norole@example.pk", "No role")):
        assert not any(answers(user, declaration).values())
    for user in (examiner, customs_manager):
        fresh = type(user).objects.get(pk=user.pk)
        assert not any(answers(fresh, declaration).values())


def test_the_system_makes_every_move(declaration):
    for action in Action:
        permissions.require(None, declaration, action)


def test_a_declaration_without_a_station_is_the_collectorates_alone(filed, world, station, other_collectorate):
    at_station = holder("examining_officer", "station", world, station, other_collectorate)
    assert not any(answers(at_station, Declaration.objects.select_related("collectorate").get(pk=filed.pk)).values())


# The services ask the layer: called directly (as the API, a command or the admin would), each refuses
# a caller whose move it is not, and the declaration stays where it was.

MOVES = [
    lambda d, a: lane_assign(declaration=d, actor=a, lane="red"),
    lambda d, a: declaration_check_documents(declaration=d, actor=a),
    lambda d, a: declaration_examine(declaration=d, actor=a, outcome=Outcome.NO_DISCREPANCY),
    lambda d, a: declaration_assess(declaration=d, actor=a),
    lambda d, a: declaration_record_payment(declaration=d, actor=a, amount=Decimal("925000.00")),
    lambda d, a: declaration_release(declaration=d, actor=a),
]


@pytest.mark.parametrize("move", range(len(MOVES)))
def test_each_clearance_service_refuses_the_importer_and_other_offices(move, declaration, trader, other_manager):
    for user in (trader, other_manager):
        with pytest.raises(DomainError) as caught:
            MOVES[move](declaration, user)
        assert (caught.value.code, status_for(caught.value)) == ("not_allowed", 403)
    declaration.refresh_from_db()
    assert declaration.status == Status.LANE_ASSIGNED


def test_the_dashboard_is_for_managers_analysts_and_oversight_with_customs_offices(world, examiner, trader):
    from rabta.customs.permissions import dashboard_reach, may_see_dashboard

    manager = make_user("cm.dash@customs.gov.pk", "Manager", (Role.CUSTOMS_MANAGER, world.collectorate, None))
    federal = make_user("ov.fed@gov.pk", "Federal oversight", (Role.OVERSIGHT, None, world.federal))
    punjab = make_user("ov.pb@gov.pk", "Punjab oversight", (Role.OVERSIGHT, None, world.gov_punjab))
    assert may_see_dashboard(manager) and list(dashboard_reach(manager)) == [world.collectorate]
    assert may_see_dashboard(federal)
    # A government without customs offices, an examining officer, a trader: no dashboard.
    assert not may_see_dashboard(punjab)
    assert not may_see_dashboard(examiner) and not may_see_dashboard(trader)
    assert dashboard_reach(None) is None


def test_only_customs_management_may_upload_declarations_files(customs_manager, examiner, trader):
    from rabta.customs.permissions import may_import

    assert may_import(customs_manager)
    assert not may_import(examiner) and not may_import(trader) and not may_import(None)
