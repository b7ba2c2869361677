"""Reads: the published measures, summed from the daily roll-ups (never from the complaints)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Sum
from django.utils.translation import gettext as _

from rabta.core.errors import DomainError
from rabta.directory.models import Government
from rabta.scorecards.errors import ScorecardsError
from rabta.scorecards.models import COUNTERS, DAY_BUCKETS, DailyRollup

MAX_RANGE = timedelta(days=3 * 366)
MAX_OFFICES = 1_000


@dataclass(frozen=True)
class Measures:
    counts: dict[str, int]  # every counter of the roll-ups, summed

    @property
    def received(self) -> int:
        return self.counts["received"]

    @property
    def resolved(self) -> int:
        return self.counts["resolved"]

    @property
    def resolution_rate(self) -> float | None:
        """Resolutions per complaint received in the same period."""
        return _rate(self.counts["resolved"], self.counts["received"])

    @property
    def satisfaction_rate(self) -> float | None:
        """Satisfied answers among the rated ones: closure alone is not success."""
        return _rate(self.counts["feedback_satisfied"], self.counts["feedback_rated"])

    @property
    def reopen_rate(self) -> float | None:
        return _rate(self.counts["reopened"], self.counts["resolved"])

    @property
    def appeal_rate(self) -> float | None:
        return _rate(self.counts["appealed"], self.counts["resolved"])

    @property
    def within_deadline_share(self) -> float | None:
        """Resolutions made by their deadline, among the resolutions whose deadline is known."""
        return _rate(self.counts["resolved_within_deadline"], self.counts["resolved_with_deadline"])

    @property
    def median_days(self) -> str | None:
        """The bucket of days to resolve that holds the median resolution (``"4-7"``, ``"91+"``)."""
        return histogram_quantile(self.counts, 0.5)

    @property
    def p90_days(self) -> str | None:
        return histogram_quantile(self.counts, 0.9)


def _rate(part: int, whole: int) -> float | None:
    return None if whole == 0 else part / whole


def bucket_label(low: int, high: int | None) -> str:
    return f"{low}+" if high is None else f"{low}-{high}"


def histogram_quantile(counts: dict[str, int], q: float) -> str | None:
    """The bucket holding the ``q``-quantile of the resolutions (the smallest bucket whose
    cumulative count reaches ``q`` of the total); None when nothing was resolved."""
    total = sum(counts[name] for name, _, _ in DAY_BUCKETS)
    if total == 0:
        return None
    running = 0
    for name, low, high in DAY_BUCKETS:
        running += counts[name]
        if running >= q * total:
            return bucket_label(low, high)
    raise AssertionError("unreachable: the buckets sum to the total")


def _check_range(start: date, end: date) -> None:
    if end < start:
        raise DomainError.for_field(
            "end", ScorecardsError.DATE_RANGE_INVERTED, _("The end date must not be before the start date.")
        )
    if end - start > MAX_RANGE:
        raise DomainError.for_field(
            "end", ScorecardsError.DATE_RANGE_TOO_LONG, _("Choose a period of at most three years.")
        )


def office_measures(*, office_ids: Iterable[int], start: date, end: date) -> dict[int, Measures]:
    """The measures of each office from ``start`` to ``end`` (both days included), in one query.
    An office with nothing in the period has all counts zero and no rates."""
    _check_range(start, end)
    ids = sorted(set(office_ids))
    if len(ids) > MAX_OFFICES:
        raise DomainError.for_field(
            "office_ids", ScorecardsError.TOO_MANY_OFFICES, _("Ask for at most %(n)s offices.") % {"n": MAX_OFFICES}
        )
    rows = (
        DailyRollup.objects.filter(office_id__in=ids, day__gte=start, day__lte=end)
        .values("office_id")
        .annotate(**{f"sum_{name}": Sum(name) for name in COUNTERS})
        .order_by()
    )
    zero = dict.fromkeys(COUNTERS, 0)
    found = {row["office_id"]: {name: row[f"sum_{name}"] or 0 for name in COUNTERS} for row in rows}
    return {pk: Measures(counts=found.get(pk, zero)) for pk in ids}


@dataclass(frozen=True)
class GovernmentMeasures:
    code: str
    name: str
    measures: Measures


def government_measures(*, start: date, end: date) -> list[GovernmentMeasures]:
    """The measures of every government from ``start`` to ``end`` (both days included), in the
    directory's order: one query for the sums, one for the governments (those with nothing to
    count are listed too, with zeros)."""
    _check_range(start, end)
    key = "office__department__government_id"
    rows = (
        DailyRollup.objects.filter(day__gte=start, day__lte=end)
        .values(key)
        .annotate(**{f"sum_{name}": Sum(name) for name in COUNTERS})
        .order_by()
    )
    found = {row[key]: {name: row[f"sum_{name}"] or 0 for name in COUNTERS} for row in rows}
    zero = dict.fromkeys(COUNTERS, 0)
    return [
        GovernmentMeasures(code=code, name=name, measures=Measures(counts=found.get(pk, zero)))
        for pk, code, name in Government.objects.order_by("code").values_list("pk", "code", "name")
    ]
