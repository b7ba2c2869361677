"""The complaint's event kinds: every state change of a complaint leaves one row of these.

Values are stored in ``Event.kind`` and never change. A status change written by
``rabta.complaints.transitions.transition`` is ``complaints.<status>`` (:meth:`ComplaintsEvent.for_status`);
a message is ``complaints.message_<direction>`` (:meth:`ComplaintsEvent.for_message`).
"""

from __future__ import annotations

from rabta.complaints.choices import MessageDirection, Status
from rabta.core.events import EventKind


class ComplaintsEvent(EventKind):
    # A status reached through the lifecycle table: the value is "complaints." + the status.
    SUBMITTED = "complaints.submitted"
    ROUTED = "complaints.routed"
    ACKNOWLEDGED = "complaints.acknowledged"
    IN_PROGRESS = "complaints.in_progress"
    RESOLVED = "complaints.resolved"
    REOPENED = "complaints.reopened"
    APPEALED = "complaints.appealed"
    APPEAL_DECIDED = "complaints.appeal_decided"
    CLOSED = "complaints.closed"
    REJECTED = "complaints.rejected"
    # Moves of the lifecycle that say more than the status they reach.
    TRANSFERRED = "complaints.transferred"
    CLOSED_CONFIRMED = "complaints.closed_confirmed"
    CLOSED_UNCONFIRMED = "complaints.closed_unconfirmed"
    CLOSED_AFTER_APPEAL = "complaints.closed_after_appeal"
    REOPENED_ON_APPEAL = "complaints.reopened_on_appeal"
    # Messages, one kind per direction.
    MESSAGE_TO_OFFICE = "complaints.message_to_office"
    MESSAGE_TO_COMPLAINANT = "complaints.message_to_complainant"
    MESSAGE_INTERNAL = "complaints.message_internal"
    # The office's work and the clocks.
    INTERIM_REPLY = "complaints.interim_reply"
    PRIORITY_CHANGED = "complaints.priority_changed"
    DUPLICATE_LINKED = "complaints.duplicate_linked"
    IDENTITY_REVEALED = "complaints.identity_revealed"
    CLOCK_PAUSED = "complaints.clock_paused"
    CLOCK_RESUMED = "complaints.clock_resumed"
    ESCALATED = "complaints.escalated"
    REMINDED = "complaints.reminded"
    ATTACHMENT_ADDED = "complaints.attachment_added"
    ATTACHMENT_CLEANED = "complaints.attachment_cleaned"
    FEEDBACK_GIVEN = "complaints.feedback_given"

    @classmethod
    def for_status(cls, status: Status | str) -> ComplaintsEvent:
        """The kind of a move to ``status`` (``complaints.<status>``)."""
        return cls(f"complaints.{Status(status)}")

    @classmethod
    def for_message(cls, direction: MessageDirection | str) -> ComplaintsEvent:
        """The kind of a message going ``direction`` (``complaints.message_<direction>``)."""
        return cls(f"complaints.message_{MessageDirection(direction)}")
