"""After resolution: feedback, reopening, appeal, and closing."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from rabta.accountability.choices import AuditReason
from rabta.accountability.services import officer_audit_queue
from rabta.accounts.types import Actor, signed_in_or_none
from rabta.complaints.choices import Outcome, Status
from rabta.complaints.errors import ComplaintsError
from rabta.complaints.events import ComplaintsEvent
from rabta.complaints.models import Appeal, Complaint, Feedback
from rabta.complaints.permissions import Action, require
from rabta.complaints.services.deadlines import add_business_days, deadlines_set, policy_for
from rabta.complaints.transitions import transition
from rabta.core.db import locked
from rabta.core.errors import Conflict, DomainError
from rabta.core.events import event_record
from rabta.core.models import Event
from rabta.core.textinput import text_clean
from rabta.notifications.services import notification_enqueue

CLOSURE_BATCH = 2000


@transaction.atomic
def feedback_give(*, complaint: Complaint, actor: Actor, rating: int, satisfied: bool, comment: str = "") -> Feedback:
    require(actor, complaint, Action.GIVE_FEEDBACK)
    complaint = locked(complaint)
    if complaint.status != Status.RESOLVED:
        raise Conflict(
            ComplaintsError.FEEDBACK_NOT_RESOLVED,
            _("Feedback is given once the complaint is resolved."),
        )
    # One answer per resolution: an answer to an earlier resolution (before a reopen, or before the
    # office carried out an appeal's decision) does not stop the complainant answering this one. It
    # stays on the timeline as its event; the row keeps the latest answer.
    earlier = Feedback.objects.filter(complaint=complaint).first()
    if earlier is not None and (complaint.resolved_at is None or earlier.created_at >= complaint.resolved_at):
        raise Conflict(ComplaintsError.FEEDBACK_ALREADY_GIVEN, _("You have already given feedback."))
    if not 1 <= int(rating) <= 5:
        raise DomainError.for_field("rating", ComplaintsError.RATING_OUT_OF_RANGE, _("Rate from 1 to 5."))
    comment = text_clean(comment, model=Feedback, name="comment")
    if earlier is None:
        feedback = Feedback.objects.create(complaint=complaint, rating=rating, satisfied=satisfied, comment=comment)
    else:
        feedback = earlier
        feedback.rating, feedback.satisfied, feedback.comment = rating, satisfied, comment
        feedback.created_at = timezone.now()
        feedback.save(update_fields=["rating", "satisfied", "comment", "created_at"])
    if satisfied:
        complaint.closed_at, complaint.closed_confirmed = timezone.now(), True
        transition(
            complaint,
            Status.CLOSED,
            actor=actor,
            kind=ComplaintsEvent.CLOSED_CONFIRMED,
            data={"rating": rating},
            extra_fields=("closed_at", "closed_confirmed"),
            action="confirm",
        )
        return feedback
    # Not satisfied: the complainant may still reopen or appeal, so the complaint stays resolved
    # until the appeal window closes; the closure sweep waits for the later of the two deadlines.
    fields = []
    if complaint.appeal_due_at and (
        complaint.feedback_due_at is None or complaint.feedback_due_at < complaint.appeal_due_at
    ):
        complaint.feedback_due_at = complaint.appeal_due_at
        fields = ["feedback_due_at"]
    complaint.save(update_fields=[*fields, "updated_at"])
    event_record(
        kind=ComplaintsEvent.FEEDBACK_GIVEN,
        subject=complaint,
        actor=actor,
        actor_role="complainant",
        data={"rating": rating, "satisfied": False},
    )
    return feedback


@transaction.atomic
def complaint_reopen(*, complaint: Complaint, actor: Actor, reason: str) -> Complaint:
    """Dissatisfied: back to the same office, counted and capped, with fresh deadlines."""
    require(actor, complaint, Action.REOPEN)
    complaint = locked(complaint)
    reason = text_clean(reason, model=Event, name="reason")  # kept only on the event
    if not reason:
        raise DomainError.for_field("reason", ComplaintsError.REASON_REQUIRED, _("Say what is still wrong."))
    cap = settings.RABTA_MAX_REOPENS
    if complaint.reopen_count >= cap:
        raise Conflict(
            ComplaintsError.REOPEN_CAP_REACHED,
            _("This complaint was reopened %(cap)s times; you can appeal instead.") % {"cap": cap},
        )
    officer_audit_queue(complaint=complaint, reason=AuditReason.REOPENED)
    complaint.reopen_count += 1
    complaint.escalation_level = 0
    fields = deadlines_set(complaint)
    complaint.resolved_at = None
    complaint.feedback_due_at = None
    return transition(
        complaint,
        Status.REOPENED,
        actor=actor,
        reason=reason,
        extra_fields=("reopen_count", "escalation_level", "resolved_at", "feedback_due_at", *fields),
        action="reopen",
    )


@transaction.atomic
def appeal_file(*, complaint: Complaint, actor: Actor, reasons: str) -> Appeal:
    """Appeal to an office senior to the one that resolved it: the next office up the reporting line
    (or, at the top, the same department's head office is the resolver, so oversight decides)."""
    require(actor, complaint, Action.APPEAL)
    complaint = Complaint.objects.select_for_update(of=("self",)).select_related("current_office").get(pk=complaint.pk)
    reasons = text_clean(reasons, model=Appeal, name="reasons")
    if not reasons:
        raise DomainError.for_field("reasons", ComplaintsError.REASON_REQUIRED, _("Give the reasons for the appeal."))
    if complaint.status != Status.RESOLVED:
        raise Conflict(ComplaintsError.TRANSITION_NOT_ALLOWED, _("Only a resolved complaint can be appealed."))
    if complaint.appeal_due_at and timezone.now() > complaint.appeal_due_at:
        raise Conflict(ComplaintsError.APPEAL_DEADLINE_PASSED, _("The time to appeal has passed."))
    reviewer = complaint.current_office.parent if complaint.current_office else None
    if reviewer is None:
        raise Conflict(
            ComplaintsError.APPEAL_NO_REVIEWER,
            _("No office above this one can hear the appeal; contact the oversight unit."),
        )
    officer_audit_queue(complaint=complaint, reason=AuditReason.APPEALED)
    policy = policy_for(complaint)
    appeal = Appeal.objects.create(
        complaint=complaint,
        reasons=reasons,
        assigned_office=reviewer,
        due_at=add_business_days(timezone.now(), policy.appeal_days),
    )
    transition(
        complaint,
        Status.APPEALED,
        actor=actor,
        reason=reasons,
        data={"appeal": appeal.pk, "assigned_office": reviewer.code},
        action="appeal",
    )
    return appeal


# How much relief an outcome gives: an appeal decided above the resolution's outcome leaves work to do.
RELIEF: dict[str, int] = {Outcome.NO_RELIEF: 0, Outcome.PARTIAL_RELIEF: 1, Outcome.RELIEF_GRANTED: 2}


@transaction.atomic
def appeal_decide(*, appeal: Appeal, actor: Actor, decision: str, reasons: str) -> Appeal:
    """Decide an appeal. The decision replaces the resolution's outcome (the original stays on the
    timeline), the complainant is told, and the case moves on at once: back to the office, with
    fresh deadlines, when the decision grants more relief than the resolution did (there is work to
    do); closed otherwise. An appeal's decision is final: the complainant cannot reopen or appeal it."""
    appeal = Appeal.objects.select_for_update().select_related("complaint", "assigned_office").get(pk=appeal.pk)
    # Who decides is the appeal's rule (senior office or oversight, never the resolver), checked
    # before anything about the decision is.
    require(actor, appeal.complaint, Action.DECIDE_APPEAL, appeal=appeal)
    if decision not in RELIEF:
        raise DomainError.for_field("decision", ComplaintsError.OUTCOME_UNKNOWN, _("Choose a decision."))
    reasons = text_clean(reasons, model=Appeal, name="decision_reasons", field="reasons")
    if not reasons:
        raise DomainError.for_field("reasons", ComplaintsError.REASON_REQUIRED, _("A decision must give its reasons."))
    complaint = Complaint.objects.select_for_update().get(pk=appeal.complaint_id)
    now = timezone.now()
    original, original_reasons = complaint.outcome, complaint.outcome_reasons
    appeal.decision, appeal.decision_reasons = decision, reasons
    appeal.decided_by, appeal.decided_at = signed_in_or_none(actor), now
    complaint.outcome, complaint.outcome_reasons = decision, reasons
    transition(
        complaint,
        Status.APPEAL_DECIDED,
        actor=actor,
        reason=reasons,
        data={"decision": decision, "original_outcome": original, "original_reasons": original_reasons},
        extra_fields=("outcome", "outcome_reasons"),
        action="decide_appeal",
    )
    appeal.save(update_fields=["decision", "decision_reasons", "decided_by", "decided_at"])
    work_due = RELIEF[decision] > RELIEF.get(original, 0)
    if work_due:
        complaint.escalation_level = 0
        fields = deadlines_set(complaint, start=now)
        complaint.resolved_at = complaint.feedback_due_at = None
        transition(
            complaint,
            Status.REOPENED,
            actor=None,
            kind=ComplaintsEvent.REOPENED_ON_APPEAL,
            data={"appeal": appeal.pk, "decision": decision},
            extra_fields=("escalation_level", "resolved_at", "feedback_due_at", *fields),
            action="reopen_after_appeal",
        )
    else:
        complaint.closed_at, complaint.closed_confirmed = now, None
        transition(
            complaint,
            Status.CLOSED,
            actor=None,
            kind=ComplaintsEvent.CLOSED_AFTER_APPEAL,
            data={"appeal": appeal.pk, "decision": decision},
            extra_fields=("closed_at", "closed_confirmed"),
            action="close_after_appeal",
        )
    if complaint.complainant_id:
        notification_enqueue(
            user=complaint.complainant,
            template="complaint_appeal_reopened" if work_due else "complaint_appeal_closed",
            context={"tracking_number": complaint.tracking_number, "decision": Outcome(decision).label},
        )
    return appeal


def closure_sweep(*, now: Any = None) -> int:
    """Resolved complaints whose feedback window ran out are closed as unconfirmed (counted
    separately from confirmed closures). A complainant who answered "not satisfied" keeps the right
    to appeal until ``appeal_due_at``: their complaint is not closed before then (feedback_give also
    moves its closure to that moment; the condition here covers any row it did not).
    Idempotent: only RESOLVED rows are claimed."""
    now = now or timezone.now()
    closed = 0
    # "Not satisfied" with this resolution: an answer given before it (to a resolution since reopened) does not count.
    dissatisfied = Exists(
        Feedback.objects.filter(complaint=OuterRef("pk"), satisfied=False, created_at__gte=OuterRef("resolved_at"))
    )
    due = Complaint.objects.filter(status=Status.RESOLVED, feedback_due_at__lte=now).exclude(
        Q(dissatisfied) & Q(appeal_due_at__gt=now)
    )
    while True:
        with transaction.atomic():
            ids = list(due.values_list("id", flat=True)[:CLOSURE_BATCH])
            if not ids:
                return closed
            # The same conditions again on the locked rows: an answer (or a reopen) committed since
            # the ids were read leaves its complaint open.
            for complaint in due.select_for_update().filter(pk__in=ids):
                complaint.closed_at, complaint.closed_confirmed = now, False
                transition(
                    complaint,
                    Status.CLOSED,
                    actor=None,
                    kind=ComplaintsEvent.CLOSED_UNCONFIRMED,
                    extra_fields=("closed_at", "closed_confirmed"),
                    action="close_unconfirmed",
                )
                closed += 1
