"""Who may do what to which complaint: written once, called by
the complaints services and selectors (the API and pages only fetch the item with
``get_visible_or_404`` and call a service).

Two answers, as everywhere in Rabta: an item outside the reader's scope (``visible_to``) is not
found (404), so its existence does not leak; an item the reader sees but may not act on is refused
with ``not_allowed`` (403). The 404 is the fetch's (``get_visible_or_404``, before any service
runs), so a service is handed an item its caller may see and does not read the scope again; the
403 is :func:`require`'s, which every service calls. :func:`complaint_may` answers both at once.
``actor=None`` is the system itself (sweeps, commands, the demo), which the caller vouches for, as
in ``rabta.accounts.permissions``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext as _

from rabta.accounts.roles import Role, definition, user_roles
from rabta.accounts.types import Actor, is_signed_in
from rabta.complaints.errors import ComplaintsError
from rabta.complaints.models import Appeal, Complaint
from rabta.core.errors import DomainError, Forbidden

# The roles that work a complaint in its office: acknowledge, resolve, reject (and rate: rabta.accountability)...
WORK_ROLES = frozenset({Role.OFFICER, Role.SUPERVISOR})
# Those who may also write to the complainant, keep notes and transfer: oversight steers a case too.
OFFICE_ROLES = WORK_ROLES | {Role.OVERSIGHT}


class Action(StrEnum):
    """What one may do to a complaint."""

    # Acknowledge, start, interim reply, ask for information, go on, priority, resolve, reject, duplicates.
    WORK = "work"
    WRITE_TO_COMPLAINANT = "write_to_complainant"
    NOTE = "note"
    TRANSFER = "transfer"
    WRITE_TO_OFFICE = "write_to_office"
    GIVE_FEEDBACK = "give_feedback"
    REOPEN = "reopen"
    APPEAL = "appeal"
    DECIDE_APPEAL = "decide_appeal"
    REVEAL_IDENTITY = "reveal_identity"


def is_owner(reader_id: int | None, complaint: Complaint) -> bool:
    """Is the account ``reader_id`` the complainant of ``complaint``? A fully anonymous complaint
    belongs to no account. The one answer to "is this reader the owner"."""
    return complaint.complainant_id is not None and complaint.complainant_id == reader_id


def is_complainant(user: Actor, complaint: Complaint) -> bool:
    """The complainant of their own complaint (a fully anonymous complaint has none)."""
    return is_owner(user.pk if is_signed_in(user) else None, complaint)


def _office(roles: frozenset[str]) -> Callable[[Any, Complaint, Appeal | None], bool]:
    # Staff acting on someone else's complaint: a complainant who also works in an office does not
    # handle their own case.
    def rule(user: Actor, complaint: Complaint, appeal: Appeal | None) -> bool:
        return not is_complainant(user, complaint) and bool(user_roles(user) & roles)

    return rule


def _complainant(user: Actor, complaint: Complaint, appeal: Appeal | None) -> bool:
    return is_complainant(user, complaint)


def appeal_decidable_by(user: Actor, appeal: Appeal) -> bool:
    """An appeal is decided in the office it was assigned to (senior to the resolver's) or above it,
    by its officers or supervisors, or by oversight; never by the officer who resolved the complaint
    (:func:`appeal_resolver`)."""
    if Role.OVERSIGHT in user_roles(user):
        return True
    if not is_signed_in(user):
        return False
    return bool(
        user.role_assignments.filter(
            active=True, role__in=list(WORK_ROLES), office_id__in=appeal.assigned_office.line_ids()
        ).exists()
    )


def appeal_resolver(user: Actor, complaint: Complaint) -> bool:
    """The officer who resolved the complaint: they never decide its appeal, whatever their post."""
    return complaint.resolved_by_id is not None and complaint.resolved_by_id == getattr(user, "pk", None)


def _decide_appeal(user: Actor, complaint: Complaint, appeal: Appeal | None) -> bool:
    return appeal is not None and not appeal_resolver(user, complaint) and appeal_decidable_by(user, appeal)


def _reveal(user: Actor, complaint: Complaint, appeal: Appeal | None) -> bool:
    return any(definition(role).may_reveal_identity for role in user_roles(user) if role in Role.values)


@dataclass(frozen=True)
class Rule:
    allows: Callable[[Any, Complaint, Appeal | None], bool]
    refusal: Callable[[], str]  # the 403's message, translated when it is raised


RULES: dict[Action, Rule] = {
    Action.WORK: Rule(_office(WORK_ROLES), lambda: _("Only the handling office may do this.")),
    Action.WRITE_TO_COMPLAINANT: Rule(_office(OFFICE_ROLES), lambda: _("Only the handling office may do this.")),
    Action.NOTE: Rule(_office(OFFICE_ROLES), lambda: _("Only the handling office may do this.")),
    Action.TRANSFER: Rule(_office(OFFICE_ROLES), lambda: _("Only the handling office may do this.")),
    Action.WRITE_TO_OFFICE: Rule(_complainant, lambda: _("Only the complainant can do this.")),
    Action.GIVE_FEEDBACK: Rule(_complainant, lambda: _("Only the complainant can do this.")),
    Action.REOPEN: Rule(_complainant, lambda: _("Only the complainant can do this.")),
    Action.APPEAL: Rule(_complainant, lambda: _("Only the complainant can do this.")),
    Action.DECIDE_APPEAL: Rule(_decide_appeal, lambda: _("This appeal is decided by a senior office.")),
    Action.REVEAL_IDENTITY: Rule(_reveal, lambda: _("Only oversight may reveal a complainant's identity.")),
}
assert set(RULES) == set(Action), "every complaint action needs its rule"


def not_allowed(message: str) -> DomainError:
    return Forbidden(ComplaintsError.NOT_ALLOWED, message)


def complaint_visible(user: Actor, complaint: Complaint) -> bool:
    return Complaint.objects.visible_to(user).filter(pk=complaint.pk).exists()


def complaint_may(user: Actor, complaint: Complaint, action: Action | str, *, appeal: Appeal | None = None) -> bool:
    """May ``user`` do ``action`` to ``complaint`` (within their scope)? ``appeal`` is the appeal
    being decided, for :attr:`Action.DECIDE_APPEAL`."""
    if user is None:
        return True
    return RULES[Action(action)].allows(user, complaint, appeal) and complaint_visible(user, complaint)


def require(actor: Actor, complaint: Complaint, action: Action | str, *, appeal: Appeal | None = None) -> None:
    """Raise a 403 ``not_allowed`` unless ``action`` on ``complaint`` is ``actor``'s. The complaint
    was fetched within the actor's scope (``get_visible_or_404``: 404 outside it). ``None`` (the
    system) may do anything."""
    if actor is None:
        return
    action = Action(action)
    rule = RULES[action]
    if not rule.allows(actor, complaint, appeal):
        if action == Action.DECIDE_APPEAL and appeal is not None and appeal_decidable_by(actor, appeal):
            raise not_allowed(_("The officer who resolved it cannot decide its appeal."))
        raise not_allowed(rule.refusal())


def message_action(user: Actor, complaint: Complaint) -> Action:
    """A message on a complaint goes to the office when its complainant writes it, to the
    complainant otherwise."""
    return Action.WRITE_TO_OFFICE if is_complainant(user, complaint) else Action.WRITE_TO_COMPLAINANT


# Reads that are not about one complaint.


def may_read_office_lists(user: Actor) -> bool:
    """Office-wide lists (canned replies, complaints pending long): office staff and oversight."""
    return bool(user_roles(user) & OFFICE_ROLES)


def require_office_reader(user: Actor, message: str) -> None:
    if not may_read_office_lists(user):
        raise not_allowed(message)


def has_inbox(user: Actor) -> bool:
    """Officers and supervisors work from an inbox; oversight comes to a complaint from its own page."""
    return bool(user_roles(user) & {Role.OFFICER, Role.SUPERVISOR})


def may_oversee(user: Actor) -> bool:
    """Oversight's reading of a complaint (its timeline's oversight-only events)."""
    return Role.OVERSIGHT in user_roles(user)


def reads_as_staff(user: Actor) -> bool:
    """Staff who read complaints of offices (officers, supervisors, oversight, customs managers), as
    against complainants reading their own: who a declaration's complaints are listed to."""
    return any(definition(role).is_staff_role and definition(role).sees_complaint_contents for role in user_roles(user))
