"""Periodic work. Thin: the task calls one service, which is idempotent (the cursor says what is done)."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from rabta.scorecards.action_rollup import action_fold_all
from rabta.scorecards.services import rollup_fold_all


@shared_task
def rollup_fold_task() -> int:
    # The accountability-action counts fold on the same beat, after a cursor of their own.
    return rollup_fold_all() + action_fold_all()


BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    "scorecards-fold": {"task": "rabta.scorecards.tasks.rollup_fold_task", "schedule": 60},
}
