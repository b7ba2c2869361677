"""The clearance state machine: which stage may follow which. Every move is a service in
rabta.customs.services.clearance that checks this table and writes an event."""

from __future__ import annotations

from rabta.customs.choices import Status

TRANSITIONS: dict[str, frozenset[str]] = {
    Status.FILED: frozenset({Status.LANE_ASSIGNED}),
    # A lane may be changed (an officer's re-route) until the declaration has been checked.
    Status.LANE_ASSIGNED: frozenset({Status.LANE_ASSIGNED, Status.DOCUMENTS_CHECKED, Status.EXAMINED, Status.ASSESSED}),
    # A documentary check that finds a problem sends the goods to examination.
    Status.DOCUMENTS_CHECKED: frozenset({Status.EXAMINED, Status.ASSESSED}),
    Status.EXAMINED: frozenset({Status.ASSESSED}),
    Status.ASSESSED: frozenset({Status.DUTY_PAID}),
    Status.DUTY_PAID: frozenset({Status.RELEASED}),
    Status.RELEASED: frozenset(),
}


def allowed(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, frozenset())
