"""The complaint's status machine: one explicit table, one function that applies it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from rabta.accounts.types import Actor, is_signed_in
from rabta.complaints.choices import CLOSED_STATUSES, OPEN_STATUSES, Status
from rabta.complaints.errors import ComplaintsError
from rabta.complaints.events import ComplaintsEvent
from rabta.complaints.models import Complaint
from rabta.complaints.permissions import is_complainant
from rabta.complaints.services.deadlines import clock_stop
from rabta.core.errors import Conflict, InvalidTransition
from rabta.core.events import event_record

OPEN = frozenset(OPEN_STATUSES)


@dataclass(frozen=True)
class Action:
    """One move of the lifecycle: who makes it, from which statuses, to which status."""

    to: str
    sources: frozenset[str]
    by: str  # who makes the move: "office", "complainant", "reviewer" (the appeal's office) or "system"


# The lifecycle, as the operations that move a complaint (docs/lifecycle.md shows the same table,
# and a test holds the two, and the API, to it). The office must acknowledge a complaint before it
# works on it, resolves it or closes it: acknowledging is what tells the complainant that a person
# has it, and it has its own deadline. A reopened complaint was acknowledged by the office before,
# so it may be worked on again at once. An appeal's decision is final: it closes the complaint, or
# sends it back to the office when it grants relief the resolution did not.
ACTIONS: dict[str, Action] = {
    "route": Action(Status.ROUTED, frozenset({Status.SUBMITTED}), "system"),
    "transfer": Action(Status.ROUTED, OPEN, "office"),
    "acknowledge": Action(Status.ACKNOWLEDGED, frozenset({Status.ROUTED, Status.REOPENED}), "office"),
    "start": Action(Status.IN_PROGRESS, frozenset({Status.ACKNOWLEDGED, Status.REOPENED}), "office"),
    "resolve": Action(Status.RESOLVED, frozenset({Status.ACKNOWLEDGED, Status.IN_PROGRESS, Status.REOPENED}), "office"),
    "reject": Action(
        Status.REJECTED,
        frozenset({Status.SUBMITTED, Status.ROUTED, Status.ACKNOWLEDGED, Status.IN_PROGRESS}),
        "office",
    ),
    "confirm": Action(Status.CLOSED, frozenset({Status.RESOLVED}), "complainant"),  # feedback: satisfied
    "reopen": Action(Status.REOPENED, frozenset({Status.RESOLVED}), "complainant"),
    "appeal": Action(Status.APPEALED, frozenset({Status.RESOLVED}), "complainant"),
    "close_unconfirmed": Action(Status.CLOSED, frozenset({Status.RESOLVED}), "system"),  # the closure sweep
    "decide_appeal": Action(Status.APPEAL_DECIDED, frozenset({Status.APPEALED}), "reviewer"),
    "close_after_appeal": Action(Status.CLOSED, frozenset({Status.APPEAL_DECIDED}), "system"),
    "reopen_after_appeal": Action(Status.REOPENED, frozenset({Status.APPEAL_DECIDED}), "system"),
}


def _allowed() -> dict[str, frozenset[str]]:
    moves: dict[str, set[str]] = {status: set() for status in Status.values}
    for action in ACTIONS.values():
        for source in action.sources:
            moves[source].add(action.to)
    return {status: frozenset(targets) for status, targets in moves.items()}


# status → the statuses it may become (ROUTED → ROUTED is a transfer: the office changes).
ALLOWED: dict[str, frozenset[str]] = _allowed()


def describe(action: str) -> str:
    """The API's description of an operation, written from the table so the two cannot differ."""
    move = ACTIONS[action]
    sources = ", ".join(status for status in Status.values if status in move.sources)
    return (
        f"Allowed when the complaint is {sources}; it then becomes {move.to}. Otherwise 409 "
        "transition_not_allowed. See docs/lifecycle.md."
    )


def require_open(status: str, message: str) -> None:
    """Refuse (409 ``transition_not_allowed``) unless the office still owes the complainant
    something (``OPEN_STATUSES``): waiting, questions, interim replies and priorities need that."""
    if status not in OPEN_STATUSES:
        raise Conflict(ComplaintsError.TRANSITION_NOT_ALLOWED, message)


def require_not_closed(
    status: str, message: str, *, code: ComplaintsError = ComplaintsError.TRANSITION_NOT_ALLOWED
) -> None:
    """Refuse (409) a complaint that is final (``CLOSED_STATUSES``): nothing more is written on it."""
    if status in CLOSED_STATUSES:
        raise Conflict(code, message)


def transition_check(current: str, to: str, *, action: str | None = None) -> None:
    """Raise unless the table allows ``current`` → ``to`` (and, when ``action`` is named, unless
    that action may be made from ``current``: a complainant's reopen is not the reopen that follows
    an appeal's decision). For moves made on a complaint that is not saved yet (intake); everything
    else goes through :func:`transition`."""
    allowed = to in ALLOWED[current]
    if action is not None:
        move = ACTIONS[action]
        allowed = allowed and move.to == to and current in move.sources
    if not allowed:
        hint = ""
        if current == Status.ROUTED and to in (Status.IN_PROGRESS, Status.RESOLVED):
            hint = " " + _("Acknowledge it first.")
        raise InvalidTransition(
            _("A complaint that is %(current)s cannot become %(to)s.") % {"current": current, "to": to} + hint,
            code=ComplaintsError.TRANSITION_NOT_ALLOWED,
        )


def transition(
    complaint: Complaint,
    to: str,
    *,
    actor: Actor,
    reason: str = "",
    data: dict[str, Any] | None = None,
    kind: ComplaintsEvent | None = None,
    extra_fields: tuple[str, ...] = (),
    action: str | None = None,
) -> Complaint:
    """Move ``complaint`` to ``to`` if the table allows it, saving ``extra_fields`` the caller set,
    and write the event in the same transaction. A forbidden move raises and changes nothing."""
    current = complaint.status
    transition_check(current, to, action=action)
    if to not in OPEN_STATUSES:
        # Resolved, rejected, appealed or closed: no deadline of the office's runs any more.
        extra_fields = (*extra_fields, *clock_stop(complaint))
    with transaction.atomic():
        complaint.status = to
        complaint.save(update_fields=["status", "updated_at", *extra_fields])
        event_record(
            kind=kind or ComplaintsEvent.for_status(to),
            subject=complaint,
            actor=actor,
            actor_role=actor_role_of(actor, complaint),
            from_state=current,
            to_state=to,
            reason=reason,
            data=data or {},
        )
    return complaint


def actor_role_of(actor: Actor, complaint: Complaint) -> str:
    if not is_signed_in(actor):
        return "system" if actor is None else "anonymous"
    if is_complainant(actor, complaint):
        return "complainant"
    roles = sorted(getattr(actor, "roles", set()))
    return roles[0] if roles else ""
