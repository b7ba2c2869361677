"""The events the Open311 facade writes; stored values never change."""

from rabta.core.events import EventKind


class Open311Event(EventKind):
    CLIENT_REGISTERED = "open311.client_registered"
    CLIENT_KEY_ISSUED = "open311.client_key_issued"
    CLIENT_REVOKED = "open311.client_revoked"
    REQUEST_FILED = "open311.request_filed"
    UPDATE_RECEIVED = "open311.update_received"
