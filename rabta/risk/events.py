"""The events the risk domain writes (``rabta.core.events.event_record``); stored values never change."""

from rabta.core.events import EventKind


class RiskEvent(EventKind):
    pass
