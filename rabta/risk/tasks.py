"""Periodic work of the risk domain: the weekly retraining on the latest examination results
(Take a Chance, IEEE TKDE 2022: retrain weekly). Thin: the task calls one service."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from celery.schedules import crontab

from rabta.risk.services.models import model_retrain


@shared_task
def model_retrain_task() -> int | None:
    model = model_retrain()
    return model.version if model is not None else None


BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    # Sunday night, when clearance is quiet; the model it trains waits for an analyst's approval.
    "risk-retrain": {
        "task": "rabta.risk.tasks.model_retrain_task",
        "schedule": crontab(minute=30, hour=1, day_of_week=0),
    },
}
