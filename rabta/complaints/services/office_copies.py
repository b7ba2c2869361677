"""The office's scrubbed copies of hidden complainants' words, brought up to today's scrubber."""

from __future__ import annotations

from django.db import transaction

from rabta.accounts.types import Actor
from rabta.complaints.choices import HIDDEN_FROM_OFFICE, MessageDirection
from rabta.complaints.models import SUBJECT_MAX_LENGTH, Complaint, Message
from rabta.complaints.privacy import Identity, identity_of, scrub

RESCRUB_BATCH = 500


def office_copies_rescrub(*, batch: int = RESCRUB_BATCH) -> int:
    """Scrub again, with today's rules, the office's copy of every hidden complainant's subject,
    text and messages; returns how many rows changed. Run once after the scrubber learns more.

    The *office copy* is scrubbed again, not the original: a fully anonymous complaint no longer
    knows its submitter, and an account may have changed its name since, so the original may hold
    identifiers that only the copy made at intake had removed. Scrubbing only ever removes more, so
    a rerun changes nothing (idempotent), and each batch is its own transaction. The copies are
    derived data (like a cache of the scrubber's output), so no event is written for them.
    """
    changed = 0
    identities: dict[int | None, Identity] = {}

    def who(user: Actor) -> Identity:
        key = getattr(user, "pk", None)
        if key not in identities:
            identities[key] = identity_of(user)
        return identities[key]

    complaints = Complaint.objects.filter(anonymity__in=HIDDEN_FROM_OFFICE).select_related("complainant")
    last = 0
    while True:
        rows = list(
            complaints.filter(pk__gt=last)
            .order_by("pk")
            .only("pk", "subject_for_office", "text_for_office", "complainant")[:batch]
        )
        if not rows:
            break
        with transaction.atomic():
            for complaint in rows:
                identity = who(complaint.complainant)
                subject = scrub(complaint.subject_for_office, identity)[:SUBJECT_MAX_LENGTH]
                text = scrub(complaint.text_for_office, identity)
                if (subject, text) != (complaint.subject_for_office, complaint.text_for_office):
                    Complaint.objects.filter(pk=complaint.pk).update(subject_for_office=subject, text_for_office=text)
                    changed += 1
        last = rows[-1].pk
        identities.clear()  # bounded memory: one batch's complainants at a time

    messages = Message.objects.filter(
        complaint__anonymity__in=HIDDEN_FROM_OFFICE, direction=MessageDirection.TO_OFFICE
    ).select_related("complaint__complainant")
    last = 0
    while True:
        found = list(messages.filter(pk__gt=last).order_by("pk")[:batch])
        if not found:
            break
        with transaction.atomic():
            for message in found:
                body = scrub(message.body_for_office, who(message.complaint.complainant))
                if body != message.body_for_office:
                    Message.objects.filter(pk=message.pk).update(body_for_office=body)
                    changed += 1
        last = found[-1].pk
        identities.clear()
    return changed
