"""Reminders: offices hear of a deadline a day before it runs out, in one digest per office.

Each open complaint carries ``next_reminder_at``: a day before the earliest deadline the office
still owes (acknowledging, the interim reply, the resolution), kept by the deadline services and
moved with the clock when it pauses. The sweep claims the complaints whose moment has come (SKIP
LOCKED on PostgreSQL, so concurrent sweeps share the work), works out which deadlines each one is
reminded of, moves the moment on to the next deadline still owed (or clears it), writes an event
per complaint, and writes one digest per officer of each office into the outbox, all in the same
transaction. A crash before commit leaves everything to the next sweep; after commit, the outbox
delivers.

Idempotent: a complaint is claimed only while ``next_reminder_at <= now`` and claiming moves that
moment past ``now``, so a second sweep finds nothing more to do.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from rabta.accounts.models import RoleAssignment
from rabta.accounts.roles import Role
from rabta.complaints.choices import OPEN_STATUSES
from rabta.complaints.models import Complaint
from rabta.complaints.services.deadlines import REMINDER_LEAD, deadlines_owed, reminder_next_at
from rabta.core.events import event_build, events_record
from rabta.directory.models import Office

BATCH_SIZE = 5000
DIGEST_LINES = 20  # complaints named in one message; the rest are counted
REMINDED_ROLES = (Role.OFFICER, Role.SUPERVISOR)
DEADLINE_LABELS = {"acknowledge": _("acknowledge"), "interim_reply": _("interim reply"), "resolve": _("resolve")}


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


def reminder_sweep(*, now: datetime | None = None, batch_size: int = BATCH_SIZE) -> ReminderResult:
    now = now or timezone.now()
    complaints = offices = notifications = 0
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
                        kind="complaints.reminded",
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
            notifications += _notify(digests)
            complaints += len(events)
            offices += len(digests)
            if len(rows) < batch_size:
                break
    return ReminderResult(complaints=complaints, offices=offices, notifications=notifications)


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


def _notify(digests: dict[int, list[Reminder]]) -> int:
    """One digest per officer and supervisor of each office, written to the outbox in the caller's
    transaction. Offices with nobody assigned get none; the events still show they were due."""
    from rabta.notifications.services import notifications_enqueue

    if not digests:
        return 0
    names = dict(Office.objects.filter(pk__in=digests).values_list("pk", "name"))
    staff = (
        RoleAssignment.objects.filter(office_id__in=digests, role__in=REMINDED_ROLES, active=True, user__is_active=True)
        .select_related("user")
        .order_by("office_id", "user_id")
    )
    items = []
    seen: set[tuple[int, int]] = set()
    for assignment in staff:
        office_id = assignment.office_id
        assert office_id is not None
        if (office_id, assignment.user_id) in seen:  # officer and supervisor of the same office
            continue
        seen.add((office_id, assignment.user_id))
        reminders = sorted(digests[office_id], key=lambda reminder: reminder.due)
        with translation.override(assignment.user.preferred_language or "en"):
            lines = [
                f"{r.tracking_number} ({DEADLINE_LABELS[r.deadline]}, {timezone.localtime(r.due):%Y-%m-%d %H:%M})"
                for r in reminders
            ]
        shown = lines[:DIGEST_LINES]
        if len(lines) > len(shown):
            shown.append(f"+{len(lines) - len(shown)}")
        items.append(
            (
                assignment.user,
                "office_deadline_reminder",
                {"office": names.get(office_id, ""), "count": len(reminders), "complaints": "; ".join(shown)},
            )
        )
    return len(notifications_enqueue(items))
