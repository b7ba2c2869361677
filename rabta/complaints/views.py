"""Complaint pages for the public and the complainant: track, lodge, my complaints, one complaint.

Each view validates a form, calls one service or selector, and renders. Rules (who may act, what
the lifecycle allows, what a reader may see) are the services', selectors' and privacy's; a
service's refusal is shown next to the field it names, with the refusal's status code.
"""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rabta.api.errors import status_for
from rabta.complaints import selectors
from rabta.complaints.choices import OPEN_STATUSES, Anonymity, Channel, Kind
from rabta.complaints.forms import (
    ANONYMITY_EXPLAINED,
    ATTRIBUTE_PREFIX,
    AttachmentForm,
    CategoryForm,
    DetailsForm,
    FeedbackForm,
    MessageForm,
    OfflineDraftForm,
    PlaceForm,
    PrivacyForm,
    ReasonForm,
    TrackNumberForm,
    TrackTokenForm,
    WhatForm,
    category_label,
    errors_attach,
)
from rabta.complaints.models import Complaint
from rabta.complaints.permissions import Action, is_complainant
from rabta.complaints.privacy import complaint_view
from rabta.complaints.services import attachments, feedback, intake
from rabta.complaints.services import messages as complaint_messages
from rabta.core.errors import DomainError, NotFound, error_with_fields, form_invalid
from rabta.core.ratelimit import rate_limit
from rabta.directory import selectors as directory
from rabta.directory.choices import JurisdictionKind, OfficeLevel
from rabta.directory.models import Jurisdiction


def _refused(response: HttpResponse, error: DomainError | None) -> HttpResponse:
    """A page showing a refusal answers with the refusal's status, as the API would."""
    if error is not None:
        response.status_code = status_for(error)
    return response


def _attachment_form(data: Any = None, files: Any = None, *, hidden: bool, required: bool = True) -> AttachmentForm:
    return AttachmentForm(
        data,
        files,
        max_bytes=attachments.max_bytes(),
        per_complaint=settings.RABTA_ATTACHMENTS_PER_COMPLAINT,
        hidden=hidden,
        required=required,
    )


def _hides_identity(anonymity: str) -> bool:
    return anonymity in {Anonymity.IDENTITY_HIDDEN_FROM_OFFICE, Anonymity.FULLY_ANONYMOUS}


# Track -----------------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    """Follow a complaint by its tracking number (its progress, as the public may see it), or a
    fully anonymous one by its secret token, which comes in a POST body, never in the URL."""
    number_form = TrackNumberForm(request.GET if "number" in request.GET else None)
    token_form = TrackTokenForm(request.POST if request.method == "POST" else None)
    context: dict[str, Any] = {"number_form": number_form, "token_form": token_form}
    refused: DomainError | None = None
    if number_form.is_bound and number_form.is_valid():
        # Numbers are short enough to try in bulk: each try counts, as a token's does.
        rate_limit(request, scope="anonymous_tracking")
        try:
            context["progress"] = selectors.complaint_public_progress(
                tracking_number=number_form.cleaned_data["number"]
            )
        except NotFound as error:
            number_form.add_error("number", _("No complaint has this tracking number. Check each letter and digit."))
            refused = error
    if token_form.is_bound and token_form.is_valid():
        rate_limit(request, scope="anonymous_tracking")
        try:
            complaint = selectors.complaint_by_token(token_form.cleaned_data["token"])
        except NotFound as error:
            token_form.add_error("token", _("No complaint has this token. Check that you copied all of it."))
            refused = error
        else:
            context["tracked"] = complaint
            context["tracked_view"] = complaint_view(complaint, reader_id=None)
            context["token_form"] = TrackTokenForm()  # the secret is not written back into the page
    return _refused(render(request, "complaints/track.html", context), refused)


# Lodge -----------------------------------------------------------------------------------------

STEPS = ("what", "category", "place", "details", "privacy", "review")
STEP_TITLES = {
    "what": gettext_lazy("What happened"),
    "category": gettext_lazy("Category"),
    "place": gettext_lazy("Place"),
    "details": gettext_lazy("Details"),
    "privacy": gettext_lazy("Who sees your name"),
    "review": gettext_lazy("Check and send"),
}
DRAFTS = "lodge_drafts"
DRAFTS_KEPT = 5
# A service's field → (the step that asks for it, the form field there).
SERVICE_FIELDS = {
    "kind": ("what", "kind"),
    "subject": ("what", "subject"),
    "text": ("what", "text"),
    "category": ("category", "category"),
    "jurisdiction": ("place", "district"),
    "declaration_number": ("details", "declaration_number"),
    "collectorate": ("details", "collectorate"),
    "anonymity": ("privacy", "anonymity"),
    "complainant": ("privacy", "anonymity"),
}


def _drafts(request: HttpRequest) -> dict[str, dict[str, Any]]:
    drafts: dict[str, dict[str, Any]] = request.session.get(DRAFTS, {})
    return drafts


def _draft(request: HttpRequest, draft_id: str) -> dict[str, Any]:
    drafts = _drafts(request)
    if draft_id not in drafts:
        draft_id = uuid.uuid4().hex
        drafts[draft_id] = {"attributes": {}}
        # Only the newest few: an abandoned draft is not kept for ever.
        for old in list(drafts)[:-DRAFTS_KEPT]:
            del drafts[old]
    request.session[DRAFTS] = drafts
    draft = drafts[draft_id]
    draft["id"] = draft_id
    return draft


def _save(request: HttpRequest, draft: dict[str, Any]) -> None:
    drafts = _drafts(request)
    drafts[draft["id"]] = draft
    request.session[DRAFTS] = drafts
    request.session.modified = True


def _place_choices(province: str, district: str) -> dict[str, list[tuple[str, str]]]:
    language = get_language()
    label = lambda place: place.localized_name(language)  # noqa: E731
    provinces = list(directory.jurisdiction_list(kind=JurisdictionKind.PROVINCE))
    choices: dict[str, list[tuple[str, str]]] = {"province": [(p.code, label(p)) for p in provinces]}
    chosen = next((p for p in provinces if p.code == province), None)
    if chosen is not None:
        districts = list(directory.districts_of(chosen))
        choices["district"] = [(d.code, label(d)) for d in districts]
        chosen_district = next((d for d in districts if d.code == district), None)
        if chosen_district is not None:
            tehsils = directory.jurisdiction_list(kind=JurisdictionKind.TEHSIL, parent=chosen_district)
            choices["tehsil"] = [(t.code, label(t)) for t in tehsils]
    return choices


def _collectorates() -> list[tuple[str, str]]:
    return [(o.code, o.name) for o in directory.office_search(level=OfficeLevel.COLLECTORATE, limit=None)]


def _form_for(step: str, draft: dict[str, Any], request: HttpRequest, data: Any = None) -> forms.Form | None:
    """The form of ``step``, bound to ``data`` (a POST) or to what the draft holds so far."""
    bound = data if data is not None else None
    if step == "what":
        return WhatForm(bound, initial={k: draft[k] for k in ("kind", "subject", "text") if k in draft})
    if step == "category":
        query = (data.get("q", "") if data is not None else draft.get("q", "")).strip()
        found = selectors.category_search(query=query)
        chosen = selectors.category_get(data.get("category", "") if data is not None else draft.get("category", ""))
        if chosen is not None and chosen not in found:
            found.insert(0, chosen)
        return CategoryForm(
            bound, categories=found, language=get_language(), initial={"q": query, "category": draft.get("category")}
        )
    if step == "place":
        source = data if data is not None else draft
        choices = _place_choices(source.get("province", ""), source.get("district", ""))
        return PlaceForm(bound, choices=choices, initial={k: draft.get(k) for k in ("province", "district", "tehsil")})
    if step == "details":
        category = selectors.category_get(draft.get("category", ""))
        if category is None:
            return None
        initial = {ATTRIBUTE_PREFIX + k: v for k, v in draft.get("attributes", {}).items()}
        initial.update({k: draft[k] for k in ("declaration_number", "collectorate") if k in draft})
        return DetailsForm(bound, category=category, collectorates=_collectorates(), initial=initial)
    if step == "privacy":
        signed_in = request.user.is_authenticated
        default = Anonymity.NAME_HIDDEN_FROM_PUBLIC if signed_in else Anonymity.FULLY_ANONYMOUS
        return PrivacyForm(bound, signed_in=signed_in, initial={"anonymity": draft.get("anonymity", default)})
    return None


def _keep(step: str, draft: dict[str, Any], form: forms.Form) -> None:
    """Copy a valid step's answers into the draft."""
    data = form.cleaned_data
    if step == "details":
        draft["attributes"] = {
            name[len(ATTRIBUTE_PREFIX) :]: value
            for name, value in data.items()
            if name.startswith(ATTRIBUTE_PREFIX) and value not in ("", None)
        }
        for name in ("declaration_number", "collectorate"):
            draft[name] = data.get(name, "")
        return
    draft.update({k: v for k, v in data.items() if k != "q"})


def _raw(request: HttpRequest, step: str, draft: dict[str, Any], data: Any) -> None:
    """Keep what was typed on a step even when it is not valid yet, so going back loses nothing."""
    form = _form_for(step, draft, request)
    if form is None:
        return
    for name in form.fields:
        if name in data:
            if name.startswith(ATTRIBUTE_PREFIX):
                draft.setdefault("attributes", {})[name[len(ATTRIBUTE_PREFIX) :]] = data[name]
            else:
                draft[name] = data[name]


def _next_step(step: str, draft: dict[str, Any]) -> str:
    index = STEPS.index(step) + 1
    following = STEPS[index] if index < len(STEPS) else "review"
    if following == "details" and not _has_details(draft):
        return "privacy"
    return following


def _previous_step(step: str, draft: dict[str, Any]) -> str:
    index = max(0, STEPS.index(step) - 1)
    previous = STEPS[index]
    if previous == "details" and not _has_details(draft):
        return "place"
    return previous


def _has_details(draft: dict[str, Any]) -> bool:
    category = selectors.category_get(draft.get("category", ""))
    return category is not None and bool(category.attributes or category.is_customs)


def _jurisdiction(draft: dict[str, Any]) -> str:
    return str(draft.get("tehsil") or draft.get("district") or draft.get("province") or "")


def _summary(draft: dict[str, Any]) -> dict[str, Any]:
    language = get_language()
    category = selectors.category_get(draft.get("category", ""))
    codes = [draft.get(name) for name in ("province", "district", "tehsil") if draft.get(name)]
    places = {p.code: p for p in Jurisdiction.objects.filter(code__in=codes)}
    return {
        "kind": Kind(draft["kind"]).label if draft.get("kind") in Kind.values else "",
        "category": category_label(category, language) if category else "",
        "place": " › ".join(places[code].localized_name(language) for code in codes if code in places),
        "anonymity": Anonymity(draft["anonymity"]).label if draft.get("anonymity") in Anonymity.values else "",
        "anonymity_explained": ANONYMITY_EXPLAINED.get(draft.get("anonymity", "")),
    }


def _render_step(
    request: HttpRequest,
    step: str,
    draft: dict[str, Any],
    form: forms.Form | None,
    *,
    status: int = 200,
    attachment_form: AttachmentForm | None = None,
) -> HttpResponse:
    context = {
        "step": step,
        "steps": [
            {"name": s, "title": STEP_TITLES[s], "number": n}
            for n, s in enumerate([s for s in STEPS if s != "details" or _has_details(draft)], start=1)
        ],
        "step_title": STEP_TITLES[step],
        "draft": draft,
        "form": form,
        "explained": ANONYMITY_EXPLAINED,
    }
    if step == "review":
        context["summary"] = _summary(draft)
        context["attachment_form"] = attachment_form or _attachment_form(
            hidden=_hides_identity(draft.get("anonymity", "")), required=False
        )
    response = render(request, "complaints/lodge.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def lodge(request: HttpRequest) -> HttpResponse:
    """Lodge a complaint in steps. The draft lives in the session under an id that is also the
    submission's Idempotency-Key, so a double submit lodges one complaint."""
    source = request.POST if request.method == "POST" else request.GET
    draft = _draft(request, source.get("draft", ""))
    step = source.get("step", "what")
    if step not in STEPS or (step == "details" and not _has_details(draft)):
        step = "what"
    if request.method == "GET":
        _save(request, draft)
        return _render_step(request, step, draft, _form_for(step, draft, request))

    action = request.POST.get("action", "next")
    if step == "review":
        if action == "back":
            previous = _previous_step(step, draft)
            return _render_step(request, previous, draft, _form_for(previous, draft, request))
        return _submit(request, draft)
    _raw(request, step, draft, request.POST)
    _save(request, draft)
    if action == "back":
        previous = _previous_step(step, draft)
        return _render_step(request, previous, draft, _form_for(previous, draft, request))
    if action in {"search", "refresh"}:  # without JavaScript: new categories, or the next list of places
        return _render_step(request, step, draft, _form_for(step, draft, request, data=request.POST))
    form = _form_for(step, draft, request, data=request.POST)
    if form is not None and not form.is_valid():
        return _render_step(request, step, draft, form, status=400)
    if form is not None:
        _keep(step, draft, form)
        _save(request, draft)
    following = _next_step(step, draft)
    return _render_step(request, following, draft, _form_for(following, draft, request))


def _submit(request: HttpRequest, draft: dict[str, Any]) -> HttpResponse:
    anonymity = draft.get("anonymity", "")
    anonymous = anonymity == Anonymity.FULLY_ANONYMOUS
    signed_in = request.user.is_authenticated
    # A file sent with the review step: a refusal the service can tell before the complaint exists
    # (too large, a type not allowed, unreadable) keeps the complaint unsent, with the error next
    # to the file field; a browser cannot keep a chosen file, so the field says to choose it again.
    attachment_form = _attachment_form(request.POST, request.FILES, hidden=_hides_identity(anonymity), required=False)
    upload = request.FILES.get("file")
    data = b""
    if upload is not None and attachment_form.is_valid():
        data = upload.read(attachments.max_bytes() + 1)
        try:
            attachments.attachment_clean(data, strip_identity=_hides_identity(anonymity), name=upload.name or "")
        except DomainError as error:
            errors_attach(attachment_form, error)
            return _render_step(
                request, "review", draft, None, status=status_for(error), attachment_form=attachment_form
            )
    if attachment_form.errors:
        return _render_step(request, "review", draft, None, status=400, attachment_form=attachment_form)
    if anonymous:
        rate_limit(request, scope="intake_anonymous")  # by address only: nothing ties it to an account
    else:
        rate_limit(request, scope="intake", subjects=[str(request.user.pk)] if signed_in else [])
    try:
        result = intake.complaint_submit(
            complainant=request.user if signed_in else None,
            category_code=draft.get("category", ""),
            jurisdiction_code=_jurisdiction(draft),
            subject=draft.get("subject", ""),
            text=draft.get("text", ""),
            kind=draft.get("kind", Kind.COMPLAINT),
            language=get_language() or "en",
            channel=Channel.WEB,
            anonymity=anonymity,
            attributes=_attributes_for_service(draft),
            idempotency_key=draft["id"],
            declaration_number=draft.get("declaration_number", ""),
            collectorate_code=draft.get("collectorate") or None,
        )
    except DomainError as error:
        return _submit_refused(request, draft, error)
    complaint = result.complaint
    if upload is not None and result.created:
        # The complaint and its file are two services' work: the complaint stands even if the file,
        # checked above, is refused now, and the complainant is told so.
        try:
            attachments.attachment_add(
                complaint=complaint,
                uploaded_by=request.user if signed_in and not anonymous else None,
                name=upload.name or "",
                data=data,
                share_location=attachment_form.cleaned_data.get("share_location", False),
            )
        except DomainError as error:
            messages.error(
                request, _("Your complaint was lodged, but the file was not added: %(why)s") % {"why": error.message}
            )
    drafts = _drafts(request)
    drafts.pop(draft["id"], None)
    request.session[DRAFTS] = drafts
    if not anonymous and signed_in:
        messages.success(
            request,
            _("Your complaint was lodged. Its tracking number is %(number)s.") % {"number": complaint.tracking_number},
        )
        return redirect("complaints:detail", tracking_number=complaint.tracking_number)
    response = render(
        request,
        "complaints/lodged_anonymously.html",
        {"complaint": complaint, "token": result.anonymous_token, "replayed": not result.created},
        status=201 if result.created else 200,
    )
    response["Cache-Control"] = "no-store"
    return response


def _declaration_attributes(draft: dict[str, Any]) -> list[str]:
    """The names of the chosen customs category's attributes that hold a goods declaration
    number: the lodge pages ask for the number once (``declaration_number``) and give it to
    each of them, so a complainant never types it twice."""
    category = selectors.category_get(draft.get("category", ""))
    if category is None or not category.is_customs:
        return []
    return [spec["name"] for spec in category.attributes or [] if spec.get("type") == "declaration_number"]


def _attributes_for_service(draft: dict[str, Any]) -> dict[str, Any]:
    attributes = dict(draft.get("attributes", {}))
    number = draft.get("declaration_number", "")
    for name in _declaration_attributes(draft):
        attributes.pop(name, None)
        if number:
            attributes[name] = number
    return attributes


def _submit_refused(request: HttpRequest, draft: dict[str, Any], error: DomainError) -> HttpResponse:
    """Back to the first step the service's errors name, each error next to its field there."""
    placed: dict[str, dict[str, list[dict[str, str]]]] = {}  # step → the service's errors for it
    renamed: dict[str, str] = {}
    asked_once = {ATTRIBUTE_PREFIX + name for name in _declaration_attributes(draft)}
    for name, problems in (error.fields or {}).items():
        if name in asked_once:
            step, field = SERVICE_FIELDS["declaration_number"]
        else:
            step, field = (
                ("details", name) if name.startswith(ATTRIBUTE_PREFIX) else SERVICE_FIELDS.get(name, ("review", name))
            )
        if step == "details" and not _has_details(draft):
            step = "review"
        placed.setdefault(step, {})[name] = problems
        renamed[name] = field
    step = min(placed, key=STEPS.index) if placed else "review"
    form = None if step == "review" else _form_for(step, draft, request, data=_as_data(draft))
    if form is None:
        step, form = "review", forms.Form()
        for problems in (placed.get("review") or {"": [{"message": error.message}]}).values():
            for problem in problems:
                form.add_error(None, problem["message"])
    else:
        form.is_valid()
        errors_attach(form, error_with_fields(error, placed[step]), renamed)
    return _render_step(request, step, draft, form, status=status_for(error))


def _as_data(draft: dict[str, Any]) -> dict[str, Any]:
    """The draft's answers as the step forms post them, to show a step again with its errors."""
    data: dict[str, Any] = {k: v for k, v in draft.items() if isinstance(v, str)}
    for name, value in draft.get("attributes", {}).items():
        data[ATTRIBUTE_PREFIX + name] = value
    return data


@require_GET
def lodge_categories(request: HttpRequest) -> HttpResponse:
    """The category choices for a search (htmx swaps them in as the complainant types)."""
    form = CategoryForm(
        initial={"category": request.GET.get("category", "")},
        categories=selectors.category_search(query=request.GET.get("q", "")),
        language=get_language(),
    )
    return render(request, "complaints/lodge/_categories.html", {"form": form})


@require_GET
def lodge_places(request: HttpRequest) -> HttpResponse:
    """The place selects for a chosen province and district (htmx swaps them in on change)."""
    province, district = request.GET.get("province", ""), request.GET.get("district", "")
    choices = _place_choices(province, district)
    if district not in dict(choices.get("district", [])):
        district = ""
    form = PlaceForm(
        initial={"province": province, "district": district, "tehsil": request.GET.get("tehsil", "")}, choices=choices
    )
    return render(request, "complaints/lodge/_places.html", {"form": form})


# Waiting to be sent (offline drafts) ------------------------------------------------------------


def _districts_by_province(language: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """Every district, grouped under its province (directly or through a division): two queries."""
    provinces = {p.pk: p for p in directory.jurisdiction_list(kind=JurisdictionKind.PROVINCE)}
    grouped: dict[int, list[tuple[str, str]]] = {pk: [] for pk in provinces}
    for district in directory.jurisdiction_list(kind=JurisdictionKind.DISTRICT):
        parent = district.parent
        province_id = district.parent_id if district.parent_id in provinces else (parent.parent_id if parent else None)
        if province_id in grouped:
            grouped[province_id].append((district.code, district.localized_name(language)))
    return [
        (provinces[pk].localized_name(language), sorted(rows, key=lambda row: row[1]))
        for pk, rows in grouped.items()
        if rows
    ]


@require_GET
@ensure_csrf_cookie
def waiting(request: HttpRequest) -> HttpResponse:
    """The "Waiting to be sent" page: a one-page form that works with no connection, and the drafts written
    on this device (waiting, sent with their tracking numbers, refused with the reason).

    The page holds nothing personal, so the service worker keeps a copy (fetched signed out) and
    shows it for the lodge page when there is no connection. The drafts themselves live only in the
    browser (rabta/static/rabta/drafts.js), each with an Idempotency-Key made once when it is saved,
    and go to POST /api/complaints, which lodges a key once however often it is sent."""
    language = get_language() or "en"
    form = OfflineDraftForm(
        categories=[(c.code, category_label(c, language)) for c in selectors.category_list()],
        districts=_districts_by_province(language),
    )
    texts = {
        "offline": _("You are offline. What you write is kept on this device and sent when the connection returns."),
        "online": _("You are online."),
        "kept": _("Kept on this device. It will be sent as soon as the connection returns."),
        "sending": _("Sending…"),
        "sent": _("Sent. Its tracking number is %(number)s."),
        "retry": _("Not sent yet: the connection or the server failed. It will be tried again."),
        "sign_in": _("Sign in to send it: it is sent from your account."),
        "written": _("Written on %(date)s"),
        "remove": _("Remove"),
    }
    return render(request, "complaints/waiting.html", {"form": form, "language": language, "texts": texts})


# My complaints and one complaint ---------------------------------------------------------------


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    before = request.GET.get("before", "")
    before_id = selectors.complaint_cursor(user=request.user, tracking_number=before) if before else None
    if before and before_id is None:
        raise Http404
    rows = selectors.my_complaints(user=request.user, before_id=before_id, limit=selectors.PAGE_SIZE)
    full = len(rows) >= selectors.PAGE_SIZE
    return render(
        request,
        "complaints/mine.html",
        {
            "complaints": rows,
            "next_before": rows[-1].tracking_number if full else None,
            "paged": bool(before),
            **_deadline_context(),
        },
    )


def _deadline_context() -> dict[str, Any]:
    """What the deadline badge compares with: the time now, and the statuses in which it runs."""
    return {"now": timezone.now(), "open_statuses": [str(status) for status in OPEN_STATUSES]}


def _own(request: HttpRequest, tracking_number: str) -> Complaint:
    """The complainant's own complaint; anything else (another's, one they handle as staff, none)
    is not found, as the API's rule is."""
    complaint = selectors.complaint_get(user=request.user, tracking_number=tracking_number)
    if not is_complainant(request.user, complaint):
        raise NotFound()
    return complaint


def _complaint_page(
    request: HttpRequest,
    complaint: Complaint,
    *,
    forms_given: dict[str, forms.Form] | None = None,
    error: DomainError | None = None,
) -> HttpResponse:
    user = request.user
    offered = selectors.complainant_actions(user=user, complaint=complaint)
    page_forms: dict[str, forms.Form] = {
        "message": MessageForm(),
        "feedback": FeedbackForm(),
        "reopen": ReasonForm(prefix="reopen"),
        "appeal": ReasonForm(prefix="appeal"),
        "attachment": _attachment_form(hidden=complaint.identity_hidden_from_office),
        **(forms_given or {}),
    }
    conversation = selectors.complaint_messages(user=user, complaint=complaint)
    waiting_for_answer = complaint.clock_paused_at is not None
    if waiting_for_answer and "message" not in (forms_given or {}):
        # The office asked for information: the message form is the answer, and says so.
        page_forms["message"].fields["body"].label = _("Your answer to the office")
    context = {
        "complaint": complaint,
        "view": complaint_view(complaint, reader_id=user.pk),
        "conversation": conversation,
        # The office's latest message while it waits for the complainant: the question to answer.
        "question": next((m for m in reversed(conversation) if m["author"] == "office"), None)
        if waiting_for_answer
        else None,
        "timeline": selectors.complaint_timeline(user=user, complaint=complaint),
        "attachments": selectors.complaint_attachments(user=user, complaint=complaint),
        "may_write": Action.WRITE_TO_OFFICE in offered,
        "may_feedback": Action.GIVE_FEEDBACK in offered,
        "may_reopen": Action.REOPEN in offered,
        "may_appeal": Action.APPEAL in offered,
        "forms": page_forms,
        "error": error,
        **_deadline_context(),
    }
    return _refused(render(request, "complaints/detail.html", context), error)


@login_required
@require_GET
def detail(request: HttpRequest, tracking_number: str) -> HttpResponse:
    return _complaint_page(request, _own(request, tracking_number))


def _act(
    request: HttpRequest, tracking_number: str, name: str, form: forms.Form, act: Any, renamed: dict[str, str]
) -> HttpResponse:
    complaint = _own(request, tracking_number)
    if form.is_valid():
        try:
            act(complaint, form.cleaned_data)
        except DomainError as error:
            errors_attach(form, error, renamed)
            return _complaint_page(request, complaint, forms_given={name: form}, error=error)
        return redirect(reverse("complaints:detail", args=[complaint.tracking_number]) + f"#{name}-done")
    return _complaint_page(
        request,
        complaint,
        forms_given={name: form},
        error=form_invalid(),
    )


@login_required
@require_POST
def message_send(request: HttpRequest, tracking_number: str) -> HttpResponse:
    rate_limit(request, scope="messages", subjects=[str(request.user.pk)])

    def act(complaint: Complaint, data: dict[str, Any]) -> None:
        answering = complaint.clock_paused_at is not None
        complaint_messages.complaint_message_send(complaint=complaint, actor=request.user, body=data["body"])
        if answering:  # the message service starts the paused clock again
            messages.success(request, _("Your answer was sent. The office's deadline runs again from now."))
        else:
            messages.success(request, _("Your message was sent to the office."))

    return _act(request, tracking_number, "message", MessageForm(request.POST), act, {})


@login_required
@require_POST
def feedback_give(request: HttpRequest, tracking_number: str) -> HttpResponse:
    def act(complaint: Complaint, data: dict[str, Any]) -> None:
        feedback.feedback_give(
            complaint=complaint,
            actor=request.user,
            rating=data["rating"],
            satisfied=data["satisfied"],
            comment=data.get("comment", ""),
        )
        messages.success(request, _("Thank you: your feedback was recorded."))

    return _act(request, tracking_number, "feedback", FeedbackForm(request.POST), act, {})


@login_required
@require_POST
def reopen(request: HttpRequest, tracking_number: str) -> HttpResponse:
    def act(complaint: Complaint, data: dict[str, Any]) -> None:
        feedback.complaint_reopen(complaint=complaint, actor=request.user, reason=data["reason"])
        messages.success(request, _("Your complaint was reopened and sent back to the office."))

    return _act(request, tracking_number, "reopen", ReasonForm(request.POST, prefix="reopen"), act, {})


@login_required
@require_POST
def appeal(request: HttpRequest, tracking_number: str) -> HttpResponse:
    def act(complaint: Complaint, data: dict[str, Any]) -> None:
        feedback.appeal_file(complaint=complaint, actor=request.user, reasons=data["reason"])
        messages.success(request, _("Your appeal was filed with a senior office."))

    return _act(
        request, tracking_number, "appeal", ReasonForm(request.POST, prefix="appeal"), act, {"reasons": "reason"}
    )


@login_required
@require_POST
def attachment_add(request: HttpRequest, tracking_number: str) -> HttpResponse:
    rate_limit(request, scope="uploads", subjects=[str(request.user.pk)])
    complaint = _own(request, tracking_number)
    form = _attachment_form(request.POST, request.FILES, hidden=complaint.identity_hidden_from_office)
    if not form.is_valid():
        error = form_invalid()
        return _complaint_page(request, complaint, forms_given={"attachment": form}, error=error)
    upload = form.cleaned_data["file"]
    try:
        attachments.attachment_add(
            complaint=complaint,
            uploaded_by=request.user,
            name=upload.name or "",
            # One byte over the limit is enough for the service to refuse; no more is read.
            data=upload.read(attachments.max_bytes() + 1),
            share_location=form.cleaned_data.get("share_location", False),
        )
    except DomainError as error:
        errors_attach(form, error)
        return _complaint_page(request, complaint, forms_given={"attachment": form}, error=error)
    messages.success(request, _("Your file was added to the complaint."))
    return redirect(reverse("complaints:detail", args=[complaint.tracking_number]) + "#files-title")
