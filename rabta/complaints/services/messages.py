"""Two-way messages between the complainant and the office."""

from __future__ import annotations

from django.db import transaction

from rabta.accounts.types import Actor
from rabta.complaints.choices import MessageDirection
from rabta.complaints.models import Complaint, Message
from rabta.complaints.permissions import Action, message_action, require
from rabta.complaints.services.clock import RESUMED_BY_REPLY, complaint_clock_resume
from rabta.complaints.services.posting import message_write


@transaction.atomic
def complaint_message_send(*, complaint: Complaint, actor: Actor, body: str) -> Message:
    """A message from the complainant to the office, or from the office to the complainant: which
    one is decided by who writes it (rabta.complaints.permissions.message_action)."""
    action = message_action(actor, complaint)
    require(actor, complaint, action)
    direction = MessageDirection.TO_OFFICE if action == Action.WRITE_TO_OFFICE else MessageDirection.TO_COMPLAINANT
    return message_post(complaint=complaint, author=actor, body=body, direction=direction)


@transaction.atomic
def message_post(*, complaint: Complaint, author: Actor, body: str, direction: str) -> Message:
    """Write a message (:func:`rabta.complaints.services.posting.message_write`); a complainant's
    reply also starts a clock that was waiting for it."""
    message = message_write(complaint=complaint, author=author, body=body, direction=direction)
    if direction == MessageDirection.TO_OFFICE:
        # The answer the office was waiting for, perhaps: a paused clock runs again. Read under a
        # lock, so a pause that lands at the same moment is not missed; a running clock (the usual
        # case) matches no row, so the ordinary message locks nothing.
        paused = Complaint.objects.select_for_update().filter(pk=complaint.pk, clock_paused_at__isnull=False).first()
        if paused is not None:
            complaint_clock_resume(complaint=paused, actor=author, why=RESUMED_BY_REPLY)
    return message
