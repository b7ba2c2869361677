"""rabta.tariff.services.apply: what an approved change (or the system) writes to the tariff, checked
again at the moment it is written, with one event each."""

from __future__ import annotations

from datetime import date

import pytest

from rabta.core.errors import DomainError
from rabta.core.models import Event
from rabta.tariff.models import DutyRate
from rabta.tariff.selectors import tariff_in_force
from rabta.tariff.services.apply import tariff_change_apply

pytestmark = pytest.mark.django_db

RATE = {"code": "84713010", "duty": "rd", "basis": "ad_valorem", "percent": "7", "valid_from": "2030-07-01"}


def test_a_rate_applied_by_the_system_is_in_force_from_its_day_with_its_event(tariff):
    before = DutyRate.objects.count()
    written = tariff_change_apply(kind="rate_add", data=RATE)
    assert written.startswith("rate:") and DutyRate.objects.count() == before + 1
    rate = DutyRate.objects.get(pk=int(written.split(":")[1]))
    assert Event.objects.filter(kind="tariff.rate_added", subject_id=str(rate.pk)).count() == 1
    assert str(rate.percent).rstrip("0").rstrip(".") == "7"
    assert tariff_in_force("84713010", on=date(2030, 7, 1)) != tariff_in_force("84713010", on=date(2030, 6, 30))


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"code": "9999999999"}, "code"), ({"percent": "-1"}, "percent"), ({"valid_from": "someday"}, "valid_from")],
)
def test_bad_data_is_refused_by_field_and_writes_nothing(tariff, changes, field):
    before = (DutyRate.objects.count(), Event.objects.count())
    with pytest.raises(DomainError) as caught:
        tariff_change_apply(kind="rate_add", data={**RATE, **changes})
    assert field in caught.value.fields
    assert (DutyRate.objects.count(), Event.objects.count()) == before
