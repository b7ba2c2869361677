"""The enforcement pages: the reports in the reader's scope, filing (and editing a draft), the
supervisor's review queue, one report with its timeline, amendments and the moves open to the
reader, and the trends with their exports. Each view validates a form, calls one selector or
service, and renders; who may act is ``rabta.enforcement.permissions``'s. Outside scope: 404."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from rabta.api.errors import status_for
from rabta.complaints.services.attachments import max_bytes
from rabta.core.errors import CoreError, DomainError, form_invalid
from rabta.core.exports import Column, export_format, table_export
from rabta.core.permissions import get_visible_or_404
from rabta.core.ratelimit import rate_limit
from rabta.enforcement import choices, selectors, services
from rabta.enforcement.downloads import evidence_response
from rabta.enforcement.events import EnforcementEvent
from rabta.enforcement.forms import (
    AmendForm,
    CaseForm,
    EvidenceForm,
    IncidentForm,
    ReturnForm,
    RuleDraftForm,
    TrendForm,
    field_for,
)
from rabta.enforcement.models import Incident
from rabta.enforcement.permissions import (
    IncidentAction,
    may_draft_rule,
    may_read_pages,
    may_read_trends,
    may_report,
    may_review,
    moves_open,
)
from rabta.risk.services.rules import RuleBacktest, RuleInput, rule_backtest, rule_create

MOVE_FORMS: dict[str, type[forms.Form]] = {"return": ReturnForm, "case": CaseForm, "amend": AmendForm}


def _staff(request: HttpRequest) -> None:
    if not may_read_pages(request.user):
        raise Http404


def _attach(form: forms.Form, refusal: DomainError) -> None:
    """A service's refusal next to the field it names (``goods.0.quantity`` -> ``goods_0_quantity``)."""
    problems = refusal.fields or {"__all__": [{"code": refusal.code, "message": refusal.message}]}
    for key, items in problems.items():
        name = field_for(key)
        for item in items:
            form.add_error(name if name in form.fields else None, item["message"])


def _incident(request: HttpRequest, reference: str) -> Incident:
    return get_visible_or_404(selectors.incidents(), request.user, reference=reference)


@never_cache
@login_required
@require_http_methods(["GET"])
def incident_list_page(request: HttpRequest) -> HttpResponse:
    """The reports the reader sees, newest first (drafts only their reporter's), with the filters
    of the export."""
    _staff(request)
    filters = _list_filters(request)
    rows = selectors.incident_list(
        user=request.user,
        review_status=filters["review_status"],
        incident_type=filters["incident_type"],
        formation=filters["formation"],
    )
    return render(
        request,
        "enforcement/incidents.html",
        {
            "incidents": rows,
            "status": filters["review_status"] or "",
            "incident_type": filters["incident_type"] or "",
            "formation": filters["formation"] or "",
            "statuses": choices.ReviewStatus.choices,
            "types": choices.IncidentType.choices,
            "query": urlencode({k: str(v) for k, v in request.GET.items() if k in ("status", "type", "formation")}),
            "may_report": may_report(request.user),
            "may_review": may_review(request.user),
        },
    )


def _list_filters(request: HttpRequest) -> dict[str, str | None]:
    """The list's filters from the query; an unknown status or type is no filter (a stale link
    still opens the list)."""
    status = request.GET.get("status", "")
    kind = request.GET.get("type", "")
    formation = request.GET.get("formation", "").strip().upper()[:40]
    return {
        "review_status": status if status in choices.ReviewStatus.values else None,
        "incident_type": kind if kind in choices.IncidentType.values else None,
        "formation": formation or None,
    }


def _incident_columns() -> list[Column]:
    return [
        Column("reference", _("Reference")),
        Column("occurred_on", _("Date of the incident")),
        Column("formation", _("Formation")),
        Column("formation_name", _("Formation name")),
        Column("incident_type", _("Type of incident")),
        Column("modus_operandi", _("Modus operandi")),
        Column("route", _("Route or corridor")),
        Column("review_status", _("Review status")),
        Column("case_status", _("Case")),
        Column("case_outcome", _("Outcome")),
        Column("total_value", _("Value of goods (PKR)")),
        Column("reported_by", _("Reporter")),
    ]


@login_required
@require_http_methods(["GET"])
def incidents_export(request: HttpRequest) -> HttpResponseBase:
    """The list, with its filters, as CSV or Excel: every row the reader sees, not one page."""
    _staff(request)
    try:
        fmt = export_format(request.GET.get("format"))
    except DomainError as error:
        return HttpResponse(error.message, status=400, content_type="text/plain; charset=utf-8")
    rows = (
        {
            "reference": i.reference,
            "occurred_on": i.occurred_on.isoformat(),
            "formation": i.formation.code,
            "formation_name": i.formation.name,
            "incident_type": i.get_incident_type_display(),
            "modus_operandi": i.get_modus_operandi_display(),
            "route": i.route,
            "review_status": i.get_review_status_display(),
            "case_status": i.get_case_status_display(),
            "case_outcome": i.get_case_outcome_display() if i.case_outcome else "",
            "total_value": i.total_value,
            "reported_by": i.reported_by.full_name,
        }
        for i in selectors.incidents_filtered(user=request.user, **_list_filters(request)).iterator(chunk_size=500)
    )
    try:
        return table_export(rows=rows, columns=_incident_columns(), fmt=fmt, filename="incidents")
    except DomainError as error:
        return HttpResponse(error.message, status=400, content_type="text/plain; charset=utf-8")


def _form_page(
    request: HttpRequest, form: IncidentForm, incident: Incident | None, error: DomainError | None = None
) -> HttpResponse:
    response = render(request, "enforcement/incident_form.html", {"form": form, "incident": incident})
    if error is not None:
        response.status_code = status_for(error)
    return response


def _initial(incident: Incident) -> dict[str, Any]:
    initial: dict[str, Any] = {
        name: getattr(incident, name)
        for name in (
            "incident_type",
            "modus_operandi",
            "description",
            "location",
            "route",
            "latitude",
            "longitude",
            "conveyance_kind",
            "conveyance_reference",
        )
    }
    initial["formation"] = incident.formation.code
    initial["occurred_on"] = incident.occurred_on.isoformat()
    initial["place"] = incident.place.code if incident.place else ""
    initial["declarations"] = "\n".join(d.number for d in incident.declarations.all())
    for i, goods in enumerate(sorted(incident.goods.all(), key=lambda g: g.line)[:3]):
        for name in ("tariff_code", "description", "quantity", "unit", "value", "origin_country"):
            initial[f"goods_{i}_{name}"] = getattr(goods, name)
    for i, party in enumerate(list(incident.parties.all())[:3]):
        initial[f"parties_{i}_role"] = party.role
        initial[f"parties_{i}_identifier"] = party.party.identifier if party.party is not None else ""
        initial[f"parties_{i}_name"] = party.name
        initial[f"parties_{i}_country"] = party.country
    return initial


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def incident_new_page(request: HttpRequest) -> HttpResponse:
    """File a report: it is saved as a draft, which its reporter then submits for review."""
    _staff(request)
    formations = selectors.formations_reportable(user=request.user)
    if not formations:
        raise Http404
    if request.method == "GET":
        return _form_page(request, IncidentForm(formations=formations), None)
    form = IncidentForm(request.POST, formations=formations)
    if not form.is_valid():
        return _form_page(request, form, None, form_invalid())
    try:
        incident = services.incident_draft(actor=request.user, data=form.incident_input())
    except DomainError as refusal:
        _attach(form, refusal)
        return _form_page(request, form, None, refusal)
    messages.success(request, _("Saved as a draft. Check it, then submit it for review."))
    return redirect("enforcement:incident", reference=incident.reference)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def incident_edit_page(request: HttpRequest, reference: str) -> HttpResponse:
    """Edit a draft (its reporter only)."""
    _staff(request)
    incident = _incident(request, reference)
    if IncidentAction.EDIT not in moves_open(request.user, incident):
        raise Http404
    formations = selectors.formations_reportable(user=request.user)
    if request.method == "GET":
        return _form_page(request, IncidentForm(formations=formations, initial=_initial(incident)), incident)
    form = IncidentForm(request.POST, formations=formations)
    if not form.is_valid():
        return _form_page(request, form, incident, form_invalid())
    try:
        services.incident_draft_update(actor=request.user, incident=incident, data=form.incident_input())
    except DomainError as refusal:
        _attach(form, refusal)
        return _form_page(request, form, incident, refusal)
    messages.success(request, _("Draft saved."))
    return redirect("enforcement:incident", reference=incident.reference)


def _detail(
    request: HttpRequest,
    incident: Incident,
    *,
    failed: str = "",
    bound: forms.Form | None = None,
    error: DomainError | None = None,
) -> HttpResponse:
    open_moves = moves_open(request.user, incident)
    move_forms: dict[str, forms.Form] = {}
    if IncidentAction.RETURN in open_moves:
        move_forms["return"] = ReturnForm()
    if IncidentAction.CASE in open_moves:
        move_forms["case"] = CaseForm(initial={"case_status": incident.case_status, "outcome": incident.case_outcome})
    if IncidentAction.AMEND in open_moves:
        move_forms["amend"] = AmendForm(initial={name: getattr(incident, name) for name in AmendForm.CHANGEABLE})
    if failed and bound is not None and failed != "evidence":
        move_forms[failed] = bound
    evidence_form: forms.Form | None = None
    if open_moves & {IncidentAction.EDIT, IncidentAction.AMEND}:
        evidence_form = bound if failed == "evidence" and bound is not None else _evidence_form(incident)
    context = {
        "incident": incident,
        "goods": sorted(incident.goods.all(), key=lambda g: g.line),
        "parties": list(incident.parties.all()),
        "declarations": list(incident.declarations.all()),
        "amendments": sorted(incident.amendments.all(), key=lambda a: a.amended_at),
        "evidence": selectors.incident_evidence(incident=incident),
        "evidence_form": evidence_form,
        "timeline": [
            {**row, "label": event_label(row["kind"])}
            for row in selectors.incident_timeline(user=request.user, incident=incident)
        ],
        "moves": move_forms,
        "may_submit": IncidentAction.SUBMIT in open_moves,
        "may_edit": IncidentAction.EDIT in open_moves,
        "may_approve": IncidentAction.APPROVE in open_moves,
        "may_draft_rule": incident.review_status == choices.ReviewStatus.APPROVED and may_draft_rule(request.user),
        "failed": failed,
        "error": error,
    }
    response = render(request, "enforcement/incident.html", context)
    if error is not None:
        response.status_code = status_for(error)
    return response


def event_label(kind: str) -> str:
    """What an event of a report's timeline was, in the reader's language."""
    labels = {
        EnforcementEvent.DRAFTED: _("drafted the report"),
        EnforcementEvent.DRAFT_UPDATED: _("edited the draft"),
        EnforcementEvent.SUBMITTED: _("submitted it for review"),
        EnforcementEvent.RETURNED: _("sent it back to the reporter"),
        EnforcementEvent.APPROVED: _("approved it"),
        EnforcementEvent.AMENDED: _("amended it"),
        EnforcementEvent.CASE_UPDATED: _("updated the case"),
        EnforcementEvent.EVIDENCE_ADDED: _("added a file of evidence"),
    }
    return str(labels.get(kind, kind))  # type: ignore[call-overload]


def _move(name: str, incident: Incident, actor: Any, data: dict[str, Any]) -> None:
    if name == "submit":
        services.incident_submit(actor=actor, incident=incident)
    elif name == "approve":
        services.incident_approve(actor=actor, incident=incident)
    elif name == "return":
        services.incident_return(actor=actor, incident=incident, reason=data["reason"])
    elif name == "case":
        services.incident_case_update(
            actor=actor,
            incident=incident,
            case_status=data["case_status"],
            outcome=data["outcome"],
            fine_amount=data["fine_amount"] or None,
            reason=data["reason"],
        )
    else:
        changes = {key: data[key] for key in AmendForm.CHANGEABLE if str(data[key]) != str(getattr(incident, key))}
        services.incident_amend(actor=actor, incident=incident, reason=data["reason"], changes=changes)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def incident_page(request: HttpRequest, reference: str) -> HttpResponse:
    """One report; a POST makes the move its ``move`` field names, through the service."""
    _staff(request)
    incident = _incident(request, reference)
    if request.method == "GET":
        return _detail(request, incident)
    name = request.POST.get("move", "")
    if name in ("submit", "approve"):
        form: forms.Form = forms.Form(request.POST)
    elif name in MOVE_FORMS:
        form = MOVE_FORMS[name](request.POST)
    else:
        raise Http404
    if not form.is_valid():
        return _detail(request, incident, failed=name, bound=form, error=form_invalid())
    try:
        _move(name, incident, request.user, form.cleaned_data)
    except DomainError as refusal:
        _attach(form, refusal)
        return _detail(request, _incident(request, reference), failed=name, bound=form, error=refusal)
    done = {
        "submit": _("Submitted for review."),
        "approve": _("Approved. The trends and the risk profiles now count it."),
        "return": _("Sent back to the reporter."),
        "case": _("Case updated."),
        "amend": _("Amendment recorded."),
    }
    messages.success(request, done[name])
    if name in ("approve", "return") and may_review(request.user):
        return redirect("enforcement:review")
    return redirect("enforcement:incident", reference=incident.reference)


@never_cache
@login_required
@require_http_methods(["GET"])
def review_page(request: HttpRequest) -> HttpResponse:
    """The submitted reports waiting for this supervisor, oldest first."""
    if not may_review(request.user):
        raise Http404
    return render(request, "enforcement/review.html", {"incidents": selectors.review_queue(user=request.user)})


def _trend_query(request: HttpRequest) -> tuple[TrendForm, dict[str, Any]]:
    form = TrendForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        raise DomainError.for_field("by", CoreError.VALIDATION, _("Check the filters."))
    data = form.cleaned_data if form.is_bound else {}
    return form, {"dimension": data.get("by") or "all", "start": data.get("start"), "end": data.get("end")}


def _trend_columns() -> list[Column]:
    return [
        Column("month", _("Month")),
        Column("value", _("Value")),
        Column("incidents", _("Incidents")),
        Column("goods_value", _("Value of goods (PKR)")),
    ]


def _mover_columns() -> list[Column]:
    return [
        Column("value", _("Value")),
        Column("this_month", _("This month")),
        Column("baseline_mean", _("Monthly mean, last 12")),
        Column("score", _("Rise score")),
    ]


def _month_range(months: set[date]) -> list[date]:
    """Every first of the month from the earliest of ``months`` to the latest."""
    if not months:
        return []
    month, last, out = min(months), max(months), []
    while month <= last:
        out.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return out


@never_cache
@login_required
@require_http_methods(["GET"])
def trends_page(request: HttpRequest) -> HttpResponse:
    """The approved incidents over time by formation, route, origin, code, modus operandi or type;
    the top movers of this month against the twelve before; a chart and its table."""
    if not may_read_trends(request.user) or not may_read_pages(request.user):
        raise Http404
    problem: DomainError | None = None
    points: list[selectors.TrendPoint] = []
    movers: list[selectors.Mover] = []
    districts: list[dict[str, Any]] = []
    try:
        form, query = _trend_query(request)
        points = selectors.incident_trends(user=request.user, **query)
        movers = selectors.incident_movers(user=request.user, dimension=query["dimension"])
        districts = selectors.incident_districts(user=request.user)
    except DomainError as refusal:
        form = TrendForm(request.GET)
        form.is_valid()
        problem = refusal
    months = _month_range({p.month for p in points})
    values = sorted({p.value for p in points})
    counts = {(p.value, p.month): p.incidents for p in points}
    series = {  # every month of the span, a quiet one as 0, so the chart's axis keeps time
        "months": [m.strftime("%Y-%m") for m in months],
        "series": [{"name": str(choices_label(v)), "data": [counts.get((v, m), 0) for m in months]} for v in values],
    }
    response = render(
        request,
        "enforcement/trends.html",
        {
            "form": form,
            "points": [
                {
                    "month": p.month,
                    "value": choices_label(p.value),
                    "incidents": p.incidents,
                    "goods_value": p.goods_value,
                }
                for p in points
            ],
            "movers": [{**m.__dict__, "value": choices_label(m.value)} for m in movers],
            "districts": districts,
            "chart": series,
            "problem": problem,
            "query": request.GET.urlencode(),
            "today": timezone.localdate(),
        },
    )
    if problem is not None:
        response.status_code = status_for(problem)
    return response


def choices_label(value: str) -> str:
    """A stored vocabulary value in the reader's language (types and modi operandi); others as they are."""
    for vocabulary in (choices.IncidentType, choices.ModusOperandi):
        if value in vocabulary.values:
            return str(vocabulary(value).label)
    return value


@login_required
@require_http_methods(["GET"])
def trends_export(request: HttpRequest, table: str) -> HttpResponseBase:
    """The trend table or the movers as CSV or Excel, with the page's filters."""
    if not may_read_trends(request.user) or not may_read_pages(request.user) or table not in ("trend", "movers"):
        raise Http404
    try:
        fmt = export_format(request.GET.get("format"))
        _form, query = _trend_query(request)
        if table == "trend":
            rows: list[dict[str, Any]] = [
                {
                    "month": p.month.strftime("%Y-%m"),
                    "value": choices_label(p.value),
                    "incidents": p.incidents,
                    "goods_value": p.goods_value,
                }
                for p in selectors.incident_trends(user=request.user, **query)
            ]
            columns = _trend_columns()
        else:
            rows = [
                {
                    "value": choices_label(m.value),
                    "this_month": m.this_month,
                    "baseline_mean": m.baseline_mean,
                    "score": m.score,
                }
                for m in selectors.incident_movers(user=request.user, dimension=query["dimension"])
            ]
            columns = _mover_columns()
    except DomainError as error:
        return HttpResponse(error.message, status=400, content_type="text/plain; charset=utf-8")
    return table_export(rows=rows, columns=columns, fmt=fmt, filename=f"incidents-{table}-{query['dimension']}")


def _lanes() -> list[str]:
    """The lanes a rule may send to, the most severe first (risk's order)."""
    severity = list(settings.RABTA_RISK_LANE_SEVERITY)
    return sorted(settings.RABTA_CUSTOMS_LANES, key=lambda lane: severity.index(lane) if lane in severity else 99)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def incident_rule_page(request: HttpRequest, reference: str) -> HttpResponse:
    """Draft a risk rule from an approved report: the condition pre-filled from its importers,
    codes and origins; back-test it (``rule_backtest``) and save it (``rule_create``), both risk's."""
    _staff(request)
    incident = _incident(request, reference)
    if incident.review_status != choices.ReviewStatus.APPROVED or not may_draft_rule(request.user):
        raise Http404
    today = timezone.localdate()
    lanes = _lanes()
    result: RuleBacktest | None = None
    error: DomainError | None = None
    if request.method == "GET":
        form = RuleDraftForm(
            lanes=lanes,
            initial={
                "name": _("After incident %(reference)s") % {"reference": incident.reference},
                "condition": selectors.incident_rule_condition(incident=incident),
                "lane": lanes[0],
                "percentage": 100,
                "start": today - timedelta(days=365),
                "end": today,
            },
        )
    else:
        form = RuleDraftForm(request.POST, lanes=lanes)
        if not form.is_valid():
            error = form_invalid()
        else:
            data = form.cleaned_data
            try:
                if request.POST.get("action") == "save":
                    rule = rule_create(
                        actor=request.user,
                        data=RuleInput(
                            name=data["name"],
                            condition=data["condition"],
                            lane=data["lane"],
                            percentage=data["percentage"],
                        ),
                    )
                    messages.success(
                        request, _("Risk rule %(name)s saved; it applies to new declarations.") % {"name": rule.name}
                    )
                    return redirect("enforcement:incident", reference=incident.reference)
                result = rule_backtest(
                    actor=request.user,
                    condition=data["condition"],
                    start=data["start"],
                    end=data["end"],
                    percentage=data["percentage"],
                )
            except DomainError as refusal:
                _attach(form, refusal)
                error = refusal
    response = render(request, "enforcement/rule.html", {"incident": incident, "form": form, "result": result})
    if error is not None:
        response.status_code = status_for(error)
    return response


def _evidence_form(incident: Incident, data: Any = None, files: Any = None) -> EvidenceForm:
    return EvidenceForm(
        data,
        files,
        max_bytes=max_bytes(),
        per_incident=services.EVIDENCE_MAX,
        approved=incident.review_status == choices.ReviewStatus.APPROVED,
    )


@login_required
@require_http_methods(["POST"])
def evidence_add_page(request: HttpRequest, reference: str) -> HttpResponse:
    """Attach a file of evidence (``services.evidence_add`` decides who and when)."""
    _staff(request)
    rate_limit(request, scope="uploads", subjects=[str(request.user.pk)])
    incident = _incident(request, reference)
    form = _evidence_form(incident, request.POST, request.FILES)
    if not form.is_valid():
        return _detail(request, incident, failed="evidence", bound=form, error=form_invalid())
    upload = form.cleaned_data["file"]
    try:
        services.evidence_add(
            actor=request.user,
            incident=incident,
            name=upload.name or "",
            # One byte over the limit is enough for the service to refuse; no more is read.
            data=upload.read(max_bytes() + 1),
            reason=form.cleaned_data.get("reason", ""),
            share_location=form.cleaned_data.get("share_location", False),
        )
    except DomainError as refusal:
        _attach(form, refusal)
        return _detail(request, _incident(request, reference), failed="evidence", bound=form, error=refusal)
    messages.success(request, _("The file was added to the report."))
    return redirect(reverse("enforcement:incident", args=[incident.reference]) + "#evidence-title")


@login_required
@require_http_methods(["GET"])
def evidence_download(request: HttpRequest, reference: str, evidence_id: int) -> HttpResponseBase:
    """One file of a report, to whoever sees the report (else 404), always as a download."""
    _staff(request)
    try:
        evidence, _row = selectors.evidence_get(incident=_incident(request, reference), evidence_id=evidence_id)
    except DomainError as missing:
        raise Http404 from missing
    return evidence_response(evidence)
