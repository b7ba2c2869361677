"""Lane selection (issue 10), called by ``rabta.customs.services.declarations.lane_assign``.

The ASYCUDA selectivity order: officer rules, then the learned model, then random selection at the
configured minimum rate of the office and regime (plus the exploration share of inspections), then
expected-rate top-ups taken from would-be-green declarations. A declaration gets the default lane
only after all four passed it by. When several select it, the most severe lane wins
(``RABTA_RISK_LANE_SEVERITY``). Every decision is a :class:`LaneDecision` row with its reasons.

A model that cannot score (no file, altered file, an exception) never blocks clearance: the decision
is made by rules and random selection and says why the model was left out.

Randomness comes from :data:`RANDOM`, unpredictable in production (``SystemRandom``: a trader must not
be able to foresee a selection); tests install a seeded one with :func:`random_source`.
"""

from __future__ import annotations

import math
import random
import threading
import time as clock
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, Protocol, cast

import structlog
from django.conf import settings
from django.db import connection
from django.db.models import Field, Model, Q
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from rabta.accounts.types import Actor
from rabta.customs.models import ITEM_DATA_FIELDS, Declaration, DeclarationItem
from rabta.risk import expressions, valuation
from rabta.risk.choices import DecisionSource, ModelOutcome, ModelStatus, ProfileKey, RuleStatus, WatchListKind
from rabta.risk.models import LaneDecision, RiskModel, RiskProfile, RiskRule, WatchList
from rabta.risk.models_agency import Agency, AgencyRule
from rabta.risk.models_valuation import ValueBand, ValueControlRun
from rabta.risk.scoring import ArtefactError, ModelScorer, active_model, scorer_for
from rabta.risk.vocab_valuation import Finding

log = structlog.get_logger(__name__)
PRIOR_WEIGHT = 10.0  # a profile of few examinations is pulled towards the overall hit rate


class RandomSource(Protocol):
    def random(self) -> float: ...


RANDOM: RandomSource = random.SystemRandom()
_random_lock = threading.Lock()


@contextmanager
def random_source(rng: RandomSource) -> Iterator[None]:
    """Use ``rng`` for every draw inside the block (tests: ``random.Random(seed)``)."""
    global RANDOM
    with _random_lock:
        previous, RANDOM = RANDOM, rng
    try:
        yield
    finally:
        with _random_lock:
            RANDOM = previous


# --- the facts a rule reads --------------------------------------------------------------------------


def _num(value: Decimal | float | None) -> float | None:
    return None if value is None else float(value)


def declaration_facts(declaration: Declaration, items: Sequence[DeclarationItem]) -> list[dict[str, Any]]:
    """One mapping per item (declaration fields and the item's), with each profile key's value under
    ``@<key>``. Values in rupees."""
    rate = float(declaration.exchange_rate)
    total = sum(float(item.customs_value) for item in items) * rate
    base: dict[str, Any] = {
        "regime": declaration.regime,
        "office": declaration.collectorate.code,
        "station": declaration.station.code if declaration.station_id and declaration.station else "",
        "transport_mode": declaration.transport_mode,
        "declaration_type": declaration.declaration_type,
        "currency": declaration.currency,
        "importer": declaration.importer.identifier_hash if declaration.importer_id else None,
        "declarant": declaration.declarant.identifier_hash
        if declaration.declarant_id and declaration.declarant
        else None,
        "seller": declaration.seller.identifier_hash if declaration.seller_id and declaration.seller else None,
        "seller_country": declaration.seller.country if declaration.seller_id and declaration.seller else "",
        "item_count": len(items),
        "total_value": total,
        "month": declaration.declared_on.month,
        "@importer": str(declaration.importer_id or ""),
        "@declarant": str(declaration.declarant_id or ""),
        "@office": declaration.collectorate.code,
        "@declarant+importer": f"{declaration.declarant_id or ''}|{declaration.importer_id or ''}",
        "@all": "",
    }
    rows = []
    for item in items:
        value = float(item.customs_value) * rate
        mass = _num(item.net_mass_kg) or 0.0
        quantity = _num(item.quantity) or 0.0
        hs6 = (item.tariff_code or "")[:6]
        taxes = float(item.duty_assessed + item.taxes_assessed) * rate
        rows.append(
            {
                **base,
                "code": item.tariff_code,
                "hs2": hs6[:2],
                "hs4": hs6[:4],
                "hs6": hs6,
                "description": item.description,
                "origin": item.origin_country,
                "departure": item.departure_country,
                "unit": item.unit,
                "quantity": quantity,
                "net_mass": mass,
                "value": value,
                "value_per_kg": value / mass if mass > 0 else None,
                "value_per_unit": value / quantity if quantity > 0 else None,
                "duty_rate": taxes / value if value > 0 else None,
                "@code": hs6,
                "@origin": item.origin_country,
                "@importer+code": f"{declaration.importer_id or ''}|{hs6}",
                "@code+origin": f"{hs6}|{item.origin_country}",
            }
        )
    return rows or [base]


class DecisionEnvironment:
    """Watch lists and profiles, fetched once per decision (or back-test) for what the rules name."""

    def __init__(
        self, *, watchlists: dict[str, expressions.WatchSet], profiles: dict[tuple[str, str], tuple[int, int]]
    ):
        self.watchlists = watchlists
        self.profiles = profiles
        examined, hits = profiles.get((ProfileKey.ALL, ""), (0, 0))
        self.prior = hits / examined if examined else 0.0

    def watchlist(self, name: str) -> expressions.WatchSet:
        return self.watchlists.get(name, expressions.WatchSet(frozenset()))

    def profile(self, key: str, value: str) -> tuple[float, int]:
        examined, hits = self.profiles.get((key, value), (0, 0))
        return (hits + PRIOR_WEIGHT * self.prior) / (examined + PRIOR_WEIGHT), examined


def watch_sets(names: set[str]) -> dict[str, expressions.WatchSet]:
    if not names:
        return {}
    return {
        w.name: expressions.WatchSet(frozenset(str(e) for e in w.entries), prefix=w.kind == WatchListKind.CODE)
        for w in WatchList.objects.filter(name__in=sorted(names))
    }


def profile_counts(keys: set[str], facts: list[dict[str, Any]]) -> dict[tuple[str, str], tuple[int, int]]:
    if not keys:
        return {}
    wanted = Q(key=ProfileKey.ALL, value="")
    for key in keys:
        values = sorted({str(row.get(f"@{key}", "")) for row in facts})
        wanted |= Q(key=key, value__in=values)
    return {(p.key, p.value): (p.examined, p.hits) for p in RiskProfile.objects.filter(wanted)}


# --- rules in force ----------------------------------------------------------------------------------

_compiled: dict[tuple[int, str], expressions.Condition] = {}


def compiled(rule: RiskRule) -> expressions.Condition:
    key = (rule.pk, rule.condition)
    condition = _compiled.get(key)
    if condition is None:
        condition = expressions.parse(rule.condition)
        if len(_compiled) > 10_000:
            _compiled.clear()
        _compiled[key] = condition
    return condition


def rules_in_force(on: date) -> list[RiskRule]:
    return list(
        RiskRule.objects.filter(status=RuleStatus.ACTIVE, valid_from__lte=on)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on))
        .order_by("pk")
    )


@dataclass(frozen=True)
class ActiveRule:
    """An active rule as a decision reads it: its condition compiled (``None``: it no longer parses)."""

    pk: int
    name: str
    lane: str
    percentage: Decimal
    valid_from: date
    valid_until: date | None
    condition: expressions.Condition | None

    @classmethod
    def of(cls, rule: RiskRule) -> ActiveRule:
        try:
            condition: expressions.Condition | None = compiled(rule)
        except expressions.RuleSyntaxError:  # saved before a field was renamed: reported, never fatal
            condition = None
        return cls(rule.pk, rule.name, rule.lane, rule.percentage, rule.valid_from, rule.valid_until, condition)

    def in_force(self, on: date) -> bool:
        return self.valid_from <= on and (self.valid_until is None or self.valid_until >= on)


# --- what a decision reads besides the declaration, kept in process -----------------------------------

# Above these sizes a table is read per decision (one query each) instead of being kept in memory.
PROFILES_KEPT_MAX = 50_000
BANDS_KEPT_MAX = 20_000
MODEL_RETRY_SECONDS = 10.0  # a model file that would not load is tried again after this long


@dataclass
class RiskState:
    """The active rules (compiled), the watch lists they name, the risk profiles and value bands
    (``None``: read per decision) and the active model with its loaded scorer (or why it would not
    load). :func:`risk_state` keeps one per process; :meth:`read` builds one for a single decision
    straight from the database, as lane selection did before it was cached."""

    rules: list[ActiveRule]
    watchlists: dict[str, expressions.WatchSet]
    profiles: dict[tuple[str, str], tuple[int, int]] | None = None
    bands: valuation.BandIndex | None = None
    model: RiskModel | None = None
    scorer: ModelScorer | None = None
    model_error: str = ""
    model_tried_at: float = 0.0
    # The border agencies' prefixes and rules (rabta.risk.services.agencies); None: read per decision.
    agencies: agencies.AgencyIndex | None = None

    def rules_on(self, day: date) -> list[ActiveRule]:
        return [rule for rule in self.rules if rule.in_force(day)]

    def environment(self, rules: Sequence[ActiveRule], facts: list[dict[str, Any]]) -> DecisionEnvironment:
        keys = {k for r in rules if r.condition for k in r.condition.profiles}
        if not keys:
            return DecisionEnvironment(watchlists=self.watchlists, profiles={})
        profiles = self.profiles if self.profiles is not None else profile_counts(keys, facts)
        return DecisionEnvironment(watchlists=self.watchlists, profiles=profiles)

    @classmethod
    def read(cls, on: date) -> RiskState:
        """Uncached: the rules in force on ``on``, their watch lists and the active model, read now;
        profiles and bands are read by the decision for its own declaration."""
        rules = [ActiveRule.of(rule) for rule in rules_in_force(on)]
        names = {n for r in rules if r.condition for n in r.condition.watchlists}
        return cls(rules=rules, watchlists=watch_sets(names), model=active_model(), agencies=agencies.agency_index())

    @classmethod
    def load(cls) -> RiskState:
        """Every active rule (a decision picks those in force on its date), their watch lists, the
        profiles and bands when small enough, and the active model loaded and verified."""
        rules = [ActiveRule.of(rule) for rule in RiskRule.objects.filter(status=RuleStatus.ACTIVE).order_by("pk")]
        names = {n for r in rules if r.condition for n in r.condition.watchlists}
        profile_rows = list(
            RiskProfile.objects.order_by("pk").values_list("key", "value", "examined", "hits")[: PROFILES_KEPT_MAX + 1]
        )
        state = cls(
            rules=rules,
            watchlists=watch_sets(names),
            profiles={(k, v): (n, h) for k, v, n, h in profile_rows}
            if len(profile_rows) <= PROFILES_KEPT_MAX
            else None,
            bands=valuation.bands_index(limit=BANDS_KEPT_MAX),
            model=active_model(),
            agencies=agencies.agency_index(),
        )
        state.model_load()
        return state

    def model_load(self) -> None:
        self.model_tried_at = _clock()
        if self.model is None:
            return
        try:
            self.scorer, self.model_error = scorer_for(self.model), ""
        except Exception as exc:  # recorded on every decision until it loads (never fatal)
            self.scorer, self.model_error = None, _fault(exc)


def _fault(exc: Exception) -> str:
    return (str(exc) if isinstance(exc, ArtefactError) else f"{type(exc).__name__}: {exc}")[:500]


def state_fingerprint() -> tuple[Any, ...]:
    """One cheap query whose answer changes whenever a rule, watch list, the active model, the
    value bands or the profiles change (counts, highest and lowest ids, last update times)."""
    q = connection.ops.quote_name
    rule, watch, model, band, profile, run, agency, agency_rule = (
        q(m._meta.db_table)
        for m in (RiskRule, WatchList, RiskModel, ValueBand, RiskProfile, ValueControlRun, Agency, AgencyRule)
    )
    sql = (
        f"SELECT (SELECT COUNT(*) FROM {rule}), (SELECT MAX(id) FROM {rule}), (SELECT MAX(updated_at) FROM {rule}), "  # noqa: S608 - the models' own table names; every value a parameter
        f"(SELECT COUNT(*) FROM {watch}), (SELECT MAX(id) FROM {watch}), (SELECT MAX(updated_at) FROM {watch}), "
        f"(SELECT MAX(id) FROM {model} WHERE status = %s), (SELECT MAX(sha256) FROM {model} WHERE status = %s), "
        f"(SELECT MIN(id) FROM {band}), (SELECT MAX(id) FROM {band}), (SELECT MAX(id) FROM {run}), "
        f"(SELECT MIN(id) FROM {profile}), (SELECT MAX(id) FROM {profile}), "
        f"(SELECT COUNT(*) FROM {agency}), (SELECT MAX(updated_at) FROM {agency}), "
        f"(SELECT COUNT(*) FROM {agency_rule}), (SELECT MAX(id) FROM {agency_rule}), "
        f"(SELECT MAX(updated_at) FROM {agency_rule})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [ModelStatus.ACTIVE, ModelStatus.ACTIVE])
        row = cursor.fetchone()
    return tuple(row)


def _clock() -> float:
    return clock.monotonic()


class _StateCache:
    """One :class:`RiskState` per process. Its fingerprint (:func:`state_fingerprint`) is checked at
    most every ``RABTA_RISK_CACHE_SECONDS``, so a change another process commits is used within that
    time; a save in this process (signals below) makes the next decision check at once."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.state: RiskState | None = None
        self.fingerprint: tuple[Any, ...] | None = None
        self.checked_at = -math.inf
        self.loads = 0

    def get(self) -> RiskState:
        state = self.state
        if state is not None and _clock() - self.checked_at < settings.RABTA_RISK_CACHE_SECONDS:
            return state
        with self.lock:
            fingerprint = state_fingerprint()  # read first: a change during the load is seen next time
            if self.state is None or fingerprint != self.fingerprint:
                self.state, self.fingerprint = RiskState.load(), fingerprint
                self.loads += 1
            elif self.state.model_error and _clock() - self.state.model_tried_at > MODEL_RETRY_SECONDS:
                self.state.model_load()
            self.checked_at = _clock()
            return self.state

    def invalidate(self, **_kwargs: Any) -> None:
        self.checked_at = -math.inf

    def clear(self) -> None:
        with self.lock:
            self.state, self.fingerprint, self.checked_at = None, None, -math.inf


_state_cache = _StateCache()


def risk_state() -> RiskState:
    """This process's :class:`RiskState`, reloaded when the database says it changed."""
    return _state_cache.get()


# Not ValueBand or RiskProfile: a receiver would make their bulk deletes fetch every row; their
# rebuilds are seen through the fingerprint (and a band rebuild saves its run, which is below).
for _model in (RiskRule, WatchList, RiskModel, ValueControlRun, Agency, AgencyRule):
    post_save.connect(_state_cache.invalidate, sender=_model, dispatch_uid=f"risk-state-{_model.__name__}-save")
    post_delete.connect(_state_cache.invalidate, sender=_model, dispatch_uid=f"risk-state-{_model.__name__}-delete")


# --- the decision ------------------------------------------------------------------------------------


@dataclass
class Decision:
    lane: str
    source: DecisionSource
    rules_hit: list[dict[str, Any]] = field(default_factory=list)
    model_pk: int | None = None
    model_version: int | None = None
    model_score: float | None = None
    model_outcome: ModelOutcome = ModelOutcome.NO_MODEL
    model_error: str = ""
    missing_features: list[str] = field(default_factory=list)
    exploration: bool = False
    random_selected: bool = False
    top_up: bool = False
    value_findings: list[dict[str, Any]] = field(default_factory=list)
    reason: str = ""


def rates_for(office: str, regime: str) -> dict[str, tuple[float, float]]:
    """Lane -> (random %, expected %) for the office and regime; the most specific line wins."""
    found: dict[str, tuple[int, float, float]] = {}
    for line in settings.RABTA_RISK_RATES:
        if line.office not in ("*", office) or line.regime not in ("*", regime):
            continue
        specificity = (line.office != "*") * 2 + (line.regime != "*")
        if line.lane not in found or specificity >= found[line.lane][0]:
            found[line.lane] = (specificity, line.random_percent, line.expected_percent)
    return {lane: (r, e) for lane, (_s, r, e) in found.items()}


def _severity(lane: str) -> int:
    order = settings.RABTA_RISK_LANE_SEVERITY
    return order.index(lane) if lane in order else len(order)


def _inspects(lane: str) -> bool:
    return settings.RABTA_CUSTOMS_LANES.get(lane, "none") != "none"


def lane_counts_today(declaration: Declaration, now: datetime) -> tuple[int, dict[str, int]]:
    """Today's automatic decisions of the declaration's office and regime, per lane (one query,
    its SQL written once: the ORM's compilation cost more than the query)."""
    start = timezone.make_aware(datetime.combine(timezone.localtime(now).date(), time.min))
    with connection.cursor() as cursor:
        at = connection.ops.adapt_datetimefield_value(start)
        cursor.execute(_counts_sql(), [declaration.collectorate_id, declaration.regime, at, DecisionSource.OFFICER])
        counts: dict[str, int] = dict(cursor.fetchall())
    return sum(counts.values()), counts


def _counts_sql() -> str:
    q = connection.ops.quote_name
    table = q(LaneDecision._meta.db_table)
    return (
        f"SELECT {q('lane')}, COUNT(*) FROM {table} WHERE {q('office_id')} = %s AND {q('regime')} = %s "  # noqa: S608 - the model's own names; values are parameters
        f"AND {q('decided_at')} >= %s AND {q('source')} <> %s GROUP BY {q('lane')}"
    )


def lane_decide(
    *,
    declaration: Declaration,
    items: Sequence[DeclarationItem],
    rng: RandomSource | None = None,
    now: datetime | None = None,
    state: RiskState | None = None,
) -> Decision:
    """Decide ``declaration``'s lane without writing (``lane_select`` writes it). Needs the
    declaration with its collectorate, station and parties loaded, and its items. ``state`` is what
    the decision reads besides them (default: this process's cached :func:`risk_state`;
    ``RiskState.read(day)`` reads it afresh)."""
    rng = rng or RANDOM
    now = now or timezone.now()
    state = state or risk_state()
    default = settings.RABTA_CUSTOMS_DEFAULT_LANE
    candidates: list[tuple[str, DecisionSource]] = []
    reasons: list[str] = []
    decision = Decision(lane=default, source=DecisionSource.DEFAULT)

    # 1. Officer rules.
    facts = declaration_facts(declaration, items)
    rules = state.rules_on(declaration.declared_on)
    env = state.environment(rules, facts)
    for rule in rules:
        if rule.condition is None:
            decision.rules_hit.append({"rule": rule.pk, "name": rule.name, "error": "condition no longer parses"})
            continue
        try:
            matched = rule.condition.holds(facts, env)
        except (TypeError, ValueError, ArithmeticError) as exc:
            decision.rules_hit.append({"rule": rule.pk, "name": rule.name, "error": str(exc)[:200]})
            continue
        if not matched:
            continue
        draw = rng.random()
        selected = draw * 100 < float(rule.percentage)
        decision.rules_hit.append(
            {
                "rule": rule.pk,
                "name": rule.name,
                "lane": rule.lane,
                "percentage": float(rule.percentage),
                "selected": selected,
            }
        )
        if selected:
            candidates.append((rule.lane, DecisionSource.RULE))
            reasons.append(f"rule “{rule.name}” → {rule.lane}")
        else:
            reasons.append(f"rule “{rule.name}” matched, outside its {rule.percentage}% sample")

    # 1b. Value control: an item priced below its band goes to the under-invoicing lane.
    _value_control(declaration, items, state, decision, candidates, reasons)

    # 2. The learned model: never blocks; its failure is recorded.
    try:
        model = state.model
        if model is None:
            reasons.append("no active model")
        else:
            decision.model_pk, decision.model_version = model.pk, model.version
            if state.model_error:
                raise ArtefactError(state.model_error)
            scored = (state.scorer or scorer_for(model)).score_declaration(declaration, items)
            decision.model_outcome = ModelOutcome.SCORED
            decision.model_score = round(scored.score, 6)
            decision.missing_features = scored.missing
            model_lane = next(
                (lane for lane, threshold in settings.RABTA_RISK_MODEL_LANES if scored.score >= threshold), None
            )
            if model_lane:
                candidates.append((model_lane, DecisionSource.MODEL))
                reasons.append(f"model v{model.version} score {scored.score:.3f} → {model_lane}")
            else:
                reasons.append(f"model v{model.version} score {scored.score:.3f}")
            if scored.missing:
                reasons.append("scored without " + ", ".join(scored.missing))
    except Exception as exc:  # any model fault falls back to rules and random selection
        decision.model_outcome = ModelOutcome.FAILED
        decision.model_error = _fault(exc)
        reasons.append(f"model not used ({decision.model_error}); rules and random selection only")
        log.warning("risk.model_failed", declaration=declaration.pk, error=decision.model_error)

    # 3. Random selection: the minimum rate per lane, and the exploration share of inspections.
    rates = rates_for(declaration.collectorate.code, declaration.regime)
    for lane in settings.RABTA_RISK_LANE_SEVERITY:
        random_percent = rates.get(lane, (0.0, 0.0))[0]
        if rng.random() * 100 < random_percent and not decision.random_selected:
            decision.random_selected = True
            candidates.append((lane, DecisionSource.RANDOM))
            reasons.append(f"random selection → {lane}")
    inspection_share = sum(e for lane, (_r, e) in rates.items() if _inspects(lane)) / 100
    explore_lane = next((lane for lane in settings.RABTA_RISK_LANE_SEVERITY if _inspects(lane)), None)
    if explore_lane and rng.random() < settings.RABTA_RISK_EXPLORATION_SHARE * inspection_share:
        decision.exploration = True
        candidates.append((explore_lane, DecisionSource.RANDOM))
        reasons.append(f"exploration sample → {explore_lane}")

    if candidates:
        lane, source = min(candidates, key=lambda pair: _severity(pair[0]))
        decision.lane, decision.source = lane, source
    else:
        # 4. Expected-rate top-ups, from would-be-green declarations, most severe lane first.
        total, counts = lane_counts_today(declaration, now)
        for lane in settings.RABTA_RISK_LANE_SEVERITY:
            expected = rates.get(lane, (0.0, 0.0))[1]
            if lane != default and expected > 0 and counts.get(lane, 0) < math.floor(expected / 100 * (total + 1)):
                decision.lane, decision.source, decision.top_up = lane, DecisionSource.TOP_UP, True
                reasons.append(
                    f"expected-rate top-up → {lane} ({counts.get(lane, 0)} of {total} today, {expected}% expected)"
                )
                break
        else:
            reasons.append(f"not selected → {default}")
    decision.reason = "; ".join(reasons)[:2000]
    return decision


UNDER_INVOICED = frozenset({Finding.BELOW, Finding.FAR_BELOW})


def _value_control(
    declaration: Declaration,
    items: Sequence[DeclarationItem],
    state: RiskState,
    decision: Decision,
    candidates: list[tuple[str, DecisionSource]],
    reasons: list[str],
) -> None:
    """Each flagged item (below, far below or above its value band) becomes a reason with the value
    range its band suggests, kept in ``decision.value_findings``; one under its band sends the
    declaration to ``RABTA_RISK_UNDERVALUE_LANE``. Never blocks: a fault is a reason."""
    try:
        checks = valuation.value_findings_of(declaration, items, bands=state.bands)
    except Exception as exc:
        reasons.append(f"value control not used ({_fault(exc)})")
        log.warning("risk.value_control_failed", declaration=declaration.pk, error=_fault(exc))
        return
    lane = settings.RABTA_RISK_UNDERVALUE_LANE
    under = False
    for check in checks:
        if not check.flagged:
            continue
        finding = {
            "item": check.item_number,
            "code": check.tariff_code,
            "origin": check.origin,
            "finding": check.finding,
            "reason": check.reason,
            "suggested_low": None if check.suggested_low is None else round(check.suggested_low, 2),
            "suggested_high": None if check.suggested_high is None else round(check.suggested_high, 2),
            "currency": declaration.currency,
            "shortfall_pkr": round(check.shortfall_pkr, 2),
        }
        text = f"value control: item {check.item_number} {Finding(check.finding).label} — {check.reason}"
        if check.suggested_low is not None and check.suggested_high is not None:
            text += f" Suggested value {check.suggested_low:,.2f} to {check.suggested_high:,.2f} {declaration.currency}"
        if check.finding in UNDER_INVOICED:
            under = True
            finding["lane"] = lane
            text += f" → {lane}"
        decision.value_findings.append(finding)
        reasons.append(text)
    if under:
        candidates.append((lane, DecisionSource.VALUE))


def lane_select(
    *, declaration: Declaration, rng: RandomSource | None = None, state: RiskState | None = None
) -> LaneDecision:
    """Decide and record the automatic lane of ``declaration`` (inside the caller's transaction):
    the declaration with its items and parties in one query, the cached :class:`RiskState`, the
    profiles only when they are not kept, today's lane counts only for a top-up, one insert."""
    items = _items_with_declaration(declaration.pk)
    if items:
        loaded = items[0].declaration
    else:
        loaded = Declaration.objects.select_related(*_RELATED).only(*_DECLARATION_FIELDS).get(pk=declaration.pk)
    state = state or risk_state()
    decision = lane_decide(declaration=loaded, items=items, rng=rng, state=state)
    recorded = _record(loaded, decision, actor=None)
    # The border agencies' outcomes beside the lane, drawn after it (so they never change it).
    index = state.agencies if state.agencies is not None else agencies.agency_index()
    agencies.agency_select(declaration=loaded, items=items, decision=recorded, index=index, rng=rng or RANDOM)
    return recorded


_RELATED = ("collectorate", "station", "importer", "declarant", "seller")
# What the facts, the model's rows and value control read: only these columns are fetched (the
# offices' and parties' other columns are wide, and a party's identifier would be decrypted).
_DECLARATION_FIELDS = (
    "number",
    "regime",
    "declaration_type",
    "transport_mode",
    "currency",
    "exchange_rate",
    "declared_on",
    "source_attributes",
    "external_office",
    "collectorate__code",
    "station__code",
    "importer__identifier_hash",
    "declarant__identifier_hash",
    "seller__identifier_hash",
    "seller__country",
)


@dataclass(frozen=True)
class _Part:
    """One model's columns in the fetch: its table alias, its attnames (the primary key first)
    and, for a related row, the declaration's foreign key that points at it."""

    model: type[Model]
    alias: str
    attnames: tuple[str, ...]
    relation: str = ""

    @classmethod
    def of(cls, model: type[Model], alias: str, names: Sequence[str], relation: str = "") -> _Part:
        """In the model's field order, which ``Model.from_db`` expects of a subset of columns."""
        wanted = set(names)
        ordered = tuple(f.attname for f in model._meta.concrete_fields if f.attname in wanted)
        assert len(ordered) == len(wanted), f"unknown columns of {model.__name__}: {wanted - set(ordered)}"
        return cls(model, alias, ordered, relation)


@dataclass(frozen=True)
class _Fetch:
    sql: str
    parts: tuple[_Part, ...]
    converters: dict[int, Any]


_FETCHES: dict[str, _Fetch] = {}


def _fetch_plan() -> _Fetch:
    """The SQL of :func:`_items_with_declaration`, written once per database from the models'
    own names (compiling the equivalent ``select_related`` query cost more than running it), with
    the ORM's converters for its columns (dates, decimals and JSON on SQLite)."""
    plan = _FETCHES.get(connection.alias)
    if plan is not None:
        return plan
    q = connection.ops.quote_name
    own = tuple(name for name in _DECLARATION_FIELDS if "__" not in name)
    parts = [
        _Part.of(DeclarationItem, "i", ("id", "declaration_id", *ITEM_DATA_FIELDS)),
        _Part.of(Declaration, "d", ("id", *own, *(f"{name}_id" for name in _RELATED))),
    ]
    for relation in _RELATED:
        related = cast(type[Model], Declaration._meta.get_field(relation).related_model)
        names = tuple(name.split("__", 1)[1] for name in _DECLARATION_FIELDS if name.startswith(f"{relation}__"))
        parts.append(_Part.of(related, relation, ("id", *names), relation))
    columns, expressions_ = [], []
    for part in parts:
        for attname in part.attnames:
            columns.append(f"{q(part.alias)}.{q(attname)}")
            expressions_.append(_field_of(part.model, attname).get_col(part.alias))
    joins = [
        f"{q(DeclarationItem._meta.db_table)} {q('i')}",
        f"INNER JOIN {q(Declaration._meta.db_table)} {q('d')} ON {q('d')}.{q('id')} = {q('i')}.{q('declaration_id')}",
    ]
    for part in parts[2:]:
        kind = "INNER" if part.relation == "collectorate" else "LEFT OUTER"
        joins.append(
            f"{kind} JOIN {q(part.model._meta.db_table)} {q(part.alias)} "
            f"ON {q(part.alias)}.{q('id')} = {q('d')}.{q(part.relation + '_id')}"
        )
    sql = f"SELECT {', '.join(columns)} FROM {' '.join(joins)} WHERE {q('i')}.{q('declaration_id')} = %s"  # noqa: S608 - the models' own names; the id is a parameter
    compiler = DeclarationItem.objects.none().query.get_compiler(connection=connection)
    plan = _Fetch(sql=sql, parts=tuple(parts), converters=compiler.get_converters(expressions_))
    _FETCHES[connection.alias] = plan
    return plan


def _field_of(model: type[Model], attname: str) -> Field[Any, Any]:
    return next(field for field in model._meta.concrete_fields if field.attname == attname)


def _items_with_declaration(declaration_pk: int) -> list[DeclarationItem]:
    """The declaration's items in item order, each with the one declaration instance (its
    collectorate, station and parties attached, with only the columns the decision reads)."""
    plan = _fetch_plan()
    with connection.cursor() as cursor:
        cursor.execute(plan.sql, [declaration_pk])
        rows = cursor.fetchall()
    if not rows:
        return []
    compiler = DeclarationItem.objects.none().query.get_compiler(connection=connection)
    rows = list(compiler.apply_converters(rows, plan.converters)) if plan.converters else rows
    first, start, declaration = rows[0], 0, None
    bounds = []
    for part in plan.parts:
        bounds.append((part, start, start + len(part.attnames)))
        start += len(part.attnames)
    for part, begin, end in bounds[1:]:
        values = first[begin:end]
        if part.relation == "":
            declaration = Declaration.from_db(connection.alias, part.attnames, values)
        elif values[0] is not None:
            setattr(declaration, part.relation, part.model.from_db(connection.alias, part.attnames, values))
        else:
            setattr(declaration, part.relation, None)
    assert declaration is not None
    item_part, begin, end = bounds[0]
    items = []
    for row in rows:
        item = DeclarationItem.from_db(connection.alias, item_part.attnames, row[begin:end])
        item.declaration = declaration
        items.append(item)
    items.sort(key=lambda item: item.item_number)  # cheaper here than compiling an ORDER BY
    return items


def lane_reroute_record(*, declaration: Declaration, lane: str, actor: Actor, reason: str) -> LaneDecision:
    """Record an authorised officer's re-route (customs' lane_assign has checked who may)."""
    decision = Decision(lane=lane, source=DecisionSource.OFFICER, reason=reason)
    return _record(declaration, decision, actor=actor)


def _record(declaration: Declaration, decision: Decision, *, actor: Actor) -> LaneDecision:
    return LaneDecision.objects.create(
        declaration_id=declaration.pk,
        office_id=declaration.collectorate_id,
        regime=declaration.regime,
        lane=decision.lane,
        source=decision.source,
        rules_hit=decision.rules_hit,
        model_id=decision.model_pk,
        model_version=decision.model_version,
        model_score=decision.model_score,
        model_outcome=decision.model_outcome,
        model_error=decision.model_error,
        missing_features=decision.missing_features,
        exploration=decision.exploration,
        random_selected=decision.random_selected,
        top_up=decision.top_up,
        value_findings=decision.value_findings,
        reason=decision.reason,
        actor=actor if actor is not None and actor.is_authenticated else None,
    )


# The border agencies' selections (they read this module's facts, so they are imported once it is whole).
from rabta.risk.services import agencies  # noqa: E402
