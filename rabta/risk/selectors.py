"""Reads of the risk domain: each starts from its model's ``visible_to(user)``."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from rabta.accounts.types import Actor
from rabta.core.errors import NotFound
from rabta.core.permissions import get_visible_or_404
from rabta.customs.choices import Outcome
from rabta.customs.models import Declaration
from rabta.risk.choices import DecisionSource
from rabta.risk.models import LaneDecision, RiskModel, RiskRule, RuleBacktestRecord, WatchList
from rabta.risk.permissions import RiskAction, require


def rule_list(*, user: Actor) -> QuerySet[RiskRule]:
    return RiskRule.objects.visible_to(user).select_related("author").order_by("-pk")


def rule_get(*, user: Actor, pk: int) -> RiskRule:
    return get_visible_or_404(RiskRule.objects.all(), user, pk=pk)


def watchlist_list(*, user: Actor) -> QuerySet[WatchList]:
    return WatchList.objects.visible_to(user).order_by("name")


def model_list(*, user: Actor) -> QuerySet[RiskModel]:
    return RiskModel.objects.visible_to(user).order_by("-version")


def model_get(*, user: Actor, version: int) -> RiskModel:
    return get_visible_or_404(RiskModel.objects.all(), user, version=version)


def decision_as_dict(decision: LaneDecision) -> dict[str, Any]:
    return {
        "lane": decision.lane,
        "source": decision.source,
        "decided_at": decision.decided_at,
        "rules_hit": decision.rules_hit,
        "model_version": decision.model_version,
        "model_score": decision.model_score,
        "model_outcome": decision.model_outcome,
        "model_error": decision.model_error,
        "missing_features": decision.missing_features,
        "random_selected": decision.random_selected,
        "exploration": decision.exploration,
        "top_up": decision.top_up,
        "value_findings": decision.value_findings,
        "reason": decision.reason,
    }


def lane_decision_latest(*, user: Actor, declaration: Declaration) -> dict[str, Any] | None:
    """The declaration's latest lane decision with its reasons, for readers who may know them
    (customs staff and risk analysts; never the trader): ``None`` for everyone else."""
    decision = (
        LaneDecision.objects.visible_to(user).filter(declaration=declaration).order_by("-decided_at", "-pk").first()
    )
    return decision_as_dict(decision) if decision is not None else None


def lane_decisions(*, user: Actor, number: str) -> list[dict[str, Any]]:
    """Every lane decision of one declaration, newest first. 404 when the reader may not see the
    declaration or may not read selection reasons."""
    declaration = get_visible_or_404(Declaration.objects.all(), user, number=number)
    visible = LaneDecision.objects.visible_to(user)
    if not visible.exists():
        raise NotFound()
    return [decision_as_dict(d) for d in visible.filter(declaration=declaration).order_by("-decided_at", "-pk")]


def selection_slices(*, user: Actor, since: date | None = None) -> dict[str, dict[str, Any]]:
    """Hit rates of the inspected declarations by the slice that selected them: the exploration slice
    (random, so its hit rate estimates non-compliance without the model's bias), the model, rules,
    random quality control and top-ups. A model slice far above the exploration slice is the model
    earning its keep; one that falls towards it signals drift. One grouped query."""
    require(user, RiskAction.READ_STATISTICS)
    decisions = LaneDecision.objects.exclude(source=DecisionSource.OFFICER)
    if since is not None:
        decisions = decisions.filter(decided_at__date__gte=since)
    examined = Q(declaration__examination__isnull=False)
    hit = examined & ~Q(declaration__examination__outcome=Outcome.NO_DISCREPANCY)
    slices: dict[str, dict[str, Any]] = {}
    rows = (
        decisions.values("source", "exploration")
        .annotate(decided=Count("pk"), examined=Count("pk", filter=examined), hits=Count("pk", filter=hit))
        .order_by()
    )
    for row in rows:
        name = "exploration" if row["exploration"] else row["source"]
        entry = slices.setdefault(name, {"decided": 0, "examined": 0, "hits": 0})
        for key in ("decided", "examined", "hits"):
            entry[key] += row[key]
    for entry in slices.values():
        entry["hit_rate"] = entry["hits"] / entry["examined"] if entry["examined"] else None
    return slices


# --- the risk pages (issue 10) ----------------------------------------------------------------------

RULE_HITS_DAYS = 90


def watchlist_get(*, user: Actor, pk: int) -> WatchList:
    return get_visible_or_404(WatchList.objects.all(), user, pk=pk)


def rule_backtests(*, user: Actor, rule: RiskRule) -> QuerySet[RuleBacktestRecord]:
    """A rule's back-tests on record, newest first."""
    return (
        RuleBacktestRecord.objects.visible_to(user).filter(rule=rule).select_related("actor").order_by("-ran_at", "-pk")
    )


def rule_tallies(decisions: QuerySet[LaneDecision], *, rules: set[int] | None = None) -> dict[int, dict[str, Any]]:
    """Per rule (only ``rules`` when given), over ``decisions``: the declarations it matched, how
    many it selected, how many of those were examined, how many had a discrepancy and the extra
    duty those raised. Read from each decision's ``rules_hit``; a rule that failed is not counted."""
    figures: dict[int, dict[str, Any]] = {}
    rows = (
        decisions.exclude(rules_hit=[])
        .values_list("rules_hit", "declaration__examination__outcome", "declaration__examination__extra_duty")
        .iterator(chunk_size=2000)
    )
    for rules_hit, outcome, extra in rows:
        for entry in rules_hit or []:
            if "rule" not in entry or entry.get("error"):
                continue
            pk = int(entry["rule"])
            if rules is not None and pk not in rules:
                continue
            row = figures.setdefault(
                pk, {"matched": 0, "selected": 0, "examined": 0, "hits": 0, "extra_duty": Decimal(0)}
            )
            row["matched"] += 1
            if entry.get("selected"):
                row["selected"] += 1
                if outcome is not None:
                    row["examined"] += 1
                    if outcome != Outcome.NO_DISCREPANCY:
                        row["hits"] += 1
                        row["extra_duty"] += extra or Decimal(0)
    return figures


def rule_hits(*, user: Actor, rules: list[int], days: int = RULE_HITS_DAYS) -> dict[int, dict[str, int]]:
    """For each of ``rules``, over the last ``days`` days of lane decisions: how many declarations it
    matched, how many it selected, how many of those were examined and how many had a discrepancy."""
    if not rules:
        return {}
    since = timezone.localdate() - timedelta(days=days - 1)
    decisions = LaneDecision.objects.visible_to(user).filter(decided_at__date__gte=since)
    return {
        pk: {name: value for name, value in row.items() if name != "extra_duty"}
        for pk, row in rule_tallies(decisions, rules=set(rules)).items()
    }
