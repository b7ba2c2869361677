"""Writing events: the one way every domain records a state change."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from enum import StrEnum
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from rabta.core.actors import CoreActor, account_or_none
from rabta.core.middleware import current_request_id
from rabta.core.models import Event


class EventKind(StrEnum):
    """Base of every app's event kinds (``rabta.<app>.events``): a kind is a member, never a bare
    string. Values are stored in ``Event.kind`` and never change once released: renaming a member
    keeps its value."""


def event_build(
    *,
    kind: EventKind,
    subject: models.Model,
    actor: CoreActor = None,
    actor_role: str = "",
    from_state: str = "",
    to_state: str = "",
    reason: str = "",
    data: dict[str, Any] | None = None,
    occurred_at: datetime | None = None,
) -> Event:
    """An unsaved event for ``subject``; :func:`events_record` writes it. The subject may itself be
    unsaved yet (a complaint being lodged): its id is taken when the event is written."""
    user = account_or_none(actor)
    event = Event(
        occurred_at=occurred_at or timezone.now(),
        actor=user,  # type: ignore[misc]  # the installed user model (AUTH_USER_MODEL), whichever it is
        actor_role=actor_role,
        kind=kind,
        subject_type=subject._meta.label_lower,
        subject_id="" if subject.pk is None else str(subject.pk),
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        data=data or {},
        request_id=current_request_id(),
    )
    event._subject = subject  # type: ignore[attr-defined]
    return event


def events_record(*events: Event) -> list[Event]:
    """Append events (one INSERT for all of them). Must be called inside the caller's transaction
    so that the change and its events commit or roll back together; outside one it refuses."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("events_record() must run inside transaction.atomic() with the change it records")
    for event in events:
        subject = getattr(event, "_subject", None)
        if subject is not None:
            if subject.pk is None:
                raise RuntimeError("events_record(): save the subject before its events")
            event.subject_id = str(subject.pk)
    return Event.objects.bulk_create(events)


def event_record(
    *,
    kind: EventKind,
    subject: models.Model,
    actor: CoreActor = None,
    actor_role: str = "",
    from_state: str = "",
    to_state: str = "",
    reason: str = "",
    data: dict[str, Any] | None = None,
    occurred_at: datetime | None = None,
) -> Event:
    """Append one event, inside the caller's transaction; takes :func:`event_build`'s arguments."""
    event = event_build(
        kind=kind,
        subject=subject,
        actor=actor,
        actor_role=actor_role,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        data=data,
        occurred_at=occurred_at,
    )
    return events_record(event)[0]


def event_timeline(subject: models.Model) -> models.QuerySet[Event]:
    return Event.objects.for_subject(subject).select_related("actor").order_by("occurred_at", "id")


def event_rows(
    subject: models.Model,
    *,
    actor_label: Callable[[Event], str],
) -> list[dict[str, Any]]:
    """A subject's timeline as readers see it: states, reason and who acted, as ``actor_label``
    names them for this reader (a name for staff, "office" or "complainant" for others). Event
    data is never included: it may name people the reader must not learn of."""
    return [
        {
            "kind": event.kind,
            "at": event.occurred_at,
            "from_state": event.from_state,
            "to_state": event.to_state,
            "actor": actor_label(event),
            "reason": event.reason,
        }
        for event in event_timeline(subject)
    ]
