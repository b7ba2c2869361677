"""The events the intelligence domain writes (``rabta.core.events.event_record``); stored values never change."""

from rabta.core.events import EventKind


class IntelligenceEvent(EventKind):
    pass
