"""Reads of the Open311 facade, and the one public view of a complaint (``request_row``).

Everything a GET answers about a complaint is built by ``request_row`` from columns that name no
one: the category, the handling office, the place, the dates, the status and — only for requests
filed through Open311 — the description and rounded coordinates the complainant gave to be
published, scrubbed at filing. No GET reads the complainant, their contacts, flags or the text they
wrote on the web. The same rules apply to every tier of anonymity, so an anonymous complaint
cannot be told from any other."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rabta.complaints.choices import Outcome, RejectReason, Status
from rabta.complaints.events import ComplaintsEvent
from rabta.complaints.models import Complaint
from rabta.complaints.reference import reference
from rabta.core.errors import DomainError
from rabta.core.models import Event
from rabta.directory.models import Jurisdiction
from rabta.directory.selectors import jurisdiction_descendant_ids
from rabta.open311.choices import RequestStatus, UpdateStatus
from rabta.open311.errors import Open311Error
from rabta.open311.models import Filing, Service
from rabta.open311.permissions import not_found

WINDOW_DAYS = 90  # GeoReport v2: a query spans at most 90 days, and the last 90 by default
MAX_REQUESTS = 1000  # GeoReport v2: "first 1000 requests returned"
MAX_IDS = 200  # service_request_id=a,b,c...: more than a client can mean in one call
CLOSED = frozenset({Status.RESOLVED, Status.APPEAL_DECIDED, Status.CLOSED, Status.REJECTED})


def services_offered() -> QuerySet[Service]:
    return Service.objects.filter(listed=True, category__active=True).select_related("category", "category__department")


def service_get(code: str) -> Service:
    """A listed service by its code; 404 otherwise (a private category reads as unknown)."""
    service = services_offered().filter(category__code=(code or "").strip()).first()
    if service is None:
        raise not_found("service_code", Open311Error.SERVICE_UNKNOWN, _("There is no such service."))
    return service


def service_for_filing(code: str) -> Service:
    """The service a POST names; a missing or unknown one is bad input (400) naming service_code."""
    code = (code or "").strip()
    if not code:
        raise DomainError.for_field("service_code", Open311Error.SERVICE_CODE_REQUIRED, _("Give a service_code."))
    service = services_offered().filter(category__code=code).first()
    if service is None:
        raise DomainError.for_field("service_code", Open311Error.SERVICE_UNKNOWN, _("There is no such service."))
    return service


def jurisdiction_for_id(code: str) -> Jurisdiction:
    """GeoReport v2's ``jurisdiction_id``: one of Rabta's place codes (PK, PK-PB, PK-PB-LHR, ...)."""
    place = reference().jurisdiction((code or "").strip())
    if place is None:
        raise not_found("jurisdiction_id", Open311Error.JURISDICTION_UNKNOWN, _("There is no such jurisdiction_id."))
    return place


def _within(place: Jurisdiction, scope: Jurisdiction | None) -> bool:
    return scope is None or scope.pk in reference().place_chain(place.pk)


def place_by_code(code: str, *, within: Jurisdiction | None) -> Jurisdiction | None:
    place = reference().jurisdiction(code)
    return place if place is not None and _within(place, within) else None


def place_by_address(address: str, *, within: Jurisdiction | None) -> Jurisdiction | None:
    """The most local place named in an address ("Shadman Colony, Lahore, Punjab"): its parts are
    compared with place names in English and Urdu, ignoring case; the deepest match inside
    ``within`` wins."""
    parts = [part.strip() for part in address.replace("\n", ",").split(",") if part.strip()][:12]
    if not parts:
        return None
    query = Q()
    for part in parts:
        query |= Q(name__iexact=part[:120]) | Q(name_ur=part[:120])
    best: tuple[int, Jurisdiction] | None = None
    for place in Jurisdiction.objects.filter(query)[:50]:
        if not _within(place, within):
            continue
        depth = len(reference().place_chain(place.pk))
        if best is None or depth > best[0]:
            best = (depth, place)
    return best[1] if best else None


def filing_for_request(service_request_id: str) -> Filing | None:
    return (
        Filing.objects.select_related("complaint", "complaint__complainant", "client")
        .filter(complaint__tracking_number=(service_request_id or "").strip().upper())
        .first()
    )


def filing_by_token(token: str) -> Filing:
    filing = Filing.objects.select_related("complaint").filter(token=(token or "").strip()).first() if token else None
    if filing is None or not _listed(filing.complaint):
        raise not_found("token", Open311Error.TOKEN_UNKNOWN, _("There is no such token."))
    return filing


def _listed(complaint: Complaint) -> bool:
    return services_offered().filter(category_id=complaint.category_id).exists()


# The columns a GET reads, and nothing about the complainant: ``request_row`` can only show these.
PUBLIC_COLUMNS = (
    "id",
    "tracking_number",
    "status",
    "outcome",
    "reject_reason",
    "created_at",
    "updated_at",
    "resolved_at",
    "closed_at",
    "resolve_due_at",
    "category__code",
    "category__name",
    "category__name_ur",
    "current_office__name",
    "current_office__name_ur",
    "jurisdiction__code",
    "jurisdiction__name",
    "jurisdiction__name_ur",
    "open311_filing__id",
    "open311_filing__published_description",
    "open311_filing__published_latitude",
    "open311_filing__published_longitude",
    "open311_filing__media_url",
)


def _public(qs: QuerySet[Complaint]) -> QuerySet[Complaint, dict[str, Any]]:
    """Complaints of listed services only, as rows of ``PUBLIC_COLUMNS`` (plain values: a page of a
    thousand costs no model instances)."""
    # The listed categories first (a few hundred ids): the filter is then on the complaint's own
    # column, so the planner walks the created_at index and stops after a page instead of joining
    # the service table to every complaint of the window.
    listed = list(services_offered().values_list("category_id", flat=True))
    return qs.filter(category_id__in=listed).values(*PUBLIC_COLUMNS)


def request_get(service_request_id: str) -> dict[str, Any]:
    row = _public(Complaint.objects.filter(tracking_number=(service_request_id or "").strip().upper())).first()
    if row is None:
        raise not_found("service_request_id", Open311Error.REQUEST_UNKNOWN, _("There is no such service request."))
    return row


@dataclass(frozen=True)
class RequestQuery:
    ids: tuple[str, ...] = ()
    service_code: str = ""
    start: datetime | None = None
    end: datetime | None = None
    statuses: tuple[str, ...] = ()
    page: int = 1
    page_size: int = MAX_REQUESTS
    within: Jurisdiction | None = None  # jurisdiction_id: requests at this place or below it


def window(start: datetime | None, end: datetime | None, *, now: datetime | None = None) -> tuple[datetime, datetime]:
    """GeoReport v2's window: the last 90 days by default; one side given, 90 days from it; both
    given, at most 90 days apart and in order (else a 400 naming the parameter)."""
    now = now or timezone.now()
    if start and end:
        if end < start:
            raise DomainError.for_field(
                "end_date", Open311Error.DATE_RANGE_REVERSED, _("end_date is before start_date.")
            )
        if end - start > timedelta(days=WINDOW_DAYS):
            raise DomainError.for_field(
                "end_date",
                Open311Error.DATE_RANGE_TOO_LONG,
                _("A query may span at most %(days)s days.") % {"days": WINDOW_DAYS},
            )
        return start, end
    if start:
        return start, start + timedelta(days=WINDOW_DAYS)
    if end:
        return end - timedelta(days=WINDOW_DAYS), end
    return now - timedelta(days=WINDOW_DAYS), now


def requests_search(query: RequestQuery) -> list[dict[str, Any]]:
    """Service requests, newest first. ``ids`` overrides every other filter (GeoReport v2)."""
    qs = _public(Complaint.objects.all())
    if query.ids:
        numbers = [number.strip().upper() for number in query.ids[:MAX_IDS] if number.strip()]
        return list(qs.filter(tracking_number__in=numbers).order_by("-created_at", "-id"))
    start, end = window(query.start, query.end)
    qs = qs.filter(created_at__gte=start, created_at__lte=end)
    if query.service_code:
        qs = qs.filter(category__code=query.service_code)
    if query.within is not None:
        qs = qs.filter(jurisdiction_id__in=jurisdiction_descendant_ids(query.within))
    if query.statuses and set(query.statuses) != set(RequestStatus.values):
        closed = Q(status__in=CLOSED)
        qs = qs.filter(closed if RequestStatus.CLOSED in query.statuses else ~closed)
    offset = (query.page - 1) * query.page_size
    return list(qs.order_by("-created_at", "-id")[offset : offset + query.page_size])


def _when(value: datetime | None) -> str | None:
    """ISO 8601 with the time zone (GeoReport v2 dates are W3C date-times)."""
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def _local(row: dict[str, Any], prefix: str, language: str) -> str | None:
    return (row[f"{prefix}__name_ur"] if language == "ur" else "") or row[f"{prefix}__name"] or None


def request_status(status: str) -> str:
    return RequestStatus.CLOSED if status in CLOSED else RequestStatus.OPEN


def status_notes(row: dict[str, Any]) -> str | None:
    if row["status"] == Status.REJECTED and row["reject_reason"]:
        return str(RejectReason(row["reject_reason"]).label)
    if row["status"] in CLOSED and row["outcome"]:
        return str(Outcome(row["outcome"]).label)
    return str(Status(row["status"]).label)


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def request_row(row: dict[str, Any], *, language: str = "en") -> dict[str, Any]:
    """A complaint (a row of ``PUBLIC_COLUMNS``) as GeoReport v2's ``request``; every identifier a
    string. The description, coordinates and media are the filing's published ones, or none."""
    filed = row["open311_filing__id"] is not None
    closed = row["status"] in CLOSED
    updated = (row["closed_at"] or row["resolved_at"] or row["updated_at"]) if closed else row["updated_at"]
    return {
        "service_request_id": row["tracking_number"],
        "status": request_status(row["status"]),
        "status_notes": status_notes(row),
        "service_name": _local(row, "category", language),
        "service_code": row["category__code"],
        "description": (row["open311_filing__published_description"] or None) if filed else None,
        "agency_responsible": _local(row, "current_office", language) if row["current_office__name"] else None,
        "service_notice": None,
        "requested_datetime": _when(row["created_at"]),
        "updated_datetime": _when(updated),
        "expected_datetime": _when(row["resolve_due_at"]),
        "address": _local(row, "jurisdiction", language),
        "address_id": row["jurisdiction__code"],
        "zipcode": None,
        "lat": _number(row["open311_filing__published_latitude"]) if filed else None,
        "long": _number(row["open311_filing__published_longitude"]) if filed else None,
        "media_url": (row["open311_filing__media_url"] or None) if filed else None,
    }


# The update extension's statuses, from the event that made the update (and the complaint's
# outcome when it was resolved or closed).
UPDATE_KINDS = {
    ComplaintsEvent.ROUTED: UpdateStatus.OPEN,
    ComplaintsEvent.ACKNOWLEDGED: UpdateStatus.INVESTIGATING,
    ComplaintsEvent.IN_PROGRESS: UpdateStatus.IN_PROGRESS,
    ComplaintsEvent.INTERIM_REPLY: UpdateStatus.IN_PROGRESS,
    ComplaintsEvent.CLOCK_PAUSED: UpdateStatus.INVESTIGATING,
    ComplaintsEvent.CLOCK_RESUMED: UpdateStatus.IN_PROGRESS,
    ComplaintsEvent.TRANSFERRED: UpdateStatus.INTERNAL_REFERRAL,
    ComplaintsEvent.ESCALATED: UpdateStatus.IN_PROGRESS,
    ComplaintsEvent.RESOLVED: UpdateStatus.FIXED,
    ComplaintsEvent.REJECTED: UpdateStatus.CLOSED,
    ComplaintsEvent.REOPENED: UpdateStatus.REOPEN,
    ComplaintsEvent.APPEALED: UpdateStatus.INVESTIGATING,
    ComplaintsEvent.APPEAL_DECIDED: UpdateStatus.CLOSED,
    ComplaintsEvent.REOPENED_ON_APPEAL: UpdateStatus.REOPEN,
    ComplaintsEvent.CLOSED: UpdateStatus.CLOSED,
    ComplaintsEvent.CLOSED_CONFIRMED: UpdateStatus.CLOSED,
    ComplaintsEvent.CLOSED_UNCONFIRMED: UpdateStatus.CLOSED,
    ComplaintsEvent.CLOSED_AFTER_APPEAL: UpdateStatus.CLOSED,
    ComplaintsEvent.MESSAGE_TO_COMPLAINANT: UpdateStatus.IN_PROGRESS,
}
OUTCOME_STATUS = {
    Outcome.RELIEF_GRANTED: UpdateStatus.FIXED,
    Outcome.PARTIAL_RELIEF: UpdateStatus.FIXED,
    Outcome.NO_RELIEF: UpdateStatus.NO_FURTHER_ACTION,
    Outcome.DUPLICATE: UpdateStatus.DUPLICATE,
}
REJECT_STATUS = {
    RejectReason.OUT_OF_SCOPE: UpdateStatus.NOT_RESPONSIBLE,
    RejectReason.DUPLICATE: UpdateStatus.DUPLICATE,
    RejectReason.ABUSIVE: UpdateStatus.CLOSED,
}
UPDATE_TEXT = {
    ComplaintsEvent.ROUTED: gettext_lazy("Sent to the responsible office."),
    ComplaintsEvent.ACKNOWLEDGED: gettext_lazy("The office has acknowledged the complaint."),
    ComplaintsEvent.IN_PROGRESS: gettext_lazy("The office is working on it."),
    ComplaintsEvent.INTERIM_REPLY: gettext_lazy("The office sent an interim reply."),
    ComplaintsEvent.CLOCK_PAUSED: gettext_lazy("The office asked the complainant for information."),
    ComplaintsEvent.CLOCK_RESUMED: gettext_lazy("The office is working on it again."),
    ComplaintsEvent.TRANSFERRED: gettext_lazy("Passed to another office."),
    ComplaintsEvent.ESCALATED: gettext_lazy("Escalated to senior officers."),
    ComplaintsEvent.RESOLVED: gettext_lazy("Resolved by the office."),
    ComplaintsEvent.REJECTED: gettext_lazy("Rejected by the office."),
    ComplaintsEvent.REOPENED: gettext_lazy("Reopened: the complainant was not satisfied."),
    ComplaintsEvent.APPEALED: gettext_lazy("Appealed by the complainant."),
    ComplaintsEvent.APPEAL_DECIDED: gettext_lazy("The appeal was decided."),
    ComplaintsEvent.REOPENED_ON_APPEAL: gettext_lazy("Reopened on appeal."),
    ComplaintsEvent.CLOSED: gettext_lazy("Closed."),
    ComplaintsEvent.CLOSED_CONFIRMED: gettext_lazy("Closed: the complainant confirmed the result."),
    ComplaintsEvent.CLOSED_UNCONFIRMED: gettext_lazy("Closed: no answer from the complainant."),
    ComplaintsEvent.CLOSED_AFTER_APPEAL: gettext_lazy("Closed after the appeal."),
    ComplaintsEvent.MESSAGE_TO_COMPLAINANT: gettext_lazy("The office wrote to the complainant."),
}


def updates_since(*, start: datetime | None, end: datetime | None, limit: int = MAX_REQUESTS) -> list[dict[str, Any]]:
    """The update extension's ``service_request_updates`` in the window, oldest first: one per
    public event of a listed request, with a fixed description (the office's own words are not
    published: they may address the complainant by name)."""
    start, end = window(start, end)
    events = list(
        Event.objects.filter(
            subject_type=Complaint._meta.label_lower,
            kind__in=[str(kind) for kind in UPDATE_KINDS],
            occurred_at__gte=start,
            occurred_at__lte=end,
        )
        .order_by("occurred_at", "id")
        .only("id", "kind", "subject_id", "occurred_at", "data")[: limit * 2]
    )
    ids = {int(e.subject_id) for e in events if e.subject_id.isdigit()}
    complaints = {str(row["id"]): row for row in _public(Complaint.objects.filter(pk__in=ids))}
    rows: list[dict[str, Any]] = []
    for event in events:
        complaint = complaints.get(event.subject_id)
        if complaint is None:
            continue
        status = UPDATE_KINDS[ComplaintsEvent(event.kind)]
        if event.kind == ComplaintsEvent.RESOLVED and complaint["outcome"] in OUTCOME_STATUS:
            status = OUTCOME_STATUS[Outcome(complaint["outcome"])]
        if event.kind == ComplaintsEvent.REJECTED and complaint["reject_reason"] in REJECT_STATUS:
            status = REJECT_STATUS[RejectReason(complaint["reject_reason"])]
        rows.append(
            {
                "update_id": str(event.pk),
                "service_request_id": complaint["tracking_number"],
                "status": str(status),
                "updated_datetime": _when(event.occurred_at),
                "description": str(UPDATE_TEXT[ComplaintsEvent(event.kind)]),
                "media_url": None,
            }
        )
        if len(rows) >= limit:
            break
    return rows
