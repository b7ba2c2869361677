from __future__ import annotations

from celery import shared_task

from rabta.notifications.services import outbox_deliver_pending


@shared_task(acks_late=True)
def deliver_pending_outbox() -> int:
    """Queued by a commit that wrote outbox rows (services.outbox_kick); delivers every ready row."""
    return outbox_deliver_pending()


@shared_task
def retry_pending_outbox() -> int:
    """Every few minutes (beat): rows whose retry is due, or whose deliverer died, go out."""
    return outbox_deliver_pending()
