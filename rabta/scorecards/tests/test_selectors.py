"""The measures, summed from the roll-ups of a known history, in one query."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from rabta.core.errors import DomainError
from rabta.scorecards.errors import ScorecardsError
from rabta.scorecards.models import COUNTERS
from rabta.scorecards.selectors import histogram_quantile, office_measures
from rabta.scorecards.services import rollup_fold_all
from rabta.scorecards.tests.test_services import NOW, history


def test_the_measures_of_a_known_history(world, citizen, officer_a, submit, django_assert_num_queries):
    start = history(world, citizen, officer_a, submit)
    with time_machine.travel(start + timedelta(days=20), tick=False):
        rollup_fold_all(settle=NOW)
    first = timezone.localdate(start)
    with django_assert_num_queries(1):
        found = office_measures(
            office_ids=[world.office_a.pk, world.office_b.pk], start=first, end=first + timedelta(30)
        )
    measures = found[world.office_a.pk]
    assert (measures.received, measures.resolved) == (3, 2)
    assert measures.resolution_rate == pytest.approx(2 / 3)
    assert measures.satisfaction_rate == 0.5  # one satisfied among two rated
    assert measures.reopen_rate == 0.5 and measures.appeal_rate == 0
    assert measures.within_deadline_share == 1
    assert (measures.median_days, measures.p90_days) == ("2-3", "8-15")
    # An office with nothing in the period: zero counts, and no rate rather than a made-up one.
    empty = found[world.office_b.pk]
    assert empty.received == 0 and empty.resolution_rate is None and empty.median_days is None


def test_the_period_bounds_the_days_summed(world, citizen, officer_a, submit):
    start = history(world, citizen, officer_a, submit)
    with time_machine.travel(start + timedelta(days=20), tick=False):
        rollup_fold_all(settle=NOW)
    first = timezone.localdate(start)
    only_intake = office_measures(office_ids=[world.office_a.pk], start=first, end=first)[world.office_a.pk]
    assert (only_intake.received, only_intake.counts["rejected"]) == (3, 1)
    assert only_intake.resolved == 0 and only_intake.median_days is None


@pytest.mark.parametrize(
    ("buckets", "median", "p90"),
    [
        ({"days_0_1": 10}, "0-1", "0-1"),
        ({"days_0_1": 5, "days_over_90": 5}, "0-1", "91+"),
        ({"days_0_1": 4, "days_4_7": 5, "days_61_90": 1}, "4-7", "4-7"),
        ({"days_2_3": 1, "days_31_60": 9}, "31-60", "31-60"),
    ],
)
def test_quantiles_come_from_the_histogram(buckets, median, p90):
    counts = dict.fromkeys(COUNTERS, 0) | buckets
    assert (histogram_quantile(counts, 0.5), histogram_quantile(counts, 0.9)) == (median, p90)


def test_a_period_the_wrong_way_round_or_too_long_is_refused_naming_the_field(db):
    today = timezone.localdate()
    with pytest.raises(DomainError) as inverted:
        office_measures(office_ids=[1], start=today, end=today - timedelta(days=1))
    assert [error["code"] for error in inverted.value.fields["end"]] == [ScorecardsError.DATE_RANGE_INVERTED]
    with pytest.raises(DomainError) as too_long:
        office_measures(office_ids=[1], start=today - timedelta(days=5000), end=today)
    assert [error["code"] for error in too_long.value.fields["end"]] == [ScorecardsError.DATE_RANGE_TOO_LONG]
