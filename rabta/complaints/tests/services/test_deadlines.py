"""rabta.complaints.services.deadlines: business-day arithmetic over Pakistan's calendar, and the
policy a complaint's deadlines come from."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rabta.complaints.models import DeadlinePolicy
from rabta.complaints.services.deadlines import add_business_days, is_business_day, policy_for

KARACHI = ZoneInfo("Asia/Karachi")
MOMENTS = st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2028, 12, 31)).map(
    lambda moment: moment.replace(tzinfo=KARACHI)
)


def test_weekends_and_public_holidays_are_not_business_days():
    assert not is_business_day(date(2026, 12, 5))  # a Saturday
    assert not is_business_day(date(2026, 12, 6))  # a Sunday
    assert not is_business_day(date(2026, 12, 25))  # Quaid-e-Azam Day, a Friday
    assert is_business_day(date(2026, 12, 24))  # the Thursday before


@settings(max_examples=200, deadline=None)
@given(start=MOMENTS, days=st.integers(min_value=0, max_value=40))
def test_n_business_days_later_is_a_business_day_at_the_same_time_with_n_business_days_passed(start, days):
    end = add_business_days(start, days)
    assert (end.hour, end.minute, end.second) == (start.hour, start.minute, start.second)
    passed = [start.date() + timedelta(days=i) for i in range(1, (end.date() - start.date()).days + 1)]
    assert sum(is_business_day(day) for day in passed) == days
    if days:
        assert is_business_day(end.date())
        pakistan = holidays.country_holidays("PK", years=end.year)
        assert end.weekday() < 5 and end.date() not in pakistan


@settings(max_examples=100, deadline=None)
@given(start=MOMENTS, days=st.integers(min_value=0, max_value=20))
def test_more_business_days_never_end_earlier(start, days):
    assert add_business_days(start, days) <= add_business_days(start, days + 1)


@pytest.mark.django_db
def test_the_most_specific_policy_applies(submit, categories, world):
    complaint = submit()
    default = DeadlinePolicy.objects.get(category=None, office=None)
    assert policy_for(complaint).pk == default.pk
    for_category = DeadlinePolicy.objects.create(category=categories.water, resolve_days=5)
    assert policy_for(complaint).pk == for_category.pk
    for_both = DeadlinePolicy.objects.create(category=categories.water, office=complaint.current_office, resolve_days=3)
    assert policy_for(complaint).pk == for_both.pk
