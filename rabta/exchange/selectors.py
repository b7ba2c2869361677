"""Reads of the data exchange. Every list starts from ``visible_to(user)`` (an exchange officer
sees all, anyone else nothing); the rows an export streams are read here too, chunk by chunk."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from itertools import islice
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from rabta.accounts.types import Actor
from rabta.customs.models import Declaration, DeclarationItem
from rabta.enforcement.choices import ReviewStatus
from rabta.enforcement.models import Incident, IncidentGoods
from rabta.exchange.models import Agreement, BankRequest, ExchangeLog, MirrorFinding, PartnerImport

PAGE_SIZE = 50
PAGE_SIZE_MAX = 200
CHUNK = 500


def page_size(limit: int) -> int:
    return max(1, min(limit, PAGE_SIZE_MAX))


def agreements() -> QuerySet[Agreement]:
    return Agreement.objects.select_related("created_by")


def agreement_list(*, user: Actor, limit: int = PAGE_SIZE) -> list[Agreement]:
    return list(Agreement.objects.visible_to(user).order_by("-created_at", "-id")[: page_size(limit)])


def exchange_log(*, user: Actor, agreement: Agreement | None = None, limit: int = PAGE_SIZE) -> list[ExchangeLog]:
    rows = ExchangeLog.objects.visible_to(user).select_related("agreement", "actor")
    if agreement is not None:
        rows = rows.filter(agreement=agreement)
    return list(rows.order_by("-created_at", "-id")[: page_size(limit)])


def partner_imports() -> QuerySet[PartnerImport]:
    return PartnerImport.objects.select_related("agreement", "actor")


def import_list(*, user: Actor, limit: int = PAGE_SIZE) -> list[PartnerImport]:
    return list(
        PartnerImport.objects.visible_to(user)
        .select_related("agreement", "actor")
        .order_by("-created_at", "-id")[: page_size(limit)]
    )


def mirror_findings(
    *, user: Actor, partner_import: PartnerImport | None = None, limit: int = PAGE_SIZE
) -> list[MirrorFinding]:
    rows = MirrorFinding.objects.visible_to(user).select_related("declaration")
    if partner_import is not None:
        rows = rows.filter(partner_import=partner_import)
    return list(rows.order_by("-created_at", "-id")[: page_size(limit)])


def bank_requests() -> QuerySet[BankRequest]:
    return BankRequest.objects.select_related("agreement", "actor")


def bank_request_list(*, user: Actor, limit: int = PAGE_SIZE) -> list[BankRequest]:
    return list(
        BankRequest.objects.visible_to(user)
        .select_related("agreement", "actor")
        .order_by("-created_at", "-id")[: page_size(limit)]
    )


# -- the rows of an export ---------------------------------------------------------------------------


def _batches(rows: Iterator[Any], size: int) -> Iterator[list[Any]]:
    while batch := list(islice(rows, size)):
        yield batch


def export_declarations(
    *, country: str, start: date, end: date
) -> Iterator[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """The declarations of trade with ``country`` (an item from or consigned from it) declared in
    the period, as values and items keyed by :data:`rabta.exchange.wco.FIELDS`.

    Set-based: the declarations are read as tuples through one server-side cursor, and each chunk
    of :data:`CHUNK` fetches its items in one query, as tuples too. Model instances and a
    prefetch per chunk cost three quarters of an export's time (profiled: 10,000 declarations)."""
    trade = DeclarationItem.objects.filter(Q(origin_country=country) | Q(departure_country=country))
    heads = (
        Declaration.objects.filter(declared_on__gte=start, declared_on__lte=end, pk__in=trade.values("declaration_id"))
        .order_by("declared_on", "pk")
        .values_list(
            "pk", "number", "declared_on", "regime", "transport_mode", "currency", "station__code", "collectorate__code"
        )
    )
    for batch in _batches(heads.iterator(chunk_size=CHUNK), CHUNK):
        goods: dict[int, list[dict[str, Any]]] = defaultdict(list)
        lines = (
            DeclarationItem.objects.filter(declaration_id__in=[row[0] for row in batch])
            .order_by("declaration_id", "item_number")
            .values_list(
                "declaration_id",
                "item_number",
                "tariff_code",
                "description",
                "origin_country",
                "departure_country",
                "quantity",
                "unit",
                "net_mass_kg",
                "customs_value",
            )
        )
        for owner, number, code, description, origin, departure, quantity, unit, mass, value in lines:
            goods[owner].append(
                {
                    "item_number": number,
                    "tariff_code": code,
                    "description": description,
                    "origin": origin,
                    "export_country": departure,
                    "quantity": str(quantity),
                    "unit": unit,
                    "net_mass": str(mass),
                    "customs_value": str(value),
                }
            )
        for pk, number, declared_on, regime, transport_mode, currency, station, collectorate in batch:
            values = {
                "reference": number,
                "issue_date": declared_on.isoformat(),
                "type": regime,
                "office": station or collectorate,
                "transport_mode": transport_mode,
                "currency": currency,
            }
            yield values, goods.get(pk, [])


def export_incidents(*, country: str, start: date, end: date) -> Iterator[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """Approved incidents of the period with goods from ``country``: summaries, no people or places."""
    goods = IncidentGoods.objects.order_by("line")
    rows = (
        Incident.objects.filter(
            review_status=ReviewStatus.APPROVED,
            occurred_on__gte=start,
            occurred_on__lte=end,
            pk__in=IncidentGoods.objects.filter(origin_country=country).values("incident_id"),
        )
        .order_by("occurred_on", "pk")
        .prefetch_related(Prefetch("goods", queryset=goods))
    )
    for incident in rows.iterator(chunk_size=CHUNK):
        values = {
            "incident_reference": incident.reference,
            "incident_date": incident.occurred_on.isoformat(),
            "incident_type": incident.incident_type,
            "modus_operandi": incident.modus_operandi,
            "route": incident.route or None,
            "incident_value": str(incident.total_value),
        }
        lines = [
            {
                "goods_tariff_code": line.tariff_code,
                "goods_origin": line.origin_country or None,
                "goods_quantity": str(line.quantity),
                "goods_value": str(line.value),
            }
            for line in incident.goods.all()
        ]
        yield values, lines
