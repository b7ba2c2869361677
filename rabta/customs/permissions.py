"""Who may act on a declaration they can see. Asked by the services, never by the API.

The 404 for a declaration outside the actor's scope comes first, from the fetch
(``get_visible_or_404``); these rules answer 403 ``not_allowed`` to an actor who sees the
declaration but whose move this is not (a trader recording an examination, say). ``None`` is the
system itself (the risk engine, an import, a payment gateway) and may make every move.
"""

from __future__ import annotations

from enum import StrEnum
from typing import cast

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from rabta.accounts.models import RoleAssignment
from rabta.accounts.roles import Role, user_roles
from rabta.accounts.types import Actor
from rabta.core.errors import Forbidden
from rabta.customs.errors import CustomsError
from rabta.customs.models import Declaration
from rabta.directory.choices import OfficeLevel
from rabta.directory.models import Office


class Action(StrEnum):
    ASSIGN_LANE = "assign_lane"
    CHECK_DOCUMENTS = "check_documents"
    EXAMINE = "examine"
    ASSESS = "assess"
    RECORD_PAYMENT = "record_payment"
    RELEASE = "release"


# Action -> the roles that make the move, at an office whose scope holds the declaration.
RULES: dict[Action, frozenset[Role]] = {
    Action.ASSIGN_LANE: frozenset({Role.CUSTOMS_MANAGER}),
    Action.CHECK_DOCUMENTS: frozenset({Role.EXAMINING_OFFICER, Role.CUSTOMS_MANAGER}),
    Action.EXAMINE: frozenset({Role.EXAMINING_OFFICER}),
    Action.ASSESS: frozenset({Role.EXAMINING_OFFICER, Role.CUSTOMS_MANAGER}),
    Action.RECORD_PAYMENT: frozenset({Role.CUSTOMS_MANAGER}),
    Action.RELEASE: frozenset({Role.EXAMINING_OFFICER, Role.CUSTOMS_MANAGER}),
}


def _holds_in_scope(actor: Actor, declaration: Declaration, roles: frozenset[Role]) -> bool:
    """Whether ``actor`` holds one of ``roles`` at an office covering the declaration: a customs
    manager at the collectorate or any office above it, an examining officer at the collectorate or
    the station itself."""
    assert actor is not None
    collectorate = declaration.collectorate
    above = [int(part) for part in collectorate.path.strip("/").split("/") if part]
    here = Q(role=Role.CUSTOMS_MANAGER, office_id__in=above or [collectorate.pk]) | Q(
        role=Role.EXAMINING_OFFICER, office_id__in=[collectorate.pk, declaration.station_id]
    )
    return RoleAssignment.objects.filter(here, user_id=cast(int, actor.pk), active=True, role__in=roles).exists()


def require(actor: Actor, declaration: Declaration, action: Action) -> None:
    if actor is None:
        return
    if actor.is_authenticated and _holds_in_scope(actor, declaration, RULES[action]):
        return
    raise Forbidden(CustomsError.NOT_ALLOWED, _("This step of the clearance is not yours to record."))


# Who has customs staff pages: those who work declarations of offices (oversight reads them too).
PAGE_ROLES = frozenset({Role.CUSTOMS_MANAGER, Role.EXAMINING_OFFICER, Role.RISK_ANALYST, Role.OVERSIGHT})

# The stage each move leads to, for the pages' "what may this officer do now".
TARGET: dict[Action, str] = {
    Action.ASSIGN_LANE: "lane_assigned",
    Action.CHECK_DOCUMENTS: "documents_checked",
    Action.EXAMINE: "examined",
    Action.ASSESS: "assessed",
    Action.RECORD_PAYMENT: "duty_paid",
    Action.RELEASE: "released",
}


# Who may have the live clearance dashboard (rabta.customs.dashboard): managers their collectorates
# and the offices below, oversight their government's, risk analysts every collectorate.
DASHBOARD_ROLES = frozenset({Role.CUSTOMS_MANAGER, Role.RISK_ANALYST, Role.OVERSIGHT})


def dashboard_reach(user: Actor) -> QuerySet[Office] | None:
    """The collectorates whose clearance figures ``user`` may read, or None: no dashboard for them."""
    if user is None or not user.is_authenticated:
        return None
    base = Office.objects.filter(level=OfficeLevel.COLLECTORATE)
    scope = Q(pk__in=[])
    found = False
    for assignment in user.role_assignments.filter(active=True).select_related("office"):
        if assignment.role == Role.RISK_ANALYST:
            return base
        if assignment.role == Role.CUSTOMS_MANAGER and assignment.office:
            scope |= Q(path__startswith=assignment.office.path)
            found = True
        elif assignment.role == Role.OVERSIGHT and assignment.government_id:
            scope |= Q(department__government_id=assignment.government_id)
            found = True
    if not found:
        return None
    reach = base.filter(scope)
    # An oversight unit of a government without customs offices has no dashboard either.
    return reach if reach.exists() else None


def may_see_dashboard(user: Actor) -> bool:
    """Whether the dashboard exists for ``user`` (the navigation shows its link only then)."""
    return dashboard_reach(user) is not None


def may_read_pages(user: Actor) -> bool:
    """The customs staff pages exist for customs staff and oversight; for anyone else they do not (404)."""
    return bool(user_roles(user) & PAGE_ROLES)


def moves_open(actor: Actor, declaration: Declaration) -> list[Action]:
    """The moves ``actor`` may make on ``declaration`` now: theirs to make (:data:`RULES`, at an
    office covering it) and allowed from its stage. The pages offer these; the services still decide
    (a lane that needs its check before assessment is refused there, with its reason)."""
    from rabta.customs.transitions import allowed

    if actor is None or not actor.is_authenticated:
        return []
    held = {
        Role(role)
        for role in RoleAssignment.objects.filter(user_id=cast(int, actor.pk), active=True).values_list(
            "role", flat=True
        )
    } & {Role.CUSTOMS_MANAGER, Role.EXAMINING_OFFICER}
    if not held:
        return []
    return [
        action
        for action in Action
        if RULES[action] & held
        and allowed(declaration.status, TARGET[action])
        and _holds_in_scope(actor, declaration, RULES[action])
    ]


# Who uploads declarations files for bulk import (rabta.customs.services.import_jobs): customs
# management, who answer for what their collectorates file. Each sees only their own uploads.
IMPORT_ROLES = frozenset({Role.CUSTOMS_MANAGER})


def may_import(user: Actor) -> bool:
    """Whether ``user`` may upload a declarations file; for anyone else the import pages do not exist (404)."""
    return bool(user_roles(user) & IMPORT_ROLES)
