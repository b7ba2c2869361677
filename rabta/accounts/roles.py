"""Every role in Rabta, declared once. Pages, API, admin and tests read this table.

``scope`` says what a role assignment is attached to:
* ``own``: the user's own items (complainants);
* ``office``: one office (``RoleAssignment.office``), and for ``office_tree`` every office below it;
* ``government``: a government (``RoleAssignment.government``): national or provincial oversight;
* ``collectorates``: customs offices (collectorates) under the assignment's office;
* ``global``: configuration only, no complaint contents;
* ``agency``: one border agency (plant protection, drug regulation...): the agency is named by the
  risk domain's membership row (``rabta.risk.models_agency.AgencyMember``), not by the assignment.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rabta.accounts.types import Actor, is_signed_in


class Role(models.TextChoices):
    COMPLAINANT = "complainant", _("Complainant")
    OFFICER = "officer", _("Officer")
    SUPERVISOR = "supervisor", _("Supervisor / head of office")
    OVERSIGHT = "oversight", _("Oversight unit")
    CUSTOMS_MANAGER = "customs_manager", _("Customs management")
    RISK_ANALYST = "risk_analyst", _("Risk analyst")
    EXAMINING_OFFICER = "examining_officer", _("Examining officer")
    TARIFF_OFFICER = "tariff_officer", _("Customs tariff policy (HQ)")
    ENFORCEMENT_OFFICER = "enforcement_officer", _("Enforcement officer")
    ENFORCEMENT_SUPERVISOR = "enforcement_supervisor", _("Enforcement supervisor")
    AGENCY_OFFICER = "agency_officer", _("Border agency officer")
    ADMINISTRATOR = "administrator", _("System administrator")
    EXCHANGE_OFFICER = "exchange_officer", _("Customs data exchange officer")


class Scope(models.TextChoices):
    OWN = "own"
    OFFICE = "office"
    OFFICE_TREE = "office_tree"
    GOVERNMENT = "government"
    COLLECTORATES = "collectorates"
    GLOBAL = "global"
    AGENCY = "agency"


@dataclass(frozen=True)
class RoleDefinition:
    role: Role
    scope: Scope
    is_staff_role: bool  # government staff: second factor (TOTP) required
    needs_office: bool
    needs_government: bool
    may_reveal_identity: bool  # may reveal a hidden complainant's identity (audited)
    sees_complaint_contents: bool
    description: str


ROLE_DEFINITIONS: dict[Role, RoleDefinition] = {
    definition.role: definition
    for definition in [
        RoleDefinition(
            Role.COMPLAINANT,
            Scope.OWN,
            False,
            False,
            False,
            False,
            True,
            "Lodges, follows, messages, gives feedback, reopens and appeals: only their own items.",
        ),
        RoleDefinition(
            Role.OFFICER,
            Scope.OFFICE,
            True,
            True,
            False,
            False,
            True,
            "Works the inbox of their own office; never sees a hidden complainant's identity.",
        ),
        RoleDefinition(
            Role.SUPERVISOR,
            Scope.OFFICE_TREE,
            True,
            True,
            False,
            False,
            True,
            "Their office and every office below it; escalations land here.",
        ),
        RoleDefinition(
            Role.OVERSIGHT,
            Scope.GOVERNMENT,
            True,
            False,
            True,
            True,
            True,
            "Every item in their government's scope; may reveal a hidden identity, always audited.",
        ),
        RoleDefinition(
            Role.CUSTOMS_MANAGER,
            Scope.COLLECTORATES,
            True,
            True,
            False,
            False,
            True,
            "Customs dashboards and the complaints of their collectorates.",
        ),
        RoleDefinition(
            Role.RISK_ANALYST,
            Scope.GLOBAL,
            True,
            False,
            False,
            False,
            False,
            "Risk rules, models, inspection results and selection statistics.",
        ),
        RoleDefinition(
            Role.EXAMINING_OFFICER,
            Scope.OFFICE,
            True,
            True,
            False,
            False,
            False,
            "The declarations assigned for examination; records the result.",
        ),
        RoleDefinition(
            Role.TARIFF_OFFICER,
            Scope.GLOBAL,
            True,
            False,
            False,
            False,
            False,
            "Customs policy at headquarters: proposes tariff changes and approves other officers' proposals.",
        ),
        RoleDefinition(
            Role.ENFORCEMENT_OFFICER,
            Scope.OFFICE,
            True,
            True,
            False,
            False,
            False,
            "Reports the incidents of their formation (seizures, smuggling, misdeclarations) and reads its reports.",
        ),
        RoleDefinition(
            Role.ENFORCEMENT_SUPERVISOR,
            Scope.OFFICE_TREE,
            True,
            True,
            False,
            False,
            False,
            "Reviews and approves the incident reports of their formation and those below it; never their own.",
        ),
        RoleDefinition(
            Role.AGENCY_OFFICER,
            Scope.AGENCY,
            True,
            False,
            False,
            False,
            False,
            "An agency at the border (PPD, DRAP...): its own rules and selections on the codes it regulates.",
        ),
        RoleDefinition(
            Role.ADMINISTRATOR,
            Scope.GLOBAL,
            True,
            False,
            False,
            False,
            False,
            "Configuration; no access to complaint contents by default.",
        ),
        RoleDefinition(
            Role.EXCHANGE_OFFICER,
            Scope.GLOBAL,
            True,
            False,
            False,
            False,
            False,
            "National: bilateral exchange agreements with partner administrations and banks, exports, imports, mirror checks.",
        ),
    ]
}

assert set(ROLE_DEFINITIONS) == set(Role), "every Role needs a RoleDefinition"

STAFF_ROLES = frozenset(role for role, definition in ROLE_DEFINITIONS.items() if definition.is_staff_role)


def definition(role: str) -> RoleDefinition:
    return ROLE_DEFINITIONS[Role(role)]


def office_scope(user: Any, office: str, scope: Q) -> Q:
    """``scope`` widened by the user's staff roles, over an item's ``office`` relation (a foreign key
    to directory.Office): officers see their office's items; supervisors and customs managers their
    office and every office below it (by path); oversight every office of their government. The one
    place these rules live: complaints and decision reviews both read them. ``office=""`` gives the
    same rules over directory.Office itself (the offices the user sees, for the scorecards)."""
    prefix, pk = (f"{office}__", f"{office}_id") if office else ("", "id")
    for assignment in user.role_assignments.filter(active=True).select_related("office"):
        if assignment.role == Role.OFFICER and assignment.office_id:
            scope |= Q(**{pk: assignment.office_id})
        elif assignment.role in (Role.SUPERVISOR, Role.CUSTOMS_MANAGER) and assignment.office:
            scope |= Q(**{f"{prefix}path__startswith": assignment.office.path})
        elif assignment.role == Role.OVERSIGHT and assignment.government_id:
            scope |= Q(**{f"{prefix}department__government_id": assignment.government_id})
    return scope


def user_roles(user: Actor) -> set[str]:
    """The role names a user holds (cached on the user object for the request)."""
    if not is_signed_in(user):
        return set()
    cached = getattr(user, "_rabta_roles", None)
    if cached is None:
        cached = set(user.role_assignments.filter(active=True).values_list("role", flat=True))
        user._rabta_roles = cached
    return set(cached)
