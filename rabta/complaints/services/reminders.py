"""Reminders: offices hear of a deadline a day before it runs out, in one digest per office.

Each open complaint carries ``next_reminder_at``: a day before the earliest deadline the office
still owes (acknowledging, the interim reply, the resolution), kept by the deadline services and
moved with the clock when it pauses. The sweep claims the complaints whose moment has come (SKIP
LOCKED on PostgreSQL, so concurrent sweeps share the work), works out which deadlines each one is
reminded of, moves the moment on to the next deadline still owed (or clears it), writes an event
per complaint, and writes one digest per officer of each office into the outbox, all in the same
transaction. A crash before commit leaves everything to the next sweep; after commit, the outbox
delivers.

An office with nobody to remind (no active officer or supervisor with an address) gets the digest
at its own email address instead, in English (the directory records no language for an office or
a department). An office with neither is counted as unreachable and logged by code, so that
operators can staff it or give it an address; its complaints' moments move on all the same, so
the next sweep does not try again every quarter of an hour.

The digest names complaints by tracking number, deadline and due time only: never the subject,
the text or the complainant, so it is safe for an office's shared mailbox and for complaints whose
complainant is hidden from the office.

Idempotent: a complaint is claimed only while ``next_reminder_at <= now`` and claiming moves that
moment past ``now``, so a second sweep finds nothing more to do.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from rabta.accounts.models import User
from rabta.accounts.roles import Role
from rabta.complaints.choices import OPEN_STATUSES
from rabta.complaints.events import ComplaintsEvent
from rabta.complaints.models import Complaint
from rabta.complaints.services.deadlines import REMINDER_LEAD, deadlines_owed, reminder_next_at
from rabta.core.events import event_build, events_record
from rabta.directory.models import Office
from rabta.notifications.services import Recipient, notifications_enqueue

logger = logging.getLogger(__name__)

BATCH_SIZE = 5000
DIGEST_LINES = 20  # complaints named in one message; the rest are counted
REMINDED_ROLES = (Role.OFFICER, Role.SUPERVISOR)
DEADLINE_LABELS = {"acknowledge": _("acknowledge"), "interim_reply": _("interim reply"), "resolve": _("resolve")}
TEMPLATE = "office_deadline_reminder"
OFFICE_LANGUAGE = "en"  # an office's own mailbox: the directory records no language for offices


@dataclass(frozen=True)
class Reminder:
    tracking_number: str
    deadline: str  # acknowledge, interim_reply or resolve
    due: datetime


@dataclass(frozen=True)
class ReminderResult:
    complaints: int
    offices: int
    notifications: int
    offices_unreachable: int = 0  # reminded offices with neither staff to remind nor an email address


def reminder_sweep(*, now: datetime | None = None, batch_size: int = BATCH_SIZE) -> ReminderResult:
    now = now or timezone.now()
    complaints = notifications = 0
    # Sets, not counts: a backlog spans batches, and one office has complaints in several of them.
    offices: set[int] = set()
    unreachable: set[int] = set()
    while True:
        with transaction.atomic():
            due = (
                Complaint.objects.filter(next_reminder_at__lte=now, status__in=OPEN_STATUSES)
                .order_by("next_reminder_at")
                .only(
                    "tracking_number",
                    "current_office_id",
                    "next_reminder_at",
                    "acknowledge_due_at",
                    "acknowledged_at",
                    "interim_due_at",
                    "resolve_due_at",
                )
            )
            if connection.features.has_select_for_update_skip_locked:
                due = due.select_for_update(skip_locked=True, of=("self",))
            rows = list(due[:batch_size])
            if not rows:
                break
            digests: dict[int, list[Reminder]] = defaultdict(list)
            moves: list[tuple[int, datetime | None]] = []
            events = []
            for complaint in rows:
                claimed_at = complaint.next_reminder_at
                assert claimed_at is not None
                # The deadlines whose reminder moment came between the claimed moment and now: the
                # earlier ones were reminded by an earlier sweep.
                owed = [(name, at) for name, at in deadlines_owed(complaint) if claimed_at <= at - REMINDER_LEAD <= now]
                moves.append((complaint.pk, reminder_next_at(complaint, after=now)))
                if not owed or complaint.current_office_id is None:
                    continue  # e.g. acknowledged since the moment was set: nothing left to remind of
                digests[complaint.current_office_id] += [
                    Reminder(complaint.tracking_number, name, at) for name, at in owed
                ]
                events.append(
                    event_build(
                        kind=ComplaintsEvent.REMINDED,
                        subject=complaint,
                        actor_role="system",
                        data={
                            "office": complaint.current_office_id,
                            "deadlines": {name: at.isoformat() for name, at in owed},
                        },
                        occurred_at=now,
                    )
                )
            _move(moves, now=now)
            events_record(*events)
            written, missed = _notify(digests)
            notifications += written
            unreachable |= missed
            complaints += len(events)
            offices |= digests.keys()
            if len(rows) < batch_size:
                break
    return ReminderResult(
        complaints=complaints, offices=len(offices), notifications=notifications, offices_unreachable=len(unreachable)
    )


def _move(moves: list[tuple[int, datetime | None]], *, now: datetime) -> None:
    """Set each claimed complaint's next reminder moment: one UPDATE on PostgreSQL, one per distinct
    moment elsewhere (the embedded SQLite, where batches are small)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                UPDATE {Complaint._meta.db_table} AS c
                   SET next_reminder_at = v.next_at, updated_at = %(now)s
                  FROM unnest(%(ids)s::bigint[], %(next)s::timestamptz[]) AS v(id, next_at)
                 WHERE c.id = v.id
                """,  # noqa: S608 - the table name is the model's own; every value is a parameter
                {"now": now, "ids": [pk for pk, _ in moves], "next": [at for _, at in moves]},
            )
        return
    groups: dict[datetime | None, list[int]] = defaultdict(list)
    for pk, at in moves:
        groups[at].append(pk)
    for at, pks in groups.items():
        Complaint.objects.filter(pk__in=pks).update(next_reminder_at=at, updated_at=now)


def _notify(digests: dict[int, list[Reminder]]) -> tuple[int, set[int]]:
    """One digest per officer and supervisor of each office, written to the outbox in the caller's
    transaction; an office with nobody to remind gets one at its own email address. Returns the
    outbox rows written and the ids of the offices reached by neither (logged).

    The digest is worked out once per office and language and shared by the office's staff in that
    language."""
    if not digests:
        return 0, set()
    offices = {office.pk: office for office in Office.objects.filter(pk__in=digests).only("code", "name", "email")}
    # Every office's staff in one query, one row per (user, office), reading only what a message
    # needs; an officer who is also a supervisor of the office comes twice and is reminded once.
    staff: dict[int, dict[int, User]] = defaultdict(dict)
    users = (
        User.objects.filter(
            is_active=True,
            role_assignments__office_id__in=digests,
            role_assignments__role__in=REMINDED_ROLES,
            role_assignments__active=True,
        )
        .annotate(reminded_office=F("role_assignments__office_id"))
        .only("email", "phone", "preferred_language")
        .order_by("reminded_office", "pk")
    )
    for user in users:
        staff[user.reminded_office].setdefault(user.pk, user)
    items: list[tuple[Any, str, dict[str, Any]]] = []
    unreachable: set[int] = set()
    for office_id, reminders in digests.items():
        office = offices.get(office_id)
        name = office.name if office is not None else ""
        digest = _Digest(name, reminders)
        # Someone to remind has an address; an officer with none is as good as no officer.
        reachable = [user for user in staff[office_id].values() if user.email or user.phone]
        if reachable:
            items += [
                (user, TEMPLATE, digest.context(user.preferred_language or OFFICE_LANGUAGE)) for user in reachable
            ]
        elif office is not None and office.email:
            items.append((Recipient(email=office.email, language=OFFICE_LANGUAGE), TEMPLATE, digest.context()))
        else:
            unreachable.add(office_id)
            logger.warning(
                "reminder sweep: office %s has no active staff to remind and no email address; "
                "%s complaint deadline(s) reminded to nobody",
                office.code if office is not None else office_id,
                len(reminders),
            )
    return len(notifications_enqueue(items)), unreachable


class _Digest:
    """One office's digest: its reminders sorted and formatted once, its context built once per
    language (only the deadline labels are translated) and the same dict handed to everyone in that
    language."""

    def __init__(self, office: str, reminders: list[Reminder]) -> None:
        self.office = office
        self.count = len(reminders)
        # (tracking number, deadline, due) of the first DIGEST_LINES; the rest are only counted.
        self.shown = [
            (r.tracking_number, r.deadline, f"{timezone.localtime(r.due):%Y-%m-%d %H:%M}")
            for r in sorted(reminders, key=lambda reminder: reminder.due)[:DIGEST_LINES]
        ]
        self.contexts: dict[str, dict[str, Any]] = {}

    def context(self, language: str = OFFICE_LANGUAGE) -> dict[str, Any]:
        if language not in self.contexts:
            with translation.override(language):
                lines = [f"{number} ({DEADLINE_LABELS[deadline]}, {due})" for number, deadline, due in self.shown]
            if self.count > len(lines):
                lines.append(f"+{self.count - len(lines)}")
            self.contexts[language] = {"office": self.office, "count": self.count, "complaints": "; ".join(lines)}
        return self.contexts[language]
