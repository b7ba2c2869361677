"""Public pages of the trade information portal: the tariff search and a page per code."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rabta.core.errors import DomainError, NotFound
from rabta.tariff import selectors
from rabta.tariff.choices import EnquiryStatus
from rabta.tariff.errors import TariffError
from rabta.tariff.forms import AnswerForm, EnquiryForm, TariffDateForm, TariffSearchForm
from rabta.tariff.services.enquiries import ANSWER_DAYS, enquiry_answer, enquiry_ask

ENQUIRIES_SHOWN = 100


def tariff_search_page(request: HttpRequest) -> HttpResponse:
    form = TariffSearchForm(request.GET or None)
    results = None
    if form.is_bound and form.is_valid():
        try:
            results = selectors.tariff_search(form.cleaned_data["q"], on=form.cleaned_data["on"])
        except DomainError as error:
            for field, errors in error.fields.items():
                for item in errors:
                    form.add_error(field if field in form.fields else None, item["message"])
    return render(request, "tariff/search.html", {"form": form, "results": results})


def tariff_code_page(request: HttpRequest, code: str) -> HttpResponse:
    form = TariffDateForm(request.GET or None)
    on = form.cleaned_data["on"] if form.is_valid() and form.cleaned_data["on"] else timezone.localdate()
    try:
        found = selectors.tariff_in_force(code, on=on)
    except (NotFound, DomainError) as error:
        raise Http404 from error
    rates, measures = selectors.tariff_history(found.code)
    return render(
        request,
        "tariff/code.html",
        {
            "found": found,
            "children": selectors.code_children(found.code),
            "history_rates": rates,
            "history_measures": measures,
            "form": form,
        },
    )


def _form_errors(form: forms.Form, error: DomainError) -> None:
    for field, errors in error.fields.items() or {"__all__": [{"message": error.message}]}.items():
        for item in errors:
            form.add_error(field if field in form.fields else None, item["message"])


def enquiry_page(request: HttpRequest) -> HttpResponse:
    """The enquiry point: answered questions for all, the form for signed-in traders, and the queue
    with answer forms for tariff officers (the service decides who may answer)."""
    form = EnquiryForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            enquiry_ask(actor=request.user, question=form.cleaned_data["question"], code=form.cleaned_data["code"])
        except DomainError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Your question was sent. The answer will appear here."))
            return redirect("tariff:enquiries")
    answered = selectors.enquiry_list(user=request.user, status=EnquiryStatus.ANSWERED)[:ENQUIRIES_SHOWN]
    mine = (
        selectors.enquiry_list(user=request.user, status=EnquiryStatus.ASKED).filter(asked_by=request.user)
        if request.user.is_authenticated
        else []
    )
    queue = [(enquiry, AnswerForm(prefix=f"e{enquiry.pk}")) for enquiry in selectors.enquiry_queue(user=request.user)]
    context = {
        "form": form,
        "answered": answered,
        "mine": mine,
        "queue": queue,
        "answer_days": ANSWER_DAYS,
    }
    return render(request, "tariff/enquiries.html", context)


@require_POST
def enquiry_answer_page(request: HttpRequest, enquiry_id: int) -> HttpResponse:
    enquiry = selectors.enquiry_list(user=request.user).filter(pk=enquiry_id).first()
    if enquiry is None:
        raise Http404
    form = AnswerForm(request.POST, prefix=f"e{enquiry.pk}")
    try:
        if not form.is_valid():
            raise DomainError.for_field("answer", TariffError.REQUIRED, str(form.errors.get("answer", [""])[0]))
        enquiry_answer(actor=request.user, enquiry=enquiry, answer=form.cleaned_data["answer"])
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The answer is published."))
    return redirect("tariff:enquiries")
