from __future__ import annotations

from celery import shared_task

from rabta.notifications.models import Outbox
from rabta.notifications.services import outbox_deliver

RETRY_BATCH = 200


@shared_task(acks_late=True)
def deliver_outbox(ids: list[int]) -> int:
    return outbox_deliver(ids=ids)


@shared_task
def retry_pending_outbox() -> int:
    ids = list(
        Outbox.objects.filter(state=Outbox.State.PENDING)
        .order_by("created_at")
        .values_list("id", flat=True)[:RETRY_BATCH]
    )
    return outbox_deliver(ids=ids)
