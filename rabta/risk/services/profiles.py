"""Risk profiles: the examinations and hits of each importer, declarant, code, origin, office and
pair, recomputed from customs' examination results (the labels) by one grouped query per key."""

from __future__ import annotations

from collections.abc import Iterable
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
    # The incident counts are enforcement's, not the examinations': they survive the recomputation.
    counted = {(p.key, p.value): p.incidents for p in RiskProfile.objects.filter(incidents__gt=0)}
    for row in rows:
        row.incidents = counted.pop((row.key, row.value), 0)
    rows.extend(RiskProfile(key=key, value=value, incidents=n) for (key, value), n in counted.items())
    RiskProfile.objects.all().delete()
    RiskProfile.objects.bulk_create(rows, batch_size=BATCH)
    marker = RiskProfile.objects.get(key=ProfileKey.ALL, value="")
    event_record(kind=RiskEvent.PROFILES_REFRESHED, subject=marker, actor=actor, data={"rows": len(rows)})
    return len(rows)


@transaction.atomic
def profiles_incidents_count(*, actor: Actor, incident: str, keys: Iterable[tuple[str, str]], sign: int = 1) -> int:
    """Count an approved enforcement incident (its reference, ``incident``) in the profiles of what it names, at
    once: ``keys`` are (profile key, value) as the lanes read them (importer and declarant by party
    id, code by HS6, origin, the pairs, and the route). ``sign=-1`` takes a correction's old keys
    out. Called by enforcement's approval in its own transaction, which has checked that the actor
    may approve: a supervisor need not be a risk analyst to make the risk picture follow."""
    wanted = sorted({(str(key), str(value)[:200]) for key, value in keys if value and key in ProfileKey.values})
    profile: RiskProfile | None = None
    for key, value in wanted:
        profile, _created = RiskProfile.objects.select_for_update().get_or_create(key=key, value=value)
        profile.incidents = max(0, profile.incidents + sign)
        profile.save(update_fields=["incidents", "refreshed_at"])
    if profile is not None:
        # On a profile (the risk domain's own row), so the incident's timeline stays enforcement's.
        event_record(
            kind=RiskEvent.PROFILES_INCIDENTS_COUNTED,
            subject=profile,
            actor=actor,
            data={"incident": incident, "keys": [f"{key}={value}" for key, value in wanted], "sign": sign},
        )
    return len(wanted)
