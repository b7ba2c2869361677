"""Complaint pages for staff: the officer's inbox and work page, the supervisor's escalations and
offices, oversight's search and queues.

As in views.py: each view validates a form, calls one service or selector, and renders. Who may
act is the permission layer's (the page offers only what ``complaint_may`` allows; the service
still decides); what an office reads of a complaint is privacy's ``complaint_view`` and the
selectors', so a hidden complainant's identity never reaches a staff page. Outside a user's scope a
complaint is not found (404), as in the API.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rabta.accountability import selectors as accountability
from rabta.accountability import services as accountability_services
from rabta.accountability.permissions import may_rate
from rabta.api.errors import status_for
from rabta.complaints import forms_office as f
from rabta.complaints import selectors
from rabta.complaints.choices import CLOSED_STATUSES, OPEN_STATUSES
from rabta.complaints.errors import ComplaintsError
from rabta.complaints.forms import errors_attach
from rabta.complaints.models import Complaint
from rabta.complaints.permissions import (
    Action,
    complaint_may,
    has_inbox,
    is_complainant,
    may_oversee,
    may_read_office_lists,
)
from rabta.complaints.privacy import complaint_view
from rabta.complaints.services import clock, feedback, routing, work
from rabta.complaints.services import messages as complaint_messages
from rabta.complaints.transitions import ACTIONS
from rabta.core.errors import DomainError, NotFound, form_invalid
from rabta.core.permissions import get_visible_or_404
from rabta.core.ratelimit import rate_limit
from rabta.directory import selectors as directory
from rabta.intelligence.selectors import complaint_triage
from rabta.reviews import selectors as reviews
from rabta.reviews import services as review_services
from rabta.reviews.models import DecisionReview
from rabta.reviews.permissions import review_assignable_by, review_decidable_by


def _staff(request: HttpRequest) -> None:
    """Staff pages exist for office staff and oversight only: anyone else is told they do not."""
    if not may_read_office_lists(request.user):
        raise Http404


def _refused(response: HttpResponse, error: DomainError | None) -> HttpResponse:
    if error is not None:
        response.status_code = status_for(error)
    return response


def _invalid() -> DomainError:
    return form_invalid()


def _reauthenticated(request: HttpRequest, form: forms.Form) -> bool:
    """The password typed again is the signed-in user's (through the sign-in backends, so failures
    count towards the lock-out as at sign-in); an error on the password field otherwise."""
    email = getattr(request.user, "email", "")
    user = authenticate(request, username=email, password=form.cleaned_data["password"])
    if user is None or user.pk != request.user.pk:
        form.add_error("password", _("That is not your password."))
        return False
    return True


def _deadline_context() -> dict[str, Any]:
    return {"now": timezone.now(), "open_statuses": [str(status) for status in OPEN_STATUSES]}


def _rows(user: Any, complaints: list[Complaint]) -> list[dict[str, Any]]:
    """List rows as an office reads them: subject through privacy's one view, never a name."""
    return [{"complaint": c, "subject": complaint_view(c, reader_id=user.pk)["subject"]} for c in complaints]


# Inbox -----------------------------------------------------------------------------------------


def _inbox_filters(request: HttpRequest, form: f.InboxFilterForm) -> selectors.ComplaintFilters:
    data = form.cleaned_data
    due_by = None
    if data.get("due") == "today":
        today = timezone.localdate()
        due_by = timezone.make_aware(datetime.combine(today + timedelta(days=1), time.min))
    before = data.get("before") or None
    return selectors.ComplaintFilters(
        status=data.get("status") or None,
        category=data.get("category") or None,
        office=data.get("office") or None,
        priority=data.get("priority") or None,
        overdue=True if data.get("due") == "overdue" else None,
        due_by=due_by,
        before_id=selectors.complaint_cursor_of(user=request.user, field="before", tracking_number=before),
    )


def _inbox_page(
    request: HttpRequest,
    *,
    reauth: f.ReauthForm | None = None,
    results: list[dict[str, Any]] | None = None,
    error: DomainError | None = None,
) -> HttpResponse:
    form = f.InboxFilterForm(request.GET)
    rows: list[Complaint] = []
    if form.is_valid():
        try:
            rows = selectors.complaint_list(user=request.user, filters=_inbox_filters(request, form))
        except DomainError as refusal:
            errors_attach(form, refusal)
            error = error or refusal
    else:
        error = error or _invalid()
    full = len(rows) >= selectors.PAGE_SIZE
    next_before = rows[-1].tracking_number if full else None
    if form.is_valid() and form.cleaned_data.get("sort") == "deadline":
        far = timezone.now() + timedelta(days=36500)
        rows = sorted(rows, key=lambda c: (c.resolve_due_at or far, -c.pk))
    query = request.GET.copy()
    query.pop("before", None)
    context = {
        "form": form,
        "rows": _rows(request.user, rows),
        "next_before": next_before,
        "query": query.urlencode(),
        "paged": bool(request.GET.get("before")),
        "reauth": reauth or f.ReauthForm(),
        "results": results,
        "error": error,
        **_deadline_context(),
    }
    return _refused(render(request, "complaints/office/inbox.html", context), error)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def inbox(request: HttpRequest) -> HttpResponse:
    """The office's complaints, as the API lists them, with filters and deadline badges; POST
    acknowledges the ticked complaints after the password is given again."""
    _staff(request)
    if request.method == "GET":
        return _inbox_page(request)
    reauth = f.ReauthForm(request.POST)
    numbers = [n for n in request.POST.getlist("complaints") if n][: selectors.PAGE_SIZE]
    if not numbers:
        reauth.is_valid()
        reauth.add_error(None, _("Tick the complaints to acknowledge."))
        return _inbox_page(request, reauth=reauth, error=_invalid())
    if not reauth.is_valid() or not _reauthenticated(request, reauth):
        return _inbox_page(request, reauth=reauth, error=_invalid())
    results = []
    for number in numbers:
        # Each on its own: one refusal (not found, already acknowledged) does not undo the others.
        try:
            complaint = selectors.complaint_get(user=request.user, tracking_number=number)
            work.complaint_acknowledge(complaint=complaint, actor=request.user)
        except DomainError as refusal:
            results.append({"number": number, "ok": False, "message": refusal.message})
        else:
            results.append({"number": number, "ok": True, "message": _("Acknowledged.")})
    return _inbox_page(request, results=results)


# The complaint work page --------------------------------------------------------------------------


def _handled(request: HttpRequest, tracking_number: str) -> Complaint:
    """A complaint the user handles as staff: within their scope (404 otherwise), and not their own
    (their own complaint is at complaints:detail)."""
    _staff(request)
    complaint = selectors.complaint_get(user=request.user, tracking_number=tracking_number)
    if is_complainant(request.user, complaint):
        raise NotFound()
    return complaint


def _may(user: Any, complaint: Complaint, action: Action, transition: str | None = None) -> bool:
    if transition is not None and complaint.status not in ACTIONS[transition].sources:
        return False
    return complaint_may(user, complaint, action)


def _offered(user: Any, complaint: Complaint) -> dict[str, bool]:
    """What the page offers: what the permission layer allows this user, from this status."""
    is_open = complaint.status in OPEN_STATUSES
    appeal = None
    if complaint.status in ACTIONS["decide_appeal"].sources:
        try:
            appeal = selectors.appeal_pending(complaint=complaint)
        except NotFound:
            appeal = None
    return {
        "acknowledge": _may(user, complaint, Action.WORK, "acknowledge"),
        "start": _may(user, complaint, Action.WORK, "start"),
        "resolve": _may(user, complaint, Action.WORK, "resolve"),
        "reject": _may(user, complaint, Action.WORK, "reject"),
        "duplicate": is_open and _may(user, complaint, Action.WORK),
        "information": is_open and not complaint.clock_paused_at and _may(user, complaint, Action.WORK),
        "go_on": bool(complaint.clock_paused_at) and _may(user, complaint, Action.WORK),
        "transfer": _may(user, complaint, Action.TRANSFER, "transfer"),
        "message": complaint.status not in CLOSED_STATUSES
        and complaint.complainant_id is not None
        and _may(user, complaint, Action.WRITE_TO_COMPLAINANT),
        "note": _may(user, complaint, Action.NOTE),
        "rate": complaint.status in CLOSED_STATUSES
        and complaint.complainant_id is not None
        and may_rate(user, complaint)
        and not accountability.complaint_rated(complaint=complaint),
        "decide_appeal": appeal is not None and complaint_may(user, complaint, Action.DECIDE_APPEAL, appeal=appeal),
        "reveal": complaint.identity_hidden_from_office and complaint_may(user, complaint, Action.REVEAL_IDENTITY),
    }


WORK_FORMS: dict[str, type[forms.Form]] = {
    "message": f.BodyForm,
    "note": f.NoteForm,
    "information": f.InformationForm,
    "transfer": f.TransferForm,
    "resolve": f.ResolveForm,
    "reject": f.RejectForm,
    "duplicate": f.DuplicateForm,
    "rate": f.RateForm,
    "decide_appeal": f.AppealDecideForm,
    "reveal": f.RevealForm,
    "acknowledge": forms.Form,
    "start": forms.Form,
    "go_on": forms.Form,
}


def _work_page(
    request: HttpRequest,
    complaint: Complaint,
    *,
    given: dict[str, forms.Form] | None = None,
    error: DomainError | None = None,
    revealed: dict[str, str] | None = None,
) -> HttpResponse:
    user = request.user
    page_forms = {name: form(prefix=name) for name, form in WORK_FORMS.items()} | (given or {})
    canned = list(selectors.canned_replies_for(user)) if may_read_office_lists(user) else []
    context = {
        "complaint": complaint,
        "view": complaint_view(complaint, reader_id=user.pk),
        "conversation": selectors.complaint_messages(user=user, complaint=complaint),
        "timeline": selectors.complaint_timeline(user=user, complaint=complaint),
        "attachments": selectors.complaint_attachments(user=user, complaint=complaint),
        "may": _offered(user, complaint),
        "forms": page_forms,
        "canned": canned,
        "error": error,
        "revealed": revealed,
        # The form sent back with its errors: its own summary says what is wrong; the top of the page links to it.
        "failed": next(iter(given), None) if given and error else None,
        "from_inbox": has_inbox(user),
        # The category model's suggestion when the complaint looks unrouted or misrouted: shown, never acted on.
        "triage": complaint_triage(user=user, complaint=complaint, language=request.LANGUAGE_CODE),
        **_deadline_context(),
    }
    return _refused(render(request, "complaints/office/work.html", context), error)


@never_cache
@login_required
@require_GET
def work_page(request: HttpRequest, tracking_number: str) -> HttpResponse:
    return _work_page(request, _handled(request, tracking_number))


def _other(request: HttpRequest, field: str, number: str) -> Complaint:
    try:
        return selectors.complaint_get(user=request.user, tracking_number=(number or "").strip().upper())
    except NotFound:
        raise DomainError.for_field(
            field, ComplaintsError.DUPLICATE_OF_UNKNOWN, _("No complaint you can see has this tracking number.")
        ) from None


def _do(request: HttpRequest, complaint: Complaint, name: str, data: dict[str, Any]) -> tuple[str, Any]:
    """Call the one service ``name`` stands for; the success message and the service's answer."""
    user = request.user
    if name == "acknowledge":
        return _("Acknowledged."), work.complaint_acknowledge(complaint=complaint, actor=user)
    if name == "start":
        return _("Marked as in progress."), work.complaint_start(complaint=complaint, actor=user)
    if name == "message":
        rate_limit(request, scope="messages", subjects=[str(user.pk)])
        sent = complaint_messages.complaint_message_send(complaint=complaint, actor=user, body=data["body"])
        return _("Your message was sent to the complainant."), sent
    if name == "note":
        return _("The note was added."), work.complaint_note_add(complaint=complaint, actor=user, body=data["body"])
    if name == "information":
        asked = clock.complaint_request_information(complaint=complaint, actor=user, body=data["body"])
        return _("The complainant was asked; the deadline stands still until they answer."), asked
    if name == "go_on":
        return _("The deadline runs again."), clock.complaint_go_on(complaint=complaint, actor=user)
    if name == "transfer":
        office = directory.office_queryset().filter(code=data["to_office"].strip(), is_active=True).first()
        if office is None:
            raise DomainError.for_field(
                "to_office", ComplaintsError.OFFICE_UNKNOWN, _("There is no such active office.")
            )
        moved = routing.complaint_transfer(complaint=complaint, to_office=office, reason=data["reason"], actor=user)
        return _("The complaint was transferred."), moved
    if name == "resolve":
        resolved = work.complaint_resolve(
            complaint=complaint, actor=user, outcome=data["outcome"], reasons=data.get("reasons", "")
        )
        return _("The complaint is resolved; the complainant was told."), resolved
    if name == "reject":
        duplicate_of = _other(request, "duplicate_of", data["duplicate_of"]) if data.get("duplicate_of") else None
        rejected = work.complaint_reject(
            complaint=complaint,
            actor=user,
            reason=data["reason"],
            explanation=data["explanation"],
            duplicate_of=duplicate_of,
        )
        return _("The complaint was rejected; the complainant was told why."), rejected
    if name == "duplicate":
        other = _other(request, "other", data["other"])
        return _("The duplicate was linked."), work.duplicate_link(complaint=complaint, duplicate_of=other, actor=user)
    if name == "rate":
        rated = accountability_services.complaint_rate_responsibility(
            complaint=complaint, actor=user, rating=data["rating"]
        )
        return _("Your rating was recorded."), rated
    if name == "decide_appeal":
        pending = selectors.appeal_pending(complaint=complaint)
        decided = feedback.appeal_decide(appeal=pending, actor=user, decision=data["decision"], reasons=data["reasons"])
        return _("The appeal is decided; the complainant was told."), decided
    if name == "reveal":
        return "", work.identity_reveal(complaint=complaint, actor=user, reason=data["reason"])
    raise Http404


# The service's name for a field, where a form calls it something else.
RENAMED = {"decide_appeal": {"decision": "decision"}, "duplicate": {"duplicate_of": "other"}}


@login_required
@require_POST
def work_act(request: HttpRequest, tracking_number: str, action: str) -> HttpResponse:
    """One action on the work page: a POST form calling one service."""
    if action not in WORK_FORMS:
        raise Http404
    complaint = _handled(request, tracking_number)
    form = WORK_FORMS[action](request.POST, prefix=action)
    if not form.is_valid() or (action == "reveal" and not _reauthenticated(request, form)):
        return _work_page(request, complaint, given={action: form}, error=_invalid())
    try:
        said, answer = _do(request, complaint, action, form.cleaned_data)
    except DomainError as error:
        errors_attach(form, error, RENAMED.get(action))
        return _work_page(request, complaint, given={action: form}, error=error)
    if action == "reveal":
        # Shown once, on this answer only; the reveal and its reason are on the timeline.
        return _work_page(request, _handled(request, tracking_number), revealed=answer)
    messages.success(request, said)
    return redirect(reverse("complaints:work", args=[complaint.tracking_number]) + f"#{action}-done")


# Supervisor and head of office ----------------------------------------------------------------------


def _given(given: dict[str, Any], key: Any, form: forms.Form) -> forms.Form:
    """The form sent back with its errors for the row it was sent from; a fresh one elsewhere."""
    return given["form"] if given.get("key") == key else form


def _review_rows(user: Any, rows: list[DecisionReview], given: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "review": review,
            "may_assign": review.decided_at is None and review_assignable_by(user, review),
            "may_decide": review.decided_at is None and review_decidable_by(user, review),
            "assign": _given(given, (review.pk, "assign"), f.ReviewAssignForm(prefix=f"assign-{review.pk}")),
            "decide": _given(given, (review.pk, "decide"), f.ReviewDecideForm(prefix=f"decide-{review.pk}")),
        }
        for review in rows
    ]


def _escalations_page(
    request: HttpRequest, *, given: dict[str, Any] | None = None, error: DomainError | None = None
) -> HttpResponse:
    user = request.user
    appeals = selectors.appeals_waiting(user=user)
    context = {
        "escalated": _rows(user, selectors.escalations_to(user=user)),
        "offices": selectors.office_backlog(user=user),
        "appeals": [
            {
                "appeal": appeal,
                "may_decide": complaint_may(user, appeal.complaint, Action.DECIDE_APPEAL, appeal=appeal),
            }
            for appeal in appeals
        ],
        "reviews": _review_rows(user, reviews.decision_review_list(user=user), given or {}),
        "given_errors": bool(given and given["form"].errors),
        "error": error,
        **_deadline_context(),
    }
    return _refused(render(request, "complaints/office/escalations.html", context), error)


@never_cache
@login_required
@require_GET
def escalations(request: HttpRequest) -> HttpResponse:
    """What lands on a supervisor or head of office: escalations, the offices below with their
    backlog, and the appeal and decision-review queues."""
    _staff(request)
    return _escalations_page(request)


@login_required
@require_POST
def review_act(request: HttpRequest, reference: str, action: str) -> HttpResponse:
    """Assign a decision review's reviewer, or decide it: one service each."""
    _staff(request)
    review = get_visible_or_404(reviews.decision_reviews(), request.user, reference=reference)
    form: forms.Form
    if action == "assign":
        form = f.ReviewAssignForm(request.POST, prefix=f"assign-{review.pk}")
    elif action == "decide":
        form = f.ReviewDecideForm(request.POST, prefix=f"decide-{review.pk}")
    else:
        raise Http404
    given = {"key": (review.pk, action), "form": form}
    if not form.is_valid():
        return _escalations_page(request, given=given, error=_invalid())
    data = form.cleaned_data
    try:
        if action == "assign":
            review_services.decision_review_assign_named(
                review=review, reviewer_identifier=data["reviewer"], post_id=data["post"], actor=request.user
            )
            messages.success(request, _("The reviewer was assigned."))
        else:
            review_services.decision_review_decide(
                review=review, actor=request.user, result=data["result"], reasons=data["reasons"]
            )
            messages.success(request, _("The review is decided."))
    except DomainError as error:
        errors_attach(form, error)
        return _escalations_page(request, given=given, error=error)
    return redirect(reverse("complaints:escalations") + "#reviews")


# Oversight ------------------------------------------------------------------------------------------


def _oversight_page(
    request: HttpRequest, *, given: dict[str, Any] | None = None, error: DomainError | None = None
) -> HttpResponse:
    user = request.user
    given = given or {}
    form = f.SearchForm(request.GET)
    found: list[Complaint] | None = None
    if form.is_valid() and any(form.cleaned_data.values()):
        data = form.cleaned_data
        found = selectors.complaint_list(
            user=user,
            filters=selectors.ComplaintFilters(
                search=data["search"] or None, status=data["status"] or None, office=data["office"] or None
            ),
        )
    context = {
        "form": form,
        "found": None if found is None else _rows(user, found),
        "pending": selectors.complaints_pending_long(user=user),
        "standings": [
            {
                "standing": standing,
                "form": _given(
                    given, ("standing", standing.user_id), f.StandingDecideForm(prefix=f"standing-{standing.user_id}")
                ),
            }
            for standing in accountability.standing_list(user=user, appeal_open=True)
        ],
        "audits": [
            {"audit": audit, "form": _given(given, ("audit", audit.pk), f.AuditCloseForm(prefix=f"audit-{audit.pk}"))}
            for audit in accountability.audit_list(user=user)
        ],
        "given_errors": bool(given.get("form") and given["form"].errors),
        "error": error,
        **_deadline_context(),
    }
    return _refused(render(request, "complaints/office/oversight.html", context), error)


def _overseer(request: HttpRequest) -> None:
    if not may_oversee(request.user):
        raise Http404


@never_cache
@login_required
@require_GET
def oversight(request: HttpRequest) -> HttpResponse:
    """Oversight: search across its government, the list pending over 90 days, responsibility-index
    appeals and the officer audit queue. Identity reveal is on each complaint's work page."""
    _overseer(request)
    return _oversight_page(request)


def _oversight_act(
    request: HttpRequest, kind: str, pk: int, form: forms.Form, act: Callable[[dict[str, Any]], None]
) -> HttpResponse:
    given = {"key": (kind, pk), "form": form}
    if not form.is_valid():
        return _oversight_page(request, given=given, error=_invalid())
    try:
        act(form.cleaned_data)
    except DomainError as error:
        errors_attach(form, error, {"grant": "granted"})
        return _oversight_page(request, given=given, error=error)
    return redirect(reverse("complaints:oversight") + f"#{kind}s")


@login_required
@require_POST
def standing_decide(request: HttpRequest, user_id: int) -> HttpResponse:
    _overseer(request)
    standing = accountability.standing_get(user=request.user, complainant_id=user_id)

    def act(data: dict[str, Any]) -> None:
        accountability_services.standing_appeal_decide(
            standing=standing, actor=request.user, grant=data["granted"], reasons=data["reasons"]
        )
        messages.success(request, _("The appeal is decided; the complainant was told."))

    return _oversight_act(
        request, "standing", user_id, f.StandingDecideForm(request.POST, prefix=f"standing-{user_id}"), act
    )


@login_required
@require_POST
def audit_close(request: HttpRequest, audit_id: int) -> HttpResponse:
    _overseer(request)
    audit = accountability.audit_get(user=request.user, audit_id=audit_id)

    def act(data: dict[str, Any]) -> None:
        accountability_services.officer_audit_close(
            audit=audit, actor=request.user, finding=data["finding"], notes=data["notes"]
        )
        messages.success(request, _("The audit is closed."))

    return _oversight_act(request, "audit", audit_id, f.AuditCloseForm(request.POST, prefix=f"audit-{audit_id}"), act)
