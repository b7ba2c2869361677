"""The escalation sweep: complaints past their escalation day go up the reporting line.

Set-based, so one sweep over a million complaints takes seconds: each batch locks the due rows
(SKIP LOCKED on PostgreSQL, so concurrent sweeps share the work instead of doing it twice), moves
them up one level with a single UPDATE, and writes their Escalation and Event rows with two bulk
INSERTs. Idempotent: a row is claimed only while ``next_escalation_at <= now``, and claiming moves
that moment on (to the head-office day) or clears it, so a second sweep finds nothing more to do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import BigIntegerField, Case, F, IntegerField, OuterRef, Subquery, Value, When
from django.utils import timezone

from rabta.complaints.choices import OPEN_STATUSES
from rabta.complaints.models import Complaint, Escalation
from rabta.core.models import Event
from rabta.directory.models import Office

BATCH_SIZE = 5000
PENDING_TRACKED_DAYS = 90


@dataclass(frozen=True)
class SweepResult:
    to_supervisor: int
    to_head: int
    batches: int


def _head_office_of_department() -> Subquery:
    # UPDATE cannot join, so the current office's department is itself a (nested) subquery.
    department = Subquery(Office.objects.filter(pk=OuterRef(OuterRef("current_office_id"))).values("department_id")[:1])
    return Subquery(
        Office.objects.filter(department_id=department, parent__isnull=True).order_by("id").values("id")[:1]
    )


def _parent_office() -> Subquery:
    return Subquery(Office.objects.filter(pk=OuterRef("current_office_id")).values("parent_id")[:1])


def escalation_sweep(*, now: datetime | None = None, batch_size: int = BATCH_SIZE) -> SweepResult:
    now = now or timezone.now()
    to_supervisor = to_head = batches = 0
    while True:
        with transaction.atomic():
            due = (
                Complaint.objects.filter(next_escalation_at__lte=now, status__in=OPEN_STATUSES)
                .order_by("next_escalation_at")
                .values_list("id", flat=True)
            )
            if connection.features.has_select_for_update_skip_locked:
                due = due.select_for_update(skip_locked=True, of=("self",))
            ids = list(due[:batch_size])
            if not ids:
                break
            batches += 1
            rows = Complaint.objects.filter(pk__in=ids)
            # Level 1 when the supervisor day has passed; level 2 when the head-office day has too.
            new_level = Case(
                When(escalate_head_at__lte=now, then=Value(2)),
                default=Value(1),
                output_field=IntegerField(),
            )
            rows.update(
                escalation_level=new_level,
                escalated_to_id=Case(
                    When(escalate_head_at__lte=now, then=_head_office_of_department()),
                    default=_parent_office(),
                    output_field=BigIntegerField(),
                ),
                next_escalation_at=Case(When(escalate_head_at__gt=now, then=F("escalate_head_at")), default=None),
                updated_at=now,
            )
            claimed = list(
                Complaint.objects.filter(pk__in=ids).values_list("id", "escalation_level", "escalated_to_id")
            )
            Escalation.objects.bulk_create(
                [
                    Escalation(
                        complaint_id=pk,
                        level=level,
                        to_office_id=office_id,
                        created_at=now,
                        reason="head of the organisation" if level == 2 else "supervisor (reporting line)",
                    )
                    for pk, level, office_id in claimed
                ],
                ignore_conflicts=True,
            )
            Event.objects.bulk_create(
                [
                    Event(
                        occurred_at=now,
                        kind="complaints.escalated",
                        subject_type="complaints.complaint",
                        subject_id=str(pk),
                        actor_role="system",
                        to_state=f"level {level}",
                        data={"level": level, "to_office": office_id},
                    )
                    for pk, level, office_id in claimed
                ]
            )
            to_head += sum(1 for _, level, _ in claimed if level == 2)
            to_supervisor += sum(1 for _, level, _ in claimed if level == 1)
            if len(ids) < batch_size:
                break
    return SweepResult(to_supervisor=to_supervisor, to_head=to_head, batches=batches)


def complaints_pending_over(*, days: int = PENDING_TRACKED_DAYS, now: datetime | None = None):  # type: ignore[no-untyped-def]
    """Open complaints older than ``days``: the list tracked by name."""
    now = now or timezone.now()
    return (
        Complaint.objects.filter(status__in=OPEN_STATUSES, created_at__lte=now - timedelta(days=days))
        .select_related("current_office")
        .order_by("created_at")
    )
