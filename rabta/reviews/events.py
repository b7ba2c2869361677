"""The events a decision review writes (``rabta.core.events.event_record``).

The stored values keep the ``complaints.`` prefix they were first written with, when reviews lived
in the complaints app: ``Event.kind`` rows and their readers rely on them, and a stored value never
changes (``rabta.core.events.EventKind``)."""

from rabta.core.events import EventKind


class ReviewsEvent(EventKind):
    FILED = "complaints.decision_review_filed"
    ASSIGNED = "complaints.decision_review_assigned"
    DECIDED = "complaints.decision_review_decided"
