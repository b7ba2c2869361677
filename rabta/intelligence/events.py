"""The events the intelligence domain writes (``rabta.core.events.event_record``); stored values never change."""

from rabta.core.events import EventKind


class IntelligenceEvent(EventKind):
    SIGNAL_RAISED = "intelligence.signal_raised"
    SIGNAL_REVIEWED = "intelligence.signal_reviewed"
    RECURRING_REFRESHED = "intelligence.recurring_refreshed"
