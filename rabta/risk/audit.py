"""Post-clearance audit selection: released declarations ranked for audit, each with its reasons.

The score is in [0, 1], a weighted mean of what is known of the declaration:

* **value** (weight 0.5): its value check's worst finding: far below its band 1.0, below 0.6, above
  0.2 (over-valuation moves money abroad or inflates a refund; it is a weaker audit lead), else 0;
* **history** (0.3): the importer's discrepancy rate over its *other* examined declarations,
  smoothed towards ``HISTORY_PRIOR`` with ``HISTORY_STRENGTH`` pseudo-examinations, so that one
  discrepancy in one examination is not a rate of 100 %;
* **model** (0.2), when a model score source is registered (:func:`model_score_source`; lane
  selection's learned model can register its fraud probability); without one the other two weights
  are rescaled, and the reasons say the model was not used.

Ties are broken by the rupees by which the items fall short of their bands (revenue at stake). The
list is refreshed by a job (``rabta risk value-audit --refresh``) into ``AuditCandidate`` rows, so
the analysts' page is an indexed ``ORDER BY`` whatever the number of released declarations.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from rabta.accounts.types import Actor, is_signed_in
from rabta.core.events import event_record
from rabta.customs.choices import Outcome, Status
from rabta.customs.models import Declaration, Examination
from rabta.risk import permissions_valuation as permissions
from rabta.risk.models_valuation import AuditCandidate, ValueCheck, ValueControlRun
from rabta.risk.selectors_outside import outside_findings_of
from rabta.risk.valuation import value_findings, worst_finding
from rabta.risk.vocab_valuation import OUTSIDE_AS_BAND, Finding, RunKind, ValuationEvent

VALUE_POINTS: dict[str, float] = {Finding.FAR_BELOW: 1.0, Finding.BELOW: 0.6, Finding.ABOVE: 0.2}
WEIGHT_VALUE = 0.5
WEIGHT_HISTORY = 0.3
WEIGHT_MODEL = 0.2
HISTORY_PRIOR = 0.1
HISTORY_STRENGTH = 5.0
BATCH = 1000

ModelScoreSource = Callable[[Sequence[int]], dict[int, float]]
_MODEL_SOURCES: list[ModelScoreSource] = []


def model_score_source(source: ModelScoreSource) -> ModelScoreSource:
    """Register ``source(declaration_ids) -> {id: probability in [0, 1]}`` (use as a decorator)."""
    if source not in _MODEL_SOURCES:
        _MODEL_SOURCES.append(source)
    return source


def _model_scores(ids: Sequence[int]) -> dict[int, float]:
    scores: dict[int, float] = {}
    for source in _MODEL_SOURCES:
        for pk, score in source(ids).items():
            scores[pk] = max(scores.get(pk, 0.0), min(1.0, max(0.0, float(score))))
    return scores


@dataclass(frozen=True)
class History:
    examined: int
    discrepancies: int

    def without(self, own: Examination | None) -> History:
        if own is None:
            return self
        return History(self.examined - 1, self.discrepancies - (own.outcome != Outcome.NO_DISCREPANCY))

    @property
    def rate(self) -> float:
        return (self.discrepancies + HISTORY_PRIOR * HISTORY_STRENGTH) / (self.examined + HISTORY_STRENGTH)


def _histories(importer_ids: Iterable[int]) -> dict[int, History]:
    rows = (
        Examination.objects.filter(declaration__importer_id__in=set(importer_ids))
        .values("declaration__importer_id")
        .annotate(examined=Count("pk"), discrepancies=Count("pk", filter=~Q(outcome=Outcome.NO_DISCREPANCY)))
    )
    return {row["declaration__importer_id"]: History(row["examined"], row["discrepancies"]) for row in rows}


@dataclass
class Scored:
    score: float
    value_component: float
    history_component: float
    model_component: float | None
    shortfall: Decimal
    reasons: list[dict[str, Any]]


def audit_score(
    *,
    finding: str,
    shortfall: Decimal,
    flagged_items: Sequence[dict[str, Any]],
    history: History,
    model: float | None,
    outside: Sequence[dict[str, Any]] = (),
) -> Scored:
    """The score and reasons of one released declaration (pure: the tests and the refresh share it).
    An outside finding (a mirror check) weighs like the band finding it resembles
    (``OUTSIDE_AS_BAND``); the value component is the heavier of the two."""
    value = max(
        [VALUE_POINTS.get(finding, 0.0)]
        + [VALUE_POINTS.get(OUTSIDE_AS_BAND.get(found["finding"], ""), 0.0) for found in outside]
    )
    rate = history.rate
    weights = WEIGHT_VALUE + WEIGHT_HISTORY + (WEIGHT_MODEL if model is not None else 0.0)
    score = (
        WEIGHT_VALUE * value + WEIGHT_HISTORY * rate + (WEIGHT_MODEL * model if model is not None else 0.0)
    ) / weights
    reasons: list[dict[str, Any]] = []
    for item in flagged_items:
        reasons.append(
            {
                "code": f"value_{item['finding']}",
                "weight": round(WEIGHT_VALUE * VALUE_POINTS.get(item["finding"], 0.0) / weights, 4),
                "text": _("Item %(n)s: %(reason)s") % {"n": item["item_number"], "reason": item["reason"]},
            }
        )
    for found in outside:
        points = VALUE_POINTS.get(OUTSIDE_AS_BAND.get(found["finding"], ""), 0.0)
        reasons.append(
            {
                "code": f"outside_{found['finding']}",
                "weight": round(WEIGHT_VALUE * points / weights, 4),
                "text": found["reason"],
            }
        )
    if history.examined > 0:
        reasons.append(
            {
                "code": "importer_discrepancy_history",
                "weight": round(WEIGHT_HISTORY * rate / weights, 4),
                "text": _(
                    "The importer had a discrepancy in %(d)d of %(n)d other examined declarations "
                    "(smoothed rate %(rate).1f%%)."
                )
                % {"d": history.discrepancies, "n": history.examined, "rate": 100 * rate},
            }
        )
    else:
        reasons.append(
            {
                "code": "importer_no_history",
                "weight": round(WEIGHT_HISTORY * rate / weights, 4),
                "text": _("The importer has no other examined declaration: the prior rate of %(rate).1f%% is used.")
                % {"rate": 100 * rate},
            }
        )
    if model is not None:
        reasons.append(
            {
                "code": "model_score",
                "weight": round(WEIGHT_MODEL * model / weights, 4),
                "text": _("The learned model's fraud probability is %(p).3f.") % {"p": model},
            }
        )
    return Scored(
        score=min(1.0, max(0.0, score)),
        value_component=value,
        history_component=rate,
        model_component=model,
        shortfall=shortfall,
        reasons=reasons,
    )


def _value_of(declaration: Declaration, stored: ValueCheck | None) -> tuple[str, Decimal, list[dict[str, Any]]]:
    if stored is not None:
        items = stored.items
        return stored.finding, stored.shortfall, [item for item in items if item["finding"] in VALUE_POINTS]
    checks = value_findings(declaration)
    shortfall = Decimal(str(round(sum(check.shortfall_pkr for check in checks), 2)))
    return worst_finding(checks), shortfall, [check.as_dict() for check in checks if check.flagged]


@transaction.atomic
def audit_candidates_refresh(*, actor: Actor, released_since: date | None = None) -> ValueControlRun:
    """Rank every released declaration (declared on or after ``released_since``, when given) again
    and replace the stored list; one run row and one event."""
    permissions.require_rebuild_bands(actor)
    released = Declaration.objects.filter(status=Status.RELEASED)
    if released_since is not None:
        released = released.filter(declared_on__gte=released_since)
    run = ValueControlRun.objects.create(
        kind=RunKind.AUDIT,
        window_start=released_since,
        parameters={
            "weights": {"value": WEIGHT_VALUE, "history": WEIGHT_HISTORY, "model": WEIGHT_MODEL},
            "history_prior": HISTORY_PRIOR,
            "history_strength": HISTORY_STRENGTH,
            "model_sources": len(_MODEL_SOURCES),
        },
        requested_by=actor if is_signed_in(actor) else None,
    )
    AuditCandidate.objects.all().delete()
    ranked = 0
    batch: list[Declaration] = []

    def flush(declarations: list[Declaration]) -> int:
        ids = [declaration.pk for declaration in declarations]
        checks = {check.declaration_id: check for check in ValueCheck.objects.filter(declaration_id__in=ids)}
        histories = _histories(declaration.importer_id for declaration in declarations)
        models = _model_scores(ids)
        outside = outside_findings_of(ids)
        rows = []
        for declaration in declarations:
            finding, shortfall, flagged = _value_of(declaration, checks.get(declaration.pk))
            own = getattr(declaration, "examination", None)
            history = histories.get(declaration.importer_id, History(0, 0)).without(own)
            scored = audit_score(
                finding=finding,
                shortfall=shortfall,
                flagged_items=flagged,
                history=history,
                model=models.get(declaration.pk),
                outside=outside.get(declaration.pk, ()),
            )
            rows.append(
                AuditCandidate(
                    declaration=declaration,
                    run=run,
                    score=scored.score,
                    value_component=scored.value_component,
                    history_component=scored.history_component,
                    model_component=scored.model_component,
                    shortfall=scored.shortfall,
                    reasons=scored.reasons,
                )
            )
        AuditCandidate.objects.bulk_create(rows, batch_size=BATCH)
        return len(rows)

    queryset = released.select_related("examination").prefetch_related("items").order_by("pk")
    for declaration in queryset.iterator(chunk_size=BATCH):
        batch.append(declaration)
        if len(batch) >= BATCH:
            ranked += flush(batch)
            batch = []
    if batch:
        ranked += flush(batch)
    run.counts = {"ranked": ranked, "model_scored": bool(_MODEL_SOURCES)}
    run.save(update_fields=["counts"])
    event_record(kind=ValuationEvent.AUDIT_REFRESHED, subject=run, actor=actor, data=run.counts)
    return run


def audit_candidates(*, user: Actor) -> QuerySet[AuditCandidate]:
    """The audit list the user may read (403 unless a risk analyst or customs manager), highest score
    first, in the user's scope of declarations (a customs manager: their collectorates)."""
    permissions.require_read_audit_list(user)
    # None is the system (``rabta risk value-audit``), which reads every row.
    candidates = AuditCandidate.objects.all() if user is None else AuditCandidate.objects.visible_to(user)
    return candidates.select_related("declaration", "declaration__importer", "declaration__collectorate").order_by(
        "-score", "-shortfall", "declaration_id"
    )
