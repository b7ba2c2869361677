"""Value control against under-invoicing: robust bands of unit value per tariff code × origin,
learned from past declarations, and the check of a declaration's items against them.

How a band is made (``band_stats``): the natural log of each unit value (rupees per unit of
quantity, or per kilogram), its median and 1.4826 × MAD as centre and spread, then one step that
drops the points more than ``REJECT_Z`` spreads away and takes median and MAD again. Median and MAD
break down only at 50 % contamination, so a fifth of fraudulent prices moves the band little (the
test plants 20 %); a mean and standard deviation would follow them. The edges are
``centre ± K × spread`` (``K_BELOW``, ``K_FAR_BELOW``, ``K_ABOVE``), the spread floored at
``SCALE_FLOOR`` so that a run of identical prices does not make every cent a finding.

A band needs ``MIN_SAMPLE`` rows. Where the code from this origin has fewer, the code from every
origin is used, then the code's HS heading (first four digits); with none of them the item has no
band and says so (``no_band``). Per-unit bands are per quantity unit (NMB and KGM never share one).

The hook for lane selection is :func:`value_findings` (a read, no write, one query); the stored
check is :func:`value_check_record`. See docs/risk-value.md.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from rabta.accounts.types import Actor, is_signed_in
from rabta.core.errors import DomainError
from rabta.core.events import event_record
from rabta.core.permissions import get_visible_or_404
from rabta.customs.choices import DiscrepancyType
from rabta.customs.models import Declaration, DeclarationItem
from rabta.risk import permissions_valuation as permissions
from rabta.risk.models_valuation import ValueBand, ValueCheck, ValueControlRun
from rabta.risk.selectors_outside import declaration_outside_findings
from rabta.risk.vocab_valuation import (
    FLAGGED,
    SEVERITY,
    BandLevel,
    Basis,
    Finding,
    RunKind,
    ValuationError,
    ValuationEvent,
)

MIN_SAMPLE = 20  # CUSTOMS-RISK.md: a hard finding only when the count is at least 20
K_BELOW = 2.5  # about 0.6 % of honest prices fall below, were log prices normal
K_FAR_BELOW = 4.0
K_ABOVE = 2.5
REJECT_Z = 3.0
SCALE_FLOOR = 0.05  # five per cent in log terms
MAD_TO_SIGMA = 1.4826
DEFAULT_WINDOW_MONTHS = 12
HEADING_DIGITS = 4
BULK_BATCH = 2000
LEVELS = (BandLevel.CODE_ORIGIN, BandLevel.CODE, BandLevel.HEADING)


# -- statistics ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BandStats:
    """A robust band over log unit values; ``low``/``far_low``/``high`` are unit values."""

    sample_size: int
    median_log: float
    scale_log: float
    q1_log: float
    q3_log: float
    k_below: float = K_BELOW
    k_far_below: float = K_FAR_BELOW
    k_above: float = K_ABOVE

    @property
    def low(self) -> float:
        return math.exp(self.median_log - self.k_below * self.scale_log)

    @property
    def far_low(self) -> float:
        return math.exp(self.median_log - self.k_far_below * self.scale_log)

    @property
    def high(self) -> float:
        return math.exp(self.median_log + self.k_above * self.scale_log)

    @property
    def median(self) -> float:
        return math.exp(self.median_log)

    def judge(self, unit_value: float) -> Finding:
        if unit_value < self.far_low:
            return Finding.FAR_BELOW
        if unit_value < self.low:
            return Finding.BELOW
        if unit_value > self.high:
            return Finding.ABOVE
        return Finding.IN_BAND


def _median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    n = len(ordered)
    middle = n // 2
    return ordered[middle] if n % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def _quantile(ordered: Sequence[float], q: float) -> float:
    """Linear interpolation between closest ranks (numpy's default) over a sorted sequence."""
    position = (len(ordered) - 1) * q
    below = math.floor(position)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (position - below)


def _centre_and_scale(values: Sequence[float]) -> tuple[float, float]:
    centre = _median(values)
    return centre, MAD_TO_SIGMA * _median([abs(value - centre) for value in values])


def band_stats(
    log_values: Sequence[float],
    *,
    min_sample: int = MIN_SAMPLE,
    k_below: float = K_BELOW,
    k_far_below: float = K_FAR_BELOW,
    k_above: float = K_ABOVE,
) -> BandStats | None:
    """The robust band of ``log_values`` (natural logs of unit values), or None below ``min_sample``."""
    values = [value for value in log_values if math.isfinite(value)]
    if len(values) < max(min_sample, 1):
        return None
    centre, scale = _centre_and_scale(values)
    scale = max(scale, SCALE_FLOOR)
    kept = [value for value in values if abs(value - centre) <= REJECT_Z * scale]
    if len(kept) >= max(min_sample // 2, 3):
        centre, scale = _centre_and_scale(kept)
        # Cutting at REJECT_Z spreads trims a normal sample's MAD by well under 1 %: no correction.
        scale = max(scale, SCALE_FLOOR)
    else:
        kept = values
    ordered = sorted(kept)
    return BandStats(
        sample_size=len(values),
        median_log=centre,
        scale_log=scale,
        q1_log=_quantile(ordered, 0.25),
        q3_log=_quantile(ordered, 0.75),
        k_below=k_below,
        k_far_below=k_far_below,
        k_above=k_above,
    )


# -- learning --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryRow:
    """One item of history, its value in rupees."""

    code: str
    origin: str
    unit: str
    quantity: float
    mass_kg: float
    value: float


GroupKey = tuple[str, str, str, str, str]  # level, code, origin, basis, unit


def _keys(row: HistoryRow) -> Iterator[tuple[GroupKey, float]]:
    """Every group the row belongs to, with its log unit value in that group's basis."""
    if row.value <= 0:
        return  # no log of a zero price: it is a finding to judge, never history to learn from
    heading = row.code[:HEADING_DIGITS]
    if row.quantity > 0:
        log_value = math.log(row.value / row.quantity)
        if row.origin:
            yield (BandLevel.CODE_ORIGIN, row.code, row.origin, Basis.PER_UNIT, row.unit), log_value
        yield (BandLevel.CODE, row.code, "", Basis.PER_UNIT, row.unit), log_value
        yield (BandLevel.HEADING, heading, "", Basis.PER_UNIT, row.unit), log_value
    if row.mass_kg > 0:
        log_value = math.log(row.value / row.mass_kg)
        if row.origin:
            yield (BandLevel.CODE_ORIGIN, row.code, row.origin, Basis.PER_KG, ""), log_value
        yield (BandLevel.CODE, row.code, "", Basis.PER_KG, ""), log_value
        yield (BandLevel.HEADING, heading, "", Basis.PER_KG, ""), log_value


def bands_learn(rows: Iterable[HistoryRow], *, min_sample: int = MIN_SAMPLE) -> dict[GroupKey, BandStats]:
    """Bands for every group of ``rows`` with at least ``min_sample`` members (pure; no database)."""
    groups: dict[GroupKey, list[float]] = defaultdict(list)
    for row in rows:
        for key, log_value in _keys(row):
            groups[key].append(log_value)
    bands: dict[GroupKey, BandStats] = {}
    for key, values in groups.items():
        stats = band_stats(values, min_sample=min_sample)
        if stats is not None:
            bands[key] = stats
    return bands


def _months_before(day: date, months: int) -> date:
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    return date(year, month + 1, min(day.day, 28))


def history_rows(*, start: date, end: date) -> Iterator[HistoryRow]:
    """Items declared in [start, end), less those an examination found undervalued: a band learnt
    from prices customs already knows to be false would be dragged towards them."""
    queryset = (
        DeclarationItem.objects.filter(declaration__declared_on__gte=start, declaration__declared_on__lt=end)
        .exclude(declaration__examination__discrepancy_type=DiscrepancyType.UNDERVALUATION)
        .values_list(
            "tariff_code",
            "origin_country",
            "unit",
            "quantity",
            "net_mass_kg",
            "customs_value",
            "declaration__exchange_rate",
        )
    )
    for code, origin, unit, quantity, mass, value, rate in queryset.iterator(chunk_size=BULK_BATCH):
        yield HistoryRow(
            code=code,
            origin=origin,
            unit=unit,
            quantity=float(quantity),
            mass_kg=float(mass),
            value=float(value * rate),
        )


def band_row(key: tuple[str, str, str, str, str], stats: Any, *, run: Any = None) -> ValueBand:
    """The stored band for ``key`` (level, code, origin, basis, unit) from its statistics."""
    level, code, origin, basis, unit = key
    return ValueBand(
        run=run,
        level=level,
        code=code,
        origin=origin,
        basis=basis,
        unit=unit,
        sample_size=stats.sample_size,
        median_log=stats.median_log,
        scale_log=stats.scale_log,
        q1_log=stats.q1_log,
        q3_log=stats.q3_log,
        low=stats.low,
        far_low=stats.far_low,
        high=stats.high,
    )


@transaction.atomic
def value_bands_rebuild(
    *,
    actor: Actor,
    as_of: date | None = None,
    months: int = DEFAULT_WINDOW_MONTHS,
    min_sample: int = MIN_SAMPLE,
) -> ValueControlRun:
    """Learn the bands again from the declarations of the ``months`` before ``as_of`` (default
    today) and replace the stored ones; the run records the window and the counts."""
    permissions.require_rebuild_bands(actor)
    if months < 1:
        raise DomainError.for_field("months", ValuationError.WINDOW_INVALID, _("The window is at least one month."))
    if min_sample < 2:
        raise DomainError.for_field("min_sample", ValuationError.WINDOW_INVALID, _("A band needs at least two rows."))
    end = (as_of or timezone.localdate()) + timedelta(days=1)
    start = _months_before(end, months)
    rows = 0

    def counted() -> Iterator[HistoryRow]:
        nonlocal rows
        for row in history_rows(start=start, end=end):
            rows += 1
            yield row

    learned = bands_learn(counted(), min_sample=min_sample)
    run = ValueControlRun.objects.create(
        kind=RunKind.BANDS,
        window_start=start,
        window_end=end - timedelta(days=1),
        parameters={"months": months, "min_sample": min_sample, "k_below": K_BELOW, "k_far_below": K_FAR_BELOW},
        requested_by=actor if is_signed_in(actor) else None,
    )
    ValueBand.objects.all().delete()
    ValueBand.objects.bulk_create(
        (band_row(key, stats, run=run) for key, stats in learned.items()),
        batch_size=BULK_BATCH,
    )
    by_level = {str(level): 0 for level in LEVELS}
    for key in learned:
        by_level[key[0]] += 1
    run.counts = {"history_rows": rows, "bands": len(learned), "by_level": by_level}
    run.save(update_fields=["counts"])
    event_record(kind=ValuationEvent.BANDS_REBUILT, subject=run, actor=actor, data=run.counts)
    return run


# -- checking --------------------------------------------------------------------------------------


@dataclass
class BasisCheck:
    basis: str
    unit: str
    unit_value: float | None  # rupees per unit (or per kg); None when quantity or mass is not positive
    finding: str
    band: dict[str, Any] | None = None


@dataclass
class ItemCheck:
    """One item's value control: its finding, why, and the value range its band suggests (in the
    declaration's currency and in rupees, for the item's whole quantity)."""

    item_number: int
    tariff_code: str
    origin: str
    finding: str
    reason: str
    bases: list[BasisCheck] = field(default_factory=list)
    suggested_low: float | None = None
    suggested_high: float | None = None
    suggested_low_pkr: float | None = None
    suggested_high_pkr: float | None = None
    shortfall_pkr: float = 0.0

    @property
    def flagged(self) -> bool:
        return self.finding in FLAGGED

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _band_dict(band: ValueBand) -> dict[str, Any]:
    return {
        "level": band.level,
        "code": band.code,
        "origin": band.origin,
        "sample_size": band.sample_size,
        "low": band.low,
        "far_low": band.far_low,
        "high": band.high,
        "median": math.exp(band.median_log),
    }


BandIndex = dict[GroupKey, ValueBand]


def _bands_for(items: Sequence[DeclarationItem]) -> BandIndex:
    """Every stored band any of ``items`` could use, in one query."""
    if not items:
        return {}
    wanted = Q(pk__in=[])
    for item in items:
        wanted |= Q(level=BandLevel.CODE_ORIGIN, code=item.tariff_code, origin=item.origin_country)
        wanted |= Q(level=BandLevel.CODE, code=item.tariff_code, origin="")
        wanted |= Q(level=BandLevel.HEADING, code=item.tariff_code[:HEADING_DIGITS], origin="")
    return {(b.level, b.code, b.origin, b.basis, b.unit): b for b in ValueBand.objects.filter(wanted)}


def _pick(index: BandIndex, item: DeclarationItem, basis: str, unit: str) -> ValueBand | None:
    for level, code, origin in (
        (BandLevel.CODE_ORIGIN, item.tariff_code, item.origin_country),
        (BandLevel.CODE, item.tariff_code, ""),
        (BandLevel.HEADING, item.tariff_code[:HEADING_DIGITS], ""),
    ):
        band = index.get((level, code, origin, basis, unit))
        if band is not None:
            return band
    return None


def _judge(band: ValueBand, unit_value: float) -> Finding:
    if unit_value < band.far_low:
        return Finding.FAR_BELOW
    if unit_value < band.low:
        return Finding.BELOW
    if unit_value > band.high:
        return Finding.ABOVE
    return Finding.IN_BAND


def _money(amount: float) -> str:
    return f"{amount:,.2f}"


def _check_item(item: DeclarationItem, rate: Decimal, index: BandIndex) -> ItemCheck:
    value_pkr = float(item.customs_value * rate)
    bases: list[tuple[BasisCheck, float, ValueBand | None]] = []
    for basis, unit, amount in (
        (Basis.PER_UNIT, item.unit, float(item.quantity)),
        (Basis.PER_KG, "", float(item.net_mass_kg)),
    ):
        if amount <= 0:
            bases.append((BasisCheck(basis=basis, unit=unit, unit_value=None, finding=Finding.CANNOT_JUDGE), 0.0, None))
            continue
        unit_value = value_pkr / amount
        band = _pick(index, item, basis, unit)
        if band is None:
            bases.append(
                (BasisCheck(basis=basis, unit=unit, unit_value=unit_value, finding=Finding.NO_BAND), amount, None)
            )
            continue
        check = BasisCheck(
            basis=basis, unit=unit, unit_value=unit_value, finding=_judge(band, unit_value), band=_band_dict(band)
        )
        bases.append((check, amount, band))
    worst, amount, band = max(bases, key=lambda entry: (SEVERITY[entry[0].finding], entry[0].basis == Basis.PER_UNIT))
    result = ItemCheck(
        item_number=item.item_number,
        tariff_code=item.tariff_code,
        origin=item.origin_country,
        finding=worst.finding,
        reason="",
        bases=[entry[0] for entry in bases],
    )
    if band is not None:
        result.suggested_low_pkr = band.low * amount
        result.suggested_high_pkr = band.high * amount
        result.suggested_low = result.suggested_low_pkr / float(rate)
        result.suggested_high = result.suggested_high_pkr / float(rate)
        if worst.finding in (Finding.BELOW, Finding.FAR_BELOW):
            result.shortfall_pkr = max(0.0, result.suggested_low_pkr - value_pkr)
    result.reason = _reason(item, worst, band)
    return result


def _reason(item: DeclarationItem, check: BasisCheck, band: ValueBand | None) -> str:
    per = check.unit if check.basis == Basis.PER_UNIT else "kg"
    if check.finding == Finding.CANNOT_JUDGE:
        return _("No unit value: the quantity and the net mass are not both positive, so the value cannot be judged.")
    if band is None or check.unit_value is None:
        return _(
            "No value band: fewer than %(n)d declarations of %(code)s from %(origin)s, of the code from any "
            "origin, or of heading %(heading)s in the window."
        ) % {"n": MIN_SAMPLE, "code": item.tariff_code, "origin": item.origin_country, "heading": item.tariff_code[:4]}
    where = {
        BandLevel.CODE_ORIGIN: _("code %(code)s from %(origin)s"),
        BandLevel.CODE: _("code %(code)s from every origin"),
        BandLevel.HEADING: _("heading %(code)s from every origin"),
    }[BandLevel(band.level)] % {"code": band.code, "origin": band.origin}
    text = {
        Finding.FAR_BELOW: _("far below"),
        Finding.BELOW: _("below"),
        Finding.ABOVE: _("above"),
        Finding.IN_BAND: _("within"),
    }[Finding(check.finding)]
    return _(
        "Value per %(per)s of %(value)s PKR is %(text)s the band %(low)s to %(high)s PKR (%(where)s, %(n)d declarations)."
    ) % {
        "per": per,
        "value": _money(check.unit_value),
        "text": text,
        "low": _money(band.low),
        "high": _money(band.high),
        "where": where,
        "n": band.sample_size,
    }


def value_findings(declaration: Declaration) -> list[ItemCheck]:
    """The value control of every item of ``declaration`` against the stored bands: the hook for
    lane selection (a read, one query for the bands; the items are read too unless prefetched).

    Each :class:`ItemCheck` has ``finding`` (a :class:`~rabta.risk.vocab_valuation.Finding` value),
    ``flagged`` (below, far below or above its band), a readable ``reason`` naming the band and its
    sample, the ``suggested_low``/``suggested_high`` value for the item's quantity in the
    declaration's currency, and ``shortfall_pkr``. Nothing is written: :func:`value_check_record`
    stores it."""
    return value_findings_of(declaration, list(declaration.items.all()))


def value_findings_of(
    declaration: Declaration, items: Sequence[DeclarationItem], *, bands: BandIndex | None = None
) -> list[ItemCheck]:
    """:func:`value_findings` of ``items`` (already read), against ``bands`` when given (every
    stored band, as :func:`bands_index` reads them: lane selection keeps them in process), else
    against the bands read for these items in one query."""
    index = _bands_for(items) if bands is None else bands
    return [_check_item(item, declaration.exchange_rate, index) for item in items]


def bands_index(*, limit: int) -> BandIndex | None:
    """Every stored band keyed as :func:`value_findings_of` looks them up, or ``None`` when there
    are more than ``limit`` (then each check reads its own, one query)."""
    bands = list(ValueBand.objects.order_by("pk")[: limit + 1])
    if len(bands) > limit:
        return None
    return {(b.level, b.code, b.origin, b.basis, b.unit): b for b in bands}


def worst_finding(checks: Sequence[ItemCheck]) -> str:
    return max((check.finding for check in checks), key=lambda finding: SEVERITY[finding], default=Finding.NO_BAND)


@transaction.atomic
def value_check_record(*, declaration: Declaration, actor: Actor = None) -> ValueCheck:
    """Check ``declaration`` and store the result (replacing an earlier check), with an event on the
    check: not on the declaration, whose timeline its trader reads."""
    checks = value_findings(declaration)
    run = ValueBand.objects.values_list("run_id", flat=True).first()
    shortfall = Decimal(str(round(sum(check.shortfall_pkr for check in checks), 2)))
    stored, _created = ValueCheck.objects.update_or_create(
        declaration=declaration,
        defaults={
            "finding": worst_finding(checks),
            "shortfall": shortfall,
            "items": [check.as_dict() for check in checks],
            "run_id": run,
            "checked_at": timezone.now(),
        },
    )
    event_record(
        kind=ValuationEvent.DECLARATION_CHECKED,
        subject=stored,
        actor=actor,
        to_state=stored.finding,
        data={"declaration": declaration.number, "flagged": [c.item_number for c in checks if c.flagged]},
    )
    return stored


def value_checks_record_pending(*, actor: Actor = None, limit: int | None = None) -> int:
    """Check every declaration that has no stored check yet (oldest first); how many were checked."""
    queryset = Declaration.objects.filter(value_check__isnull=True).order_by("declared_on", "pk")
    if limit is not None:
        queryset = queryset[:limit]
    done = 0
    for declaration in queryset.prefetch_related("items").iterator(chunk_size=200):
        value_check_record(declaration=declaration, actor=actor)
        done += 1
    return done


# -- reading ---------------------------------------------------------------------------------------


@dataclass
class DeclarationValue:
    number: str
    finding: str
    flagged: bool
    stored: bool
    checked_at: Any
    shortfall_pkr: float
    items: list[dict[str, Any]]
    outside_findings: list[dict[str, Any]] = field(default_factory=list)


def declaration_value(*, user: Actor, number: str) -> DeclarationValue:
    """The value check of a declaration the user sees (404 otherwise; 403 for a trader): the stored
    one, or, for a declaration not yet checked, one computed now (``stored`` says which)."""
    declaration = get_visible_or_404(Declaration.objects.prefetch_related("items"), user, number=number)
    permissions.require_read_value_check(user)
    stored = ValueCheck.objects.filter(declaration=declaration).first()
    outside = declaration_outside_findings(user=user, declaration=declaration)
    if stored is not None:
        return DeclarationValue(
            number=declaration.number,
            finding=stored.finding,
            flagged=stored.finding in FLAGGED,
            stored=True,
            checked_at=stored.checked_at,
            shortfall_pkr=float(stored.shortfall),
            items=stored.items,
            outside_findings=outside,
        )
    checks = value_findings(declaration)
    finding = worst_finding(checks)
    return DeclarationValue(
        number=declaration.number,
        finding=finding,
        flagged=finding in FLAGGED,
        stored=False,
        checked_at=None,
        shortfall_pkr=round(sum(check.shortfall_pkr for check in checks), 2),
        items=[check.as_dict() for check in checks],
        outside_findings=outside,
    )
