"""Risk profiles: the examinations and hits of each importer, declarant, code, origin, office and
pair, recomputed from customs' examination results (the labels) by one grouped query per key."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import CharField, Count, F, Q, Value
from django.db.models.functions import Cast, Coalesce, Concat, Substr

from rabta.accounts.types import Actor
from rabta.core.events import event_record
from rabta.customs.choices import Outcome
from rabta.customs.models import DeclarationItem
from rabta.risk.choices import ProfileKey
from rabta.risk.events import RiskEvent
from rabta.risk.models import RiskProfile
from rabta.risk.permissions import RiskAction, require

BATCH = 5000

# Profile key -> the item-level expression of its value (matching rabta.risk.services.lanes.declaration_facts).
_SEP = Value("|")


def _expressions() -> dict[str, Any]:
    text: CharField[str, str] = CharField()
    hs6 = Substr("tariff_code", 1, 6)
    importer = Coalesce(Cast("declaration__importer_id", text), Value(""))
    declarant = Coalesce(Cast("declaration__declarant_id", text), Value(""))

    def pair(a: Any, b: Any) -> Concat:
        return Concat(a, _SEP, b, output_field=text)

    return {
        ProfileKey.IMPORTER: importer,
        ProfileKey.DECLARANT: declarant,
        ProfileKey.CODE: hs6,
        ProfileKey.ORIGIN: F("origin_country"),
        ProfileKey.OFFICE: F("declaration__collectorate__code"),
        ProfileKey.IMPORTER_CODE: pair(importer, hs6),
        ProfileKey.DECLARANT_IMPORTER: pair(declarant, importer),
        ProfileKey.CODE_ORIGIN: pair(hs6, F("origin_country")),
    }


@transaction.atomic
def profiles_refresh(*, actor: Actor = None) -> int:
    """Recompute every profile from the examined declarations (one row per declaration and value: a
    declaration of three items of one code counts once for that code). Returns the rows written."""
    require(actor, RiskAction.TRAIN)
    examined = DeclarationItem.objects.filter(declaration__examination__isnull=False)
    hit = ~Q(declaration__examination__outcome=Outcome.NO_DISCREPANCY)
    rows: list[RiskProfile] = []
    for key, expression in _expressions().items():
        grouped = (
            examined.annotate(v=expression)
            .exclude(v__isnull=True)
            .values("v")
            .annotate(n=Count("declaration", distinct=True), h=Count("declaration", filter=hit, distinct=True))
        )
        rows.extend(RiskProfile(key=key, value=str(g["v"])[:200], examined=g["n"], hits=g["h"]) for g in grouped)
    totals = examined.aggregate(
        n=Count("declaration", distinct=True), h=Count("declaration", filter=hit, distinct=True)
    )
    rows.append(RiskProfile(key=ProfileKey.ALL, value="", examined=totals["n"] or 0, hits=totals["h"] or 0))
    RiskProfile.objects.all().delete()
    RiskProfile.objects.bulk_create(rows, batch_size=BATCH)
    marker = RiskProfile.objects.get(key=ProfileKey.ALL, value="")
    event_record(kind=RiskEvent.PROFILES_REFRESHED, subject=marker, actor=actor, data={"rows": len(rows)})
    return len(rows)
