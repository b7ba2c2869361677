"""Who may rate a complainant's responsibility, and who oversees standings and officer audits:
written once, asked by the accountability services and selectors (the API only fetches within
scope and calls them).

As everywhere in Rabta: what is outside the reader's scope is not found (404, from the fetch or
from :func:`require_standing` / :func:`require_audit`); what the reader sees but may not do is
refused with ``not_allowed`` (403). ``actor=None`` is the system itself, which its caller vouches for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.utils.translation import gettext as _

from rabta.accountability.errors import AccountabilityError
from rabta.accountability.models import AccountabilityAction, ComplainantStanding, OfficerAudit, oversight_governments
from rabta.accounts.roles import Role, user_roles
from rabta.accounts.types import Actor
from rabta.complaints.models import Complaint
from rabta.complaints.permissions import WORK_ROLES, complaint_visible, is_complainant
from rabta.core.errors import Forbidden, NotFound

if TYPE_CHECKING:
    from rabta.accounts.models import User
    from rabta.directory.models import Office


def account(actor: Actor) -> User | None:
    """The signed-in account behind ``actor``, for the records that name who acted; None for the
    system or an anonymous visitor."""
    return cast("User", actor) if actor is not None and actor.is_authenticated else None


def not_allowed(message: str) -> Forbidden:
    return Forbidden(AccountabilityError.NOT_ALLOWED, message)


def _rates(user: Actor, complaint: Complaint) -> bool:
    # The handling office (officers, supervisors) judges a complaint; a complainant who also works
    # in an office does not judge their own.
    return not is_complainant(user, complaint) and bool(user_roles(user) & WORK_ROLES)


def may_rate(user: Actor, complaint: Complaint) -> bool:
    """May ``user`` rate the complainant of ``complaint`` (within their scope)?"""
    if user is None:
        return True
    return _rates(user, complaint) and complaint_visible(user, complaint)


def require_rate(actor: Actor, complaint: Complaint) -> None:
    """Raise a 403 unless rating ``complaint`` is ``actor``'s. The complaint was fetched within the
    actor's scope (404 outside it)."""
    if actor is not None and not _rates(actor, complaint):
        raise not_allowed(_("Only the handling office may do this."))


def may_oversee(user: Actor) -> bool:
    """Complainants' standings and the audits of officers are oversight's alone."""
    return Role.OVERSIGHT in user_roles(user)


def require_oversight(user: Actor) -> None:
    if not may_oversee(user):
        raise not_allowed(_("Only oversight may do this."))


def require_standing(actor: Actor, standing: ComplainantStanding) -> None:
    """Deciding a standing's appeal: oversight whose scope holds one of the complainant's
    complaints. Anyone else does not see the standing at all (404)."""
    if actor is not None and not ComplainantStanding.objects.visible_to(actor).filter(pk=standing.pk).exists():
        raise NotFound()


def require_audit(actor: Actor, audit: OfficerAudit) -> None:
    """Closing an officer's audit: oversight whose scope holds its complaint; anyone else, 404."""
    if actor is not None and not OfficerAudit.objects.visible_to(actor).filter(pk=audit.pk).exists():
        raise NotFound()


# Accountability actions (issue 11): oversight with the office in its government records them and
# moves them on; the officer named reads those on themself and does nothing else with them.


def may_record_action(user: Actor, office: Office) -> bool:
    """May ``user`` record an action on ``office`` (or an officer of it)? Oversight of its government only."""
    return user is not None and office.department.government_id in oversight_governments(user)


def require_record_action(actor: Actor, office: Office) -> None:
    """Recording on an office outside the actor's oversight reads as an unknown office (the fetch of
    the office for the form already answers 404 outside scope); a role without oversight, 403."""
    if actor is None:
        return
    if not may_oversee(actor):
        raise not_allowed(_("Only oversight may record an accountability action."))
    if not may_record_action(actor, office):
        raise NotFound(_("No such office."))


def may_move_action(user: Actor, action: AccountabilityAction) -> bool:
    """Replies, conclusions and withdrawals are oversight's (of the action's government); the officer
    named sees the action but records nothing on it (their reply reaches oversight off the platform
    or through the office, and oversight records it)."""
    return user is None or may_record_action(user, action.office)


def require_move_action(actor: Actor, action: AccountabilityAction) -> None:
    """404 for whoever does not see the action; 403 for the officer named, who sees it."""
    if actor is None:
        return
    if not AccountabilityAction.objects.visible_to(actor).filter(pk=action.pk).exists():
        raise NotFound()
    if not may_move_action(actor, action):
        raise not_allowed(_("Only oversight may move an accountability action on."))
