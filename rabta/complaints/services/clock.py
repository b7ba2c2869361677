"""The complaint's clock: paused while the office waits for the complainant, running otherwise.

The office asks the complainant for something it needs (a document, a date, a place) and the clock
stops: no deadline runs out, nothing escalates and no reminder goes out while the ball is in the
complainant's court. It starts again when the complainant writes back, when the office decides to
go on without the answer, or by itself after ``RABTA_MAX_CLOCK_PAUSE_DAYS`` (15 by default), so a
question nobody answers cannot park a complaint out of every deadline's reach. Every pause and
every restart is an event on the complaint's timeline, with how long the clock stood still.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rabta.accounts.types import Actor
from rabta.complaints.choices import MessageDirection
from rabta.complaints.errors import ComplaintsError
from rabta.complaints.events import ComplaintsEvent
from rabta.complaints.models import Complaint, Message
from rabta.complaints.permissions import Action, require
from rabta.complaints.services.deadlines import CLOCK_FIELDS, clock_pause, clock_resume
from rabta.complaints.services.posting import message_write
from rabta.complaints.transitions import actor_role_of, require_open
from rabta.core.db import locked
from rabta.core.errors import Conflict
from rabta.core.events import event_record

# The events' reasons: codes, like every system-given reason, not text in whoever's language was active.
PAUSED_FOR_ANSWER = "waiting_for_complainant"
RESUMED_BY_REPLY = "complainant_replied"
RESUMED_BY_OFFICE = "office_went_on"
RESUMED_BY_LIMIT = "pause_limit_reached"


def max_pause() -> timedelta:
    return timedelta(days=settings.RABTA_MAX_CLOCK_PAUSE_DAYS)


@transaction.atomic
def complaint_request_information(*, complaint: Complaint, actor: Actor, body: str) -> Message:
    """The office asks the complainant for information and the clock stops until the answer comes.
    The question is an ordinary message to the complainant (who is notified of it)."""

    require(actor, complaint, Action.WORK)
    complaint = locked(complaint)
    require_open(complaint.status, _("Only an open complaint can wait for the complainant."))
    if complaint.clock_paused_at is not None:
        raise Conflict(
            ComplaintsError.CLOCK_ALREADY_PAUSED,
            _("This complaint is already waiting for the complainant; write to them as usual."),
        )
    if complaint.complainant_id is None:
        raise Conflict(
            ComplaintsError.COMPLAINANT_UNREACHABLE,
            _("A fully anonymous complainant cannot be asked: they have no account to answer from."),
        )
    message = message_write(complaint=complaint, author=actor, body=body, direction=MessageDirection.TO_COMPLAINANT)
    now = timezone.now()
    fields = clock_pause(complaint, now=now)
    complaint.save(update_fields=[*fields, "updated_at"])
    event_record(
        kind=ComplaintsEvent.CLOCK_PAUSED,
        subject=complaint,
        actor=actor,
        actor_role=actor_role_of(actor, complaint),
        reason=PAUSED_FOR_ANSWER,
        data={"message": message.pk},
        occurred_at=now,
    )
    return message


def complaint_clock_resume(*, complaint: Complaint, actor: Actor, why: str, now: datetime | None = None) -> Complaint:
    """Start a paused clock again (inside a transaction, on a row the caller has locked). Does
    nothing to a running clock, so a reply that arrives after the office went on changes nothing."""
    if complaint.clock_paused_at is None:
        return complaint
    now = now or timezone.now()
    paused = clock_resume(complaint, now=now)
    complaint.save(update_fields=[*CLOCK_FIELDS, "updated_at"])
    hidden_reply = why == RESUMED_BY_REPLY and complaint.identity_hidden_from_office
    event_record(
        kind=ComplaintsEvent.CLOCK_RESUMED,
        subject=complaint,
        actor=None if hidden_reply else actor,  # a hidden complainant is no one on the timeline
        actor_role="complainant" if hidden_reply else actor_role_of(actor, complaint),
        reason=why,
        data={"paused_seconds": int(paused.total_seconds())},
        occurred_at=now,
    )
    return complaint


@transaction.atomic
def complaint_go_on(*, complaint: Complaint, actor: Actor) -> Complaint:
    """The office stops waiting for the complainant and starts the clock again itself."""
    require(actor, complaint, Action.WORK)
    complaint = locked(complaint)
    if complaint.clock_paused_at is None:
        raise Conflict(ComplaintsError.CLOCK_NOT_PAUSED, _("This complaint is not waiting for the complainant."))
    return complaint_clock_resume(complaint=complaint, actor=actor, why=RESUMED_BY_OFFICE)


def clock_resume_overdue(*, now: datetime | None = None) -> int:
    """Start every clock paused for longer than the limit (the periodic sweep). Few rows at any
    time, found through a partial index; each restarts in its own short transaction. Idempotent:
    a restarted clock is no longer paused."""
    now = now or timezone.now()
    limit = now - max_pause()
    resumed = 0
    for pk in Complaint.objects.filter(clock_paused_at__lte=limit).values_list("pk", flat=True):
        with transaction.atomic():
            complaint = Complaint.objects.select_for_update().filter(pk=pk, clock_paused_at__lte=limit).first()
            if complaint is None:  # resumed meanwhile
                continue
            # The clock counts only the allowed pause, not the whole silence.
            complaint.clock_paused_at = limit
            complaint_clock_resume(complaint=complaint, actor=None, why=RESUMED_BY_LIMIT, now=now)
            resumed += 1
    return resumed
