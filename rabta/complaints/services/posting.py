"""Writing a message on a complaint: the primitive shared by replies (``messages``), the office's
questions (``clock``), interim replies and internal notes (``work``)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from rabta.accounts.types import Actor, signed_in_or_none
from rabta.complaints.choices import HIDDEN_FROM_OFFICE, MessageDirection
from rabta.complaints.errors import ComplaintsError
from rabta.complaints.events import ComplaintsEvent
from rabta.complaints.models import Complaint, Message
from rabta.complaints.privacy import message_for_office
from rabta.complaints.transitions import require_not_closed
from rabta.core.errors import DomainError
from rabta.core.events import event_record
from rabta.core.textinput import text_clean
from rabta.notifications.services import notification_enqueue


@transaction.atomic
def message_write(*, complaint: Complaint, author: Actor, body: str, direction: str) -> Message:
    """Write one message on an open complaint, scrubbed for a hidden complainant's office, with its
    event and the complainant's notice. The primitive every kind of message shares; what a reply
    does besides (starting a paused clock) is :func:`rabta.complaints.services.messages.message_post`'s."""
    body = text_clean(body, model=Message, name="body")
    if not body:
        raise DomainError.for_field("body", ComplaintsError.MESSAGE_EMPTY, _("Write a message."))
    require_not_closed(complaint.status, _("This complaint is closed."))
    hidden = complaint.anonymity in HIDDEN_FROM_OFFICE
    for_office = message_for_office(complaint=complaint, body=body, direction=direction)
    message = Message.objects.create(
        complaint=complaint,
        author=signed_in_or_none(author),
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
    if direction == MessageDirection.TO_COMPLAINANT and complaint.complainant_id:
        notification_enqueue(
            user=complaint.complainant,
            template="complaint_message",
            context={"tracking_number": complaint.tracking_number},
        )
    return message
