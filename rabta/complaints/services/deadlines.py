"""Deadlines: the policy that applies, business-day arithmetic with Pakistan's public holidays."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays
from django.utils import timezone

from rabta.complaints.models import Complaint, DeadlinePolicy
from rabta.complaints.reference import reference

# Federal offices work Monday to Friday (weekday numbers 5, 6 are Saturday and Sunday).
WEEKEND = frozenset({5, 6})


@lru_cache(maxsize=16)
def _holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("PK", years=year)


def is_business_day(day: date) -> bool:
    return day.weekday() not in WEEKEND and day not in _holidays(day.year)


def add_business_days(start: datetime, days: int) -> datetime:
    """The moment ``days`` business days after ``start`` (same time of day)."""
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if is_business_day(timezone.localtime(current).date()):
            remaining -= 1
    return current


def policy_for(complaint: Complaint) -> DeadlinePolicy:
    """Most specific policy first: category and office and priority, then fewer parts; the built-in
    defaults when none matches. Read through the process's reference memo (rabta.complaints.reference),
    which every change to a policy empties."""
    return reference().deadline_policy(
        category_id=complaint.category_id, office_id=complaint.current_office_id, priority=complaint.priority
    )


def deadlines_set(complaint: Complaint, *, start: datetime | None = None) -> list[str]:
    """Set the complaint's deadlines from its policy, counted from ``start`` (default: now).
    Returns the fields changed, for ``save(update_fields=...)``."""
    start = start or timezone.now()
    policy = policy_for(complaint)
    complaint.acknowledge_due_at = add_business_days(start, policy.acknowledge_days)
    complaint.interim_due_at = add_business_days(start, policy.interim_days)
    complaint.resolve_due_at = add_business_days(start, policy.resolve_days)
    complaint.escalate_supervisor_at = start + timedelta(days=policy.escalate_supervisor_day)
    complaint.escalate_head_at = start + timedelta(days=policy.escalate_head_day)
    complaint.next_escalation_at = (
        complaint.escalate_supervisor_at
        if complaint.escalation_level < 1
        else complaint.escalate_head_at
        if complaint.escalation_level < 2
        else None
    )
    return [
        "acknowledge_due_at",
        "interim_due_at",
        "resolve_due_at",
        "escalate_supervisor_at",
        "escalate_head_at",
        "next_escalation_at",
    ]


def clock_shift(complaint: Complaint, paused: timedelta) -> list[str]:
    """Push every running deadline by the time the clock was paused (waiting for the complainant)."""
    fields = []
    for name in (
        "acknowledge_due_at",
        "interim_due_at",
        "resolve_due_at",
        "escalate_supervisor_at",
        "escalate_head_at",
        "next_escalation_at",
    ):
        value = getattr(complaint, name)
        if value is not None:
            setattr(complaint, name, value + paused)
            fields.append(name)
    return fields
