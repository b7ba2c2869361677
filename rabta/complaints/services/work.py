"""The office's work on a complaint: acknowledge, start, interim reply, resolve, reject, notes,
duplicates, and oversight's audited identity reveal."""

from __future__ import annotations

from datetime import timedelta

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rabta.accounts.roles import Role
from rabta.accounts.types import Actor, signed_in, signed_in_or_none
from rabta.complaints.choices import MessageDirection, Outcome, Priority, RejectReason, Status
from rabta.complaints.errors import ComplaintsError
from rabta.complaints.events import ComplaintsEvent
from rabta.complaints.models import Complaint, DuplicateLink, IdentityReveal, Message
from rabta.complaints.permissions import Action, require
from rabta.complaints.services.deadlines import add_business_days, policy_for
from rabta.complaints.services.messages import message_post
from rabta.complaints.transitions import actor_role_of, require_open, transition
from rabta.core.db import locked
from rabta.core.errors import DomainError
from rabta.core.events import event_record
from rabta.core.models import Event
from rabta.core.textinput import text_clean
from rabta.notifications.services import notification_enqueue


def _required(field: str, value: str, message: str, *, model: type[models.Model], name: str) -> str:
    value = text_clean(value, model=model, name=name, field=field)
    if not value:
        raise DomainError.for_field(field, ComplaintsError.REASON_REQUIRED, message)
    return value


@transaction.atomic
def complaint_acknowledge(*, complaint: Complaint, actor: Actor) -> Complaint:
    require(actor, complaint, Action.WORK)
    complaint = locked(complaint)
    complaint.acknowledged_at = timezone.now()
    return transition(
        complaint, Status.ACKNOWLEDGED, actor=actor, extra_fields=("acknowledged_at",), action="acknowledge"
    )


@transaction.atomic
def complaint_start(*, complaint: Complaint, actor: Actor) -> Complaint:
    """Work begins. Only on an acknowledged (or reopened) complaint: the table has no way from
    ``routed`` to work that skips the acknowledgement."""
    require(actor, complaint, Action.WORK)
    complaint = locked(complaint)
    return transition(complaint, Status.IN_PROGRESS, actor=actor, action="start")


@transaction.atomic
def complaint_interim_reply(*, complaint: Complaint, actor: Actor, body: str) -> Message:
    """An interim reply tells the complainant where things stand; it does not change the status."""
    require(actor, complaint, Action.WORK)
    complaint = locked(complaint)
    require_open(complaint.status, _("Only an open complaint takes interim replies."))
    message = message_post(complaint=complaint, author=actor, body=body, direction=MessageDirection.TO_COMPLAINANT)
    complaint.interim_due_at = None
    complaint.save(update_fields=["interim_due_at", "updated_at"])
    event_record(kind=ComplaintsEvent.INTERIM_REPLY, subject=complaint, actor=actor, data={"message": message.pk})
    return message


@transaction.atomic
def complaint_priority_set(*, complaint: Complaint, actor: Actor, priority: str, reason: str) -> Complaint:
    """The handling office changes an open complaint's priority, saying why; the change is an event
    on the timeline. Deadlines already promised to the complainant stay as they are: a new priority
    reorders the inbox, it does not shorten a deadline into one already missed nor lengthen a
    promise. Setting the priority it already has changes nothing and records nothing."""
    require(actor, complaint, Action.WORK)
    complaint = locked(complaint)
    if priority not in Priority.values:
        raise DomainError.for_field("priority", ComplaintsError.PRIORITY_UNKNOWN, _("Choose normal, high or urgent."))
    reason = _required("reason", reason, _("Say why the priority changes."), model=Event, name="reason")
    require_open(complaint.status, _("Only an open complaint's priority can change."))
    if complaint.priority == priority:
        return complaint
    before, complaint.priority = complaint.priority, priority
    complaint.save(update_fields=["priority", "updated_at"])
    event_record(
        kind=ComplaintsEvent.PRIORITY_CHANGED,
        subject=complaint,
        actor=actor,
        actor_role=actor_role_of(actor, complaint),
        reason=reason,
        data={"from": before, "to": priority},
    )
    return complaint


@transaction.atomic
def complaint_resolve(*, complaint: Complaint, actor: Actor, outcome: str, reasons: str = "") -> Complaint:
    """Resolve with an outcome. "No relief" and "partial relief" must say why. The complainant then
    has a feedback window, and an appeal window."""
    require(actor, complaint, Action.WORK)
    complaint = locked(complaint)
    if outcome not in (Outcome.RELIEF_GRANTED, Outcome.PARTIAL_RELIEF, Outcome.NO_RELIEF):
        raise DomainError.for_field(
            "outcome", ComplaintsError.OUTCOME_UNKNOWN, _("Choose relief granted, partial relief or no relief.")
        )
    if outcome in (Outcome.NO_RELIEF, Outcome.PARTIAL_RELIEF):
        reasons = _required(
            "reasons", reasons, _("Give the reasons to the complainant."), model=Complaint, name="outcome_reasons"
        )
    now = timezone.now()
    policy = policy_for(complaint)
    complaint.outcome = outcome
    complaint.outcome_reasons = text_clean(reasons, model=Complaint, name="outcome_reasons", field="reasons")
    complaint.resolved_at, complaint.resolved_by = now, signed_in_or_none(actor)
    complaint.feedback_due_at = now + timedelta(days=policy.feedback_days)
    complaint.appeal_due_at = add_business_days(now, policy.appeal_days)
    transition(
        complaint,
        Status.RESOLVED,
        actor=actor,
        reason=complaint.outcome_reasons,
        # The deadline as it stood when resolved: the scorecards' "within deadline" reads it here,
        # because the complaint's own field moves on (a reopen, a paused clock) after the event.
        data={
            "outcome": outcome,
            "resolve_due_at": complaint.resolve_due_at.isoformat() if complaint.resolve_due_at else None,
        },
        extra_fields=(
            "outcome",
            "outcome_reasons",
            "resolved_at",
            "resolved_by",
            "feedback_due_at",
            "appeal_due_at",
        ),
        action="resolve",
    )
    if complaint.complainant_id:
        notification_enqueue(
            user=complaint.complainant,
            template="complaint_resolved",
            context={"tracking_number": complaint.tracking_number},
        )
    return complaint


@transaction.atomic
def complaint_reject(
    *, complaint: Complaint, actor: Actor, reason: str, explanation: str, duplicate_of: Complaint | None = None
) -> Complaint:
    """Reject with a reason the complainant sees. Never 'not ours': that is a transfer."""
    require(actor, complaint, Action.WORK)
    complaint = locked(complaint)
    if reason not in RejectReason.values:
        raise DomainError.for_field(
            "reason",
            ComplaintsError.REJECT_REASON_UNKNOWN,
            _("Choose out of scope, abusive or duplicate. To send it elsewhere, transfer it."),
        )
    explanation = _required(
        "explanation",
        explanation,
        _("Explain the rejection to the complainant."),
        model=Complaint,
        name="reject_explanation",
    )
    if reason == RejectReason.DUPLICATE:
        if duplicate_of is None or duplicate_of.pk == complaint.pk:
            raise DomainError.for_field(
                "duplicate_of", ComplaintsError.DUPLICATE_OF_REQUIRED, _("Name the complaint this one duplicates.")
            )
        complaint.duplicate_of = duplicate_of
    complaint.reject_reason, complaint.reject_explanation = reason, explanation
    complaint.closed_at = timezone.now()
    return transition(
        complaint,
        Status.REJECTED,
        actor=actor,
        reason=explanation,
        data={"reason": reason},
        extra_fields=("reject_reason", "reject_explanation", "duplicate_of", "closed_at"),
        action="reject",
    )


@transaction.atomic
def complaint_note_add(*, complaint: Complaint, actor: Actor, body: str) -> Message:
    """An internal note: staff only, never shown to the complainant."""
    require(actor, complaint, Action.NOTE)
    return message_post(complaint=complaint, author=actor, body=body, direction=MessageDirection.INTERNAL)


@transaction.atomic
def duplicate_link(*, complaint: Complaint, duplicate_of: Complaint, actor: Actor) -> DuplicateLink:
    require(actor, complaint, Action.WORK)
    if duplicate_of.pk == complaint.pk:
        raise DomainError.for_field(
            "duplicate_of", ComplaintsError.DUPLICATE_OF_REQUIRED, _("A complaint cannot duplicate itself.")
        )
    link, _created = DuplicateLink.objects.update_or_create(
        complaint=complaint,
        duplicate_of=duplicate_of,
        defaults={"kind": DuplicateLink.LinkKind.CONFIRMED, "linked_by": actor},
    )
    event_record(
        kind=ComplaintsEvent.DUPLICATE_LINKED,
        subject=complaint,
        actor=actor,
        data={"duplicate_of": duplicate_of.tracking_number},
    )
    return link


@transaction.atomic
def identity_reveal(*, complaint: Complaint, actor: Actor, reason: str) -> dict[str, str]:
    """Oversight may see a hidden complainant's identity; every reveal is recorded with its reason."""
    require(actor, complaint, Action.REVEAL_IDENTITY)
    reason = _required("reason", reason, _("Say why the identity is needed."), model=IdentityReveal, name="reason")
    IdentityReveal.objects.create(complaint=complaint, revealed_to=signed_in(actor), reason=reason)
    event_record(
        kind=ComplaintsEvent.IDENTITY_REVEALED, subject=complaint, actor=actor, actor_role=Role.OVERSIGHT, reason=reason
    )
    person = complaint.complainant
    if person is None:
        return {"name": "", "email": "", "phone": "", "note": _("Fully anonymous: Rabta holds no identity.")}
    return {"name": person.full_name, "email": person.email or "", "phone": person.phone or "", "note": ""}
