"""Filing a goods declaration and giving it a lane."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rabta.accounts.types import Actor
from rabta.core.errors import Conflict, CoreError, DomainError, Forbidden, InvalidTransition, Unprocessable
from rabta.core.events import event_record
from rabta.core.textinput import text_clean
from rabta.customs import rules
from rabta.customs.choices import PartyKind, Regime, Source, Status, TransportMode
from rabta.customs.codes import COUNTRIES, CURRENCIES
from rabta.customs.errors import CustomsError
from rabta.customs.events import CustomsEvent
from rabta.customs.models import Declaration, DeclarationItem, Party
from rabta.customs.parties import verified_ntn_hashes
from rabta.customs.permissions import Action, require
from rabta.customs.services.parties import PartyRef, party_normalize, party_register
from rabta.customs.services.rollups import rollup_fold_move
from rabta.customs.transitions import allowed
from rabta.directory.choices import OfficeLevel
from rabta.directory.models import Office
from rabta.risk.services.lanes import lane_reroute_record, lane_select

FieldErrors = dict[str, list[dict[str, str]]]


@dataclass(frozen=True)
class ItemInput:
    item_number: int
    tariff_code: str
    description: str
    origin_country: str
    departure_country: str
    quantity: Decimal
    unit: str
    net_mass_kg: Decimal
    customs_value: Decimal
    duty_assessed: Decimal = Decimal(0)
    taxes_assessed: Decimal = Decimal(0)


@dataclass(frozen=True)
class DeclarationInput:
    number: str
    declared_on: date
    collectorate: str
    importer: PartyRef
    items: list[ItemInput]
    regime: str = Regime.IMPORT
    declaration_type: str = ""
    station: str = ""
    transport_mode: str = TransportMode.SEA
    currency: str = "PKR"
    exchange_rate: Decimal = Decimal(1)
    declarant: PartyRef | None = None
    seller: PartyRef | None = None
    arrived_at: datetime | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Filing:
    declaration: Declaration
    created: bool


def _add(errors: FieldErrors, name: str, code: str, message: str) -> None:
    errors.setdefault(name, []).append({"code": str(code), "message": str(message)})


def _amount(
    errors: FieldErrors,
    name: str,
    value: Any,
    *,
    code: str,
    low: Decimal,
    high: Decimal,
    strict: bool,
    places: int = 2,
) -> Decimal:
    """``value`` as a Decimal within (or from) ``low`` to ``high``; an error naming ``name`` otherwise."""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        _add(errors, name, code, _("Give a number."))
        return Decimal(0)
    if not number.is_finite() or (number <= low if strict else number < low) or number > high:
        _add(errors, name, code, _("Out of range: from %(low)s to %(high)s.") % {"low": low, "high": high})
    elif number != number.quantize(Decimal(1).scaleb(-places)):
        # The column keeps ``places`` decimals: a finer figure would be rounded silently (to 0, even).
        _add(errors, name, code, _("At most %(places)d decimal places.") % {"places": places})
    return number


def _check_items(items: list[ItemInput], errors: FieldErrors, *, on: date) -> None:
    if not items:
        _add(errors, "items", CustomsError.ITEMS_REQUIRED, _("A declaration has at least one item."))
        return
    seen: set[int] = set()
    for index, item in enumerate(items):
        at = f"items.{index}"
        if not 1 <= item.item_number <= rules.ITEM_NUMBER_MAX:
            _add(errors, f"{at}.item_number", CustomsError.ITEM_NUMBER_INVALID, _("An item number is 1 to 9999."))
        elif item.item_number in seen:
            _add(errors, f"{at}.item_number", CustomsError.ITEM_DUPLICATE, _("This item number is given twice."))
        seen.add(item.item_number)
        if not rules.TARIFF_CODE.match(item.tariff_code or ""):
            _add(errors, f"{at}.tariff_code", CustomsError.TARIFF_CODE_INVALID, _("A tariff code is 6 to 12 digits."))
        description = text_clean(
            item.description, model=DeclarationItem, name="description", field=f"{at}.description", errors=errors
        )
        if not description and f"{at}.description" not in errors:
            _add(errors, f"{at}.description", CustomsError.DESCRIPTION_REQUIRED, _("Describe the goods."))
        for name in ("origin_country", "departure_country"):
            if getattr(item, name) not in COUNTRIES:
                _add(
                    errors, f"{at}.{name}", CustomsError.COUNTRY_UNKNOWN, _("Give an ISO 3166 two-letter country code.")
                )
        if item.unit not in rules.UNITS:
            _add(errors, f"{at}.unit", CustomsError.UNIT_INVALID, _("Give a UN/ECE unit code such as KGM or NMB."))
        _amount(
            errors,
            f"{at}.quantity",
            item.quantity,
            code=CustomsError.QUANTITY_INVALID,
            low=Decimal(0),
            high=rules.QUANTITY_MAX,
            strict=True,
            places=3,
        )
        _amount(
            errors,
            f"{at}.net_mass_kg",
            item.net_mass_kg,
            code=CustomsError.MASS_INVALID,
            low=Decimal(0),
            high=rules.MASS_MAX,
            strict=False,
            places=3,
        )
        for name in ("customs_value", "duty_assessed", "taxes_assessed"):
            _amount(
                errors,
                f"{at}.{name}",
                getattr(item, name),
                code=CustomsError.VALUE_INVALID,
                low=Decimal(0),
                high=rules.VALUE_MAX,
                strict=False,
            )
    codes = sorted({item.tariff_code for item in items if rules.TARIFF_CODE.match(item.tariff_code or "")})
    findings = rules.tariff_findings(codes=codes, on=on)
    for index, item in enumerate(items):
        finding = findings.get(item.tariff_code)
        if finding:
            _add(errors, f"items.{index}.tariff_code", finding, _("The tariff in force refuses this code."))


def _fingerprint(data: DeclarationInput) -> str:
    fields = asdict(data)
    if fields["arrived_at"] is None:
        del fields["arrived_at"]  # keeps the fingerprints stored before the field existed
    canonical = json.dumps(fields, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _replayed(scoped_key: str | None, fingerprint: str) -> Declaration | None:
    if scoped_key is None:
        return None
    replayed = Declaration.objects.filter(idempotency_key=scoped_key).first()
    if replayed is not None and replayed.idempotency_fingerprint != fingerprint:
        raise Unprocessable(
            CustomsError.IDEMPOTENCY_KEY_REUSED,
            _("This Idempotency-Key was already used for a different declaration; send a new key."),
            fields={
                "Idempotency-Key": [
                    {"code": CustomsError.IDEMPOTENCY_KEY_REUSED, "message": _("Already used for another request.")}
                ]
            },
        )
    return replayed


def declaration_file(*, data: DeclarationInput, actor: Actor, idempotency_key: str | None = None) -> Filing:
    """File one declaration with its items, then give it its lane (:func:`lane_assign`), in one
    transaction. Every field is checked first and all errors are named at once; nothing is written
    on any error. The filer must be the importer (a verified NTN on their account) unless it is the
    system. A retry with the same ``idempotency_key`` and the same declaration returns the first."""
    owner = actor.pk if actor is not None and actor.is_authenticated else "system"
    scoped_key = f"{owner}:{hashlib.sha256(idempotency_key.encode()).hexdigest()}" if idempotency_key else None
    fingerprint = _fingerprint(data) if scoped_key else ""
    replayed = _replayed(scoped_key, fingerprint)
    if replayed is not None:
        return Filing(replayed, created=False)

    errors: FieldErrors = {}
    number = (data.number or "").strip()
    if not rules.NUMBER.match(number):
        _add(
            errors,
            "number",
            CustomsError.NUMBER_INVALID,
            _("A declaration number is 1 to 40 letters, digits, / and -."),
        )
    today = timezone.localdate()
    if data.declared_on > today:
        _add(errors, "declared_on", CustomsError.DATE_IN_FUTURE, _("The declaration date is in the future."))
    elif data.declared_on < rules.EARLIEST_DATE:
        _add(errors, "declared_on", CustomsError.DATE_INVALID, _("The declaration date is too far in the past."))
    if data.arrived_at is not None:
        if timezone.is_naive(data.arrived_at):
            _add(errors, "arrived_at", CustomsError.DATE_INVALID, _("Give the arrival time with its time zone."))
        elif data.arrived_at > timezone.now():
            _add(errors, "arrived_at", CustomsError.DATE_IN_FUTURE, _("The arrival time is in the future."))
        elif data.arrived_at.date() < rules.EARLIEST_DATE:
            _add(errors, "arrived_at", CustomsError.DATE_INVALID, _("The arrival time is too far in the past."))
    if data.regime not in Regime.values:
        _add(errors, "regime", CustomsError.REGIME_UNKNOWN, _("Unknown customs regime."))
    if data.transport_mode not in TransportMode.values:
        _add(errors, "transport_mode", CustomsError.TRANSPORT_MODE_UNKNOWN, _("Unknown mode of transport."))
    if data.currency not in CURRENCIES:
        _add(errors, "currency", CustomsError.CURRENCY_UNKNOWN, _("Give an ISO 4217 currency code such as PKR or USD."))
    _amount(
        errors,
        "exchange_rate",
        data.exchange_rate,
        code=CustomsError.EXCHANGE_RATE_INVALID,
        low=Decimal(0),
        high=rules.EXCHANGE_RATE_MAX,
        strict=True,
        places=6,
    )
    declaration_type = text_clean(data.declaration_type, model=Declaration, name="declaration_type", errors=errors)
    collectorate = Office.objects.filter(code=data.collectorate, level=OfficeLevel.COLLECTORATE, is_active=True).first()
    if collectorate is None:
        _add(errors, "collectorate", CustomsError.COLLECTORATE_UNKNOWN, _("There is no such customs collectorate."))
    station = None
    if data.station:
        station = Office.objects.filter(code=data.station, is_active=True).first()
        if station is None or collectorate is None or not station.path.startswith(collectorate.path):
            _add(
                errors,
                "station",
                CustomsError.STATION_UNKNOWN,
                _("There is no such port or station under this collectorate."),
            )
    parties: dict[str, tuple[PartyRef, str]] = {}
    for name, ref, kind in (
        ("importer", data.importer, PartyKind.TRADER),
        ("declarant", data.declarant, PartyKind.CLEARING_AGENT),
        ("seller", data.seller, PartyKind.FOREIGN_TRADER),
    ):
        if ref is None:
            continue
        try:
            parties[name] = party_normalize(
                PartyRef(kind=kind, identifier=ref.identifier, name=ref.name, country=ref.country, scheme=ref.scheme),
                field=name,
            )
        except DomainError as exc:
            for key, problems in exc.fields.items():
                errors.setdefault(key, []).extend(problems)
    _check_items(data.items, errors, on=data.declared_on)
    if errors:
        first = next(iter(errors))
        raise DomainError(CoreError.VALIDATION, f"{first}: {errors[first][0]['message']}", fields=errors)
    if actor is not None and "importer" in parties and parties["importer"][1] not in verified_ntn_hashes(actor):
        raise Forbidden.for_field(
            "importer",
            CustomsError.NOT_YOUR_DECLARATION,
            _("You can file declarations only for an importer whose NTN is verified on your account."),
        )
    if Declaration.objects.filter(number=number).exists():
        raise Conflict.for_field(
            "number", CustomsError.NUMBER_TAKEN, _("A declaration with this number has been filed already.")
        )
    assert collectorate is not None

    try:
        with transaction.atomic():
            found: dict[str, Party] = {
                name: party_register(ref=ref, actor=actor, field=name) for name, (ref, _digest) in parties.items()
            }
            declaration = Declaration.objects.create(
                number=number,
                declared_on=data.declared_on,
                arrived_at=data.arrived_at,
                regime=data.regime,
                declaration_type=declaration_type,
                collectorate=collectorate,
                station=station,
                transport_mode=data.transport_mode,
                currency=data.currency,
                exchange_rate=data.exchange_rate,
                importer=found["importer"],
                declarant=found.get("declarant"),
                seller=found.get("seller"),
                source=Source.API,
                filed_by=actor if actor is not None and actor.is_authenticated else None,
                idempotency_key=scoped_key,
                idempotency_fingerprint=fingerprint,
            )
            DeclarationItem.objects.bulk_create(
                DeclarationItem(
                    declaration=declaration,
                    item_number=item.item_number,
                    tariff_code=item.tariff_code,
                    description=item.description.strip(),
                    origin_country=item.origin_country,
                    departure_country=item.departure_country,
                    quantity=item.quantity,
                    unit=item.unit,
                    net_mass_kg=item.net_mass_kg,
                    customs_value=item.customs_value,
                    duty_assessed=item.duty_assessed,
                    taxes_assessed=item.taxes_assessed,
                )
                for item in data.items
            )
            filed_event = event_record(
                kind=CustomsEvent.DECLARATION_FILED,
                subject=declaration,
                actor=actor,
                to_state=Status.FILED,
                data={"items": len(data.items)},
            )
            rollup_fold_move(declaration=declaration, event=filed_event)
            lane_assign(declaration=declaration)
    except IntegrityError:
        # A concurrent filing won the race: the same request (a retry) is answered with it.
        replayed = _replayed(scoped_key, fingerprint)
        if replayed is not None:
            return Filing(replayed, created=False)
        raise Conflict.for_field(
            "number", CustomsError.NUMBER_TAKEN, _("A declaration with this number has been filed already.")
        ) from None
    return Filing(declaration, created=True)


def lane_assign(
    *, declaration: Declaration, actor: Actor = None, lane: str | None = None, reason: str = ""
) -> Declaration:
    """Give ``declaration`` its lane and record why. Without ``lane``, the risk engine decides
    (rabta.risk.services.lanes: officer rules, the learned model, random selection, expected-rate
    top-ups) and its reasons are the event's; with ``lane``, an authorised officer re-routes it, with a
    reason, and that is recorded the same way. Either way a ``risk.LaneDecision`` row keeps the reasons."""
    with transaction.atomic():
        locked = Declaration.objects.select_for_update().select_related("collectorate").get(pk=declaration.pk)
        require(actor, locked, Action.ASSIGN_LANE)
        if lane and lane not in settings.RABTA_CUSTOMS_LANES:
            raise DomainError.for_field("lane", CustomsError.LANE_UNKNOWN, _("There is no such lane."))
        if not allowed(locked.status, Status.LANE_ASSIGNED):
            raise InvalidTransition(
                _("The lane can no longer be changed: the declaration is %(status)s.")
                % {"status": locked.get_status_display()}
            )
        if lane:
            decision = lane_reroute_record(declaration=locked, lane=lane, actor=actor, reason=reason)
        else:
            decision = lane_select(declaration=locked)
            reason = decision.reason
        chosen = decision.lane
        previous, locked.lane, locked.status = locked.status, chosen, Status.LANE_ASSIGNED
        locked.save(update_fields=["lane", "status", "updated_at"])
        event = event_record(
            kind=CustomsEvent.LANE_ASSIGNED,
            subject=locked,
            actor=actor,
            from_state=previous,
            to_state=Status.LANE_ASSIGNED,
            reason=reason,
            data={
                "lane": chosen,
                "source": decision.source,
                "decision": decision.pk,
                "rules": [hit["rule"] for hit in decision.rules_hit if hit.get("selected")],
                "model_version": decision.model_version,
                "model_score": decision.model_score,
                "model_outcome": decision.model_outcome,
                "exploration": decision.exploration,
            },
        )
        rollup_fold_move(declaration=locked, event=event)
    declaration.lane, declaration.status = locked.lane, locked.status
    return declaration
