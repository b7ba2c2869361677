"""Accountability actions as pages: the list (filters, CSV and Excel), the record form (office first,
then its officers and audits are offered; complaints by tracking number, checked against the
reader's scope by the service) and one action with its evidence, timeline and the moves left.

Who sees what is the selectors' (``AccountabilityAction.objects.visible_to``): outside it, 404.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rabta.accountability import selectors, services
from rabta.accountability.choices import ACTION_TRANSITIONS, ActionStatus
from rabta.accountability.forms import (
    ActionConcludeForm,
    ActionFilterForm,
    ActionOfficeForm,
    ActionRecordForm,
    ActionReplyForm,
    ActionWithdrawForm,
)
from rabta.accountability.selectors import ActionFilters
from rabta.api.errors import status_for
from rabta.complaints.forms import errors_attach
from rabta.core.errors import DomainError, form_invalid
from rabta.core.exports import Column, table_export

EXPORT_MAX = 10_000  # a list's export; the page shows ACTIONS_PAGE


def _columns() -> list[Column]:
    return [
        Column("id", _("Number")),
        Column("taken_on", _("Taken on")),
        Column("kind", _("Kind")),
        Column("status", _("Status")),
        Column("office", _("Office")),
        Column("officer", _("Officer")),
        Column("authority", _("Authority")),
        Column("reply_due", _("Reply due by")),
        Column("concluded_on", _("Concluded on")),
    ]


def _export_rows(rows: list[Any]) -> list[dict[str, Any]]:
    return [
        {
            "id": row.pk,
            "taken_on": row.taken_on,
            "kind": row.get_kind_display(),
            "status": row.get_status_display(),
            "office": row.office.code,
            "officer": row.officer.full_name if row.officer else "",
            "authority": row.authority,
            "reply_due": row.reply_due,
            "concluded_on": row.concluded_on,
        }
        for row in rows
    ]


@login_required
@require_GET
def action_list(request: HttpRequest) -> HttpResponseBase:
    """The actions the reader may see, newest first, filtered; downloadable with the filters applied."""
    form = ActionFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    filters = ActionFilters(
        kind=data.get("kind") or "",
        status=data.get("status") or "",
        office=(data.get("office") or "").strip(),
        since=data.get("since"),
        until=data.get("until"),
    )
    fmt = request.GET.get("format", "")
    status = 200
    try:
        rows = selectors.action_list(
            user=request.user, filters=filters, limit=EXPORT_MAX if fmt else selectors.ACTIONS_PAGE
        )
    except DomainError as error:
        errors_attach(form, error)
        rows, status = [], status_for(error)
    else:
        if form.is_bound and form.errors:
            status = 400
    if fmt and status == 200:
        return table_export(rows=_export_rows(rows), columns=_columns(), fmt=fmt, filename="accountability-actions")
    query = request.GET.copy()
    query.pop("format", None)
    return render(
        request,
        "accountability/actions/list.html",
        {
            "form": form,
            "rows": rows,
            "may_record": selectors.action_may_record(user=request.user),
            "query": query.urlencode(),
        },
        status=status,
    )


def _audit_label(audit: Any) -> str:
    officer = audit.officer.full_name if audit.officer else _("no officer")
    return _("Audit %(number)d: complaint %(tracking)s, %(officer)s (%(status)s)") % {
        "number": audit.pk,
        "tracking": audit.complaint.tracking_number,
        "officer": officer,
        "status": audit.get_status_display(),
    }


@login_required
@require_http_methods(["GET", "POST"])
def action_record(request: HttpRequest) -> HttpResponse:
    """Record an action: choose the office (GET ``?office=``), then the form with its officers and
    audits. Outside oversight's scope the office is not found (404)."""
    if not selectors.action_may_record(user=request.user):
        raise Http404
    code = (request.POST.get("office") or request.GET.get("office") or "").strip()
    if not code:
        return render(request, "accountability/actions/office.html", {"form": ActionOfficeForm()})
    office = selectors.action_office_get(user=request.user, code=code)
    officers = [(user.pk, user.full_name) for user in selectors.action_office_staff(user=request.user, office=office)]
    audits = [
        (audit.pk, _audit_label(audit)) for audit in selectors.action_evidence_audits(user=request.user, office=office)
    ]
    form = ActionRecordForm(
        request.POST if request.method == "POST" else None,
        initial={"office": office.code},
        officers=officers,
        audits=audits,
    )
    error: DomainError | None = None
    if form.is_bound:
        if form.is_valid():
            try:
                action = services.action_record(
                    actor=request.user,
                    kind=form.cleaned_data["kind"],
                    office_code=office.code,
                    officer_id=form.cleaned_data["officer"],
                    authority=form.cleaned_data["authority"],
                    grounds=form.cleaned_data["grounds"],
                    taken_on=form.cleaned_data["taken_on"],
                    reply_due=form.cleaned_data["reply_due"],
                    complaint_numbers=form.complaint_numbers(),
                    audit_ids=form.cleaned_data["audits"],
                )
            except DomainError as refused:
                error = refused
                errors_attach(form, refused)
            else:
                messages.success(request, _("The action was recorded."))
                return redirect("accountability:action", action_id=action.pk)
        else:
            error = form_invalid()
    response = render(request, "accountability/actions/record.html", {"form": form, "office": office, "error": error})
    if error is not None:
        response.status_code = status_for(error)
    return response


MOVES: dict[str, type[forms.Form]] = {
    "reply": ActionReplyForm,
    "conclude": ActionConcludeForm,
    "withdraw": ActionWithdrawForm,
}


def _detail(
    request: HttpRequest, action_id: int, bound: dict[str, forms.Form] | None = None, status: int = 200
) -> HttpResponse:
    detail = selectors.action_detail(user=request.user, action_id=action_id)
    bound = bound or {}
    moves = {name: bound.get(name) or form() for name, form in MOVES.items()} if detail.may_move else {}
    open_moves = {
        "reply": (detail.action.status, ActionStatus.REPLIED) in ACTION_TRANSITIONS,
        "conclude": (detail.action.status, ActionStatus.CONCLUDED) in ACTION_TRANSITIONS,
        "withdraw": (detail.action.status, ActionStatus.WITHDRAWN) in ACTION_TRANSITIONS,
    }
    timeline = [
        {**row, "from_label": _state(row["from_state"]), "to_label": _state(row["to_state"])} for row in detail.timeline
    ]
    return render(
        request,
        "accountability/actions/detail.html",
        {
            "detail": detail,
            "action": detail.action,
            "timeline": timeline,
            "moves": {name: form for name, form in moves.items() if open_moves[name]},
        },
        status=status,
    )


def _state(value: str) -> str:
    return str(ActionStatus(value).label) if value in ActionStatus.values else value


@login_required
@require_GET
def action_detail(request: HttpRequest, action_id: int) -> HttpResponse:
    return _detail(request, action_id)


@login_required
@require_POST
def action_move(request: HttpRequest, action_id: int, move: str) -> HttpResponse:
    """One move on an action (reply, conclude, withdraw): the form, then the service."""
    if move not in MOVES:
        raise Http404
    action = selectors.action_get(user=request.user, action_id=action_id)
    form = MOVES[move](request.POST)
    if not form.is_valid():
        return _detail(request, action_id, {move: form}, status=400)
    data = form.cleaned_data
    try:
        if move == "reply":
            services.action_reply_record(
                action=action, actor=request.user, reply=data["reply"], replied_on=data["replied_on"]
            )
        elif move == "conclude":
            services.action_conclude(
                action=action, actor=request.user, outcome=data["outcome"], concluded_on=data["concluded_on"]
            )
        else:
            services.action_withdraw(action=action, actor=request.user, reason=data["reason"])
    except DomainError as refused:
        if not refused.fields:  # the action's state refused the move (409): said on top of the page
            messages.error(request, refused.message)
            return _detail(request, action_id, status=status_for(refused))
        errors_attach(form, refused)
        return _detail(request, action_id, {move: form}, status=status_for(refused))
    messages.success(request, _("The action was updated."))
    return redirect("accountability:action", action_id=action_id)
