"""Who may do what to an incident report. Asked by the services, never by the API or the pages.

* draft: an enforcement officer or supervisor, for a formation they work in (an officer: their own;
  a supervisor: theirs or one below it);
* edit and submit a draft: its reporter only;
* approve, or return with reasons: an enforcement supervisor of the formation's line (their office
  is the formation or above it), never the reporter (four eyes);
* amend an approved report (with reasons), and move its case on: its reporter or a supervisor of
  its line;
* read the trends: whoever reads approved incidents (risk analysts, customs managers, enforcement
  staff), each within their scope (``Incident.objects.visible_to``).

The 404 for a report outside the reader's scope is the fetch (``get_visible_or_404``), not these.
``actor=None`` is the system itself (a command, the demo), which the caller vouches for.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from rabta.accounts.roles import Role, user_roles
from rabta.accounts.types import Actor, is_signed_in
from rabta.core.errors import Forbidden
from rabta.enforcement.errors import EnforcementError
from rabta.enforcement.models import Incident

if TYPE_CHECKING:
    from rabta.directory.models import Office

REPORTERS = frozenset({Role.ENFORCEMENT_OFFICER, Role.ENFORCEMENT_SUPERVISOR})
TREND_READERS = frozenset(
    {Role.ENFORCEMENT_OFFICER, Role.ENFORCEMENT_SUPERVISOR, Role.CUSTOMS_MANAGER, Role.RISK_ANALYST}
)


class IncidentAction(StrEnum):
    EDIT = "edit"
    SUBMIT = "submit"
    APPROVE = "approve"
    RETURN = "return"
    AMEND = "amend"
    CASE = "case"


def not_allowed(message: str) -> Forbidden:
    return Forbidden(EnforcementError.NOT_ALLOWED, message)


def may_report(actor: Actor) -> bool:
    return actor is None or bool(user_roles(actor) & REPORTERS)


def may_read_trends(actor: Actor) -> bool:
    return actor is None or bool(user_roles(actor) & TREND_READERS)


def formation_reportable_by(actor: Actor, formation: Office) -> bool:
    """An enforcement officer reports for their own formation; a supervisor for theirs or one below."""
    if actor is None:
        return True
    if not is_signed_in(actor):
        return False
    for assignment in actor.role_assignments.filter(active=True, role__in=REPORTERS).select_related("office"):
        office = assignment.office
        if office is None:
            continue
        if assignment.role == Role.ENFORCEMENT_OFFICER and office.pk == formation.pk:
            return True
        if assignment.role == Role.ENFORCEMENT_SUPERVISOR and formation.path.startswith(office.path):
            return True
    return False


def supervises(actor: Actor, incident: Incident) -> bool:
    """An enforcement supervisor whose office is the incident's formation or above it."""
    if actor is None:
        return True
    if not is_signed_in(actor):
        return False
    path = incident.formation.path
    return any(
        assignment.office is not None and path.startswith(assignment.office.path)
        for assignment in actor.role_assignments.filter(
            active=True, role=Role.ENFORCEMENT_SUPERVISOR, office__isnull=False
        ).select_related("office")
    )


def is_reporter(actor: Actor, incident: Incident) -> bool:
    return actor is not None and getattr(actor, "pk", None) == incident.reported_by_id


def require_report(actor: Actor, formation: Office) -> None:
    if not may_report(actor):
        raise not_allowed(_("Incident reports are written by enforcement officers."))
    if not formation_reportable_by(actor, formation):
        raise Forbidden.for_field(
            "formation", EnforcementError.FORMATION_NOT_YOURS, _("You do not report for this formation.")
        )


def require_trends(actor: Actor) -> None:
    if not may_read_trends(actor):
        raise not_allowed(_("The incident trends are for enforcement, customs management and risk analysts."))


def require_incident(actor: Actor, incident: Incident, action: IncidentAction | str) -> None:
    action = IncidentAction(action)
    if action in (IncidentAction.EDIT, IncidentAction.SUBMIT):
        if not (actor is None or is_reporter(actor, incident)):
            raise not_allowed(_("Only the reporter edits and submits a draft."))
    elif action in (IncidentAction.APPROVE, IncidentAction.RETURN):
        if actor is not None and is_reporter(actor, incident):
            raise Forbidden(
                EnforcementError.APPROVER_IS_REPORTER,
                _("A report is reviewed by a supervisor other than its reporter."),
            )
        if not supervises(actor, incident):
            raise not_allowed(_("An enforcement supervisor of the formation's line reviews its reports."))
    elif not (is_reporter(actor, incident) or supervises(actor, incident)):  # AMEND, CASE
        raise not_allowed(_("The reporter or a supervisor of the formation's line amends a report."))


# Pages


def may_read_pages(actor: Actor) -> bool:
    """The enforcement pages (the list, a report, the trends) are for whoever reads incidents."""
    return is_signed_in(actor) and bool(user_roles(actor) & TREND_READERS)


def may_review(actor: Actor) -> bool:
    """The review queue is an enforcement supervisor's."""
    return is_signed_in(actor) and Role.ENFORCEMENT_SUPERVISOR in user_roles(actor)


def moves_open(actor: Actor, incident: Incident) -> set[IncidentAction]:
    """The moves a report's page offers this reader (the services decide again when one is made)."""
    if not is_signed_in(actor):
        return set()
    status = incident.review_status
    moves: set[IncidentAction] = set()
    if status == "draft" and is_reporter(actor, incident):
        moves |= {IncidentAction.EDIT, IncidentAction.SUBMIT}
    elif status == "submitted" and not is_reporter(actor, incident) and supervises(actor, incident):
        moves |= {IncidentAction.APPROVE, IncidentAction.RETURN}
    elif status == "approved" and (is_reporter(actor, incident) or supervises(actor, incident)):
        moves |= {IncidentAction.AMEND, IncidentAction.CASE}
    return moves


def may_see_incidents_of_declaration(actor: Actor) -> bool:
    """A declaration's page lists the approved incidents naming its parties to whoever reads both a
    declaration (its page already checked that) and approved incidents: customs managers, risk
    analysts and enforcement staff. Which incidents: those ``Incident.objects.visible_to`` them."""
    return is_signed_in(actor) and bool(
        user_roles(actor)
        & {Role.CUSTOMS_MANAGER, Role.RISK_ANALYST, Role.ENFORCEMENT_SUPERVISOR, Role.ENFORCEMENT_OFFICER}
    )


def may_draft_rule(actor: Actor) -> bool:
    """A risk rule is drafted from an incident by a risk analyst (risk's own services decide again)."""
    return is_signed_in(actor) and Role.RISK_ANALYST in user_roles(actor)
