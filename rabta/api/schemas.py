"""Schemas every domain's API shares: the one error body and a timeline event.

A domain's own input and output schemas live in its ``api.py``; what two domains would otherwise
both declare lives here, once.
"""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema


class ErrorOut(Schema):
    """The one error format: ``code`` is machine-readable, ``fields`` names each field at fault."""

    code: str
    message: str
    fields: dict[str, list[dict[str, str]]]


class EventOut(Schema):
    """One event of an item's timeline, as this reader may see it (``rabta.core.events.event_rows``)."""

    kind: str
    at: datetime
    from_state: str
    to_state: str
    actor: str
    reason: str
    attachment: int | None = Field(None, description="The file this event added, when the reader may open it.")
