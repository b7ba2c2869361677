"""The rule lifecycle: an analyst's rule is a draft that selects nothing; a back-test is kept on
record; activation needs one (``rule_not_backtested``) and a draft (``rule_not_draft``)."""

from __future__ import annotations

import datetime as dt

import pytest

from rabta.core.errors import DomainError, Forbidden
from rabta.risk.choices import RuleStatus, WatchListKind
from rabta.risk.errors import RiskError
from rabta.risk.services.rules import (
    RuleInput,
    rule_activate,
    rule_backtest_record,
    rule_create,
    watchlist_entries_change,
    watchlist_save,
)

pytestmark = pytest.mark.django_db


def _draft(analyst):
    return rule_create(actor=analyst, data=RuleInput(name="CN", condition='origin == "CN"', lane="red"))


def test_activation_needs_a_backtest_on_record_and_a_draft(world, analyst):
    rule = _draft(analyst)
    with pytest.raises(DomainError) as refused:
        rule_activate(actor=analyst, rule=rule)
    assert refused.value.code == RiskError.RULE_NOT_BACKTESTED
    record = rule_backtest_record(actor=analyst, rule=rule, start=dt.date(2026, 1, 1), end=dt.date(2026, 6, 30))
    assert record.results["declarations"] == 0 and record.actor == analyst
    assert rule_activate(actor=analyst, rule=rule).status == RuleStatus.ACTIVE
    with pytest.raises(DomainError) as again:
        rule_activate(actor=analyst, rule=rule)
    assert again.value.code == RiskError.RULE_NOT_DRAFT


def test_only_analysts_activate(world, analyst, customs_manager):
    rule = _draft(analyst)
    rule_backtest_record(actor=analyst, rule=rule, start=dt.date(2026, 1, 1), end=dt.date(2026, 1, 31))
    with pytest.raises(Forbidden):
        rule_activate(actor=customs_manager, rule=rule)


def test_watchlist_entries_are_added_and_removed_without_duplicates(world, analyst):
    watchlist = watchlist_save(actor=analyst, name="codes", kind=WatchListKind.CODE, entries=["8528", "85"])
    changed = watchlist_entries_change(actor=analyst, watchlist=watchlist, add=["8528", "6109.10"], remove=[1])
    assert changed.entries == ["8528", "610910"]
    with pytest.raises(DomainError) as bad:
        watchlist_entries_change(actor=analyst, watchlist=watchlist, add=["x"], remove=[7])
    assert {"add.0", "remove"} <= set(bad.value.fields)
