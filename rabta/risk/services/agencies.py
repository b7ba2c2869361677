"""The border agencies on the risk engine (issue 10, "other government agencies"): the registry, the
agencies' own rules (risk's condition language, back-tested like customs' rules), their selections at
every automatic lane decision, the results they record and the knowledge they share with customs.

An agency's rules read only the items of a declaration that fall under the agency's tariff code
prefixes, and only declarations with at least one such item are theirs. A selection orders the
agency's own outcome (hold, laboratory test, inspection...), never a customs lane: the customs lane
is decided first (:func:`rabta.risk.services.lanes.lane_decide`) and is unchanged by any agency.
A declaration under no agency's codes costs one prefix test per item (the prefixes are kept in the
process with the rest of the risk state) and no query.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from rabta.accounts.models import User
from rabta.accounts.roles import Role
from rabta.accounts.types import Actor
from rabta.core.errors import DomainError, InvalidTransition
from rabta.core.events import event_record
from rabta.core.textinput import text_clean
from rabta.customs.choices import PartyKind
from rabta.customs.models import Declaration, DeclarationItem
from rabta.risk import expressions
from rabta.risk.choices import AgencyOutcome, AgencyResult, RuleStatus
from rabta.risk.errors import RiskError
from rabta.risk.events import AgencyEvent
from rabta.risk.models import LaneDecision, WatchList
from rabta.risk.models_agency import Agency, AgencyMember, AgencyRule, AgencySelection, AgencyShare
from rabta.risk.permissions_agency import AgencyAction, require
from rabta.risk.services import lanes
from rabta.risk.services.rules import (
    FieldErrors,
    RuleBacktest,
    _add,
    _raise,
    condition_backtest,
    condition_check,
    percentage_clean,
    validity_clean,
    watchlist_write,
)

_AGENCY_CODE = re.compile(r"[a-z][a-z0-9-]{1,19}")
_PREFIX = re.compile(r"[0-9]{2,12}")
ORDERED = [o for o in AgencyOutcome.values if o != AgencyOutcome.NOT_SELECTED]  # most severe first


def _actor(actor: Actor) -> Any:
    return actor if actor is not None and actor.is_authenticated else None


# --- the registry -------------------------------------------------------------------------------------


@transaction.atomic
def agency_save(
    *, actor: Actor, code: str, name_en: str, name_ur: str, code_prefixes: Sequence[str], outcomes: Sequence[str]
) -> Agency:
    """Create or replace an agency: its code (lower-case letters, digits, hyphens), names in English
    and Urdu, the tariff code prefixes it regulates (2 to 12 digits; dots are dropped) and the
    outcomes it orders."""
    require(actor, AgencyAction.KEEP_REGISTRY)
    errors: FieldErrors = {}
    if not _AGENCY_CODE.fullmatch(code or ""):
        _add(errors, "code", RiskError.AGENCY_CODE_INVALID, _("Lower-case letters, digits and hyphens, 2 to 20."))
    clean_en = text_clean(name_en, model=Agency, name="name_en", errors=errors)
    clean_ur = text_clean(name_ur, model=Agency, name="name_ur", errors=errors)
    for key, value in (("name_en", clean_en), ("name_ur", clean_ur)):
        if not value and key not in errors:
            _add(errors, key, RiskError.NAME_REQUIRED, _("Give the agency's name."))
    prefixes = sorted({str(p).strip().replace(".", "") for p in code_prefixes})
    if not prefixes:
        _add(errors, "code_prefixes", RiskError.AGENCY_PREFIX_INVALID, _("Name at least one tariff code prefix."))
    for index, prefix in enumerate(prefixes):
        if not _PREFIX.fullmatch(prefix):
            _add(errors, f"code_prefixes.{index}", RiskError.AGENCY_PREFIX_INVALID, _("A prefix is 2 to 12 digits."))
    chosen = [o for o in ORDERED if o in set(outcomes)]
    if not outcomes or len(chosen) != len(set(outcomes)):
        _add(
            errors,
            "outcomes",
            RiskError.AGENCY_OUTCOME_UNKNOWN,
            _("Choose outcomes from hold, lab_test, inspection, document_check."),
        )
    _raise(errors)
    agency, created = Agency.objects.select_for_update().get_or_create(
        code=code, defaults={"name_en": clean_en, "name_ur": clean_ur}
    )
    agency.name_en, agency.name_ur, agency.code_prefixes, agency.outcomes = clean_en, clean_ur, prefixes, chosen
    agency.is_active = True
    agency.save()
    event_record(
        kind=AgencyEvent.AGENCY_SAVED,
        subject=agency,
        actor=actor,
        data={"prefixes": prefixes, "outcomes": chosen, "created": created},
    )
    return agency


@transaction.atomic
def agency_member_add(*, actor: Actor, agency: Agency, user: User) -> AgencyMember:
    """Attach an agency officer to their agency (the scope of ``Role.AGENCY_OFFICER``)."""
    require(actor, AgencyAction.KEEP_REGISTRY)
    if not user.role_assignments.filter(active=True, role=Role.AGENCY_OFFICER).exists():
        raise DomainError.for_field(
            "user", RiskError.AGENCY_NOT_MEMBER, _("Grant the person the agency officer role first.")
        )
    member, created = AgencyMember.objects.get_or_create(agency=agency, user=user)
    if created:
        event_record(kind=AgencyEvent.AGENCY_MEMBER_ADDED, subject=agency, actor=actor, data={"user": user.pk})
    return member


# --- the agencies' rules -------------------------------------------------------------------------------


def shared_watchlists(agency: Agency) -> frozenset[str]:
    """The watch lists an agency's condition may name: those it shared itself (never customs' own)."""
    return frozenset(WatchList.objects.filter(agency_shares__agency=agency).values_list("name", flat=True))


def _agency_condition_check(agency: Agency, condition: str, errors: FieldErrors) -> None:
    condition_check(condition, errors, watchlists=shared_watchlists(agency))
    if "condition" in errors:
        return
    if expressions.parse(condition).profiles:  # customs' hit rates are customs' knowledge
        _add(
            errors,
            "condition",
            RiskError.RULE_UNKNOWN_FUNCTION,
            _("An agency's rule cannot read customs' risk profiles."),
        )


@dataclass(frozen=True)
class AgencyRuleInput:
    name: str
    condition: str
    outcome: str
    percentage: Decimal = Decimal(100)
    valid_from: date | None = None
    valid_until: date | None = None


@transaction.atomic
def agency_rule_create(*, actor: Actor, agency: Agency, data: AgencyRuleInput, today: date | None = None) -> AgencyRule:
    """Save a rule of ``agency``: refused, naming each field, when the condition does not parse (or
    names a watch list the agency did not share, or a risk profile), the outcome is not one the
    agency orders, the percentage is not 0 to 100 or the dates are out of order."""
    require(actor, AgencyAction.WRITE_RULES, agency)
    errors: FieldErrors = {}
    name = text_clean(data.name, model=AgencyRule, name="name", errors=errors)
    if not name and "name" not in errors:
        _add(errors, "name", RiskError.NAME_REQUIRED, _("Give the rule a name."))
    _agency_condition_check(agency, data.condition or "", errors)
    if data.outcome not in agency.outcomes:
        _add(errors, "outcome", RiskError.AGENCY_OUTCOME_UNKNOWN, _("The agency does not order this outcome."))
    percentage = percentage_clean(data.percentage, errors)
    valid_from = validity_clean(data.valid_from, data.valid_until, today, errors)
    _raise(errors)
    rule = AgencyRule.objects.create(
        agency=agency,
        name=name,
        condition=data.condition.strip(),
        outcome=data.outcome,
        percentage=percentage,
        valid_from=valid_from,
        valid_until=data.valid_until,
        author=_actor(actor),
    )
    event_record(
        kind=AgencyEvent.AGENCY_RULE_CREATED,
        subject=rule,
        actor=actor,
        to_state=RuleStatus.ACTIVE,
        data={
            "agency": agency.code,
            "outcome": rule.outcome,
            "percentage": str(percentage),
            "condition": rule.condition,
        },
    )
    return rule


@transaction.atomic
def agency_rule_retire(*, actor: Actor, rule: AgencyRule, reason: str = "") -> AgencyRule:
    require(actor, AgencyAction.WRITE_RULES, rule.agency)
    locked = AgencyRule.objects.select_for_update().get(pk=rule.pk)
    if locked.status == RuleStatus.RETIRED:
        raise InvalidTransition(_("This rule is retired already."), code=RiskError.RULE_RETIRED)
    locked.status = RuleStatus.RETIRED
    locked.save(update_fields=["status", "updated_at"])
    event_record(
        kind=AgencyEvent.AGENCY_RULE_RETIRED,
        subject=locked,
        actor=actor,
        from_state=RuleStatus.ACTIVE,
        to_state=RuleStatus.RETIRED,
        reason=text_clean(reason, model=AgencyRule, name="condition", field="reason"),
    )
    return locked


def prefix_filter(prefixes: Sequence[str], *, field: str = "tariff_code") -> Q:
    """Items under any of ``prefixes`` (no prefix: none)."""
    scope = Q(pk__in=[])
    for prefix in prefixes:
        scope |= Q(**{f"{field}__startswith": prefix})
    return scope


def agency_items(agency_prefixes: tuple[str, ...], items: Sequence[DeclarationItem]) -> list[DeclarationItem]:
    return [item for item in items if (item.tariff_code or "").startswith(agency_prefixes)]


def agency_rule_backtest(
    *, actor: Actor, agency: Agency, condition: str, start: date, end: date, percentage: Decimal = Decimal(100)
) -> RuleBacktest:
    """What an agency's condition would have matched over a past period: over the declarations with
    an item under the agency's codes, reading those items only (as a decision does). Examined and
    hits are customs' examinations of the matched declarations."""
    require(actor, AgencyAction.BACKTEST, agency)
    errors: FieldErrors = {}
    _agency_condition_check(agency, condition or "", errors)
    _raise(errors)
    prefixes = tuple(agency.code_prefixes)
    concerned = Q(pk__in=DeclarationItem.objects.filter(prefix_filter(prefixes)).values("declaration_id"))
    return condition_backtest(
        condition=condition,
        start=start,
        end=end,
        percentage=percentage,
        declarations=concerned,
        watchlists=shared_watchlists(agency),
        facts_of=lambda d, items: lanes.declaration_facts(d, agency_items(prefixes, items)),
    )


# --- at every automatic lane decision -------------------------------------------------------------------


@dataclass(frozen=True)
class AgencyRuleState:
    pk: int
    name: str
    outcome: str
    percentage: float
    valid_from: date
    valid_until: date | None
    condition: expressions.Condition | None

    def in_force(self, on: date) -> bool:
        return self.valid_from <= on and (self.valid_until is None or self.valid_until >= on)


@dataclass(frozen=True)
class AgencyEntry:
    pk: int
    code: str
    prefixes: tuple[str, ...]
    rules: tuple[AgencyRuleState, ...]


@dataclass(frozen=True)
class AgencyIndex:
    """The active agencies with their prefixes and compiled active rules, and the watch lists those
    name; ``prefixes`` is every agency's, for the one test a declaration under no agency's codes costs."""

    agencies: tuple[AgencyEntry, ...]
    prefixes: tuple[str, ...]
    watchlists: dict[str, expressions.WatchSet]

    def concerned(self, items: Sequence[DeclarationItem]) -> list[tuple[AgencyEntry, list[DeclarationItem]]]:
        if not self.prefixes or not any((item.tariff_code or "").startswith(self.prefixes) for item in items):
            return []
        found = []
        for entry in self.agencies:
            mine = agency_items(entry.prefixes, items)
            if mine:
                found.append((entry, mine))
        return found


def _compiled(condition: str) -> expressions.Condition | None:
    try:
        return expressions.parse(condition)
    except expressions.RuleSyntaxError:  # saved before a field was renamed: reported, never fatal
        return None


def agency_index() -> AgencyIndex:
    """Read the active agencies and their active rules (two queries, three with watch lists)."""
    rules: dict[int, list[AgencyRuleState]] = {}
    for rule in AgencyRule.objects.filter(status=RuleStatus.ACTIVE, agency__is_active=True).order_by("pk"):
        rules.setdefault(rule.agency_id, []).append(
            AgencyRuleState(
                rule.pk,
                rule.name,
                rule.outcome,
                float(rule.percentage),
                rule.valid_from,
                rule.valid_until,
                _compiled(rule.condition),
            )
        )
    entries = tuple(
        AgencyEntry(agency.pk, agency.code, tuple(agency.code_prefixes), tuple(rules.get(agency.pk, ())))
        for agency in Agency.objects.filter(is_active=True).order_by("code")
        if agency.code_prefixes
    )
    names = {n for entry in entries for r in entry.rules if r.condition for n in r.condition.watchlists}
    prefixes = tuple(sorted({p for entry in entries for p in entry.prefixes}))
    return AgencyIndex(agencies=entries, prefixes=prefixes, watchlists=lanes.watch_sets(names))


def _severity(outcome: str) -> int:
    return ORDERED.index(outcome) if outcome in ORDERED else len(ORDERED)


def agency_select(
    *,
    declaration: Declaration,
    items: Sequence[DeclarationItem],
    decision: LaneDecision,
    index: AgencyIndex,
    rng: lanes.RandomSource,
) -> list[AgencySelection]:
    """Record each concerned agency's outcome beside the customs lane ``decision`` (inside the
    caller's transaction): the agency's rules in force over the items under its codes, a matched
    rule selecting at its percentage, the most severe outcome winning. Nothing, and no query, for a
    declaration under no agency's codes. A rule that faults is a reason, never a blocked clearance."""
    concerned = index.concerned(items)
    if not concerned:
        return []
    day = declaration.declared_on
    env = lanes.DecisionEnvironment(watchlists=index.watchlists, profiles={})
    rows = []
    for entry, mine in concerned:
        facts = lanes.declaration_facts(declaration, mine)
        hits: list[dict[str, Any]] = []
        reasons: list[str] = []
        outcomes: list[str] = []
        for rule in entry.rules:
            if not rule.in_force(day):
                continue
            if rule.condition is None:
                hits.append({"rule": rule.pk, "name": rule.name, "error": "condition no longer parses"})
                continue
            try:
                matched = rule.condition.holds(facts, env)
            except (TypeError, ValueError, ArithmeticError) as exc:
                hits.append({"rule": rule.pk, "name": rule.name, "error": str(exc)[:200]})
                continue
            if not matched:
                continue
            selected = rng.random() * 100 < rule.percentage
            hits.append(
                {
                    "rule": rule.pk,
                    "name": rule.name,
                    "outcome": rule.outcome,
                    "percentage": rule.percentage,
                    "selected": selected,
                }
            )
            if selected:
                outcomes.append(rule.outcome)
                reasons.append(f"rule “{rule.name}” → {rule.outcome}")
            else:
                reasons.append(f"rule “{rule.name}” matched, outside its {rule.percentage:g}% sample")
        outcome = min(outcomes, key=_severity) if outcomes else AgencyOutcome.NOT_SELECTED
        if not outcomes:
            reasons.append(f"not selected by {entry.code}")
        numbers = [item.item_number for item in mine]
        reason = f"{entry.code} (items {', '.join(map(str, numbers))}): " + "; ".join(reasons)
        rows.append(
            AgencySelection(
                agency_id=entry.pk,
                declaration_id=declaration.pk,
                decision=decision,
                outcome=outcome,
                rules_hit=hits,
                items=numbers,
                reason=reason[:2000],
            )
        )
    return AgencySelection.objects.bulk_create(rows)


# --- results and shared knowledge ----------------------------------------------------------------------


@transaction.atomic
def agency_result_record(*, actor: Actor, selection: AgencySelection, result: str, note: str = "") -> AgencySelection:
    """The agency's own result of its hold, test or inspection, recorded once by one of its officers."""
    require(actor, AgencyAction.RECORD_RESULT, selection.agency)
    locked = AgencySelection.objects.select_for_update().get(pk=selection.pk)
    errors: FieldErrors = {}
    if result not in AgencyResult.values or result == AgencyResult.PENDING:
        _add(errors, "result", RiskError.AGENCY_RESULT_UNKNOWN, _("A result is cleared, conditional or refused."))
    clean_note = text_clean(note, model=AgencySelection, name="result_note", field="note", errors=errors)
    _raise(errors)
    if locked.outcome == AgencyOutcome.NOT_SELECTED:
        raise InvalidTransition(
            _("The agency did not select this declaration: there is no result to record."),
            code=RiskError.AGENCY_NOTHING_TO_RECORD,
        )
    if locked.result:
        raise InvalidTransition(_("This result is recorded already."), code=RiskError.AGENCY_RESULT_RECORDED)
    locked.result, locked.result_note, locked.result_by, locked.result_at = (
        result,
        clean_note,
        _actor(actor),
        timezone.now(),
    )
    locked.save(update_fields=["result", "result_note", "result_by", "result_at"])
    event_record(
        kind=AgencyEvent.AGENCY_RESULT_RECORDED,
        subject=locked,
        actor=actor,
        to_state=result,
        data={"agency": locked.agency.code, "declaration": locked.declaration_id, "outcome": locked.outcome},
    )
    return locked


@transaction.atomic
def agency_share(
    *,
    actor: Actor,
    agency: Agency,
    name: str,
    kind: str,
    entries: list[str],
    party_kind: str = PartyKind.TRADER,
    note: str = "",
) -> AgencyShare:
    """Share watch-listed parties, codes or origins with customs: the watch list
    ``<agency code>-<name>`` is written (risk's watch lists, so customs' rules may name it) and the
    share is recorded. A list of that name that the agency did not share is refused."""
    require(actor, AgencyAction.SHARE, agency)
    full_name = f"{agency.code}-{name}"
    existing = WatchList.objects.filter(name=full_name).first()
    if existing is not None and not AgencyShare.objects.filter(agency=agency, watchlist=existing).exists():
        raise DomainError.for_field("name", RiskError.AGENCY_WATCHLIST_TAKEN, _("Customs keeps a list of this name."))
    errors: FieldErrors = {}
    clean_note = text_clean(note, model=AgencyShare, name="note", errors=errors)
    _raise(errors)
    watchlist = watchlist_write(
        actor=actor,
        name=full_name,
        kind=kind,
        entries=entries,
        party_kind=party_kind,
        description=f"{_('Shared by')} {agency.name_en}: {clean_note}"[:500],
    )
    share = AgencyShare.objects.create(
        agency=agency,
        watchlist=watchlist,
        kind=watchlist.kind,
        entries=len(watchlist.entries),
        note=clean_note,
        author=_actor(actor),
    )
    event_record(
        kind=AgencyEvent.AGENCY_SHARED,
        subject=share,
        actor=actor,
        data={"agency": agency.code, "watchlist": watchlist.name, "kind": watchlist.kind, "entries": share.entries},
    )
    return share
