"""Periodic work. Thin: each task calls one service, which is idempotent."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from rabta.complaints.services.clock import clock_resume_overdue
from rabta.complaints.services.escalation import escalation_notify, escalation_sweep, escalations_committed_listen
from rabta.complaints.services.feedback import closure_sweep
from rabta.complaints.services.reminders import reminder_sweep


@shared_task
def escalation_sweep_task() -> dict[str, int]:
    result = escalation_sweep()
    return {"to_supervisor": result.to_supervisor, "to_head": result.to_head}


@shared_task(acks_late=True)
def escalation_notify_task() -> dict[str, int]:
    """Tell the complainants of escalations not yet told. Kicked as each sweep batch commits, and
    run by beat as the safety net for a kick that was lost."""
    result = escalation_notify()
    return {"escalations": result.escalations, "messages": result.messages}


def _kick_escalation_notify() -> None:
    # Looked up when called, not when registered: the task's delay may be replaced (a test's broker down).
    escalation_notify_task.delay()


escalations_committed_listen(_kick_escalation_notify)


@shared_task
def reminder_sweep_task() -> dict[str, int]:
    result = reminder_sweep()
    return {
        "complaints": result.complaints,
        "offices": result.offices,
        "offices_unreachable": result.offices_unreachable,
        "notifications": result.notifications,
    }


@shared_task
def clock_resume_task() -> int:
    return clock_resume_overdue()


@shared_task
def closure_sweep_task() -> int:
    return closure_sweep()


# Read by rabta.celery (beat_schedule_collect) through the app registry.
BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    "escalation-sweep": {"task": "rabta.complaints.tasks.escalation_sweep_task", "schedule": 15 * 60},
    # The sweep kicks this as it commits; beat catches what a killed process or a refused kick left.
    "escalation-notify": {"task": "rabta.complaints.tasks.escalation_notify_task", "schedule": 5 * 60},
    "reminder-sweep": {"task": "rabta.complaints.tasks.reminder_sweep_task", "schedule": 15 * 60},
    "clock-resume": {"task": "rabta.complaints.tasks.clock_resume_task", "schedule": 15 * 60},
    "closure-sweep": {"task": "rabta.complaints.tasks.closure_sweep_task", "schedule": 60 * 60},
}
