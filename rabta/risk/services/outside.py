"""Value control's door for findings made outside its bands: another domain (today the exchange's
mirror checks, declared import value against a partner administration's declared export value)
hands its comparisons here, and value control keeps them as its own findings, so that they show
wherever value-control findings show (the declaration page, the value API, the audit ranking, a
bank's summary). A domain reaches value control only through this service and the selectors of
``rabta/risk/selectors_outside.py``.

Every finding is checked before any is written: one bad one refuses the whole batch, naming its
position and field. A (source, source_key) already recorded is skipped, so a source may hand the
same findings again (a re-run) without doubling them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rabta.accounts.roles import Role, user_roles
from rabta.accounts.types import Actor, is_signed_in
from rabta.core.errors import FieldErrorCollector, Forbidden
from rabta.core.events import event_record
from rabta.customs.models import Declaration
from rabta.risk.models_valuation import OutsideValueFinding
from rabta.risk.vocab_valuation import OutsideBasis, OutsideFinding, OutsideSource, ValuationError, ValuationEvent

MAX_BATCH = 10_000

# Who may hand outside findings to value control: the officer whose domain made them (a mirror
# check runs in an exchange officer's import), a risk analyst, or the system itself (None).
OUTSIDE_RECORDERS = frozenset({Role.EXCHANGE_OFFICER, Role.RISK_ANALYST})


@dataclass(frozen=True)
class OutsideFindingIn:
    """One comparison made outside value control. ``declared_value`` is Rabta's declared import
    value, ``outside_value`` the other side's (the partner's export value), in ``currency``."""

    source_key: str
    basis: str
    month: date
    currency: str
    declared_value: Decimal
    outside_value: Decimal
    tolerance_percent: Decimal
    declaration_id: int | None = None
    partner_country: str = ""
    reference: str = ""
    hs6: str = ""


def _gap(declared: Decimal, outside: Decimal) -> Decimal:
    return ((declared - outside) / outside * 100).quantize(Decimal("0.01"))


def _check(index: int, item: OutsideFindingIn, errors: FieldErrorCollector, known: set[int]) -> None:
    def bad(field: str, message: str) -> None:
        errors.add(f"findings[{index}].{field}", ValuationError.OUTSIDE_INVALID, message)

    if not item.source_key or len(item.source_key) > 80:
        bad("source_key", _("A finding needs its source's key (at most 80 characters)."))
    if item.basis not in OutsideBasis.values:
        bad("basis", _("The basis is shipment or period."))
    elif item.basis == OutsideBasis.SHIPMENT and item.declaration_id not in known:
        bad("declaration", _("A shipment finding names one of Rabta's declarations."))
    if item.month.day != 1:
        bad("month", _("A month is given by its first day."))
    if len(item.currency) != 3 or not item.currency.isalpha() or not item.currency.isupper():
        bad("currency", _("A currency is three capital letters (ISO 4217)."))
    if item.declared_value < 0:
        bad("declared_value", _("A value cannot be negative."))
    if item.outside_value <= 0:
        bad("outside_value", _("The value compared against must be above zero."))
    if item.tolerance_percent < 0:
        bad("tolerance_percent", _("A tolerance cannot be negative."))
    comparable = item.outside_value > 0 and item.declared_value >= 0 and item.tolerance_percent >= 0
    if comparable and abs(_gap(item.declared_value, item.outside_value)) <= item.tolerance_percent:
        bad("declared_value", _("The two values lie within the tolerance: that is not a finding."))
    if len(item.hs6) > 6 or len(item.reference) > 40 or len(item.partner_country) > 2:
        bad("reference", _("The HS6 code, reference or partner country is too long."))


def _reason(item: OutsideFindingIn, gap: Decimal) -> str:
    values = {
        "declared": f"{item.declared_value:,.2f}",
        "outside": f"{item.outside_value:,.2f}",
        "currency": item.currency,
        "gap": f"{abs(gap):.1f}",
        "partner": item.partner_country or _("the partner"),
        "what": item.reference if item.basis == OutsideBasis.SHIPMENT else f"HS {item.hs6} {item.month:%Y-%m}",
    }
    if gap < 0:
        text = _(
            "Declared import value %(declared)s %(currency)s is %(gap)s%% below the %(outside)s %(currency)s "
            "%(partner)s declared on export (%(what)s)."
        )
    else:
        text = _(
            "Declared import value %(declared)s %(currency)s is %(gap)s%% above the %(outside)s %(currency)s "
            "%(partner)s declared on export (%(what)s)."
        )
    return (text % values)[:300]


@transaction.atomic
def outside_findings_record(
    *, actor: Actor, source: str, findings: Sequence[OutsideFindingIn]
) -> list[OutsideValueFinding]:
    """Keep outside comparisons as value-control findings: every one checked first (one bad one
    refuses them all, naming each fault), those already recorded skipped, one event per new one.
    Returns the findings written now."""
    if not (actor is None or (is_signed_in(actor) and user_roles(actor) & {str(r) for r in OUTSIDE_RECORDERS})):
        raise Forbidden(
            ValuationError.NOT_ALLOWED, _("Only the exchange or a risk analyst hands findings to value control.")
        )
    errors = FieldErrorCollector()
    if source not in OutsideSource.values:
        errors.add("source", ValuationError.OUTSIDE_INVALID, _("Unknown source of outside findings."))
    if len(findings) > MAX_BATCH:
        errors.add("findings", ValuationError.OUTSIDE_INVALID, _("At most 10,000 findings at once."))
    wanted = {item.declaration_id for item in findings if item.declaration_id is not None}
    known = set(Declaration.objects.filter(pk__in=wanted).values_list("pk", flat=True)) if wanted else set()
    for index, item in enumerate(findings):
        _check(index, item, errors, known)
    errors.raise_if_any()
    keys = [item.source_key for item in findings]
    done = set(
        OutsideValueFinding.objects.filter(source=source, source_key__in=keys).values_list("source_key", flat=True)
    )
    now = timezone.now()
    recorder = actor if is_signed_in(actor) else None
    rows = []
    for item in findings:
        if item.source_key in done:
            continue
        done.add(item.source_key)
        gap = _gap(item.declared_value, item.outside_value)
        rows.append(
            OutsideValueFinding(
                source=source,
                source_key=item.source_key,
                basis=item.basis,
                finding=OutsideFinding.MIRROR_BELOW if gap < 0 else OutsideFinding.MIRROR_ABOVE,
                declaration_id=item.declaration_id if item.basis == OutsideBasis.SHIPMENT else None,
                partner_country=item.partner_country,
                reference=item.reference,
                hs6=item.hs6,
                month=item.month,
                currency=item.currency,
                declared_value=item.declared_value,
                outside_value=item.outside_value,
                gap_percent=gap,
                tolerance_percent=item.tolerance_percent,
                reason=_reason(item, gap),
                recorded_by=recorder,
                recorded_at=now,
            )
        )
    OutsideValueFinding.objects.bulk_create(rows)
    written = list(
        OutsideValueFinding.objects.filter(source=source, source_key__in=[row.source_key for row in rows]).order_by(
            "pk"
        )
    )
    for finding in written:
        event_record(
            kind=ValuationEvent.OUTSIDE_RECORDED,
            subject=finding,
            actor=actor,
            data={
                "source": finding.source,
                "source_key": finding.source_key,
                "finding": finding.finding,
                "gap_percent": str(finding.gap_percent),
            },
        )
    return written
