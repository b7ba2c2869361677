"""The scorecards' API: published measures, open to everyone (statistics only, never identities)."""

from __future__ import annotations

from datetime import date, timedelta

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema

from rabta.api.schemas import ErrorOut
from rabta.scorecards import selectors

router = Router(tags=["scorecards"])

DEFAULT_WINDOW = timedelta(days=89)  # the last 90 days, today included


class GovernmentMeasuresOut(Schema):
    code: str
    name: str
    received: int
    resolved: int
    resolution_rate: float | None
    satisfaction_rate: float | None
    reopen_rate: float | None
    appeal_rate: float | None
    within_deadline_share: float | None
    median_days: str | None
    p90_days: str | None


@router.get(
    "/governments",
    auth=None,
    response={200: list[GovernmentMeasuresOut], 400: ErrorOut},
    summary="The published measures of every government over a period (default: the last 90 days)",
)
def governments(
    request: HttpRequest, start: date | None = None, end: date | None = None
) -> list[GovernmentMeasuresOut]:
    end = end or timezone.localdate()
    start = start or end - DEFAULT_WINDOW
    return [
        GovernmentMeasuresOut(
            code=row.code,
            name=row.name,
            received=row.measures.received,
            resolved=row.measures.resolved,
            resolution_rate=row.measures.resolution_rate,
            satisfaction_rate=row.measures.satisfaction_rate,
            reopen_rate=row.measures.reopen_rate,
            appeal_rate=row.measures.appeal_rate,
            within_deadline_share=row.measures.within_deadline_share,
            median_days=row.measures.median_days,
            p90_days=row.measures.p90_days,
        )
        for row in selectors.government_measures(start=start, end=end)
    ]
