"""Random complaint histories written through the complaints' own services, for the roll-up tests."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from rabta.complaints.choices import CLOSED_STATUSES, Outcome, RejectReason, Status
from rabta.complaints.models import Appeal, Complaint
from rabta.complaints.services.escalation import escalation_sweep
from rabta.complaints.services.feedback import (
    appeal_decide,
    appeal_file,
    closure_sweep,
    complaint_reopen,
    feedback_give,
)
from rabta.complaints.services.routing import complaint_transfer
from rabta.complaints.services.work import complaint_acknowledge, complaint_reject, complaint_resolve, complaint_start
from rabta.core.errors import DomainError
from rabta.scorecards.models import ComplaintTrack, DailyRollup, GroupRollup, UnitRollup

ANY = ("ack", "start", "resolve", "reject", "feedback", "reopen", "appeal", "decide", "transfer", "sweep")
FITTING = {
    Status.ROUTED: ["ack", "ack", "ack", "transfer", "reject", "sweep"],
    Status.ACKNOWLEDGED: ["start", "resolve", "resolve", "transfer", "reject", "sweep"],
    Status.IN_PROGRESS: ["resolve", "resolve", "transfer", "reject", "sweep"],
    Status.REOPENED: ["ack", "start", "resolve", "sweep"],
    Status.RESOLVED: ["feedback", "feedback", "reopen", "appeal", "appeal", "sweep"],
    Status.APPEALED: ["decide", "decide", "sweep"],
}


def step(
    rng: random.Random, *, submit: Callable[..., Complaint], citizen: Any, staff: dict[int, Any], head: Any
) -> str:
    """One random move on a random complaint (or a new one). A move the lifecycle refuses raises a
    DomainError, which changes nothing: it is part of the history like any other attempt."""
    # Mostly a complaint still moving, and mostly a move its status allows: a final complaint, or a
    # move the lifecycle forbids, is refused (and still part of the history).
    live = Complaint.objects.exclude(status__in=CLOSED_STATUSES) if rng.random() < 0.9 else Complaint.objects.all()
    pks = list(live.values_list("pk", flat=True))
    if not pks or rng.random() < 0.15:
        submit(subject=f"Complaint {rng.randrange(10**6)}", text="No water in the street for days.")
        return "submit"
    complaint = Complaint.objects.get(pk=rng.choice(pks))
    fitting = FITTING.get(complaint.status, ["sweep"]) if rng.random() < 0.8 else list(ANY)
    move = rng.choice(fitting)
    officer = staff.get(complaint.current_office_id or 0)
    try:
        if move == "ack":
            complaint_acknowledge(complaint=complaint, actor=officer)
        elif move == "start":
            complaint_start(complaint=complaint, actor=officer)
        elif move == "resolve":
            outcome = rng.choice([Outcome.RELIEF_GRANTED, Outcome.PARTIAL_RELIEF, Outcome.NO_RELIEF])
            complaint_resolve(complaint=complaint, actor=officer, outcome=outcome, reasons="The line was repaired.")
        elif move == "reject":
            complaint_reject(
                complaint=complaint,
                actor=officer,
                reason=RejectReason.OUT_OF_SCOPE,
                explanation="Not a public service.",
            )
        elif move == "feedback":
            feedback_give(complaint=complaint, actor=citizen, rating=rng.randint(1, 5), satisfied=rng.random() < 0.5)
        elif move == "reopen":
            complaint_reopen(complaint=complaint, actor=citizen, reason="Still no water.")
        elif move == "appeal":
            appeal_file(complaint=complaint, actor=citizen, reasons="The office did nothing.")
        elif move == "decide":
            appeal = Appeal.objects.filter(complaint=complaint).order_by("-id").first()
            reviewer = staff.get(appeal.assigned_office_id or 0) if appeal else None
            decision = rng.choice([Outcome.RELIEF_GRANTED, Outcome.NO_RELIEF])
            if appeal is None:
                return "decide refused no appeal"
            appeal_decide(appeal=appeal, actor=reviewer, decision=decision, reasons="Decided on the papers.")
        elif move == "transfer":
            complaint_transfer(complaint=complaint, to_office=head, reason="Their line, not ours.", actor=officer)
        else:
            escalation_sweep()
            closure_sweep()
    except DomainError as refused:
        return f"{move} refused {refused.code}"
    return move


def rows_of(model: Any) -> list[tuple[Any, ...]]:
    names = [field.attname for field in model._meta.concrete_fields if field.name != "id"]
    return sorted(model.objects.values_list(*names))


def snapshot() -> tuple[list[tuple[Any, ...]], ...]:
    """The scorecards' tables as plain, ordered values (ids of the roll-up rows left out)."""
    return rows_of(DailyRollup), rows_of(ComplaintTrack), rows_of(UnitRollup), rows_of(GroupRollup)
