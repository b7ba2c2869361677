"""Pages of the intelligence domain: the suggestions fragment the lodge page shows as the
complainant types (htmx posts the step's form to it after a pause in typing); oversight's review of
misuse signals; oversight's recurring problems. Outside the reader's role the pages are not found."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from rabta.api.errors import status_for
from rabta.complaints.forms import errors_attach
from rabta.core.errors import DomainError, form_invalid
from rabta.core.ratelimit import rate_limit
from rabta.intelligence import selectors, services
from rabta.intelligence.choices import SignalStatus
from rabta.intelligence.forms import ClusterFilterForm, SignalQueueForm, SignalReviewForm
from rabta.intelligence.permissions import may_review_signals, may_see_recurring
from rabta.intelligence.suggest import category_suggest


def _page(request: HttpRequest, rows: QuerySet[Any]) -> tuple[Page[Any], str]:
    """One page of ``rows`` (``selectors.PAGE_SIZE`` each; a page number past the end is the last
    page, one that is not a number the first), and the query string of the other filters, for the
    pager's links."""
    page: Page[Any] = Paginator(rows, selectors.PAGE_SIZE).get_page(request.GET.get("page") or 1)
    others = request.GET.copy()
    others.pop("page", None)
    return page, others.urlencode()


@require_POST
def lodge_suggestions(request: HttpRequest) -> HttpResponse:
    """The categories that may fit what was written so far (subject and text), as a list to read;
    nothing at all for text it cannot suggest from. The lodge form's own checks judge the text
    when it is sent, so nothing here is an error the complainant must act on."""
    rate_limit(request, scope="suggest", subjects=[str(request.user.pk)] if request.user.is_authenticated else [])
    written = "\n".join(
        part for part in (request.POST.get("subject", ""), request.POST.get("text", "")) if part.strip()
    )
    suggestions = []
    try:
        suggestions = category_suggest(text=written, language=get_language()).suggestions if written.strip() else []
    except DomainError:
        suggestions = []
    response = render(request, "intelligence/_suggestions.html", {"suggestions": suggestions})
    response["Cache-Control"] = "no-store"
    return response


def _signals_page(
    request: HttpRequest,
    *,
    given: tuple[int, SignalReviewForm] | None = None,
    error: DomainError | None = None,
) -> HttpResponse:
    queue_form = SignalQueueForm(request.GET)
    status = queue_form.cleaned_data["status"] if queue_form.is_valid() and queue_form.cleaned_data["status"] else ""
    page, query = _page(request, selectors.signal_list(user=request.user, status=status or SignalStatus.OPEN))
    rows = selectors.signal_rows(user=request.user, signals=page.object_list)
    context = {
        "queue_form": queue_form,
        "status": status or SignalStatus.OPEN,
        "page": page,
        "query": query,
        "rows": [
            {
                "row": row,
                "form": given[1]
                if given and given[0] == row.signal.pk
                else SignalReviewForm(prefix=f"signal-{row.signal.pk}"),
            }
            for row in rows
        ],
        "error": error,
    }
    response = render(request, "intelligence/signals.html", context)
    if error is not None:
        response.status_code = status_for(error)
    return response


@never_cache
@login_required
@require_GET
def signals(request: HttpRequest) -> HttpResponse:
    """Misuse signals waiting for a person (or those already reviewed), oversight only."""
    if not may_review_signals(request.user):
        raise Http404
    return _signals_page(request)


@login_required
@require_POST
def signal_review(request: HttpRequest, signal_id: int) -> HttpResponse:
    if not may_review_signals(request.user):
        raise Http404
    signal = selectors.signal_get(user=request.user, signal_id=signal_id)
    form = SignalReviewForm(request.POST, prefix=f"signal-{signal_id}")
    if not form.is_valid():
        return _signals_page(request, given=(signal_id, form), error=form_invalid())
    try:
        services.signal_review(
            signal=signal,
            actor=request.user,
            decision=form.cleaned_data["decision"],
            reason=form.cleaned_data["reason"],
        )
    except DomainError as error:
        errors_attach(form, error, {})
        return _signals_page(request, given=(signal_id, form), error=error)
    messages.success(request, _("The signal is reviewed."))
    return redirect(reverse("intelligence:signals"))


@never_cache
@login_required
@require_GET
def recurring(request: HttpRequest) -> HttpResponse:
    """Recurring problems the nightly job found, rising first, filtered by office, category and
    district; examples have every identifier removed. Oversight only."""
    if not may_see_recurring(request.user):
        raise Http404
    form = ClusterFilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    filters = selectors.ClusterFilters(
        office=(data.get("office") or "").strip(),
        category=(data.get("category") or "").strip(),
        district=(data.get("district") or "").strip(),
        rising_only=bool(data.get("rising")),
    )
    page, query = _page(request, selectors.cluster_list(user=request.user, filters=filters))
    clusters = list(page.object_list)
    computed = max((c.computed_at for c in clusters), default=None)
    return render(
        request,
        "intelligence/recurring.html",
        {"form": form, "clusters": clusters, "computed": computed, "page": page, "query": query},
    )
