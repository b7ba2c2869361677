"""Deadlines: the policy that applies, business-day arithmetic with Pakistan's public holidays."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays
from django.utils import timezone

from rabta.complaints.models import Complaint, DeadlinePolicy
from rabta.complaints.reference import Reference, reference

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


def policy_for(complaint: Complaint, *, ref: Reference | None = None) -> DeadlinePolicy:
    """Most specific policy first: category and office and priority, then fewer parts (a blank part
    matches anything); the built-in defaults when none matches. Read through the process's
    reference memo (rabta.complaints.reference), which every change to a policy empties; intake
    passes the ``ref`` it already holds, so a submission checks the memo's version once."""
    return (ref or reference()).deadline_policy(
        category_id=complaint.category_id, office_id=complaint.current_office_id, priority=complaint.priority
    )


# Deadlines that move together when the clock pauses, and the sweeps' two "look again at" moments
# derived from them.
DEADLINE_FIELDS = (
    "acknowledge_due_at",
    "interim_due_at",
    "resolve_due_at",
    "escalate_supervisor_at",
    "escalate_head_at",
)
# What the sweeps read: when to look again for an escalation and for a reminder, and a paused clock.
SWEEP_FIELDS = ("next_escalation_at", "next_reminder_at", "clock_paused_at")
CLOCK_FIELDS = (*DEADLINE_FIELDS, *SWEEP_FIELDS)
# Offices are reminded this long before a deadline they still owe.
REMINDER_LEAD = timedelta(days=1)


def deadlines_owed(complaint: Complaint) -> list[tuple[str, datetime]]:
    """The deadlines the office still owes the complainant, as (name, due): acknowledging until it
    has acknowledged, the interim reply until it has sent one (that clears ``interim_due_at``),
    and the resolution."""
    owed = []
    if complaint.acknowledge_due_at is not None and complaint.acknowledged_at is None:
        owed.append(("acknowledge", complaint.acknowledge_due_at))
    if complaint.interim_due_at is not None:
        owed.append(("interim_reply", complaint.interim_due_at))
    if complaint.resolve_due_at is not None:
        owed.append(("resolve", complaint.resolve_due_at))
    return owed


def reminder_next_at(complaint: Complaint, *, after: datetime | None = None) -> datetime | None:
    """When the office should next be reminded: the earliest reminder moment (a deadline still owed
    less the lead) later than ``after``; with no ``after``, the earliest of all, even if it has
    already come (a deadline set less than a day away is reminded at the next sweep)."""
    moments = [due - REMINDER_LEAD for _, due in deadlines_owed(complaint)]
    if after is not None:
        moments = [moment for moment in moments if moment > after]
    return min(moments, default=None)


def escalation_next_at(complaint: Complaint) -> datetime | None:
    """When the escalation sweep should next look at the complaint, from its level: the
    supervisor's day, then the head's day, then never."""
    if complaint.escalation_level < 1:
        return complaint.escalate_supervisor_at
    if complaint.escalation_level < 2:
        return complaint.escalate_head_at
    return None


def deadlines_set(complaint: Complaint, *, start: datetime | None = None, ref: Reference | None = None) -> list[str]:
    """Set the complaint's deadlines from its policy, counted from ``start`` (default: now), on a
    running clock. Returns the fields changed, for ``save(update_fields=...)``."""
    start = start or timezone.now()
    policy = policy_for(complaint, ref=ref)
    complaint.acknowledge_due_at = add_business_days(start, policy.acknowledge_days)
    complaint.interim_due_at = add_business_days(start, policy.interim_days)
    complaint.resolve_due_at = add_business_days(start, policy.resolve_days)
    complaint.escalate_supervisor_at = start + timedelta(days=policy.escalate_supervisor_day)
    complaint.escalate_head_at = start + timedelta(days=policy.escalate_head_day)
    complaint.next_escalation_at = escalation_next_at(complaint)
    complaint.next_reminder_at = reminder_next_at(complaint)
    complaint.clock_paused_at = None
    return list(CLOCK_FIELDS)


def clock_stop(complaint: Complaint) -> list[str]:
    """No deadline runs any more (the complaint left the open statuses): no sweep looks at it
    again, so its rows also leave the sweeps' partial indexes. Returns the fields changed."""
    complaint.next_escalation_at = complaint.next_reminder_at = complaint.clock_paused_at = None
    return list(SWEEP_FIELDS)


def clock_pause(complaint: Complaint, *, now: datetime) -> list[str]:
    """Stop the clock (the office is waiting for the complainant): nothing escalates and no one is
    reminded until it runs again. Returns the fields changed."""
    fields = clock_stop(complaint)
    complaint.clock_paused_at = now
    return fields


def clock_resume(complaint: Complaint, *, now: datetime) -> timedelta:
    """Start the clock again: every running deadline moves on by the time it stood still, and the
    sweeps' moments are worked out afresh. Returns how long it was paused; the caller saves
    ``CLOCK_FIELDS``."""
    assert complaint.clock_paused_at is not None, "the clock is not paused"
    paused = max(now - complaint.clock_paused_at, timedelta(0))
    for name in DEADLINE_FIELDS:
        value = getattr(complaint, name)
        if value is not None:
            setattr(complaint, name, value + paused)
    complaint.clock_paused_at = None
    complaint.next_escalation_at = escalation_next_at(complaint)
    # Reminders that came before the pause were sent; those still to come moved with their deadlines.
    complaint.next_reminder_at = reminder_next_at(complaint, after=now)
    return paused
