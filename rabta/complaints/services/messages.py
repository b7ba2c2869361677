"""Two-way messages between the complainant and the office."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from rabta.accounts.types import Actor
from rabta.complaints.choices import CLOSED_STATUSES, HIDDEN_FROM_OFFICE, MessageDirection
from rabta.complaints.errors import ComplaintsError
from rabta.complaints.events import ComplaintsEvent
from rabta.complaints.models import Complaint, Message
from rabta.complaints.permissions import Action, message_action, require
from rabta.complaints.privacy import scrub_for_person
from rabta.core.errors import Conflict, DomainError
from rabta.core.events import event_record
from rabta.core.textinput import text_clean


@transaction.atomic
def complaint_message_send(*, complaint: Complaint, actor: Actor, body: str) -> Message:
    """A message from the complainant to the office, or from the office to the complainant: which
    one is decided by who writes it (rabta.complaints.permissions.message_action)."""
    action = message_action(actor, complaint)
    require(actor, complaint, action)
    direction = MessageDirection.TO_OFFICE if action == Action.WRITE_TO_OFFICE else MessageDirection.TO_COMPLAINANT
    return message_post(complaint=complaint, author=actor, body=body, direction=direction)


@transaction.atomic
def message_post(*, complaint: Complaint, author: Any, body: str, direction: str) -> Message:
    body = text_clean(body, model=Message, name="body")
    if not body:
        raise DomainError.for_field("body", ComplaintsError.MESSAGE_EMPTY, _("Write a message."))
    if complaint.status in CLOSED_STATUSES:
        raise Conflict(ComplaintsError.TRANSITION_NOT_ALLOWED, _("This complaint is closed."))
    hidden = complaint.anonymity in HIDDEN_FROM_OFFICE
    # What the complainant writes reaches a hidden complainant's office scrubbed (rabta.complaints.privacy).
    for_office = (
        scrub_for_person(body, complaint.complainant) if hidden and direction == MessageDirection.TO_OFFICE else body
    )
    message = Message.objects.create(
        complaint=complaint,
        author=author if getattr(author, "pk", None) else None,
        direction=direction,
        body=body,
        body_for_office=for_office,
    )
    # The event names no one and carries no text: the timeline is shown to the office too.
    event_record(
        kind=ComplaintsEvent.for_message(direction),
        subject=complaint,
        actor=author if direction != MessageDirection.TO_OFFICE or not hidden else None,
        data={"message": message.pk},
    )
    if direction == MessageDirection.TO_OFFICE:
        # The answer the office was waiting for, perhaps: a paused clock runs again. Read under a
        # lock, so a pause that lands at the same moment is not missed; a running clock (the usual
        # case) matches no row, so the ordinary message locks nothing.
        from rabta.complaints.services.clock import RESUMED_BY_REPLY, complaint_clock_resume

        paused = Complaint.objects.select_for_update().filter(pk=complaint.pk, clock_paused_at__isnull=False).first()
        if paused is not None:
            complaint_clock_resume(complaint=paused, actor=author, why=RESUMED_BY_REPLY)
    if direction == MessageDirection.TO_COMPLAINANT and complaint.complainant_id:
        from rabta.notifications.services import notification_enqueue

        notification_enqueue(
            user=complaint.complainant,
            template="complaint_message",
            context={"tracking_number": complaint.tracking_number},
        )
    return message
