"""Officer rules and watch lists: saved only when they parse, and back-tested over a past period."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from rabta.accounts.types import Actor
from rabta.core.errors import CoreError, DomainError, InvalidTransition
from rabta.core.events import event_record
from rabta.core.live import live_bump
from rabta.core.textinput import text_clean
from rabta.customs.choices import Outcome, PartyKind
from rabta.customs.models import Declaration, DeclarationItem
from rabta.customs.services.parties import PartyRef, party_normalize
from rabta.risk import expressions
from rabta.risk.choices import RuleStatus, WatchListKind
from rabta.risk.errors import RiskError
from rabta.risk.events import RiskEvent
from rabta.risk.models import RiskRule, RuleBacktestRecord, WatchList
from rabta.risk.permissions import RiskAction, require
from rabta.risk.services.lanes import DecisionEnvironment, declaration_facts, profile_counts, watch_sets

FieldErrors = dict[str, list[dict[str, str]]]
# The risk pages' live topic (rabta.core.live): rules activated or retired change the dashboard.
LIVE_TOPIC = "risk.rules"
BACKTEST_BATCH = 2000
BACKTEST_MAX_DAYS = 366
WATCHLIST_MAX_ENTRIES = 10_000
_CODE = re.compile(r"[0-9]{2,12}")
_COUNTRY = re.compile(r"[A-Z]{2}")
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,59}")


def _add(errors: FieldErrors, name: str, code: RiskError, message: str, **extra: str) -> None:
    errors.setdefault(name, []).append({"code": str(code), "message": str(message), **extra})


def _raise(errors: FieldErrors) -> None:
    if errors:
        first = next(iter(errors))
        raise DomainError(CoreError.VALIDATION, f"{first}: {errors[first][0]['message']}", fields=errors)


def condition_check(
    condition: str, errors: FieldErrors, *, field: str = "condition", watchlists: frozenset[str] | None = None
) -> None:
    """Parse ``condition`` against the watch lists that exist (or only ``watchlists``, the names a
    border agency may use); a fault is named with its line and column (``fields[field][0]["line"]``,
    ``["column"]``) and its code."""
    if watchlists is None:
        watchlists = frozenset(WatchList.objects.values_list("name", flat=True))
    try:
        expressions.parse(condition, watchlists=watchlists)
    except expressions.RuleSyntaxError as exc:
        _add(
            errors,
            field,
            exc.code,
            _("%(message)s (line %(line)d, column %(column)d)")
            % {"message": exc.message, "line": exc.line, "column": exc.column},
            line=str(exc.line),
            column=str(exc.column),
        )


def percentage_clean(value: Any, errors: FieldErrors) -> Decimal:
    """A rule's selection percentage: 0 to 100 with two decimals at most (``percentage_invalid``)."""
    try:
        percentage = Decimal(str(value))
        if (
            not percentage.is_finite()
            or not 0 <= percentage <= 100
            or percentage != percentage.quantize(Decimal("0.01"))
        ):
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        _add(errors, "percentage", RiskError.PERCENTAGE_INVALID, _("A percentage from 0 to 100, two decimals at most."))
        return Decimal(0)
    return percentage


def validity_clean(valid_from: date | None, valid_until: date | None, today: date | None, errors: FieldErrors) -> date:
    """A rule's first day (today when not given); its last may not come before it (``validity_invalid``)."""
    start = valid_from or today or timezone.localdate()
    if valid_until is not None and valid_until < start:
        _add(errors, "valid_until", RiskError.VALIDITY_INVALID, _("A rule cannot end before it starts."))
    return start


@dataclass(frozen=True)
class RuleInput:
    name: str
    condition: str
    lane: str
    percentage: Decimal = Decimal(100)
    valid_from: date | None = None
    valid_until: date | None = None


@transaction.atomic
def rule_create(*, actor: Actor, data: RuleInput, today: date | None = None) -> RiskRule:
    """Save an officer rule. Refused, naming each field, when the condition does not parse or names
    an unknown field, function or watch list, the lane is unknown, the percentage is not 0 to 100 or
    the validity dates are out of order."""
    require(actor, RiskAction.WRITE_RULES)
    errors: FieldErrors = {}
    name = text_clean(data.name, model=RiskRule, name="name", errors=errors)
    if not name and "name" not in errors:
        _add(errors, "name", RiskError.NAME_REQUIRED, _("Give the rule a name."))
    condition_check(data.condition or "", errors)
    if data.lane not in settings.RABTA_CUSTOMS_LANES:
        _add(errors, "lane", RiskError.LANE_UNKNOWN, _("There is no such lane."))
    percentage = percentage_clean(data.percentage, errors)
    valid_from = validity_clean(data.valid_from, data.valid_until, today, errors)
    _raise(errors)
    # An analyst's rule waits as a draft (it selects nothing) until it is back-tested and activated;
    # the system's (commands, the demo, the bench: vetted rule files) is in force at once.
    status = RuleStatus.ACTIVE if actor is None else RuleStatus.DRAFT
    rule = RiskRule.objects.create(
        status=status,
        name=name,
        condition=data.condition.strip(),
        lane=data.lane,
        percentage=percentage,
        valid_from=valid_from,
        valid_until=data.valid_until,
        author=actor if actor is not None and actor.is_authenticated else None,
    )
    event_record(
        kind=RiskEvent.RULE_CREATED,
        subject=rule,
        actor=actor,
        to_state=status,
        data={"lane": rule.lane, "percentage": str(percentage), "condition": rule.condition},
    )
    return rule


@transaction.atomic
def rule_retire(*, actor: Actor, rule: RiskRule, reason: str = "") -> RiskRule:
    require(actor, RiskAction.WRITE_RULES)
    locked = RiskRule.objects.select_for_update().get(pk=rule.pk)
    if locked.status == RuleStatus.RETIRED:
        raise InvalidTransition(_("This rule is retired already."), code=RiskError.RULE_RETIRED)
    previous = locked.status
    locked.status = RuleStatus.RETIRED
    locked.save(update_fields=["status", "updated_at"])
    live_bump(LIVE_TOPIC)
    event_record(
        kind=RiskEvent.RULE_RETIRED,
        subject=locked,
        actor=actor,
        from_state=previous,
        to_state=RuleStatus.RETIRED,
        reason=text_clean(reason, model=RiskRule, name="condition", field="reason"),
    )
    return locked


def _entries_clean(
    kind: str, party_kind: str, entries: list[str], errors: FieldErrors, offset: int = 0
) -> tuple[list[str], list[str]]:
    """The stored form of each entry (a party's keyed hash, a code without dots, an upper-case
    country) and what an analyst reads for it; a bad entry is named ``entries.<index>``."""
    stored: list[str] = []
    labels: list[str] = []
    for index, raw in enumerate(entries, start=offset):
        entry = str(raw).strip()
        if kind == WatchListKind.CODE:
            entry = entry.replace(".", "")
            if not _CODE.fullmatch(entry):
                _add(errors, f"entries.{index}", RiskError.WATCHLIST_ENTRY_INVALID, _("A code is 2 to 12 digits."))
            stored.append(entry)
            labels.append(entry)
        elif kind == WatchListKind.COUNTRY:
            entry = entry.upper()
            if not _COUNTRY.fullmatch(entry):
                _add(errors, f"entries.{index}", RiskError.WATCHLIST_ENTRY_INVALID, _("Give an ISO alpha-2 country."))
            stored.append(entry)
            labels.append(entry)
        elif kind == WatchListKind.PARTY:
            if party_kind not in PartyKind.values:
                _add(errors, "party_kind", RiskError.WATCHLIST_KIND_UNKNOWN, _("Unknown kind of party."))
                break
            try:
                ref, digest = party_normalize(PartyRef(kind=party_kind, identifier=entry), field=f"entries.{index}")
            except DomainError as exc:
                for key, problems in exc.fields.items():
                    errors.setdefault(key, []).extend(problems)
                continue
            stored.append(digest)
            labels.append(f"****{ref.identifier[-4:]}" if ref.identifier else ref.name)
    return stored, labels


@transaction.atomic
def watchlist_save(
    *,
    actor: Actor,
    name: str,
    kind: str,
    entries: list[str],
    party_kind: str = PartyKind.TRADER,
    description: str = "",
) -> WatchList:
    """Create or replace a watch list. Party entries are identifiers (an NTN, a licence, another
    system's reference) and are kept as their keyed hashes; codes are 2 to 12 digits (a prefix
    matches every longer code); countries are ISO alpha-2."""
    require(actor, RiskAction.WRITE_RULES)
    return watchlist_write(
        actor=actor, name=name, kind=kind, entries=entries, party_kind=party_kind, description=description
    )


def watchlist_write(
    *,
    actor: Actor,
    name: str,
    kind: str,
    entries: list[str],
    party_kind: str = PartyKind.TRADER,
    description: str = "",
) -> WatchList:
    """:func:`watchlist_save` once its caller has checked who may (an analyst there, an agency
    sharing its knowledge in rabta.risk.services.agencies)."""
    errors: FieldErrors = {}
    if not _SLUG.fullmatch(name or ""):
        _add(errors, "name", RiskError.WATCHLIST_NAME_INVALID, _("Lower-case letters, digits and hyphens, 1 to 60."))
    if kind not in WatchListKind.values:
        _add(errors, "kind", RiskError.WATCHLIST_KIND_UNKNOWN, _("A watch list holds parties, codes or countries."))
    if len(entries) > WATCHLIST_MAX_ENTRIES:
        _add(errors, "entries", RiskError.WATCHLIST_ENTRY_INVALID, _("At most 10,000 entries."))
    stored, labels = _entries_clean(kind, party_kind, entries[:WATCHLIST_MAX_ENTRIES], errors)
    clean_description = text_clean(description, model=WatchList, name="description", errors=errors)
    _raise(errors)
    watchlist, created = WatchList.objects.select_for_update().get_or_create(
        name=name, defaults={"kind": kind, "author": actor if actor is not None and actor.is_authenticated else None}
    )
    watchlist.kind = kind
    watchlist.party_kind = party_kind if kind == WatchListKind.PARTY else ""
    watchlist.entries, watchlist.labels, watchlist.description = stored, labels, clean_description
    watchlist.save()
    event_record(
        kind=RiskEvent.WATCHLIST_SAVED,
        subject=watchlist,
        actor=actor,
        data={"kind": kind, "entries": len(stored), "created": created},
    )
    return watchlist


@dataclass(frozen=True)
class RuleBacktest:
    """What a condition would have done over a past period: declarations matched, how many it would
    have selected at its percentage, how many of the matched were examined, and of those with a
    discrepancy (hits)."""

    declarations: int
    matched: int
    would_select: int
    examined: int
    hits: int
    hit_rate: float | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "declarations": self.declarations,
            "matched": self.matched,
            "would_select": self.would_select,
            "examined": self.examined,
            "hits": self.hits,
            "hit_rate": self.hit_rate,
        }


def rule_backtest(
    *, actor: Actor, condition: str, start: date, end: date, percentage: Decimal = Decimal(100)
) -> RuleBacktest:
    """Run ``condition`` over the declarations dated ``start`` to ``end`` (at most a year) as they are
    now: profiles and watch lists as of today (a profile includes the period's own examinations, so a
    profile rule's back-test is optimistic; the report says so)."""
    require(actor, RiskAction.BACKTEST)
    return condition_backtest(condition=condition, start=start, end=end, percentage=percentage)


def condition_backtest(
    *,
    condition: str,
    start: date,
    end: date,
    percentage: Decimal = Decimal(100),
    declarations: Q | None = None,
    watchlists: frozenset[str] | None = None,
    facts_of: Callable[[Declaration, list[DeclarationItem]], list[dict[str, Any]]] | None = None,
) -> RuleBacktest:
    """:func:`rule_backtest` once its caller has checked who may: ``declarations`` narrows the
    period's declarations, ``watchlists`` the lists the condition may name, ``facts_of`` the facts a
    declaration gives (a border agency's rules read only the items under its codes)."""
    errors: FieldErrors = {}
    condition_check(condition or "", errors, watchlists=watchlists)
    if end < start or (end - start).days > BACKTEST_MAX_DAYS:
        _add(errors, "end", RiskError.PERIOD_INVALID, _("A period from start to end, at most a year."))
    _raise(errors)
    parsed = expressions.parse(condition)
    facts_for = facts_of or declaration_facts
    queryset = (
        Declaration.objects.filter(declarations or Q(), declared_on__gte=start, declared_on__lte=end)
        .select_related("collectorate", "station", "importer", "declarant", "seller", "examination")
        .prefetch_related(Prefetch("items", queryset=DeclarationItem.objects.order_by("item_number")))
        .order_by("pk")
    )
    lists = watch_sets(set(parsed.watchlists))
    total = matched = examined = hits = 0
    last = 0
    while True:
        batch = list(queryset.filter(pk__gt=last)[:BACKTEST_BATCH])
        if not batch:
            break
        last = batch[-1].pk
        batch_facts = [facts_for(d, list(d.items.all())) for d in batch]
        env = DecisionEnvironment(
            watchlists=lists,
            profiles=profile_counts(set(parsed.profiles), [row for facts in batch_facts for row in facts]),
        )
        for declaration, facts in zip(batch, batch_facts, strict=True):
            total += 1
            if not parsed.holds(facts, env):
                continue
            matched += 1
            exam = getattr(declaration, "examination", None)  # the reverse one-to-one raises AttributeError
            if exam is not None:
                examined += 1
                hits += exam.outcome != Outcome.NO_DISCREPANCY
    would_select = round(matched * float(percentage) / 100)
    return RuleBacktest(total, matched, would_select, examined, hits, hits / examined if examined else None)


@transaction.atomic
def rule_backtest_record(*, actor: Actor, rule: RiskRule, start: date, end: date) -> RuleBacktestRecord:
    """Back-test a rule over ``start`` to ``end`` (:func:`rule_backtest` at the rule's percentage) and
    keep what it found on record, the step before activation."""
    result = rule_backtest(actor=actor, condition=rule.condition, start=start, end=end, percentage=rule.percentage)
    record = RuleBacktestRecord.objects.create(
        rule=rule,
        start=start,
        end=end,
        results=result.as_dict(),
        actor=actor if actor is not None and actor.is_authenticated else None,
    )
    event_record(
        kind=RiskEvent.RULE_BACKTESTED,
        subject=rule,
        actor=actor,
        data={"start": start.isoformat(), "end": end.isoformat(), **result.as_dict()},
    )
    return record


@transaction.atomic
def rule_activate(*, actor: Actor, rule: RiskRule) -> RiskRule:
    """Put a draft rule in force. Refused unless it is a draft (``rule_not_draft``) with a back-test on
    record (``rule_not_backtested``), so no rule selects declarations before someone has seen what it
    would have selected."""
    require(actor, RiskAction.ACTIVATE)
    locked = RiskRule.objects.select_for_update().get(pk=rule.pk)
    if locked.status != RuleStatus.DRAFT:
        raise InvalidTransition(
            _("Only a draft rule is activated; this one is %(status)s.") % {"status": locked.get_status_display()},
            code=RiskError.RULE_NOT_DRAFT,
        )
    latest = RuleBacktestRecord.objects.filter(rule=locked).order_by("-ran_at", "-pk").first()
    if latest is None:
        raise InvalidTransition(
            _("Back-test the rule over a past period before activating it."), code=RiskError.RULE_NOT_BACKTESTED
        )
    locked.status = RuleStatus.ACTIVE
    locked.save(update_fields=["status", "updated_at"])
    live_bump(LIVE_TOPIC)
    event_record(
        kind=RiskEvent.RULE_ACTIVATED,
        subject=locked,
        actor=actor,
        from_state=RuleStatus.DRAFT,
        to_state=RuleStatus.ACTIVE,
        data={"backtest": latest.pk, "start": latest.start.isoformat(), "end": latest.end.isoformat()},
    )
    return locked


@transaction.atomic
def watchlist_entries_change(
    *, actor: Actor, watchlist: WatchList, add: list[str], remove: list[int], description: str | None = None
) -> WatchList:
    """Add entries to a watch list and remove others (by their position in the list), keeping the
    rest as stored (a party entry is a hash: it cannot be given again as an identifier). A new entry
    already on the list is not added twice. Bad entries are named ``add.<index>``."""
    require(actor, RiskAction.WRITE_RULES)
    locked = WatchList.objects.select_for_update().get(pk=watchlist.pk)
    errors: FieldErrors = {}
    if any(not 0 <= index < len(locked.entries) for index in remove):
        _add(errors, "remove", RiskError.WATCHLIST_ENTRY_INVALID, _("There is no such entry on the list."))
    added, added_labels = _entries_clean(locked.kind, locked.party_kind, [a for a in add if str(a).strip()], errors)
    for key in [key for key in errors if key.startswith("entries.")]:
        errors[key.replace("entries.", "add.", 1)] = errors.pop(key)
    clean_description = (
        locked.description
        if description is None
        else text_clean(description, model=WatchList, name="description", errors=errors)
    )
    dropped = set(remove)
    entries = [e for i, e in enumerate(locked.entries) if i not in dropped]
    labels = [label for i, label in enumerate(locked.labels or []) if i not in dropped]
    for entry, label in zip(added, added_labels, strict=True):
        if entry not in entries:
            entries.append(entry)
            labels.append(label)
    if len(entries) > WATCHLIST_MAX_ENTRIES:
        _add(errors, "add", RiskError.WATCHLIST_ENTRY_INVALID, _("At most 10,000 entries."))
    _raise(errors)
    locked.entries, locked.labels, locked.description = entries, labels, clean_description
    locked.save()
    event_record(
        kind=RiskEvent.WATCHLIST_SAVED,
        subject=locked,
        actor=actor,
        data={"kind": locked.kind, "entries": len(entries), "added": len(added), "removed": len(dropped)},
    )
    return locked
