"""The events of the data exchange (``rabta.core.events.event_record``); stored values never change."""

from rabta.core.events import EventKind


class ExchangeEvent(EventKind):
    AGREEMENT_CREATED = "exchange.agreement_created"
    AGREEMENT_CHANGED = "exchange.agreement_changed"
    EXPORTED = "exchange.exported"
    IMPORTED = "exchange.imported"
    IMPORT_REJECTED = "exchange.import_rejected"
    MIRROR_FOUND = "exchange.mirror_finding"
    BANK_ANSWERED = "exchange.bank_request_answered"
