"""The complaint's status machine: one explicit table, one function that applies it."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from rabta.complaints.choices import OPEN_STATUSES, Status
from rabta.complaints.errors import ComplaintsError
from rabta.complaints.models import Complaint
from rabta.core.errors import InvalidTransition
from rabta.core.events import event_record

ALLOWED: dict[str, frozenset[str]] = {
    Status.SUBMITTED: frozenset({Status.ROUTED, Status.REJECTED}),
    Status.ROUTED: frozenset(
        {Status.ACKNOWLEDGED, Status.IN_PROGRESS, Status.RESOLVED, Status.REJECTED, Status.ROUTED}
    ),
    Status.ACKNOWLEDGED: frozenset({Status.IN_PROGRESS, Status.RESOLVED, Status.REJECTED, Status.ROUTED}),
    Status.IN_PROGRESS: frozenset({Status.RESOLVED, Status.REJECTED, Status.ROUTED}),
    Status.REOPENED: frozenset({Status.ACKNOWLEDGED, Status.IN_PROGRESS, Status.RESOLVED, Status.ROUTED}),
    Status.RESOLVED: frozenset({Status.CLOSED, Status.REOPENED, Status.APPEALED}),
    Status.APPEALED: frozenset({Status.APPEAL_DECIDED}),
    Status.APPEAL_DECIDED: frozenset({Status.CLOSED}),
    Status.CLOSED: frozenset(),
    Status.REJECTED: frozenset(),
}
# ROUTED → ROUTED is a transfer to another office: the status stays, the office changes.


def transition_check(current: str, to: str) -> None:
    """Raise unless the table allows ``current`` → ``to``. For moves made on a complaint that is
    not saved yet (intake); everything else goes through :func:`transition`."""
    if to not in ALLOWED[current]:
        raise InvalidTransition(
            f"A complaint that is {current} cannot become {to}.", code=ComplaintsError.TRANSITION_NOT_ALLOWED
        )


def transition(
    complaint: Complaint,
    to: str,
    *,
    actor: Any,
    reason: str = "",
    data: dict[str, Any] | None = None,
    kind: str | None = None,
    extra_fields: tuple[str, ...] = (),
) -> Complaint:
    """Move ``complaint`` to ``to`` if the table allows it, saving ``extra_fields`` the caller set,
    and write the event in the same transaction. A forbidden move raises and changes nothing."""
    current = complaint.status
    transition_check(current, to)
    if to not in OPEN_STATUSES:
        # Resolved, rejected, appealed or closed: no deadline of the office's runs any more.
        from rabta.complaints.services.deadlines import clock_stop

        extra_fields = (*extra_fields, *clock_stop(complaint))
    with transaction.atomic():
        complaint.status = to
        complaint.save(update_fields=["status", "updated_at", *extra_fields])
        event_record(
            kind=kind or f"complaints.{to}",
            subject=complaint,
            actor=actor,
            actor_role=actor_role_of(actor, complaint),
            from_state=current,
            to_state=to,
            reason=reason,
            data=data or {},
        )
    return complaint


def actor_role_of(actor: Any, complaint: Complaint) -> str:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return "system" if actor is None else "anonymous"
    if complaint.complainant_id == actor.pk:
        return "complainant"
    roles = sorted(getattr(actor, "roles", set()))
    return roles[0] if roles else ""
