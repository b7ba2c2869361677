"""Intelligence API (/api/intelligence/...): suggestions a person confirms.

``POST /api/intelligence/suggest`` is public (a complainant lodging anonymously types too) and
rate-limited per address (and per account when signed in), like the other anonymous endpoints.
It is a POST so that the text being typed never lands in a URL, and so in no access log."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from rabta.api.schemas import ErrorOut
from rabta.core.ratelimit import rate_limit
from rabta.intelligence.recurring import DAYS_MAX, cluster_out, recurring_problems
from rabta.intelligence.suggest import TOP_MAX, category_suggest

router = Router(tags=["intelligence"])


class SuggestIn(Schema):
    text: str = Field("", description="What the complainant has written so far (any language, any script)")
    place: str | None = Field(None, description="A place (jurisdiction) code; with it each suggestion names its office")
    language: str | None = Field(None, description="en or ur: the language of the category names; default en")
    top: int = Field(3, ge=1, le=TOP_MAX, description="How many suggestions at most")


class SuggestedOfficeOut(Schema):
    code: str
    name: str


class SuggestionOut(Schema):
    key: str = Field(description="The kind of problem, the same in every province (MUN-WATER)")
    score: float = Field(description="The model's probability for it, 0..1")
    category: str | None = Field(description="The category to lodge in; null until the place decides it")
    name: str
    parent_name: str
    department_name: str
    office: SuggestedOfficeOut | None = Field(description="Where the routing would send it; null without a place")
    routing: str = Field(description="How the office was chosen, or place_needed / no_office_for_place")


class SuggestOut(Schema):
    suggestions: list[SuggestionOut]
    model_version: str | None = Field(description="null: no model is trained yet, so nothing is suggested")
    min_confidence: float


@router.post(
    "/suggest",
    auth=None,
    response={200: SuggestOut, 400: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="Suggest categories (and their offices) for the text typed so far; creates nothing",
)
def suggest(request: HttpRequest, payload: SuggestIn) -> SuggestOut:
    rate_limit(request, scope="suggest", subjects=[str(request.user.pk)] if request.user.is_authenticated else [])
    found = category_suggest(text=payload.text, place=payload.place, language=payload.language, top=payload.top)
    return SuggestOut(
        suggestions=[
            SuggestionOut(
                key=s.key,
                score=s.score,
                category=s.category,
                name=s.name,
                parent_name=s.parent_name,
                department_name=s.department_name,
                office=SuggestedOfficeOut(code=s.office_code, name=s.office_name or "") if s.office_code else None,
                routing=s.routing,
            )
            for s in found.suggestions
        ],
        model_version=found.model_version,
        min_confidence=found.min_confidence,
    )


class ClusterOut(Schema):
    office: str = Field(description="The handling office's code")
    category: str
    place: str = Field(description="The complaints' place (jurisdiction) code")
    recent: int = Field(description="Complaints in the last `days` days")
    previous: int = Field(description="Complaints in the `days` days before")
    rising: bool = Field(description="At least twice the previous window: a possible bottleneck")
    terms: list[str]
    examples: list[str] = Field(description="A few of its complaints, every identifier removed")


@router.get(
    "/recurring",
    response={200: list[ClusterOut], 401: ErrorOut, 403: ErrorOut},
    summary="Recurring problems among the complaints you oversee (oversight only), rising ones first",
)
def recurring(
    request: HttpRequest,
    days: int = Query(30, ge=1, le=DAYS_MAX, description="The window, in days; the one before it is compared"),
    min_size: int = Query(3, ge=2, le=1000, description="Complaints in the window for a cluster to count"),
) -> list[ClusterOut]:
    found = recurring_problems(user=request.user, days=days, min_size=min_size)
    return [ClusterOut(**cluster_out(c)) for c in found]
