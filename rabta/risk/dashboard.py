"""The risk dashboard's figures (issue 10): lane mix and hit rates per lane, per selecting source
and per rule; revenue raised by examinations (extra duty); and the drift signals: the exploration
slice's hit rate against the model's, and the population stability index (PSI) of the active
model's recent scores against its scores over its own training window.

Every figure is over the lane decisions of the last ``days`` days (officer re-routes are counted
apart: they are not the engine's selection). A decision's hit is its declaration's examination with
a discrepancy. The training-window reference of the PSI is the active model scoring up to
``PSI_SAMPLE`` declarations of its window, once per model (kept in the shared cache).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Prefetch, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from rabta.accounts.types import Actor
from rabta.customs.choices import Outcome
from rabta.customs.models import Declaration, DeclarationItem
from rabta.risk.choices import DecisionSource, ModelStatus
from rabta.risk.models import LaneDecision, RiskModel, RiskRule
from rabta.risk.permissions import RiskAction, require
from rabta.risk.scoring import scorer_for
from rabta.risk.selectors import rule_tallies, selection_slices

WINDOWS = (7, 30, 90, 365)
DEFAULT_DAYS = 30
PSI_BINS = 10
PSI_SAMPLE = 500
PSI_FLOOR = 1e-4  # an empty bin's share, so that the logarithm is finite
# The usual reading of a PSI: below 0.1 stable, 0.1 to 0.25 a shift to watch, above 0.25 a shift.
PSI_WATCH, PSI_SHIFT = 0.1, 0.25


@dataclass(frozen=True)
class Window:
    days: int
    since: date

    @classmethod
    def of(cls, raw: str | None) -> Window:
        try:
            days = int(raw or DEFAULT_DAYS)
        except ValueError:
            days = DEFAULT_DAYS
        if days not in WINDOWS:
            days = DEFAULT_DAYS
        return cls(days, timezone.localdate() - timedelta(days=days - 1))


def _rate(hits: int, examined: int) -> float | None:
    return hits / examined if examined else None


def histogram(scores: Sequence[float]) -> list[int]:
    """Counts of ``scores`` (0 to 1) in ``PSI_BINS`` equal bins; 1.0 falls in the last."""
    counts = [0] * PSI_BINS
    for score in scores:
        counts[min(PSI_BINS - 1, max(0, int(float(score) * PSI_BINS)))] += 1
    return counts


def psi(reference: Sequence[int], recent: Sequence[int]) -> float | None:
    """The population stability index of two histograms over the same bins: sum over the bins of
    (recent share - reference share) * ln(recent share / reference share). ``None`` when either is empty."""
    total_ref, total_new = sum(reference), sum(recent)
    if not total_ref or not total_new:
        return None
    value = 0.0
    for ref, new in zip(reference, recent, strict=True):
        p = max(ref / total_ref, PSI_FLOOR)
        q = max(new / total_new, PSI_FLOOR)
        value += (q - p) * math.log(q / p)
    return value


def training_reference(model: RiskModel) -> list[int] | None:
    """The active model's score histogram over its training window (up to ``PSI_SAMPLE``
    declarations spread over it), computed once per model and artefact hash; ``None`` when the
    window holds no declaration here or the model cannot score."""
    key = f"rabta:risk:psi-reference:{model.pk}:{model.sha256}"
    stored = cache.get(key)
    if stored is not None:
        return list(stored) if stored else None
    ids = list(
        Declaration.objects.filter(declared_on__gte=model.window_start, declared_on__lte=model.window_end)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    step = max(1, len(ids) // PSI_SAMPLE)
    chosen = ids[::step][:PSI_SAMPLE]
    counts: list[int] = []
    if chosen:
        try:
            scorer = scorer_for(model)
            declarations = (
                Declaration.objects.filter(pk__in=chosen)
                .select_related("collectorate", "station", "importer", "declarant", "seller")
                .prefetch_related(Prefetch("items", queryset=DeclarationItem.objects.order_by("item_number")))
            )
            counts = histogram([scorer.score_declaration(d, list(d.items.all())).score for d in declarations])
        except Exception:  # a model that cannot score has no reference; lanes record why
            counts = []
    cache.set(key, counts, timeout=24 * 3600)
    return counts or None


def risk_dashboard(*, user: Actor, window: Window) -> dict[str, Any]:
    """Every panel of the risk dashboard for ``window`` (403 unless a risk analyst)."""
    require(user, RiskAction.READ_STATISTICS)
    decisions = LaneDecision.objects.filter(decided_at__date__gte=window.since)
    engine = decisions.exclude(source=DecisionSource.OFFICER)
    examined = Q(declaration__examination__isnull=False)
    hit = examined & ~Q(declaration__examination__outcome=Outcome.NO_DISCREPANCY)
    lane_rows = (
        engine.values("lane")
        .annotate(
            decided=Count("pk"),
            examined=Count("pk", filter=examined),
            hits=Count("pk", filter=hit),
            extra_duty=Sum("declaration__examination__extra_duty"),
        )
        .order_by("lane")
    )
    total = sum(row["decided"] for row in lane_rows)
    lanes = [
        {
            "lane": row["lane"],
            "decided": row["decided"],
            "share": row["decided"] / total if total else None,
            "examined": row["examined"],
            "hits": row["hits"],
            "hit_rate": _rate(row["hits"], row["examined"]),
            "extra_duty": float(row["extra_duty"] or 0),
        }
        for row in lane_rows
    ]
    slices = selection_slices(user=user, since=window.since)
    sources = [{"source": name, **figures, "label": _source_label(name)} for name, figures in sorted(slices.items())]
    # Per rule: the rules each decision matched (rules_hit), whether each selected, and the outcome.
    per_rule = rule_tallies(engine)
    names = dict(RiskRule.objects.filter(pk__in=per_rule).values_list("pk", "name"))
    rules = sorted(
        (
            {
                "rule": pk,
                "name": names.get(pk, f"#{pk}"),
                **{**figures, "extra_duty": float(figures["extra_duty"])},
                "hit_rate": _rate(figures["hits"], figures["examined"]),
            }
            for pk, figures in per_rule.items()
        ),
        key=lambda row: (-row["selected"], row["rule"]),
    )
    revenue = engine.filter(hit).aggregate(total=Sum("declaration__examination__extra_duty"))["total"]
    rerouted = decisions.filter(source=DecisionSource.OFFICER).count()
    return {
        "window": window.days,
        "totals": {
            "decided": total,
            "examined": sum(row["examined"] for row in lanes),
            "hits": sum(row["hits"] for row in lanes),
            "extra_duty": float(revenue or 0),
            "rerouted": rerouted,
        },
        "lanes": lanes,
        "sources": sources,
        "rules": rules,
        "drift": _drift(engine, slices),
    }


def _source_label(name: str) -> str:
    if name == "exploration":
        return _("Exploration sample")
    return str(DecisionSource(name).label) if name in DecisionSource.values else name


def _drift(engine: Any, slices: dict[str, dict[str, Any]]) -> dict[str, Any]:
    model = RiskModel.objects.filter(status=ModelStatus.ACTIVE).first()
    exploration = slices.get("exploration", {}).get("hit_rate")
    by_model = slices.get("model", {}).get("hit_rate")
    drift: dict[str, Any] = {
        "exploration_hit_rate": exploration,
        "model_hit_rate": by_model,
        # How many times the exploration slice's rate the model's is (lift); near 1 is drift.
        "lift": by_model / exploration if by_model is not None and exploration else None,
        "model_version": model.version if model else None,
        "window_start": model.window_start.isoformat() if model else None,
        "window_end": model.window_end.isoformat() if model else None,
        "psi": None,
        "psi_level": "",
        "bins": [],
    }
    if model is None:
        return drift
    recent = histogram(
        list(engine.filter(model_id=model.pk, model_score__isnull=False).values_list("model_score", flat=True))
    )
    reference = training_reference(model)
    value = psi(reference, recent) if reference else None
    drift["psi"] = value
    drift["psi_level"] = (
        "" if value is None else "stable" if value < PSI_WATCH else "watch" if value < PSI_SHIFT else "shift"
    )
    ref_total, new_total = sum(reference or []), sum(recent)
    drift["bins"] = [
        {
            "bin": f"{i / PSI_BINS:.1f}–{(i + 1) / PSI_BINS:.1f}",
            "training": (reference[i] / ref_total) if reference and ref_total else None,
            "recent": (recent[i] / new_total) if new_total else None,
        }
        for i in range(PSI_BINS)
    ]
    return drift
