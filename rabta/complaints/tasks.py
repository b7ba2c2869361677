"""Periodic work. Thin: each task calls one service, which is idempotent."""

from __future__ import annotations

from celery import shared_task

from rabta.celery import app


@shared_task
def escalation_sweep_task() -> dict[str, int]:
    from rabta.complaints.services.escalation import escalation_sweep

    result = escalation_sweep()
    return {"to_supervisor": result.to_supervisor, "to_head": result.to_head}


@shared_task(acks_late=True)
def escalation_notify_task(ids: list[int]) -> int:
    from rabta.complaints.services.escalation import escalation_notify

    return escalation_notify(complaint_ids=ids)


@shared_task
def reminder_sweep_task() -> dict[str, int]:
    from rabta.complaints.services.reminders import reminder_sweep

    result = reminder_sweep()
    return {"complaints": result.complaints, "offices": result.offices, "notifications": result.notifications}


@shared_task
def clock_resume_task() -> int:
    from rabta.complaints.services.clock import clock_resume_overdue

    return clock_resume_overdue()


@shared_task
def closure_sweep_task() -> int:
    from rabta.complaints.services.feedback import closure_sweep

    return closure_sweep()


app.conf.beat_schedule.update(
    {
        "escalation-sweep": {"task": "rabta.complaints.tasks.escalation_sweep_task", "schedule": 15 * 60},
        "reminder-sweep": {"task": "rabta.complaints.tasks.reminder_sweep_task", "schedule": 15 * 60},
        "clock-resume": {"task": "rabta.complaints.tasks.clock_resume_task", "schedule": 15 * 60},
        "closure-sweep": {"task": "rabta.complaints.tasks.closure_sweep_task", "schedule": 60 * 60},
        "outbox-retry": {"task": "rabta.notifications.tasks.retry_pending_outbox", "schedule": 60},
    }
)
