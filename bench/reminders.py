"""``reminder_sweep_s``: one reminder sweep over the bulk-loaded complaints, the open ones carrying
the reminder moment intake gives them, through the application's own sweep.

Runs after the escalation benchmark, as the periodic ``escalate`` command runs the two sweeps. That
order keeps ``escalation_sweep_s`` measured on the untouched load, comparable with earlier runs,
and costs this figure nothing it should not pay: escalating changes none of the columns the
reminder sweep reads (deadlines, acknowledgement, status, current office), it only leaves its
updated rows behind in the table, as it does in production every quarter of an hour. The notes
say how many complaints were escalated before this sweep ran.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from bench.figures import Figure
from bench.inbox import bulk_loaded

if TYPE_CHECKING:
    from bench.run import Context


def staffed(ctx: Context) -> dict[str, int]:
    """Staff the offices once per run (see bench.auth.office_staff_create)."""
    from bench.auth import office_staff_create

    if "staff" not in ctx.state:
        ctx.state["staff"] = office_staff_create()
    return ctx.state["staff"]


def reminders_benchmark(ctx: Context) -> list[Figure]:
    from django.utils import timezone

    from bench import complaints_api
    from bench.run import say

    bulk = bulk_loaded(ctx)
    sweep, name = complaints_api.reminder_sweep()
    staff = staffed(ctx)
    escalated = sum(n for level, n in complaints_api.escalation_state(bulk).items() if level != "level_0")
    # One moment for both sweeps, so that the second one checks idempotence exactly: a later moment
    # could rightly find a complaint whose reminder came in between.
    now = timezone.now()
    before = complaints_api.reminder_state(now=now)
    say(f"   sweeping with {name}; staff {staff}; {escalated:,} complaints escalated before; before: {before}")
    began = time.perf_counter()
    outcome = sweep(now=now)
    took = time.perf_counter() - began
    after = complaints_api.reminder_state(now=now)
    say(f"   sweep took {took:.2f} s; outcome {outcome!r}; after: {after}")
    began = time.perf_counter()
    outcome_again = sweep(now=now)
    took_again = time.perf_counter() - began
    again = complaints_api.reminder_state(now=now)
    claimed = before["due"] - after["due"]
    outbox_rows = after["digest_outbox_rows"] - before["digest_outbox_rows"]
    reminded_again = again["reminded_events"] - after["reminded_events"]
    details: dict[str, Any] = {
        "outcome": repr(outcome)[:500],
        "complaints_claimed": claimed,
        "complaints_reminded": outcome.complaints,
        "offices_reminded": outcome.offices,
        # Offices with neither staff nor an email address (0 while office_staff_create staffs them all).
        "offices_unreachable": getattr(outcome, "offices_unreachable", None),
        "digest_outbox_rows": outbox_rows,
        "before": before,
        "after": after,
        "staff": staff,
        "escalated_before": escalated,
        "reminder_moments_at_load": bulk.get("details", {}).get("reminder_moments_at_load"),
        "second_sweep_s": round(took_again, 2),
        "second_sweep_outcome": repr(outcome_again)[:500],
        "second_sweep_reminded": reminded_again,
        "second_sweep_outbox_rows": again["digest_outbox_rows"] - after["digest_outbox_rows"],
    }
    steady = (bulk.get("details", {}).get("reminder_moments_at_load") or {}).get("steady_state_15_min")
    return [
        Figure(
            name="reminder_sweep_s",
            value=round(took, 2),
            unit="s",
            notes=f"one call of {name} over {bulk['rows']:,} complaints, {before['due']:,} of them due "
            f"({before['due_deadline_passed']:,} for a deadline already passed, "
            f"{before['due_deadline_within_a_day']:,} for one within a day; {before['later']:,} later): the first "
            f"sweep over the backlog, each open complaint carrying the moment intake gives it; a steady-state "
            f"sweep 15 minutes after the last would find about {steady if steady is not None else 'unknown'}. "
            f"It claimed {claimed:,} complaints, reminded {outcome.complaints:,} at {outcome.offices:,} offices and "
            f"wrote {outbox_rows:,} digests to the outbox ({staff['users']:,} staff in "
            f"{staff['offices']:,} offices). Run after the escalation sweep ({escalated:,} complaints escalated "
            f"before), as the periodic command orders them, so that escalation_sweep_s stays measured on the "
            f"untouched load. A second sweep at the same moment took {took_again:.2f} s and reminded "
            f"{reminded_again}",
            details=details,
        ),
        Figure(
            name="reminder_reminded",
            value=outcome.complaints,
            unit="complaints",
            notes="complaints the sweep reminded their office of (one complaints.reminded event each)",
        ),
    ]
