"""Intelligence API (/api/intelligence/...): suggestions a person confirms, and oversight's misuse
signals and recurring problems.

``POST /api/intelligence/suggest`` is public (a complainant lodging anonymously types too) and
rate-limited per address (and per account when signed in), like the other anonymous endpoints.
It is a POST so that the text being typed never lands in a URL, and so in no access log.

The signals and the stored clusters follow the pages' rules exactly (``selectors``): the lists are
oversight's (403 for anyone else signed in), one signal or cluster outside the reader's scope is
404 (for anyone who is not oversight too), and a signal names its complainant only where the office
may see the name (``complaints.privacy.complaint_view``): a hidden complainant stays hidden. A
review goes through ``services.signal_review``, as on the page: a decision and a reason, one event."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from rabta.api.params import PageNumberPagination, RowId
from rabta.api.schemas import ErrorOut
from rabta.core.ratelimit import rate_limit
from rabta.intelligence import selectors, services
from rabta.intelligence.choices import SignalKind, SignalStatus
from rabta.intelligence.models import MisuseSignal, RecurringCluster
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


# --- Misuse signals (oversight) -------------------------------------------------------------------


class SignalOut(Schema):
    id: int
    kind: SignalKind = Field(description="abusive_language or repeated_complaint")
    status: SignalStatus = Field(description="open (waiting for a person), confirmed or dismissed")
    complaint: str = Field(description="The complaint's tracking number")
    complainant_name: str | None = Field(
        description="Only where the office may see the name; null when the complainant is hidden from the office"
    )
    evidence: dict[str, Any] = Field(
        description="`terms`: the list words matched (abusive); `earlier`: the near-identical earlier complaints' "
        "tracking numbers and similarity (repeated). Never the complainant's identity"
    )
    score: float
    created_at: datetime
    reviewed_at: datetime | None
    review_reason: str


class SignalReviewIn(Schema):
    decision: Literal[SignalStatus.CONFIRMED, SignalStatus.DISMISSED] = Field(
        description="confirmed: it counts in the complainant's responsibility index; dismissed: it does not"
    )
    reason: str = Field(description="Why: kept with the review and its event")


def _signal_out(row: selectors.SignalRow) -> SignalOut:
    s = row.signal
    return SignalOut(
        id=s.pk,
        kind=SignalKind(s.kind),
        status=SignalStatus(s.status),
        complaint=row.tracking_number,
        complainant_name=row.complainant_name,
        evidence=s.evidence or {},
        score=s.score,
        created_at=s.created_at,
        reviewed_at=s.reviewed_at,
        review_reason=s.review_reason,
    )


def _signal_read(request: HttpRequest, signal: MisuseSignal) -> SignalOut:
    (row,) = selectors.signal_rows(user=request.user, signals=[signal])
    return _signal_out(row)


def signal_list(request: HttpRequest, status: SignalStatus = SignalStatus.OPEN) -> Any:
    signals = selectors.signal_list(user=request.user, status=status)
    return _Rows(signals, lambda page: [_signal_out(r) for r in selectors.signal_rows(user=request.user, signals=page)])


# ninja reads a paginated view's annotations in its pagination wrapper's module, where this one's
# names (postponed annotations) do not resolve: the enum is given as itself, then decorated.
signal_list.__annotations__["status"] = SignalStatus
signal_list = router.get(
    "/signals",
    response={200: list[SignalOut], 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    summary="Misuse signals of the complaints you oversee, newest first (oversight only), a page at a time",
    description=f"`status`: open (the default), confirmed or dismissed. `page_size` at most {selectors.PAGE_SIZE_MAX}.",
)(paginate(PageNumberPagination, page_size=selectors.PAGE_SIZE, max_page_size=selectors.PAGE_SIZE_MAX)(signal_list))


class _Rows:
    """A query that ninja's pagination slices (and counts) and whose page is turned into answers
    only then: the complainant's name is read for the page's signals alone."""

    def __init__(self, query: Any, out: Any) -> None:
        self.query, self.out = query, out

    def __len__(self) -> int:
        return int(self.query.count())

    def count(self) -> int:
        return int(self.query.count())

    def __getitem__(self, item: slice) -> list[Any]:
        return list(self.out(self.query[item]))


@router.get(
    "/signals/{signal_id}",
    response={200: SignalOut, 401: ErrorOut, 404: ErrorOut},
    summary="One misuse signal (oversight, within its scope)",
)
def signal_read(request: HttpRequest, signal_id: RowId) -> SignalOut:
    return _signal_read(request, selectors.signal_get(user=request.user, signal_id=signal_id))


@router.post(
    "/signals/{signal_id}/review",
    response={200: SignalOut, 400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Confirm or dismiss an open signal, saying why (oversight); only a confirmation counts in the index",
)
def signal_review(request: HttpRequest, signal_id: RowId, payload: SignalReviewIn) -> SignalOut:
    signal = selectors.signal_get(user=request.user, signal_id=signal_id)
    services.signal_review(signal=signal, actor=request.user, decision=payload.decision, reason=payload.reason)
    return _signal_read(request, selectors.signal_get(user=request.user, signal_id=signal_id))


# --- Stored recurring clusters (oversight) --------------------------------------------------------


class NamedOut(Schema):
    code: str
    name: str
    name_ur: str


class RecurringClusterOut(Schema):
    id: int
    office: NamedOut
    category: NamedOut
    district: NamedOut
    recent: int = Field(description="Complaints in the last `days` days")
    previous: int = Field(description="Complaints in the `days` days before")
    rising: bool = Field(description="At least twice the previous window: a possible bottleneck")
    days: int
    terms: list[str]
    examples: list[str] = Field(description="A few of its complaints, every identifier removed")
    computed_at: datetime


def _named(item: Any) -> NamedOut:
    return NamedOut(code=item.code, name=item.name, name_ur=getattr(item, "name_ur", "") or "")


def _cluster_out(c: RecurringCluster) -> RecurringClusterOut:
    return RecurringClusterOut(
        id=c.pk,
        office=_named(c.office),
        category=_named(c.category),
        district=_named(c.district),
        recent=c.recent,
        previous=c.previous,
        rising=c.rising,
        days=c.days,
        terms=list(c.terms),
        examples=list(c.examples),
        computed_at=c.computed_at,
    )


@router.get(
    "/clusters",
    response={200: list[RecurringClusterOut], 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    summary="The recurring problems the nightly job stored, of the offices you oversee (oversight only), "
    "rising first, a page at a time",
    description="Filters: `office`, `category`, `district` (codes) and `rising` (true: rising ones only). "
    f"`page_size` at most {selectors.PAGE_SIZE_MAX}.",
)
@paginate(PageNumberPagination, page_size=selectors.PAGE_SIZE, max_page_size=selectors.PAGE_SIZE_MAX)
def cluster_list(
    request: HttpRequest,
    office: str = Query("", max_length=64),
    category: str = Query("", max_length=60),
    district: str = Query("", max_length=40),
    rising: bool = False,
) -> Any:
    filters = selectors.ClusterFilters(
        office=office.strip(), category=category.strip(), district=district.strip(), rising_only=rising
    )
    return _Rows(selectors.cluster_list(user=request.user, filters=filters), lambda page: map(_cluster_out, page))


@router.get(
    "/clusters/{cluster_id}",
    response={200: RecurringClusterOut, 401: ErrorOut, 404: ErrorOut},
    summary="One stored recurring problem (oversight, of an office it oversees)",
)
def cluster_read(request: HttpRequest, cluster_id: RowId) -> RecurringClusterOut:
    return _cluster_out(selectors.cluster_get(user=request.user, cluster_id=cluster_id))
