"""The complainant's own standing (the responsibility index) and its appeal, as a page.

What the complainant reads is their level, what it means for them, and their appeal with its
decision; never the score, nor which officer rated which complaint (oversight's to see).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from rabta.accountability import selectors, services
from rabta.accountability.choices import StandingLevel
from rabta.api.errors import status_for
from rabta.core.errors import DomainError, form_invalid

# What each level means for the complainant, in plain words (the notices they were sent say the same).
LEVEL_EXPLAINED = {
    StandingLevel.NORMAL: gettext_lazy("Your account has no warning or limit. You can lodge complaints as usual."),
    StandingLevel.WARNED: gettext_lazy(
        "Officers judged some of your recent complaints not genuine. Nothing is limited yet, but further such "
        "complaints would limit how many you can lodge."
    ),
    StandingLevel.THROTTLED: gettext_lazy(
        "Officers judged several of your recent complaints not genuine, so you can lodge one new complaint a day "
        "for now. Your open complaints go on as before."
    ),
    StandingLevel.SUSPENDED: gettext_lazy(
        "Officers judged many of your recent complaints not genuine, so you cannot lodge new complaints for now. "
        "Your open complaints go on as before."
    ),
}


class StandingAppealForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Why is the limit wrong?"),
        help_text=gettext_lazy(
            "Say which complaints were genuine and why. The oversight unit decides, and you read its reasons here."
        ),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": gettext_lazy("Explain why the limit is wrong.")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def standing(request: HttpRequest) -> HttpResponse:
    """Your standing: the level and what it means, the appeal path and, once decided, its reasons."""
    form = StandingAppealForm(request.POST if request.method == "POST" else None)
    error: DomainError | None = None
    if form.is_bound:
        if form.is_valid():
            try:
                services.standing_appeal_file(user=request.user, text=form.cleaned_data["text"])
            except DomainError as refused:
                # A field's refusal goes next to it; one about the standing itself (nothing to
                # appeal, an appeal already waiting) heads the page.
                error = refused
                for name, problems in (refused.fields or {}).items():
                    for problem in problems:
                        form.add_error(name if name in form.fields else None, problem["message"])
            else:
                messages.success(request, _("Your appeal was sent to the oversight unit."))
                return redirect("accountability:standing")
        else:
            error = form_invalid()
    mine = selectors.standing_mine(user=request.user)
    level = mine.level if mine is not None else StandingLevel.NORMAL
    response = render(
        request,
        "accountability/standing.html",
        {
            "standing": mine,
            "level": StandingLevel(level),
            "limited": level != StandingLevel.NORMAL,
            "explained": LEVEL_EXPLAINED[StandingLevel(level)],
            "form": form,
            "error": error,
        },
    )
    if error is not None:
        response.status_code = status_for(error)
    return response
