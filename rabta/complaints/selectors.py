"""Reads of complaints. Every read starts from visible_to(user)."""

from __future__ import annotations

import operator
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from functools import reduce
from typing import Any

from django.db import connections
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from rabta.accountability.events import AccountabilityEvent
from rabta.accounts.types import Actor, signed_in
from rabta.complaints.choices import HIDDEN_FROM_OFFICE, OPEN_STATUSES, VISIBLE_TO_OFFICE, MessageDirection
from rabta.complaints.errors import ComplaintsError
from rabta.complaints.events import ComplaintsEvent
from rabta.complaints.models import (
    Appeal,
    Attachment,
    CannedReply,
    Category,
    Complaint,
    Message,
)
from rabta.complaints.permissions import may_oversee, reads_as_staff, require_office_reader
from rabta.complaints.privacy import identity_of, office_text, scrub
from rabta.core.errors import Conflict, DomainError, NotFound
from rabta.core.events import event_timeline
from rabta.core.models import Event
from rabta.core.permissions import get_visible_or_404

PAGE_SIZE = 50
PAGE_SIZE_MAX = 200
PENDING_TRACKED_DAYS = 90  # anything open for longer is tracked by name (DESIGN: the complaint)


@dataclass(frozen=True)
class ComplaintFilters:
    status: str | None = None
    category: str | None = None
    priority: str | None = None
    overdue: bool | None = None
    office: str | None = None
    search: str | None = None
    due_by: datetime | None = None  # open and due to be resolved by then (the inbox's "due today")
    before_id: int | None = None  # keyset pagination: rows with a smaller id than this


# What a list row shows (rabta.complaints.api._fields) and nothing more: a complaint has some seventy
# columns, and the complainant's row holds encrypted identifiers that are decrypted as they load.
# A field read but not listed here costs one query per row, which the query-count tests catch.
LIST_FIELDS = (
    "tracking_number",
    "kind",
    "status",
    "priority",
    "category__code",
    "jurisdiction__code",
    "current_office__code",
    "current_office__name",
    "subject",
    "subject_for_office",
    "text",
    "text_for_office",
    "language",
    "anonymity",
    "complainant__full_name",
    "outcome",
    "outcome_reasons",
    "reject_reason",
    "reject_explanation",
    "declaration_number",
    "resolve_due_at",
    "appeal_due_at",
    "clock_paused_at",
    "escalation_level",
    "transfer_count",
    "reopen_count",
    "created_at",
)


def page_size(limit: int) -> int:
    """The rows a page holds when ``limit`` are asked for: 1 to PAGE_SIZE_MAX. The API reads it too,
    to tell a full page (there may be more) from the last one."""
    return max(1, min(limit, PAGE_SIZE_MAX))


def _filtered(qs: QuerySet[Complaint], filters: ComplaintFilters) -> QuerySet[Complaint]:
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.category:
        qs = qs.filter(category__code=filters.category)
    if filters.priority:
        qs = qs.filter(priority=filters.priority)
    if filters.office:
        qs = qs.filter(current_office__code=filters.office)
    if filters.overdue:
        qs = qs.filter(status__in=OPEN_STATUSES, resolve_due_at__lt=timezone.now())
    if filters.due_by:
        qs = qs.filter(status__in=OPEN_STATUSES, resolve_due_at__lte=filters.due_by)
    if filters.search:
        # Hidden complainants' subjects are searched as the office reads them (scrubbed), so that a
        # search for a name cannot tell an office whose complaint it is.
        qs = qs.filter(
            Q(subject__icontains=filters.search, anonymity__in=VISIBLE_TO_OFFICE)
            | Q(subject_for_office__icontains=filters.search, anonymity__in=HIDDEN_FROM_OFFICE)
            | Q(tracking_number=filters.search.upper())
        )
    if filters.before_id:
        qs = qs.filter(id__lt=filters.before_id)
    return qs


def complaint_list(*, user: Actor, filters: ComplaintFilters | None = None, limit: int = PAGE_SIZE) -> list[Complaint]:
    """The inbox (or own list), newest first, keyset-paginated by id so page 1,000 costs what page 1 does.

    The page's ids are picked per way the user may see a complaint (``visible_to_by_way``: their
    own, their office's inbox, ...), each way walking its own index (cmp_inbox_idx,
    cmp_inbox_all_idx, cmp_own_idx) newest first and stopping after one page; then the page's rows
    are read by id. Through the single OR of ``visible_to`` PostgreSQL scanned the table backwards
    (priority=high in an office of 8,400 complaints among 1,000,000: 52,000 rows read for 50) or
    sorted the whole filtered inbox joined to every office and user (10 ms for 238 rows).
    """
    filters = filters or ComplaintFilters()
    limit = page_size(limit)
    ways = Complaint.objects.visible_to_by_way(user)
    if not ways:
        return []
    newest = [_filtered(way, filters).order_by("-id").values("id")[:limit] for way in ways]
    if len(newest) == 1:
        ids = newest[0]
    elif connections[Complaint.objects.db].features.supports_slicing_ordering_in_compound:
        ids = newest[0].union(*newest[1:], all=True)
    else:  # SQLite cannot page inside a UNION; its tables are small: one OR
        ids = _filtered(reduce(operator.or_, ways), filters).order_by("-id").values("id")[:limit]
    qs = (
        Complaint.objects.filter(id__in=ids)
        .select_related("category", "current_office", "jurisdiction", "complainant")
        .only(*LIST_FIELDS)
    )
    return list(qs.order_by("-id")[:limit])


def complaint_cursor(*, user: Actor, tracking_number: str) -> int | None:
    """The id to page on from: the complaint a page ended with, named by its tracking number (ids
    are not shown to readers), if the user may see it; None otherwise."""
    return (
        Complaint.objects.visible_to(user)
        .filter(tracking_number=(tracking_number or "").strip().upper())
        .values_list("id", flat=True)
        .first()
    )


def complaint_cursor_of(*, user: Actor, field: str, tracking_number: str | None) -> int | None:
    """The id a page goes on from, named by a tracking number the user sent in ``field``; an
    error on that field when the user sees no such complaint."""
    if not tracking_number:
        return None
    pk = complaint_cursor(user=user, tracking_number=tracking_number)
    if pk is None:
        raise DomainError.for_field(
            field, ComplaintsError.CURSOR_UNKNOWN, _("No complaint you can see has this tracking number.")
        )
    return pk


def complaints_pending_long(
    *,
    user: Actor,
    days: int = PENDING_TRACKED_DAYS,
    after_id: int | None = None,
    after: str | None = None,
    limit: int = PAGE_SIZE,
    now: datetime | None = None,
) -> list[Complaint]:
    """Open complaints lodged more than ``days`` ago that the user may see, oldest first (by id,
    keyset-paginated after ``after_id``, or the complaint whose tracking number is ``after``): the
    list tracked by name. Office staff and oversight only."""
    require_office_reader(user, _("Only office staff and oversight track these."))
    if not 1 <= days <= 3650:
        raise DomainError.for_field(
            "days", ComplaintsError.DAYS_OUT_OF_RANGE, _("Give a number of days from 1 to 3650.")
        )
    after_id = complaint_cursor_of(user=user, field="after", tracking_number=after) or after_id
    now = now or timezone.now()
    qs = Complaint.objects.visible_to(user).filter(status__in=OPEN_STATUSES, created_at__lte=now - timedelta(days=days))
    if after_id:
        qs = qs.filter(id__gt=after_id)
    qs = qs.select_related("category", "current_office", "jurisdiction", "complainant").only(*LIST_FIELDS)
    return list(qs.order_by("id")[: page_size(limit)])


def appeal_pending(*, complaint: Complaint) -> Appeal:
    """The complaint's appeal waiting for a decision (there is at most one), or NotFound."""
    pending = (
        Appeal.objects.filter(complaint=complaint, decided_at__isnull=True)
        .select_related("assigned_office", "complaint")
        .first()
    )
    if pending is None:
        raise NotFound(_("No appeal is waiting for a decision."))
    return pending


def complaint_get(*, user: Actor, tracking_number: str) -> Complaint:
    return get_visible_or_404(
        Complaint.objects.select_related("category", "current_office", "jurisdiction", "complainant"),
        user,
        tracking_number=tracking_number,
    )


def is_office_view(user: Actor, complaint: Complaint) -> bool:
    """True when the reader is staff rather than the complainant: what they see is filtered."""
    return complaint.complainant_id != getattr(user, "pk", None)


def complaint_messages(*, user: Actor, complaint: Complaint) -> list[dict[str, Any]]:
    office_view = is_office_view(user, complaint)
    hidden = complaint.anonymity in HIDDEN_FROM_OFFICE
    rows = []
    for message in Message.objects.filter(complaint=complaint).select_related("author"):
        if message.direction == MessageDirection.INTERNAL and not office_view:
            continue
        from_complainant = message.direction == MessageDirection.TO_OFFICE
        author = "complainant" if from_complainant else "office"
        rows.append(
            {
                "id": message.pk,
                "direction": message.direction,
                "author": author,
                "body": office_text(
                    own=message.body, for_office=message.body_for_office, hidden=hidden, office_reader=office_view
                ),
                "created_at": message.created_at,
            }
        )
    return rows


class Audience(StrEnum):
    """Who may see an event kind on a complaint's timeline."""

    EVERYONE = "everyone"  # the complainant and the office
    OFFICE = "office"  # office staff and oversight: internal work the complainant is not told of
    OVERSIGHT = "oversight"  # oversight only


# Every event kind a complaint's timeline can hold, and who may see it. A kind not listed here is
# shown to office staff only: a new kind reaches the complainant only when someone decides it may.
# ``reason`` is shown to the complainant only for kinds whose reason is written for them.
EVENT_AUDIENCE: dict[str, Audience] = {  # keyed by the stored value: members are strings
    ComplaintsEvent.SUBMITTED: Audience.EVERYONE,
    ComplaintsEvent.ROUTED: Audience.EVERYONE,
    ComplaintsEvent.ACKNOWLEDGED: Audience.EVERYONE,
    ComplaintsEvent.IN_PROGRESS: Audience.EVERYONE,
    ComplaintsEvent.INTERIM_REPLY: Audience.EVERYONE,
    ComplaintsEvent.CLOCK_PAUSED: Audience.EVERYONE,
    ComplaintsEvent.CLOCK_RESUMED: Audience.EVERYONE,
    ComplaintsEvent.MESSAGE_TO_OFFICE: Audience.EVERYONE,
    ComplaintsEvent.MESSAGE_TO_COMPLAINANT: Audience.EVERYONE,
    ComplaintsEvent.ATTACHMENT_ADDED: Audience.EVERYONE,
    ComplaintsEvent.TRANSFERRED: Audience.EVERYONE,
    ComplaintsEvent.ESCALATED: Audience.EVERYONE,
    ComplaintsEvent.RESOLVED: Audience.EVERYONE,
    ComplaintsEvent.REJECTED: Audience.EVERYONE,
    ComplaintsEvent.REOPENED: Audience.EVERYONE,
    ComplaintsEvent.APPEALED: Audience.EVERYONE,
    ComplaintsEvent.APPEAL_DECIDED: Audience.EVERYONE,
    ComplaintsEvent.CLOSED: Audience.EVERYONE,
    ComplaintsEvent.CLOSED_CONFIRMED: Audience.EVERYONE,
    ComplaintsEvent.CLOSED_UNCONFIRMED: Audience.EVERYONE,
    ComplaintsEvent.CLOSED_AFTER_APPEAL: Audience.EVERYONE,
    ComplaintsEvent.REOPENED_ON_APPEAL: Audience.EVERYONE,
    ComplaintsEvent.FEEDBACK_GIVEN: Audience.EVERYONE,
    ComplaintsEvent.PRIORITY_CHANGED: Audience.OFFICE,
    ComplaintsEvent.ATTACHMENT_CLEANED: Audience.OFFICE,
    ComplaintsEvent.MESSAGE_INTERNAL: Audience.OFFICE,
    ComplaintsEvent.REMINDED: Audience.OFFICE,
    ComplaintsEvent.DUPLICATE_LINKED: Audience.OFFICE,
    AccountabilityEvent.RESPONSIBILITY_RATED: Audience.OFFICE,
    ComplaintsEvent.IDENTITY_REVEALED: Audience.OVERSIGHT,
}
# Reasons written for the complainant (or by them); others (a transfer's, a reveal's) are internal.
REASON_FOR_COMPLAINANT = frozenset(
    {
        ComplaintsEvent.RESOLVED,
        ComplaintsEvent.REJECTED,
        ComplaintsEvent.REOPENED,
        ComplaintsEvent.APPEALED,
        ComplaintsEvent.APPEAL_DECIDED,
        ComplaintsEvent.ESCALATED,
        ComplaintsEvent.CLOCK_PAUSED,  # "waiting for your answer", "your answer came": system texts
        ComplaintsEvent.CLOCK_RESUMED,
    }
)


def event_audience(kind: str) -> Audience:
    return EVENT_AUDIENCE.get(kind, Audience.OFFICE)


def complaint_timeline(*, user: Actor, complaint: Complaint) -> list[dict[str, Any]]:
    """The events of a complaint that this reader may see (``EVENT_AUDIENCE``). Office readers never
    learn who a hidden complainant is: actions by the complainant are shown as 'complainant', the
    reasons the complainant wrote (reopening, appeal) are scrubbed as their messages are, and event
    data is never shown."""
    office_view = is_office_view(user, complaint)
    oversight = office_view and may_oversee(user)
    hidden = complaint.anonymity in HIDDEN_FROM_OFFICE
    who = None  # the complainant's identifiers, read once and only if a reason needs scrubbing

    def by_complainant(event: Event) -> bool:
        return (event.actor_id is not None and event.actor_id == complaint.complainant_id) or (
            event.actor_role == "complainant"
        )

    def actor(event: Event) -> str:
        if by_complainant(event):
            return "complainant"
        if event.actor is None:
            return "system"
        return "office" if not office_view else event.actor.full_name

    attachment_ids: set[int] | None = None

    def attachment(event: Event) -> dict[str, Any]:
        # The file an event added (or cleaned), when this reader may open it (a complainant does
        # not see files on the office's internal notes).
        nonlocal attachment_ids
        if event.kind not in ATTACHMENT_EVENTS:
            return {}
        if attachment_ids is None:
            attachment_ids = set(_attachments_for(user, complaint).values_list("id", flat=True))
        pk = event.data.get("attachment")
        return {"attachment": pk if pk in attachment_ids else None}

    def visible(kind: str) -> bool:
        audience = event_audience(kind)
        if audience is Audience.EVERYONE:
            return True
        return office_view and (audience is Audience.OFFICE or oversight)

    rows = []
    for event in event_timeline(complaint):
        if not visible(event.kind):
            continue
        reason = event.reason
        if not office_view and event.kind not in REASON_FOR_COMPLAINANT:
            reason = ""
        elif office_view and hidden and reason and by_complainant(event):
            who = who or identity_of(complaint.complainant)
            reason = scrub(reason, who)
        rows.append(
            {
                "kind": event.kind,
                "at": event.occurred_at,
                "from_state": event.from_state,
                "to_state": event.to_state,
                "actor": actor(event),
                "reason": reason,
                **attachment(event),
            }
        )
    return rows


ATTACHMENT_EVENTS = ("complaints.attachment_added", "complaints.attachment_cleaned")


def _attachments_for(user: Actor, complaint: Complaint) -> QuerySet[Attachment]:
    qs = Attachment.objects.filter(complaint=complaint)
    if not is_office_view(user, complaint):
        qs = qs.exclude(message__direction=MessageDirection.INTERNAL)
    return qs


def _attachment_row(attachment: Attachment, *, complaint: Complaint, number: int, office_view: bool) -> dict[str, Any]:
    from rabta.complaints.services.attachments import display_name

    by_office = attachment.uploaded_by_id is not None and attachment.uploaded_by_id != complaint.complainant_id
    return {
        "id": attachment.pk,
        "name": display_name(attachment, complaint=complaint, number=number, office_view=office_view),
        "content_type": attachment.content_type,
        "size": attachment.size,
        "uploaded_at": attachment.created_at,
        "uploaded_by": "office" if by_office else "complainant",
        "message": attachment.message_id,
    }


def complaint_attachments(*, user: Actor, complaint: Complaint) -> list[dict[str, Any]]:
    """The files of a complaint this reader may open, oldest first, each under the name this reader
    may see (a generated one for an office that must not learn who the complainant is). Numbered
    among all of the complaint's files, so a file keeps its number whoever reads. One query."""
    office_view = is_office_view(user, complaint)
    rows = Attachment.objects.filter(complaint=complaint).select_related("message").order_by("id")
    return [
        _attachment_row(attachment, complaint=complaint, number=number, office_view=office_view)
        for number, attachment in enumerate(rows, start=1)
        if office_view or attachment.message is None or attachment.message.direction != MessageDirection.INTERNAL
    ]


def attachment_get(*, user: Actor, complaint: Complaint, attachment_id: int) -> tuple[Attachment, dict[str, Any]]:
    """One file of a visible complaint and its row for this reader; outside what they may open, 404.
    A file stored before files were cleaned, and not cleaned since, is not given to an office that
    must not learn who the complainant is (409 until ``rabta clean_attachments`` has run)."""
    attachment = _attachments_for(user, complaint).filter(pk=attachment_id).first()
    if attachment is None:
        raise NotFound()
    office_view = is_office_view(user, complaint)
    if office_view and complaint.identity_hidden_from_office and attachment.cleaned_at is None:
        raise Conflict(
            ComplaintsError.ATTACHMENT_NOT_CLEANED,
            _("This file has not been cleaned of its metadata yet; try again later."),
        )
    number = Attachment.objects.filter(complaint=complaint, id__lte=attachment.pk).count()
    return attachment, _attachment_row(attachment, complaint=complaint, number=number, office_view=office_view)


def category_list() -> QuerySet[Category]:
    return Category.objects.filter(active=True).select_related("department").order_by("code")


def complaint_by_token(token: str) -> Complaint:
    from rabta.complaints.services.intake import anonymous_token_lookup

    complaint = anonymous_token_lookup(token)
    if complaint is None:
        raise NotFound()
    return complaint


def canned_replies_for(user: Actor) -> QuerySet[CannedReply]:
    """The canned replies of the departments whose offices the user works in (or, for oversight,
    of its government). Office staff and oversight only."""
    require_office_reader(user, _("Only office staff have canned replies."))
    assignments = signed_in(user).role_assignments.filter(active=True)
    departments = Q(department__offices__in=assignments.exclude(office=None).values("office_id")) | Q(
        department__government__in=assignments.filter(role="oversight").exclude(government=None).values("government_id")
    )
    return CannedReply.objects.filter(departments).select_related("department").distinct().order_by("title")


# Reads for the pages (rabta/complaints/views.py).

CATEGORY_SEARCH_LIMIT = 50


def category_search(*, query: str = "", limit: int = CATEGORY_SEARCH_LIMIT) -> list[Category]:
    """Active categories whose English or Urdu name, department or code holds every word of
    ``query`` (case-insensitive), so a complainant finds one in plain words in either language."""
    qs = category_list()
    for word in query.split()[:8]:
        qs = qs.filter(
            Q(name__icontains=word)
            | Q(name_ur__icontains=word)
            | Q(code__icontains=word)
            | Q(department__name__icontains=word)
        )
    return list(qs.order_by("name", "code")[:limit])


def category_get(code: str) -> Category | None:
    """An active category by code, with its department, for a lodging form; None if there is none."""
    return category_list().filter(code=code).first() if code else None


def my_complaints(*, user: Any, before_id: int | None = None, limit: int = PAGE_SIZE) -> list[Complaint]:
    """The complaints the user lodged (not those they handle as staff), newest first, one page
    keyset-paginated by id, with what a list row shows: one query."""
    if not getattr(user, "is_authenticated", False):
        return []
    qs = Complaint.objects.visible_to(user).filter(complainant_id=user.pk)
    if before_id:
        qs = qs.filter(id__lt=before_id)
    qs = qs.select_related("category", "current_office", "jurisdiction", "complainant").only(*LIST_FIELDS)
    return list(qs.order_by("-id")[: page_size(limit)])


# What anyone holding a tracking number may read of a complaint: its progress, never its words,
# its place or who lodged it (a tracking number is read over the phone and may be overheard).
PUBLIC_EVENT_KINDS = frozenset(
    {
        "complaints.submitted",
        "complaints.routed",
        "complaints.acknowledged",
        "complaints.in_progress",
        "complaints.transferred",
        "complaints.escalated",
        "complaints.resolved",
        "complaints.rejected",
        "complaints.reopened",
        "complaints.appealed",
        "complaints.appeal_decided",
        "complaints.closed",
        "complaints.closed_confirmed",
        "complaints.closed_unconfirmed",
        "complaints.closed_after_appeal",
        "complaints.reopened_on_appeal",
    }
)


def complaint_public_progress(*, tracking_number: str) -> dict[str, Any]:
    """A complaint's progress as the public may see it by its tracking number: kind, category,
    handling office, status, dates and the status changes (kind and time only). NotFound when no
    complaint has this number."""
    number = (tracking_number or "").strip().upper()
    complaint = (
        Complaint.objects.filter(tracking_number=number)
        .select_related("category", "current_office")
        .only(
            "id",
            "tracking_number",
            "kind",
            "status",
            "created_at",
            "resolve_due_at",
            "category__name",
            "category__name_ur",
            "current_office__name",
            "current_office__name_ur",
            "current_office__code",
        )
        .first()
        if number
        else None
    )
    if complaint is None:
        raise NotFound()
    steps = [
        {"kind": event.kind, "at": event.occurred_at, "to_state": event.to_state}
        for event in Event.objects.for_subject(complaint)
        .filter(kind__in=PUBLIC_EVENT_KINDS)
        .order_by("occurred_at", "id")
    ]
    return {"complaint": complaint, "steps": steps}


def complainant_actions(*, user: Any, complaint: Complaint, now: datetime | None = None) -> frozenset[str]:
    """The actions a page should offer the complainant on their complaint now (``Action`` values):
    those the permission layer allows them and the lifecycle allows from the complaint's status,
    within their windows. Only what to show: the services still decide when the action is taken."""
    from django.conf import settings

    from rabta.complaints.choices import CLOSED_STATUSES
    from rabta.complaints.models import Feedback
    from rabta.complaints.permissions import Action, complaint_may
    from rabta.complaints.transitions import ACTIONS

    now = now or timezone.now()
    offered: set[str] = set()
    if complaint.status not in CLOSED_STATUSES and complaint_may(user, complaint, Action.WRITE_TO_OFFICE):
        offered.add(Action.WRITE_TO_OFFICE)
    if complaint.status not in ACTIONS["confirm"].sources or not complaint_may(user, complaint, Action.GIVE_FEEDBACK):
        return frozenset(offered)
    answered = Feedback.objects.filter(
        complaint=complaint, **({"created_at__gte": complaint.resolved_at} if complaint.resolved_at else {})
    ).exists()
    if not answered:
        offered.add(Action.GIVE_FEEDBACK)
    if complaint.reopen_count < settings.RABTA_MAX_REOPENS:
        offered.add(Action.REOPEN)
    in_window = complaint.appeal_due_at is None or now <= complaint.appeal_due_at
    office = complaint.current_office
    if in_window and office is not None and office.parent_id:
        offered.add(Action.APPEAL)
    return frozenset(offered)


# Reads for the staff pages (rabta/complaints/views_office.py).


def office_backlog(*, user: Any, now: datetime | None = None) -> list[dict[str, Any]]:
    """The offices whose complaints the user may see (a supervisor: their office and every office
    below it), each with its open complaints, how many are late and how many are pending more than
    PENDING_TRACKED_DAYS, most overdue first. One aggregate query; offices with nothing open are
    not listed."""
    from django.db.models import Count

    require_office_reader(user, _("Only office staff and oversight see office backlogs."))
    now = now or timezone.now()
    rows = (
        Complaint.objects.visible_to(user)
        .filter(status__in=OPEN_STATUSES, current_office__isnull=False)
        .values("current_office__code", "current_office__name", "current_office__name_ur")
        .annotate(
            backlog=Count("id"),
            overdue=Count("id", filter=Q(resolve_due_at__lt=now)),
            pending_long=Count("id", filter=Q(created_at__lte=now - timedelta(days=PENDING_TRACKED_DAYS))),
        )
        .order_by("-overdue", "-backlog", "current_office__code")
    )
    return [
        {
            "code": row["current_office__code"],
            "name": row["current_office__name"],
            "name_ur": row["current_office__name_ur"],
            "backlog": row["backlog"],
            "overdue": row["overdue"],
            "pending_long": row["pending_long"],
        }
        for row in rows
    ]


def escalations_to(*, user: Any, limit: int = PAGE_SIZE) -> list[Complaint]:
    """Open complaints escalated to an office the user works in (a supervisor's or head's desk),
    most escalated and oldest deadline first, with what a list row shows: one query."""
    require_office_reader(user, _("Only office staff and oversight see escalations."))
    offices = user.role_assignments.filter(active=True).exclude(office=None).values("office_id")
    qs = (
        Complaint.objects.visible_to(user)
        .filter(status__in=OPEN_STATUSES, escalated_to__in=offices)
        .select_related("category", "current_office", "jurisdiction", "complainant")
        .only(*LIST_FIELDS)
    )
    return list(qs.order_by("-escalation_level", "resolve_due_at", "id")[: page_size(limit)])


def appeals_waiting(*, user: Any, limit: int = PAGE_SIZE) -> list[Appeal]:
    """Appeals waiting for a decision on complaints the user may see, oldest first, with their
    complaint's list fields: one query. Which of them the user may decide is the permission
    layer's (``complaint_may(..., Action.DECIDE_APPEAL, appeal=...)``)."""
    require_office_reader(user, _("Only office staff and oversight see appeals."))
    qs = (
        Appeal.objects.filter(decided_at__isnull=True, complaint__in=Complaint.objects.visible_to(user).values("pk"))
        .select_related("assigned_office", "complaint", "complaint__category", "complaint__current_office")
        .order_by("created_at", "id")
    )
    return list(qs[: page_size(limit)])


DECLARATION_COMPLAINTS_MAX = 200  # the newest; a declaration with more is a matter for oversight's search


@dataclass(frozen=True)
class DeclarationComplaint:
    """A complaint as a goods declaration's page lists it: where it stands, nothing of who lodged it
    or what they wrote (the complaint's own page, within the reader's scope, has the rest)."""

    tracking_number: str
    status: str
    category: str
    office: str


def complaints_about_declaration(*, user: Actor, declaration: Any) -> list[DeclarationComplaint]:
    """The complaints about ``declaration`` that ``user`` may see, for staff who may see both the
    declaration and the complaints (a customs manager of its collectorate, say); empty for anyone
    else, a trader included. Anonymous and hidden-identity complaints are listed like any other: a
    row holds no complainant, and only staff who see the complaint in their own scope get it at all,
    so the link tells them nothing their inbox does not."""
    from rabta.customs.selectors import declaration_is_visible

    if not reads_as_staff(user) or not declaration_is_visible(user=user, declaration_id=declaration.pk):
        return []
    rows = (
        Complaint.objects.visible_to(user)
        .filter(declaration_id=declaration.pk)
        .order_by("-id")
        .values_list("tracking_number", "status", "category__code", "current_office__name")[:DECLARATION_COMPLAINTS_MAX]
    )
    return [DeclarationComplaint(number, status, category, office or "") for number, status, category, office in rows]
