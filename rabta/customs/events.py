"""The customs domain's event kinds (rabta.core.events). Values are stored and never change."""

from rabta.core.events import EventKind


class CustomsEvent(EventKind):
    PARTY_REGISTERED = "customs.party_registered"
    DECLARATION_FILED = "customs.declaration_filed"
    LANE_ASSIGNED = "customs.lane_assigned"
    DOCUMENTS_CHECKED = "customs.documents_checked"
    EXAMINED = "customs.examined"
    ASSESSED = "customs.assessed"
    DUTY_PAID = "customs.duty_paid"
    RELEASED = "customs.released"
    IMPORT_FINISHED = "customs.import_finished"
    IMPORT_JOB_QUEUED = "customs.import_job_queued"
    IMPORT_JOB_STARTED = "customs.import_job_started"
    IMPORT_JOB_FINISHED = "customs.import_job_finished"
    IMPORT_JOB_FAILED = "customs.import_job_failed"
