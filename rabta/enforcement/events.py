"""The events enforcement writes (``rabta.core.events.event_record``)."""

from rabta.core.events import EventKind


class EnforcementEvent(EventKind):
    DRAFTED = "enforcement.incident_drafted"
    DRAFT_UPDATED = "enforcement.incident_draft_updated"
    SUBMITTED = "enforcement.incident_submitted"
    RETURNED = "enforcement.incident_returned"
    APPROVED = "enforcement.incident_approved"
    AMENDED = "enforcement.incident_amended"
    CASE_UPDATED = "enforcement.incident_case_updated"
    EVIDENCE_ADDED = "enforcement.evidence_added"
    TRENDS_REBUILT = "enforcement.trends_rebuilt"
