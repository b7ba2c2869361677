"""Event kinds of the tariff. Stored values never change once released."""

from __future__ import annotations

from rabta.core.events import EventKind


class TariffEvent(EventKind):
    HS_IMPORTED = "tariff.hs_imported"
    CHANGE_PROPOSED = "tariff.change_proposed"
    CHANGE_APPROVED = "tariff.change_approved"
    CHANGE_REJECTED = "tariff.change_rejected"
    # What an approved change (or the demo loader, as the system) did to the tariff itself.
    CODE_ADDED = "tariff.code_added"
    CODE_ENDED = "tariff.code_ended"
    RATE_ADDED = "tariff.rate_added"
    RATE_ENDED = "tariff.rate_ended"
    MEASURE_ADDED = "tariff.measure_added"
    MEASURE_ENDED = "tariff.measure_ended"
    ENQUIRY_ASKED = "tariff.enquiry_asked"
    ENQUIRY_ANSWERED = "tariff.enquiry_answered"
