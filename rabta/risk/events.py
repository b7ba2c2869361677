"""The events the risk domain writes (``rabta.core.events.event_record``); stored values never change.

A lane decision's own event is customs' ``customs.lane_assigned`` on the declaration (its data holds
the decision's reasons); these are the analysts' moves."""

from rabta.core.events import EventKind


class RiskEvent(EventKind):
    RULE_CREATED = "risk.rule_created"
    RULE_RETIRED = "risk.rule_retired"
    WATCHLIST_SAVED = "risk.watchlist_saved"
    PROFILES_REFRESHED = "risk.profiles_refreshed"
    PROFILES_INCIDENTS_COUNTED = "risk.profiles_incidents_counted"
    MODEL_TRAINED = "risk.model_trained"
    MODEL_APPROVED = "risk.model_approved"
    MODEL_ACTIVATED = "risk.model_activated"
    MODEL_REFUSED = "risk.model_refused"
    RULE_BACKTESTED = "risk.rule_backtested"
    RULE_ACTIVATED = "risk.rule_activated"


class AgencyEvent(EventKind):
    """The border agencies' moves (rabta.risk.services.agencies)."""

    AGENCY_SAVED = "risk.agency_saved"
    AGENCY_MEMBER_ADDED = "risk.agency_member_added"
    AGENCY_RULE_CREATED = "risk.agency_rule_created"
    AGENCY_RULE_RETIRED = "risk.agency_rule_retired"
    AGENCY_RESULT_RECORDED = "risk.agency_result_recorded"
    AGENCY_SHARED = "risk.agency_shared"
