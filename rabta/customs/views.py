"""Customs staff pages: the declarations in scope, and one declaration with its items, parties
(masked), lane and why, examination, clearance trail, the complaints about it and the officer's
moves. Each view validates a form, calls one selector or service, and renders; what a user may do
is the permission layer's (``moves_open`` offers, the services decide). Outside scope: 404."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from rabta.api.errors import status_for
from rabta.complaints.choices import Status as ComplaintStatus
from rabta.complaints.forms import errors_attach
from rabta.complaints.permissions import may_read_office_lists
from rabta.complaints.selectors import complaints_about_declaration
from rabta.core.errors import DomainError, form_invalid
from rabta.customs import selectors
from rabta.customs.choices import Status
from rabta.customs.forms import DeclarationFilterForm, ExaminationForm, LaneForm, PaymentForm, StageForm
from rabta.customs.models import Declaration
from rabta.customs.permissions import Action, may_read_pages, moves_open
from rabta.customs.services import clearance
from rabta.customs.services.declarations import lane_assign
from rabta.directory import selectors as directory
from rabta.directory.choices import OfficeLevel

PAGE_SIZE = 25

# Each move: its form and how the service is called with the form's data.
MOVES: dict[str, tuple[Action, type[forms.Form]]] = {
    "lane": (Action.ASSIGN_LANE, LaneForm),
    "documents": (Action.CHECK_DOCUMENTS, StageForm),
    "examination": (Action.EXAMINE, ExaminationForm),
    "assessment": (Action.ASSESS, StageForm),
    "payment": (Action.RECORD_PAYMENT, PaymentForm),
    "release": (Action.RELEASE, StageForm),
}


def _call(name: str, declaration: Declaration, actor: Any, data: dict[str, Any]) -> None:
    if name == "lane":
        lane_assign(declaration=declaration, actor=actor, lane=data["lane"], reason=data["reason"])
    elif name == "documents":
        clearance.declaration_check_documents(declaration=declaration, actor=actor, reason=data["reason"])
    elif name == "examination":
        clearance.declaration_examine(
            declaration=declaration,
            actor=actor,
            outcome=data["outcome"],
            discrepancy_type=data["discrepancy_type"],
            extra_duty=data["extra_duty"] if data["extra_duty"] is not None else Decimal(0),
            remarks=data["remarks"],
        )
    elif name == "assessment":
        clearance.declaration_assess(declaration=declaration, actor=actor, reason=data["reason"])
    elif name == "payment":
        clearance.declaration_record_payment(declaration=declaration, actor=actor, amount=data["amount"])
    else:
        clearance.declaration_release(declaration=declaration, actor=actor, reason=data["reason"])


def _staff(request: HttpRequest) -> None:
    if not may_read_pages(request.user):
        raise Http404


def _collectorates() -> list[tuple[str, str]]:
    return [(o.code, o.name) for o in directory.office_search(level=OfficeLevel.COLLECTORATE, limit=None)]


@never_cache
@login_required
@require_http_methods(["GET"])
def declaration_list_page(request: HttpRequest) -> HttpResponse:
    """The declarations in the user's scope, newest first, by stage and collectorate, 25 a page."""
    _staff(request)
    form = DeclarationFilterForm(request.GET or None, collectorates=_collectorates())
    page = None
    error: DomainError | None = None
    if not form.is_bound or form.is_valid():
        data = form.cleaned_data if form.is_bound else {}
        try:
            found = selectors.declaration_list(
                user=request.user, status=data.get("status", ""), collectorate=data.get("collectorate", "")
            )
            page = Paginator(found, PAGE_SIZE).get_page(data.get("page") or 1)
        except DomainError as refusal:
            errors_attach(form, refusal)
            error = refusal
    else:
        error = form_invalid()
    query = request.GET.copy()
    query.pop("page", None)
    response = render(request, "customs/declarations.html", {"form": form, "page": page, "query": query.urlencode()})
    if error is not None:
        response.status_code = status_for(error)
    return response


def _page(
    request: HttpRequest,
    declaration: Declaration,
    *,
    failed: str = "",
    bound: forms.Form | None = None,
    error: DomainError | None = None,
) -> HttpResponse:
    open_moves = set(moves_open(request.user, declaration))
    move_forms = {
        name: (bound if name == failed and bound is not None else form_class())
        for name, (action, form_class) in MOVES.items()
        if action in open_moves
    }
    context = {
        "declaration": declaration,
        "items": list(declaration.items.all()),
        "examination": selectors.examination_of(declaration),
        "lane": selectors.declaration_lane_reason(declaration),
        "timeline": [
            {**row, "stage": Status(row["to_state"]).label if row["to_state"] in Status.values else row["kind"]}
            for row in selectors.declaration_timeline(user=request.user, number=declaration.number)
        ],
        "complaints": [
            {
                "row": row,
                "status": ComplaintStatus(row.status).label if row.status in ComplaintStatus.values else row.status,
            }
            for row in complaints_about_declaration(user=request.user, declaration=declaration)
        ],
        # The complaint's work page is office staff's and oversight's; others read the row alone.
        "complaint_links": may_read_office_lists(request.user),
        "moves": move_forms,
        "failed": failed,
        "error": error,
    }
    response = render(request, "customs/declaration.html", context)
    if error is not None:
        response.status_code = status_for(error)
    return response


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def declaration_page(request: HttpRequest, number: str) -> HttpResponse:
    """One declaration; a POST makes the move its ``move`` field names, through the service."""
    _staff(request)
    declaration = selectors.declaration_get(user=request.user, number=number)
    if request.method == "GET":
        return _page(request, declaration)
    name = request.POST.get("move", "")
    if name not in MOVES:
        raise Http404
    form = MOVES[name][1](request.POST)
    if not form.is_valid():
        return _page(request, declaration, failed=name, bound=form, error=form_invalid())
    try:
        _call(name, declaration, request.user, form.cleaned_data)
    except DomainError as refusal:
        errors_attach(form, refusal)
        return _page(request, declaration, failed=name, bound=form, error=refusal)
    messages.success(request, _("Recorded."))
    return redirect("customs:declaration", number=declaration.number)
