from __future__ import annotations

from typing import Any

from celery import shared_task

from rabta.notifications.services import outbox_deliver_pending


@shared_task(acks_late=True)
def deliver_pending_outbox() -> int:
    """Delivers every ready row. Queued a second after a commit that wrote outbox rows
    (services.outbox_kick), and every minute by beat, which sends the rows whose retry is due or
    whose deliverer died."""
    return outbox_deliver_pending()


# Read by rabta.celery (beat_schedule_collect) through the app registry. Every minute: the rows whose
# retry is due, or whose deliverer died, are sent without waiting for the next commit's kick.
BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    "outbox-delivery": {"task": "rabta.notifications.tasks.deliver_pending_outbox", "schedule": 60},
}
