"""Periodic work of the intelligence domain. Thin: each task calls one idempotent service."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from celery.schedules import crontab

from rabta.intelligence.services import recurring_refresh, signals_scan

BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    # The lodged complaints of the last hours, every ten minutes: a signal waits for a person anyway.
    "intelligence-signals-scan": {"task": "rabta.intelligence.tasks.signals_scan_task", "schedule": 600},
    # Nightly, when intake is quiet: clustering reads two windows of complaints.
    "intelligence-recurring-refresh": {
        "task": "rabta.intelligence.tasks.recurring_refresh_task",
        "schedule": crontab(minute=15, hour=2),
    },
}


@shared_task
def signals_scan_task() -> dict[str, int]:
    result = signals_scan()
    return {"scanned": result.scanned, "abusive": result.abusive, "repeated": result.repeated}


@shared_task
def recurring_refresh_task() -> dict[str, int]:
    result = recurring_refresh()
    return {"complaints": result.complaints, "clusters": result.clusters, "rising": result.rising}
