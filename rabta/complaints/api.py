"""Complaints API: one endpoint per operation; visibility first, outside scope is 404."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from rabta.api.params import Int64, RowId
from rabta.api.schemas import ErrorOut, EventOut
from rabta.complaints import permissions, selectors, transitions
from rabta.complaints.choices import Anonymity, Channel, Kind, Outcome, Priority, RejectReason
from rabta.complaints.choices import Status as ComplaintStatus
from rabta.complaints.errors import ComplaintsError
from rabta.complaints.models import Complaint
from rabta.complaints.privacy import complaint_view
from rabta.complaints.services import attachments, clock, feedback, intake, messages, routing, work
from rabta.core.errors import DomainError, NotFound, fields_renamed
from rabta.core.ratelimit import rate_limit
from rabta.directory.models import Office

router = Router(tags=["complaints"])


class CategoryOut(Schema):
    code: str
    name: str
    name_ur: str
    department: str
    is_customs: bool
    attributes: list[dict[str, Any]]


SCRUBBED = (
    "When the identity is hidden from the office (`identity_hidden_from_office`, `fully_anonymous`), the office "
    "reads this with your name (in Urdu and Roman spellings), email, phone and identity numbers removed, and also "
    "anything shaped like an identity card, passport or tax number, a phone number or an email address, whoever "
    "it belongs to. You keep the text as written."
)


class SubmitIn(Schema):
    category: str = Field(description="category code, see /api/complaints/categories")
    jurisdiction: str = Field(description="place code, see /api/directory/jurisdictions")
    subject: str = Field(description=SCRUBBED)
    text: str = Field(description=SCRUBBED)
    kind: Kind = Kind.COMPLAINT
    language: str = "en"
    anonymity: Anonymity = Field(
        Anonymity.NAME_HIDDEN_FROM_PUBLIC,
        description="`public_name_hidden`: the office sees who you are, the public does not. "
        "`identity_hidden_from_office`: the office never sees your identity; only the oversight unit may reveal "
        "it, and every reveal is recorded. `fully_anonymous` (POST /anonymous): no account is linked; only a "
        "secret token follows it. " + SCRUBBED,
    )
    attributes: dict[str, Any] = {}
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    declaration_number: str = ""
    collectorate: str | None = None
    # No priority: it comes from policy (docs/lifecycle.md); one sent anyway is ignored.


class ComplaintOut(Schema):
    """What a reader may see. ``complainant_name`` is empty for office readers whenever the
    complainant's identity is hidden from the office; self-identification flags never appear."""

    tracking_number: str
    kind: Kind
    status: ComplaintStatus
    priority: str
    category: str
    jurisdiction: str
    office: str | None
    office_name: str | None
    subject: str
    text: str
    language: str
    anonymity: Anonymity
    complainant_name: str | None
    outcome: Outcome | Literal[""]
    outcome_reasons: str
    reject_reason: RejectReason | Literal[""]
    reject_explanation: str
    declaration_number: str
    resolve_due_at: datetime | None
    waiting_for_complainant_since: datetime | None = Field(
        None, description="Set while the office waits for the complainant's answer: the clock stands still."
    )
    escalation_level: int
    transfer_count: int
    reopen_count: int
    created_at: datetime
    appeal_due_at: datetime | None = Field(
        None, description="Once resolved: the complainant may appeal until then (docs/lifecycle.md)."
    )


class SubmitOut(ComplaintOut):
    anonymous_token: str | None = Field(None, description="Shown once, for fully anonymous complaints: keep it.")


class MessageIn(Schema):
    body: str = Field(description="From a complainant whose identity is hidden from the office: " + SCRUBBED)


class MessageOut(Schema):
    id: int
    direction: str
    author: str
    body: str
    created_at: datetime


class ResolveIn(Schema):
    outcome: Literal[Outcome.RELIEF_GRANTED, Outcome.PARTIAL_RELIEF, Outcome.NO_RELIEF] = Field(
        description="duplicate is not an outcome an office chooses: reject as a duplicate instead"
    )
    reasons: str = ""


class RejectIn(Schema):
    reason: RejectReason
    explanation: str
    duplicate_of: str | None = Field(None, description="tracking number of the original; required with duplicate")


class TransferIn(Schema):
    to_office: str
    reason: str


class FeedbackIn(Schema):
    rating: Int64 = Field(description="1 to 5")
    satisfied: bool
    comment: str = ""


class ReasonIn(Schema):
    reason: str


class AppealDecideIn(Schema):
    decision: Literal[Outcome.RELIEF_GRANTED, Outcome.PARTIAL_RELIEF, Outcome.NO_RELIEF]
    reasons: str


class AttachmentOut(Schema):
    """A file as one reader may see it. ``name`` is generated (tracking number and position) for an
    office that must not learn who the complainant is; its extension is always that of
    ``content_type``, which is detected from the content."""

    id: int
    name: str
    content_type: str
    size: int
    uploaded_at: datetime
    uploaded_by: str = Field(description="complainant or office")
    message: int | None = Field(None, description="The message the file came with, if any.")


class ComplaintDetailOut(ComplaintOut):
    attachments: list[AttachmentOut]


class RevealOut(Schema):
    name: str
    email: str
    phone: str
    note: str


def _out(user: Any, complaint: Complaint, schema: type[ComplaintOut] = ComplaintOut, **extra: Any) -> ComplaintOut:
    return schema(**_fields(user, complaint), **extra)


def _fields(user: Any, complaint: Complaint) -> dict[str, Any]:
    """What ``user`` may read of ``complaint``, as ComplaintOut's fields. A list endpoint returns
    these dicts and lets its response schema validate them once; building ComplaintOut here too
    validated every row twice (1.6 ms of 3 ms for a page of 50)."""
    office = complaint.current_office
    return {
        "tracking_number": complaint.tracking_number,
        "kind": complaint.kind,
        "status": complaint.status,
        "priority": complaint.priority,
        "category": complaint.category.code,
        "jurisdiction": complaint.jurisdiction.code,
        "office": office.code if office else None,
        "office_name": office.name if office else None,
        # Subject, text and the complainant's name: as privacy's one view of a complaint gives them.
        **complaint_view(complaint, reader_id=getattr(user, "pk", None)),
        "language": complaint.language,
        "anonymity": complaint.anonymity,
        "outcome": complaint.outcome,
        "outcome_reasons": complaint.outcome_reasons,
        "reject_reason": complaint.reject_reason,
        "reject_explanation": complaint.reject_explanation,
        "declaration_number": complaint.declaration_number,
        "resolve_due_at": complaint.resolve_due_at,
        "waiting_for_complainant_since": complaint.clock_paused_at,
        "escalation_level": complaint.escalation_level,
        "transfer_count": complaint.transfer_count,
        "reopen_count": complaint.reopen_count,
        "created_at": complaint.created_at,
        "appeal_due_at": complaint.appeal_due_at,
    }


def _get(request: HttpRequest, tracking_number: str) -> Complaint:
    return selectors.complaint_get(user=request.user, tracking_number=tracking_number)


@router.get("/categories", auth=None, response=list[CategoryOut], summary="Categories that take complaints")
def categories(request: HttpRequest) -> list[CategoryOut]:
    return [
        CategoryOut(
            code=c.code,
            name=c.name,
            name_ur=c.name_ur,
            department=c.department.code,
            is_customs=c.is_customs,
            attributes=c.attributes,
        )
        for c in selectors.category_list()
    ]


class CannedReplyOut(Schema):
    id: int
    department: str
    title: str
    body: str


@router.get(
    "/canned-replies",
    response={200: list[CannedReplyOut], 403: ErrorOut},
    summary="Canned replies of the departments I work for",
)
def canned_replies(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {"id": reply.pk, "department": reply.department.code, "title": reply.title, "body": reply.body}
        for reply in selectors.canned_replies_for(request.user)
    ]


def _submit(request: HttpRequest, payload: SubmitIn, complainant: Any, channel: str) -> Status[SubmitOut]:
    result = intake.complaint_submit(
        complainant=complainant,
        category_code=payload.category,
        jurisdiction_code=payload.jurisdiction,
        subject=payload.subject,
        text=payload.text,
        kind=payload.kind,
        language=payload.language,
        channel=channel,
        anonymity=payload.anonymity,
        attributes=payload.attributes,
        idempotency_key=request.headers.get("Idempotency-Key") or None,
        latitude=payload.latitude,
        longitude=payload.longitude,
        declaration_number=payload.declaration_number,
        collectorate_code=payload.collectorate,
    )
    # The service hands back the complaint with its category, place and office attached: no re-read.
    return Status(
        201 if result.created else 200,
        _out(complainant, result.complaint, SubmitOut, anonymous_token=result.anonymous_token),  # type: ignore[arg-type]
    )


IDEMPOTENCY = (
    "Send an `Idempotency-Key` header (a new random value, such as a UUID, per complaint): a retry of the same "
    "request with the same key returns the complaint already lodged (200) instead of lodging it twice. The same "
    "key with a different request is refused with 422 `idempotency_key_reused`. "
)


@router.post(
    "",
    response={200: SubmitOut, 201: SubmitOut, 400: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="Lodge a complaint (send an Idempotency-Key header: a retry returns the same complaint)",
    description=IDEMPOTENCY + SCRUBBED,
)
def submit(request: HttpRequest, payload: SubmitIn) -> Status[SubmitOut]:
    rate_limit(request, scope="intake", subjects=[str(request.user.pk)])
    return _submit(request, payload, request.user, Channel.API)


@router.post(
    "/anonymous",
    auth=None,
    response={200: SubmitOut, 201: SubmitOut, 400: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="Lodge a fully anonymous complaint; the answer holds the only key to follow it",
    description=IDEMPOTENCY
    + "A replay returns the complaint only to a caller who sends the same key and the same request, and never "
    "shows the tracking token again: keep it from the first answer. " + SCRUBBED,
)
def submit_anonymous(request: HttpRequest, payload: SubmitIn) -> Status[SubmitOut]:
    # Counted by address only, even for a signed-in submitter: nothing, not even a cache key,
    # ties a fully anonymous complaint to an account.
    rate_limit(request, scope="intake_anonymous")
    payload.anonymity = Anonymity.FULLY_ANONYMOUS
    # A signed-in submitter is passed only so their name can be scrubbed from the text; a fully
    # anonymous complaint stores no link to them.
    submitter = request.user if request.user.is_authenticated else None
    return _submit(request, payload, submitter, Channel.API)


TRACKING_TOKEN_HEADER = "X-Tracking-Token"  # noqa: S105 (a header name, not a secret)


class TrackIn(Schema):
    token: str = Field(description="The token given once when the anonymous complaint was lodged.")


def _tracked(request: HttpRequest, token: str) -> ComplaintOut:
    # Tokens are too long to guess, but a client trying them by the thousand is still refused.
    rate_limit(request, scope="anonymous_tracking")
    return _out(None, selectors.complaint_by_token(token))


@router.get(
    "/track",
    auth=None,
    response={200: ComplaintOut, 400: ErrorOut, 404: ErrorOut, 429: ErrorOut},
    summary="Follow an anonymous complaint (token in the X-Tracking-Token header)",
    description="The token is a secret: send it in the `X-Tracking-Token` header, or POST it to this path. A token "
    "in the URL would be written to access logs, proxies and browser history, so `?token=` is refused.",
)
def track(request: HttpRequest) -> ComplaintOut:
    if "token" in request.GET:
        raise DomainError.for_field(
            "token", ComplaintsError.TOKEN_IN_URL, "Send the token in the X-Tracking-Token header, not in the URL."
        )
    return _tracked(request, request.headers.get(TRACKING_TOKEN_HEADER, ""))


@router.post(
    "/track",
    auth=None,
    response={200: ComplaintOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="Follow an anonymous complaint (token in the body)",
)
def track_post(request: HttpRequest, payload: TrackIn) -> ComplaintOut:
    return _tracked(request, payload.token)


NEXT_PAGE_HEADER = "X-Next-Before"  # the tracking number to pass as `before` for the next page


def _next_page(response: HttpResponse, rows: list[Complaint], limit: int) -> None:
    """A full page names its last row, to page on from; a shorter one is the last."""
    if len(rows) >= selectors.page_size(limit):
        response[NEXT_PAGE_HEADER] = rows[-1].tracking_number


def _cursor(request: HttpRequest, field: str, tracking_number: str | None) -> int | None:
    return selectors.complaint_cursor_of(user=request.user, field=field, tracking_number=tracking_number)


@router.get(
    "",
    response={200: list[ComplaintOut], 400: ErrorOut, 422: ErrorOut},
    summary="Complaints I may see (inbox or my own), newest first, 50 a page",
    description="For the next page pass `before` = the last row's tracking number; a full page also "
    f"gives it in the `{NEXT_PAGE_HEADER}` header.",
)
def complaint_list(
    request: HttpRequest,
    response: HttpResponse,
    status: ComplaintStatus | None = None,
    category: str | None = None,
    priority: str | None = None,
    overdue: bool | None = None,
    office: str | None = None,
    search: str | None = None,
    before: str | None = None,
    before_id: RowId | None = None,
    limit: Int64 = selectors.PAGE_SIZE,
) -> list[dict[str, Any]]:
    filters = selectors.ComplaintFilters(
        status=status,
        category=category,
        priority=priority,
        overdue=overdue,
        office=office,
        search=search,
        before_id=_cursor(request, "before", before) or before_id,
    )
    rows = selectors.complaint_list(user=request.user, filters=filters, limit=limit)
    _next_page(response, rows, limit)
    return [_fields(request.user, c) for c in rows]


class PendingOut(Schema):
    tracking_number: str
    status: str
    priority: str
    category: str
    office: str | None
    office_name: str | None
    created_at: datetime
    days_pending: int
    resolve_due_at: datetime | None
    escalation_level: int


@router.get(
    "/pending-long",
    response={200: list[PendingOut], 400: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    summary="Open complaints pending longer than `days` (default 90), oldest first: the list tracked by name",
    description="Office staff and oversight only, within their scope. For the next page pass `after` = the "
    f"last row's tracking number; a full page also gives it in the `{NEXT_PAGE_HEADER}` header.",
)
def pending_long(
    request: HttpRequest,
    response: HttpResponse,
    days: Int64 = selectors.PENDING_TRACKED_DAYS,
    after: str | None = None,
    limit: Int64 = selectors.PAGE_SIZE,
) -> list[dict[str, Any]]:
    now = timezone.now()
    rows = selectors.complaints_pending_long(user=request.user, days=days, after=after, limit=limit, now=now)
    _next_page(response, rows, limit)
    return [
        {
            "tracking_number": c.tracking_number,
            "status": c.status,
            "priority": c.priority,
            "category": c.category.code,
            "office": c.current_office.code if c.current_office else None,
            "office_name": c.current_office.name if c.current_office else None,
            "created_at": c.created_at,
            "days_pending": (now - c.created_at).days,
            "resolve_due_at": c.resolve_due_at,
            "escalation_level": c.escalation_level,
        }
        for c in rows
    ]


@router.get("/{tracking_number}", response={200: ComplaintDetailOut, 404: ErrorOut})
def complaint_detail(request: HttpRequest, tracking_number: str) -> ComplaintOut:
    complaint = _get(request, tracking_number)
    files = selectors.complaint_attachments(user=request.user, complaint=complaint)
    return _out(request.user, complaint, ComplaintDetailOut, attachments=files)


@router.get("/{tracking_number}/timeline", response={200: list[EventOut], 404: ErrorOut})
def timeline(request: HttpRequest, tracking_number: str) -> list[dict[str, Any]]:
    complaint = _get(request, tracking_number)
    return selectors.complaint_timeline(user=request.user, complaint=complaint)


@router.get("/{tracking_number}/messages", response={200: list[MessageOut], 404: ErrorOut})
def message_list(request: HttpRequest, tracking_number: str) -> list[dict[str, Any]]:
    complaint = _get(request, tracking_number)
    return selectors.complaint_messages(user=request.user, complaint=complaint)


@router.post(
    "/{tracking_number}/messages",
    response={201: MessageOut, 400: ErrorOut, 404: ErrorOut, 409: ErrorOut, 429: ErrorOut},
)
def message_create(request: HttpRequest, tracking_number: str, payload: MessageIn) -> Status[dict[str, Any]]:
    complaint = _get(request, tracking_number)
    rate_limit(request, scope="messages", subjects=[str(request.user.pk)])
    message = messages.complaint_message_send(complaint=complaint, actor=request.user, body=payload.body)
    rows = selectors.complaint_messages(user=request.user, complaint=complaint)
    return Status(201, next(row for row in rows if row["id"] == message.pk))


@router.post("/{tracking_number}/notes", response={201: MessageOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut})
def note_create(request: HttpRequest, tracking_number: str, payload: MessageIn) -> Status[dict[str, Any]]:
    complaint = _get(request, tracking_number)
    note = work.complaint_note_add(complaint=complaint, actor=request.user, body=payload.body)
    return Status(
        201,
        {
            "id": note.pk,
            "direction": note.direction,
            "author": "office",
            "body": note.body,
            "created_at": note.created_at,
        },
    )


def _act(request: HttpRequest, tracking_number: str, action: Any, **kwargs: Any) -> ComplaintOut:
    complaint = _get(request, tracking_number)
    action(complaint=complaint, actor=request.user, **kwargs)
    return _out(request.user, _get(request, tracking_number))


ACTION = {200: ComplaintOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


@router.post("/{tracking_number}/acknowledge", response=ACTION, description=transitions.describe("acknowledge"))
def acknowledge(request: HttpRequest, tracking_number: str) -> ComplaintOut:
    return _act(request, tracking_number, work.complaint_acknowledge)


@router.post("/{tracking_number}/start", response=ACTION, description=transitions.describe("start"))
def start(request: HttpRequest, tracking_number: str) -> ComplaintOut:
    return _act(request, tracking_number, work.complaint_start)


@router.post("/{tracking_number}/interim-reply", response=ACTION)
def interim_reply(request: HttpRequest, tracking_number: str, payload: MessageIn) -> ComplaintOut:
    return _act(request, tracking_number, work.complaint_interim_reply, body=payload.body)


@router.post(
    "/{tracking_number}/request-information",
    response=ACTION,
    summary="Ask the complainant for information; the clock stops until they answer",
)
def request_information(request: HttpRequest, tracking_number: str, payload: MessageIn) -> ComplaintOut:
    return _act(request, tracking_number, clock.complaint_request_information, body=payload.body)


@router.post(
    "/{tracking_number}/go-on",
    response=ACTION,
    summary="Stop waiting for the complainant; the clock runs again",
)
def go_on(request: HttpRequest, tracking_number: str) -> ComplaintOut:
    return _act(request, tracking_number, clock.complaint_go_on)


class PriorityIn(Schema):
    # Typed with the choices, as every enumerated input is: an unknown one is a 422 naming the field.
    priority: Priority = Field(description="normal, high or urgent")
    reason: str


@router.post(
    "/{tracking_number}/priority",
    response=ACTION,
    summary="The handling office changes the complaint's priority, with a reason (an event on the timeline)",
)
def priority_change(request: HttpRequest, tracking_number: str, payload: PriorityIn) -> ComplaintOut:
    return _act(request, tracking_number, work.complaint_priority_set, priority=payload.priority, reason=payload.reason)


@router.post("/{tracking_number}/resolve", response=ACTION, description=transitions.describe("resolve"))
def resolve(request: HttpRequest, tracking_number: str, payload: ResolveIn) -> ComplaintOut:
    return _act(request, tracking_number, work.complaint_resolve, outcome=payload.outcome, reasons=payload.reasons)


@router.post("/{tracking_number}/reject", response=ACTION, description=transitions.describe("reject"))
def reject(request: HttpRequest, tracking_number: str, payload: RejectIn) -> ComplaintOut:
    # The complaint acted on is found (and the caller's right to act checked) before the one the body
    # names: a caller outside its scope is told 404, not something about the other complaint.
    complaint = _get(request, tracking_number)
    permissions.require(request.user, complaint, permissions.Action.WORK)
    duplicate_of = _other(request, "duplicate_of", payload.duplicate_of) if payload.duplicate_of else None
    work.complaint_reject(
        complaint=complaint,
        actor=request.user,
        reason=payload.reason,
        explanation=payload.explanation,
        duplicate_of=duplicate_of,
    )
    return _out(request.user, _get(request, tracking_number))


@router.post("/{tracking_number}/transfer", response=ACTION, description=transitions.describe("transfer"))
def transfer(request: HttpRequest, tracking_number: str, payload: TransferIn) -> ComplaintOut:
    to_office = Office.objects.filter(code=payload.to_office, is_active=True).first()
    if to_office is None:
        raise DomainError.for_field("to_office", ComplaintsError.OFFICE_UNKNOWN, "There is no such active office.")
    complaint = _get(request, tracking_number)
    routing.complaint_transfer(complaint=complaint, to_office=to_office, reason=payload.reason, actor=request.user)
    return _out(
        request.user,
        Complaint.objects.select_related("category", "jurisdiction", "current_office", "complainant").get(
            pk=complaint.pk
        ),
    )


@router.post("/{tracking_number}/duplicates/{other}", response=ACTION)
def link_duplicate(request: HttpRequest, tracking_number: str, other: str) -> ComplaintOut:
    complaint = _get(request, tracking_number)  # first, as in reject: outside scope is 404 whatever `other` is
    permissions.require(request.user, complaint, permissions.Action.WORK)
    with fields_renamed(duplicate_of="other"):  # the service's word for this endpoint's path parameter
        work.duplicate_link(complaint=complaint, duplicate_of=_other(request, "other", other), actor=request.user)
    return _out(request.user, _get(request, tracking_number))


def _other(request: HttpRequest, field: str, tracking_number: str) -> Complaint:
    """A second complaint an action names. Not found is an error on that field: a bare 404 would
    read as "the complaint you act on does not exist"."""
    try:
        return _get(request, tracking_number)
    except NotFound:
        raise DomainError.for_field(
            field, ComplaintsError.DUPLICATE_OF_UNKNOWN, "No complaint you can see has this tracking number."
        ) from None


@router.post("/{tracking_number}/feedback", response=ACTION, description=transitions.describe("confirm"))
def give_feedback(request: HttpRequest, tracking_number: str, payload: FeedbackIn) -> ComplaintOut:
    complaint = _get(request, tracking_number)
    feedback.feedback_give(
        complaint=complaint,
        actor=request.user,
        rating=payload.rating,
        satisfied=payload.satisfied,
        comment=payload.comment,
    )
    return _out(request.user, _get(request, tracking_number))


@router.post("/{tracking_number}/reopen", response=ACTION, description=transitions.describe("reopen"))
def reopen(request: HttpRequest, tracking_number: str, payload: ReasonIn) -> ComplaintOut:
    complaint = _get(request, tracking_number)
    feedback.complaint_reopen(complaint=complaint, actor=request.user, reason=payload.reason)
    return _out(request.user, _get(request, tracking_number))


@router.post("/{tracking_number}/appeal", response=ACTION, description=transitions.describe("appeal"))
def appeal(request: HttpRequest, tracking_number: str, payload: ReasonIn) -> ComplaintOut:
    complaint = _get(request, tracking_number)
    with fields_renamed(reasons="reason"):  # the service's word for what this endpoint calls "reason"
        feedback.appeal_file(complaint=complaint, actor=request.user, reasons=payload.reason)
    return _out(request.user, _get(request, tracking_number))


@router.post("/{tracking_number}/appeal/decide", response=ACTION, description=transitions.describe("decide_appeal"))
def appeal_decide(request: HttpRequest, tracking_number: str, payload: AppealDecideIn) -> ComplaintOut:
    complaint = _get(request, tracking_number)
    pending = selectors.appeal_pending(complaint=complaint)
    feedback.appeal_decide(appeal=pending, actor=request.user, decision=payload.decision, reasons=payload.reasons)
    return _out(request.user, _get(request, tracking_number))


@router.post("/{tracking_number}/reveal", response={200: RevealOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut})
def reveal(request: HttpRequest, tracking_number: str, payload: ReasonIn) -> dict[str, str]:
    complaint = _get(request, tracking_number)
    return work.identity_reveal(complaint=complaint, actor=request.user, reason=payload.reason)


@router.get(
    "/{tracking_number}/attachments",
    response={200: list[AttachmentOut], 404: ErrorOut},
    summary="The files of a complaint I may open, oldest first",
)
def attachment_list(request: HttpRequest, tracking_number: str) -> list[dict[str, Any]]:
    complaint = _get(request, tracking_number)
    return selectors.complaint_attachments(user=request.user, complaint=complaint)


@router.post(
    "/{tracking_number}/attachments",
    response={201: AttachmentOut, 400: ErrorOut, 404: ErrorOut, 409: ErrorOut, 429: ErrorOut},
    summary="Attach a photo (JPEG, PNG, WebP) or a PDF; it is stored cleaned of its metadata",
    description="The type is judged by the content and decides the stored name's extension. Photo locations are "
    "removed unless `share_location` is true (and never kept where the identity is hidden from the office).",
)
def attachment_upload(
    request: HttpRequest,
    tracking_number: str,
    file: UploadedFile = File(...),  # noqa: B008  (ninja declares uploads this way)
    share_location: bool = Form(False),
) -> Status[dict[str, Any]]:
    rate_limit(request, scope="uploads", subjects=[str(request.user.pk)])
    complaint = _get(request, tracking_number)
    created = attachments.attachment_add(
        complaint=complaint,
        uploaded_by=request.user,
        name=file.name or "",
        # One byte over the limit is enough for the service to refuse; no more is read.
        data=file.read(attachments.max_bytes() + 1),
        share_location=share_location,
    )
    _, row = selectors.attachment_get(user=request.user, complaint=complaint, attachment_id=created.pk)
    return Status(201, row)


@router.get("/{tracking_number}/attachments/{attachment_id}", response={404: ErrorOut, 409: ErrorOut})
def attachment_download(request: HttpRequest, tracking_number: str, attachment_id: RowId) -> FileResponse:
    complaint = _get(request, tracking_number)
    attachment, row = selectors.attachment_get(user=request.user, complaint=complaint, attachment_id=attachment_id)
    # Always a download under the name this reader may see, of the type found at upload, never
    # rendered inline, never sniffed into something else, never kept in a shared cache.
    response = FileResponse(
        attachment.file.open("rb"), as_attachment=True, filename=row["name"], content_type=attachment.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
