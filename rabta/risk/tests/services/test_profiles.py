"""Risk profiles recomputed from examination results."""

from __future__ import annotations

import pytest

from rabta.core.errors import Forbidden
from rabta.risk.choices import ProfileKey
from rabta.risk.models import RiskProfile
from rabta.risk.services.profiles import profiles_refresh

pytestmark = pytest.mark.django_db


def test_without_examinations_only_the_overall_row_is_written(analyst):
    assert profiles_refresh(actor=analyst) == 1
    assert list(RiskProfile.objects.values_list("key", "examined", "hits")) == [(ProfileKey.ALL, 0, 0)]


def test_only_risk_analysts_or_the_system_refresh_profiles(trader):
    with pytest.raises(Forbidden):
        profiles_refresh(actor=trader)
