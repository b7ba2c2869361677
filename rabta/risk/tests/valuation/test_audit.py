"""Post-clearance audit selection: released declarations ranked with their reasons."""

from __future__ import annotations

from datetime import date

import pytest

from rabta.core.errors import Forbidden
from rabta.customs.choices import Outcome, Status
from rabta.customs.models import Party
from rabta.risk import audit
from rabta.risk.audit import History, audit_candidates, audit_candidates_refresh, audit_score
from rabta.risk.models_valuation import AuditCandidate
from rabta.risk.tests.valuation.conftest import FAIR_USD
from rabta.risk.valuation import value_bands_rebuild, value_check_record
from rabta.risk.vocab_valuation import Finding

pytestmark = pytest.mark.django_db
AS_OF = date(2026, 11, 30)


@pytest.fixture
def ranked(history):
    history.honest(40)
    value_bands_rebuild(actor=None, as_of=AS_OF)
    shady = Party.objects.create(kind="trader", scheme="external", name="Shady Imports", identifier_hash="shady")
    for _ in range(4):
        history.declaration(price_usd=FAIR_USD, importer=shady, examined=Outcome.DISCREPANCY)
    cheap = history.declaration(price_usd=FAIR_USD * 0.3, importer=shady)
    value_check_record(declaration=cheap)
    unreleased = history.declaration(price_usd=FAIR_USD * 0.3, status=Status.ASSESSED)
    run = audit_candidates_refresh(actor=None)
    return cheap, unreleased, run


def test_an_under_invoiced_release_of_an_importer_with_discrepancies_ranks_first_with_its_reasons(ranked, analyst):
    cheap, unreleased, run = ranked
    rows = list(audit_candidates(user=analyst))
    assert rows[0].declaration == cheap
    codes = [reason["code"] for reason in rows[0].reasons]
    assert codes == [f"value_{Finding.FAR_BELOW}", "importer_discrepancy_history"]
    assert "4 of 4" in rows[0].reasons[1]["text"]
    assert rows[0].shortfall > 0
    assert [row.score for row in rows] == sorted((row.score for row in rows), reverse=True)
    assert unreleased.pk not in {row.declaration_id for row in rows}
    assert run.counts["ranked"] == len(rows)


def test_the_declarations_own_examination_is_not_its_history(ranked, analyst):
    cheap, _unreleased, _run = ranked
    examined = AuditCandidate.objects.filter(declaration__importer=cheap.importer).exclude(declaration=cheap).first()
    assert examined is not None
    assert "3 of 3" in examined.reasons[-1]["text"]


def test_the_list_is_scoped_and_only_for_analysts_and_customs_management(
    ranked, analyst, customs_manager, other_manager, trader
):
    assert audit_candidates(user=customs_manager).count() == AuditCandidate.objects.count()
    assert audit_candidates(user=other_manager).count() == 0  # another collectorate's manager
    with pytest.raises(Forbidden):
        audit_candidates(user=trader)


def test_a_registered_model_score_enters_the_score_and_the_reasons(history, monkeypatch):
    monkeypatch.setattr(audit, "_MODEL_SOURCES", [])
    released = history.declaration(price_usd=FAIR_USD)
    audit.model_score_source(lambda ids: dict.fromkeys(ids, 0.9))
    audit_candidates_refresh(actor=None)
    candidate = AuditCandidate.objects.get(declaration=released)
    assert candidate.model_component == 0.9
    assert "model_score" in [reason["code"] for reason in candidate.reasons]


def test_the_score_is_a_weighted_mean_in_the_unit_interval():
    none = History(0, 0)
    clean = audit_score(finding=Finding.IN_BAND, shortfall=0, flagged_items=[], history=none, model=None)
    worst = audit_score(finding=Finding.FAR_BELOW, shortfall=0, flagged_items=[], history=History(50, 50), model=1.0)
    assert 0 < clean.score < 0.1  # only the prior rate
    assert 0.95 < worst.score <= 1.0


def test_a_trader_may_not_refresh_the_list(trader):
    with pytest.raises(Forbidden):
        audit_candidates_refresh(actor=trader)
