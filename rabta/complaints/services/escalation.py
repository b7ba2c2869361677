"""The escalation sweep: complaints past their escalation day go up the reporting line.

Set-based, so one sweep over a million complaints takes seconds. Each batch locks the due rows
(SKIP LOCKED on PostgreSQL, so concurrent sweeps share the work instead of doing it twice), works
out every row's new level and office in memory from one read of the reporting lines, writes them
with a single UPDATE, and writes the Escalation and Event rows with two bulk INSERTs.

Telling the complainants is durable without making the sweep render thousands of messages: each
Escalation row is written with ``notified_at`` empty, in the same transaction as the escalation,
and ``escalation_notify`` later writes the outbox rows and sets ``notified_at`` together. A task is
kicked as each batch commits, and beat (or ``rabta escalate``) runs the same job as a safety net,
so a process killed between the commit and the kick delays the message but cannot lose it.

Idempotent: a row is claimed only while ``next_escalation_at <= now``, and claiming moves that
moment on (to the head-office day) or clears it, so a second sweep finds nothing more to do.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone

from rabta.complaints.choices import OPEN_STATUSES
from rabta.complaints.events import ComplaintsEvent
from rabta.complaints.models import Complaint, Escalation
from rabta.core.events import event_build, events_record
from rabta.core.models import Event
from rabta.directory.models import Office
from rabta.notifications.services import notifications_enqueue

BATCH_SIZE = 5000
NOTIFY_BATCH_SIZE = 1000  # escalations told per transaction: each renders one or two messages
TO_SUPERVISOR, TO_HEAD = 1, 2


@dataclass(frozen=True)
class SweepResult:
    to_supervisor: int
    to_head: int
    batches: int


@dataclass(frozen=True)
class NotifyResult:
    escalations: int  # marked as told, including those with nobody to tell
    messages: int  # outbox rows written


@dataclass(frozen=True)
class ReportingLines:
    """Every office's parent and department, and each department's head office: the few thousand
    rows the sweep needs, read once per sweep instead of a correlated subquery per complaint."""

    parent: dict[int, int | None]
    department: dict[int, int]
    head: dict[int, int]

    @classmethod
    def load(cls) -> ReportingLines:
        parent: dict[int, int | None] = {}
        department: dict[int, int] = {}
        head: dict[int, int] = {}
        for pk, parent_id, department_id in Office.objects.order_by("id").values_list(
            "id", "parent_id", "department_id"
        ):
            parent[pk], department[pk] = parent_id, department_id
            if parent_id is None:
                head.setdefault(department_id, pk)  # the oldest top office heads the department
        return cls(parent=parent, department=department, head=head)

    def target(self, office_id: int | None, level: int) -> int | None:
        """Level 1 goes to the office above (the supervisor); level 2 to the head of the
        organisation. An office with nothing above it escalates to its department's head."""
        if office_id is None:
            return None
        head = self.head.get(self.department.get(office_id, -1))
        if level == TO_HEAD:
            return head
        return self.parent.get(office_id) or head


def escalation_sweep(*, now: datetime | None = None, batch_size: int = BATCH_SIZE) -> SweepResult:
    now = now or timezone.now()
    lines = ReportingLines.load()
    to_supervisor = to_head = batches = 0
    while True:
        with transaction.atomic():
            due = (
                Complaint.objects.filter(next_escalation_at__lte=now, status__in=OPEN_STATUSES)
                .order_by("next_escalation_at")
                .values_list("id", "current_office_id", "escalate_head_at")
            )
            if connection.features.has_select_for_update_skip_locked:
                due = due.select_for_update(skip_locked=True, of=("self",))
            rows = list(due[:batch_size])
            if not rows:
                break
            batches += 1
            # (id, level, office escalated to, next moment to look again)
            moves: list[tuple[int, int, int | None, datetime | None]] = []
            for pk, office_id, head_at in rows:
                level = TO_HEAD if head_at is not None and head_at <= now else TO_SUPERVISOR
                # As escalation_next_at: after the supervisor, the head's day (still to come, or none).
                next_at = head_at if level == TO_SUPERVISOR else None
                moves.append((pk, level, lines.target(office_id, level), next_at))
            _apply(moves, now=now)
            # robust: the batch is committed whatever happens here. Should the kick fail (broker
            # down) or never run (process killed), the escalations wait, un-notified, for beat.
            transaction.on_commit(_notify_later, robust=True)
            to_head += sum(1 for move in moves if move[1] == TO_HEAD)
            to_supervisor += sum(1 for move in moves if move[1] == TO_SUPERVISOR)
            if len(rows) < batch_size:
                break
    return SweepResult(to_supervisor=to_supervisor, to_head=to_head, batches=batches)


REASONS = {TO_SUPERVISOR: "supervisor (reporting line)", TO_HEAD: "head of the organisation"}


def _apply(moves: list[tuple[int, int, int | None, datetime | None]], *, now: datetime) -> None:
    """Write one batch: the complaints' new level and office, an Escalation row and an event each.

    On PostgreSQL that is one statement: the UPDATE joins the rows to arrays of new values and
    feeds its RETURNING rows to both INSERTs, so 5,000 escalations cost one round trip and no
    Python objects. Other databases (the embedded SQLite, where batches are small) go through the
    ORM with the same result.

    The Escalation row is written un-notified. A complaint that escalates to a level it reached
    before (reopened since) already has a row for that level: the row is made the new escalation's,
    un-notified again, so the complainant is told again; the events keep both."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                WITH moved AS (
                    UPDATE {Complaint._meta.db_table} AS c
                       SET escalation_level = v.level, escalated_to_id = v.office,
                           next_escalation_at = v.next_at, updated_at = %(now)s
                      FROM unnest(%(ids)s::bigint[], %(levels)s::smallint[], %(offices)s::bigint[],
                                  %(next)s::timestamptz[]) AS v(id, level, office, next_at)
                     WHERE c.id = v.id
                 RETURNING c.id, v.level, v.office
                ), escalations AS (
                    INSERT INTO {Escalation._meta.db_table}
                           (complaint_id, level, to_office_id, reason, created_at, notified_at)
                    SELECT id, level, office,
                           CASE WHEN level = {TO_HEAD} THEN %(head_reason)s ELSE %(supervisor_reason)s END,
                           %(now)s, NULL
                      FROM moved
                    ON CONFLICT (complaint_id, level) DO UPDATE
                       SET to_office_id = EXCLUDED.to_office_id, reason = EXCLUDED.reason,
                           created_at = EXCLUDED.created_at, notified_at = NULL
                )
                INSERT INTO {Event._meta.db_table}
                       (uuid, occurred_at, actor_id, actor_role, kind, subject_type, subject_id,
                        from_state, to_state, reason, data, request_id)
                SELECT gen_random_uuid(), %(now)s, NULL, 'system', 'complaints.escalated', %(subject_type)s,
                       id::text, '', 'level ' || level, '',
                       jsonb_build_object('level', level, 'to_office', office), ''
                  FROM moved
                """,  # noqa: S608 - table names are the models' own; every value is a parameter
                {
                    "now": now,
                    "subject_type": Complaint._meta.label_lower,
                    "ids": [m[0] for m in moves],
                    "levels": [m[1] for m in moves],
                    "offices": [m[2] for m in moves],
                    "next": [m[3] for m in moves],
                    "head_reason": REASONS[TO_HEAD],
                    "supervisor_reason": REASONS[TO_SUPERVISOR],
                },
            )
        return
    groups: dict[tuple[int, int | None, datetime | None], list[int]] = defaultdict(list)
    for pk, level, office_id, next_at in moves:
        groups[(level, office_id, next_at)].append(pk)
    for (level, office_id, next_at), pks in groups.items():
        Complaint.objects.filter(pk__in=pks).update(
            escalation_level=level, escalated_to_id=office_id, next_escalation_at=next_at, updated_at=now
        )
    Escalation.objects.bulk_create(
        [
            Escalation(
                complaint_id=pk,
                level=level,
                to_office_id=office_id,
                created_at=now,
                reason=REASONS[level],
                notified_at=None,
            )
            for pk, level, office_id, _ in moves
        ],
        update_conflicts=True,
        unique_fields=["complaint", "level"],
        update_fields=["to_office", "reason", "created_at", "notified_at"],
    )
    events_record(
        *(
            event_build(
                kind=ComplaintsEvent.ESCALATED,
                subject=Complaint(pk=pk),
                actor_role="system",
                to_state=f"level {level}",
                data={"level": level, "to_office": office_id},
                occurred_at=now,
            )
            for pk, level, office_id, _ in moves
        )
    )


# Who is told, as each sweep batch commits, that escalations wait to be notified. The task module
# (rabta.complaints.tasks, loaded by the app's ready()) registers its kick here, so that services
# never import tasks; with nobody registered, beat's escalation-notify schedule still tells them.
_committed_listeners: list[Callable[[], object]] = []


def escalations_committed_listen(callback: Callable[[], object]) -> None:
    """Call ``callback`` after every committed sweep batch (once, however often it is registered)."""
    if callback not in _committed_listeners:
        _committed_listeners.append(callback)


def _notify_later() -> None:
    for callback in list(_committed_listeners):
        callback()


def escalation_notify(*, batch_size: int = NOTIFY_BATCH_SIZE) -> NotifyResult:
    """Tell the complainant of every escalation not yet told, batch by batch until none is left.

    Each batch claims its rows (SKIP LOCKED on PostgreSQL, so concurrent runs split the work; SQLite
    takes the write lock when the transaction begins, so runs queue), writes the outbox rows and
    sets ``notified_at`` in one transaction: an escalation is told exactly once, however many
    workers, retries or sweeps' kicks run this, and a run killed half-way leaves its batch to the
    next. Escalations with nobody to tell (a fully anonymous complaint, or an account with no
    address left) are marked too."""
    escalations = messages = 0
    while True:
        with transaction.atomic():
            due = Escalation.objects.filter(notified_at__isnull=True).order_by("id").values_list("id", "complaint_id")
            if connection.features.has_select_for_update_skip_locked:
                due = due.select_for_update(skip_locked=True)
            rows = list(due[:batch_size])
            if not rows:
                break
            complaints = {
                complaint.pk: complaint
                for complaint in Complaint.objects.filter(
                    pk__in={complaint_id for _, complaint_id in rows}, complainant__isnull=False
                )
                .select_related("complainant")
                # Only what the message needs, not the texts of a thousand complaints.
                .only("tracking_number", "complainant__email", "complainant__phone", "complainant__preferred_language")
            }
            told = [complaints[complaint_id] for _, complaint_id in rows if complaint_id in complaints]
            written = notifications_enqueue(
                [(c.complainant, "complaint_escalated", {"tracking_number": c.tracking_number}) for c in told]
            )
            Escalation.objects.filter(pk__in=[pk for pk, _ in rows]).update(notified_at=timezone.now())
            escalations += len(rows)
            messages += len(written)
            if len(rows) < batch_size:
                break
    return NotifyResult(escalations=escalations, messages=messages)
