"""``rabta risk value-bands`` and ``rabta risk value-audit``."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from rabta.risk.models_valuation import ValueCheck
from rabta.risk.tests.valuation.conftest import FAIR_USD

pytestmark = pytest.mark.django_db


def test_value_bands_rebuild_prints_its_counts_and_a_bad_window_is_an_error(history):
    with pytest.raises(CommandError, match="no value bands yet"):
        call_command("risk", "value-bands", stdout=StringIO())
    history.honest(30)
    out = StringIO()
    call_command("risk", "value-bands", "--rebuild", "--as-of", "2026-11-30", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["history_rows"] == 31 and data["bands"] == data["stored_bands"] > 0
    assert data["window_end"] == "2026-11-30"
    with pytest.raises(CommandError, match="months"):
        call_command("risk", "value-bands", "--rebuild", "--months", "0", stdout=StringIO())


def test_value_audit_checks_the_unchecked_and_ranks_the_released(history):
    history.honest(30)
    call_command("risk", "value-bands", "--rebuild", "--as-of", "2026-11-30", stdout=StringIO())
    cheap = history.declaration(price_usd=FAIR_USD * 0.3)
    out = StringIO()
    call_command("risk", "value-audit", "--check", "--refresh", "--top", "1", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["checked"] == 32 == ValueCheck.objects.count()
    assert data["ranked"] == 31  # the fixture's own declaration is filed, not released
    assert data["top"][0]["number"] == cheap.number
