"""Reads of incident reports and their trends. Every read of reports starts from
``Incident.objects.visible_to(user)``; the trends read the roll-ups of the formations whose
approved reports the reader may see."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from rabta.accounts.roles import Role
from rabta.accounts.types import Actor, is_signed_in
from rabta.core.errors import DomainError, NotFound
from rabta.core.events import event_rows
from rabta.core.models import Event
from rabta.directory.models import Office
from rabta.enforcement.errors import EnforcementError
from rabta.enforcement.models import Incident, IncidentEvidence, IncidentTrend
from rabta.enforcement.permissions import require_trends
from rabta.enforcement.services import NATION

PAGE_SIZE = 50
PAGE_SIZE_MAX = 200
TREND_MONTHS_MAX = 120
MOVERS_BASELINE_MONTHS = 12
CENTS = Decimal("0.01")
TREND_VALUES_DEFAULT = 20
TREND_VALUES_MAX = 100


def incidents() -> QuerySet[Incident]:
    return Incident.objects.select_related("formation", "place", "reported_by", "approved_by").prefetch_related(
        "goods", "parties__party", "declarations", "amendments"
    )


def incident_list(
    *,
    user: Actor,
    review_status: str | None = None,
    incident_type: str | None = None,
    formation: str | None = None,
    before_id: int | None = None,
    limit: int = PAGE_SIZE,
) -> list[Incident]:
    rows = incidents_filtered(user=user, review_status=review_status, incident_type=incident_type, formation=formation)
    if before_id:
        rows = rows.filter(id__lt=before_id)
    return list(rows[: max(1, min(limit, PAGE_SIZE_MAX))])


def incidents_filtered(
    *, user: Actor, review_status: str | None = None, incident_type: str | None = None, formation: str | None = None
) -> QuerySet[Incident]:
    """The reports the reader sees with the list's filters, newest first, unpaged (the list pages
    it; the export streams it)."""
    rows = Incident.objects.visible_to(user)
    if review_status:
        rows = rows.filter(review_status=review_status)
    if incident_type:
        rows = rows.filter(incident_type=incident_type)
    if formation:
        rows = rows.filter(formation__code=formation)
    return rows.select_related("formation", "reported_by").order_by("-id")


def incident_timeline(*, user: Actor, incident: Incident) -> list[dict[str, Any]]:
    def actor(event: Event) -> str:
        return "system" if event.actor is None else event.actor.full_name

    return event_rows(incident, actor_label=actor)


def _evidence_row(evidence: IncidentEvidence) -> dict[str, Any]:
    return {
        "id": evidence.pk,
        "name": evidence.name,
        "content_type": evidence.content_type,
        "size": evidence.size,
        "sha256": evidence.sha256,
        "uploaded_at": evidence.uploaded_at,
        "uploaded_by": evidence.uploaded_by.full_name,
        "amendment_reason": evidence.amendment.reason if evidence.amendment else "",
    }


def incident_evidence(*, incident: Incident) -> list[dict[str, Any]]:
    """The files of a report, oldest first. The caller fetched ``incident`` through
    ``get_visible_or_404``: whoever sees a report sees its evidence."""
    rows = IncidentEvidence.objects.filter(incident=incident).select_related("uploaded_by", "amendment")
    return [_evidence_row(e) for e in rows.order_by("uploaded_at", "id")]


def evidence_get(*, incident: Incident, evidence_id: int) -> tuple[IncidentEvidence, dict[str, Any]]:
    """One file of a report (fetched visible), or 404: a file of another report is not found here."""
    evidence = (
        IncidentEvidence.objects.filter(incident=incident, pk=evidence_id)
        .select_related("uploaded_by", "amendment")
        .first()
    )
    if evidence is None:
        raise NotFound(_("No such file."))
    return evidence, _evidence_row(evidence)


def visible_formation_ids(user: Actor) -> list[int] | None:
    """The formations whose approved reports ``user`` reads in the trends: None for all."""
    if user is None:
        return None
    if not is_signed_in(user):
        return []
    ids: set[int] = set()
    for assignment in user.role_assignments.filter(active=True).select_related("office"):
        if assignment.role == Role.RISK_ANALYST:
            return None
        office = assignment.office
        if office is None:
            continue
        if assignment.role == Role.ENFORCEMENT_OFFICER:
            ids.add(office.pk)
        elif assignment.role in (Role.ENFORCEMENT_SUPERVISOR, Role.CUSTOMS_MANAGER):
            ids.update(Office.objects.filter(path__startswith=office.path).values_list("pk", flat=True))
    return sorted(ids)


def _month(value: date) -> date:
    return value.replace(day=1)


def _months_between(start: date, end: date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month + 1


def _period(start: date | None, end: date | None) -> tuple[date, date]:
    today = timezone.localdate()
    end = _month(end or today)
    start = _month(start) if start else date(end.year - 1, end.month, 1)
    if start > end:
        raise DomainError.for_field("start", EnforcementError.PERIOD_INVALID, _("The period starts after it ends."))
    if _months_between(start, end) > TREND_MONTHS_MAX:
        raise DomainError.for_field(
            "start",
            EnforcementError.PERIOD_INVALID,
            _("A trend covers at most %(n)d months.") % {"n": TREND_MONTHS_MAX},
        )
    return start, end


def _trend_rows(user: Actor, dimension: str) -> QuerySet[IncidentTrend]:
    """The roll-up rows a trend of ``dimension`` reads for ``user``: the national rows (formation
    0) for a national reader, else those of the reader's formations; ``formation`` reads each
    formation's totals."""
    require_trends(user)
    if dimension not in IncidentTrend.Dimension.values and dimension != "formation":
        raise DomainError.for_field(
            "by", EnforcementError.DIMENSION_UNKNOWN, _("Group by all, formation, route, origin, code, modus or type.")
        )
    stored = IncidentTrend.Dimension.ALL if dimension == "formation" else dimension
    rows = IncidentTrend.objects.filter(dimension=stored)
    formations = visible_formation_ids(user)
    if formations is not None:
        return rows.filter(formation_id__in=formations)
    if dimension == "formation":
        return rows.exclude(formation_id=NATION)
    return rows.filter(formation_id=NATION)


def _value_field(dimension: str) -> str:
    return "formation_id" if dimension == "formation" else "value"


@dataclass(frozen=True)
class TrendPoint:
    value: str
    month: date
    incidents: int
    goods_value: Decimal


def incident_trends(
    *,
    user: Actor,
    dimension: str = "all",
    start: date | None = None,
    end: date | None = None,
    value: str = "",
    limit: int = TREND_VALUES_DEFAULT,
) -> list[TrendPoint]:
    """Approved incidents and their goods' value per month and value of ``dimension`` (``formation``
    gives formation codes), over the reader's formations, for the ``limit`` values with the most
    incidents in the period (or the one ``value`` asked for). Reads the roll-ups only."""
    start, end = _period(start, end)
    rows = _trend_rows(user, dimension).filter(month__gte=start, month__lte=end)
    key = _value_field(dimension)
    if value:
        if dimension == "formation":
            rows = rows.filter(formation_id__in=Office.objects.filter(code=value).values("pk"))
        else:
            rows = rows.filter(value=value)
    else:
        top = rows.values(key).annotate(n=Sum("incidents")).order_by("-n", key)[: max(1, min(limit, TREND_VALUES_MAX))]
        rows = rows.filter(**{f"{key}__in": [g[key] for g in top]})
    grouped = rows.values(key, "month").annotate(n=Sum("incidents"), v=Sum("goods_value")).order_by("month", key)
    names = _formation_codes(dimension, [g[key] for g in grouped])
    return [
        TrendPoint(
            value=names.get(g[key], str(g[key])),
            month=g["month"],
            incidents=g["n"],
            goods_value=Decimal(g["v"] or 0).quantize(CENTS),  # SQLite's sums lose the scale
        )
        for g in grouped
    ]


def _formation_codes(dimension: str, ids: list[Any]) -> dict[Any, str]:
    if dimension != "formation":
        return {}
    return dict(Office.objects.filter(pk__in=set(ids)).values_list("pk", "code"))


@dataclass(frozen=True)
class Mover:
    value: str
    this_month: int
    baseline_mean: float
    change: float | None  # this month over the baseline mean (1.0 = as usual; None: no baseline)
    score: float  # (this month - mean) / sqrt(mean + 1): how unusual the rise is


def incident_movers(*, user: Actor, dimension: str = "code", month: date | None = None, limit: int = 10) -> list[Mover]:
    """What is rising: each value's incidents in ``month`` (default this month) against its mean over
    the twelve months before, ranked by how far above the usual it is (a Poisson-like z-score, so
    a jump from 0 to 1 does not outrank a jump from 20 to 60)."""
    end = _month(month or timezone.localdate())
    start = date(end.year - 1, end.month, 1)
    rows = _trend_rows(user, dimension).filter(month__gte=start, month__lte=end)
    key = _value_field(dimension)
    now: dict[Any, int] = {}
    before: dict[Any, int] = {}
    for g in rows.values(key, "month").annotate(n=Sum("incidents")):
        target = now if g["month"] == end else before
        target[g[key]] = target.get(g[key], 0) + g["n"]
    movers = []
    for value, count in now.items():
        mean = before.get(value, 0) / MOVERS_BASELINE_MONTHS
        movers.append(
            Mover(
                value=str(value),
                this_month=count,
                baseline_mean=round(mean, 3),
                change=round(count / mean, 3) if mean else None,
                score=round((count - mean) / math.sqrt(mean + 1), 3),
            )
        )
    movers = sorted((m for m in movers if m.score > 0), key=lambda m: (-m.score, m.value))[: max(1, min(limit, 100))]
    names = _formation_codes(dimension, [int(m.value) for m in movers] if dimension == "formation" else [])
    if names:
        movers = [
            Mover(names.get(int(m.value), m.value), m.this_month, m.baseline_mean, m.change, m.score) for m in movers
        ]
    return movers


def formations_reportable(*, user: Actor) -> list[tuple[str, str]]:
    """The formations this user files reports for, as (code, name): an enforcement officer their
    own; a supervisor theirs and every one below it (``permissions.formation_reportable_by``)."""
    if not is_signed_in(user):
        return []
    own: list[int] = []
    paths: list[str] = []
    for assignment in user.role_assignments.filter(
        active=True, role__in=(Role.ENFORCEMENT_OFFICER, Role.ENFORCEMENT_SUPERVISOR), office__isnull=False
    ).select_related("office"):
        office = assignment.office
        if office is None:
            continue
        if assignment.role == Role.ENFORCEMENT_OFFICER:
            own.append(office.pk)
        else:
            paths.append(office.path)
    scope = Q(pk__in=own)
    for path in paths:
        scope |= Q(path__startswith=path)
    if not own and not paths:
        return []
    return list(Office.objects.filter(scope, is_active=True).order_by("path").values_list("code", "name"))


def review_queue(*, user: Actor) -> list[Incident]:
    """The submitted reports this supervisor reviews: of their line, not their own, oldest first."""
    paths = (
        [
            a.office.path  # type: ignore[union-attr]  # office__isnull=False
            for a in user.role_assignments.filter(
                active=True, role=Role.ENFORCEMENT_SUPERVISOR, office__isnull=False
            ).select_related("office")
        ]
        if is_signed_in(user)
        else []
    )
    if not paths:
        return []
    line = Q()
    for path in paths:
        line |= Q(formation__path__startswith=path)
    rows = (
        Incident.objects.visible_to(user)
        .filter(line, review_status="submitted")
        .exclude(reported_by_id=getattr(user, "pk", None))
        .select_related("formation", "reported_by")
        .order_by("submitted_at", "id")
    )
    return list(rows[:PAGE_SIZE_MAX])


def incidents_naming_parties(*, user: Actor, party_ids: list[int | None], limit: int = 20) -> list[Incident]:
    """The approved reports, within the reader's scope, that name any of these KYC parties."""
    ids = [pk for pk in party_ids if pk]
    if not ids:
        return []
    rows = (
        Incident.objects.visible_to(user)
        .filter(review_status="approved", parties__party_id__in=ids)
        .distinct()
        .select_related("formation", "reported_by")
        .order_by("-occurred_on", "-id")
    )
    return list(rows[:limit])


def incident_districts(*, user: Actor, months: int = 12) -> list[dict[str, Any]]:
    """The district grid: approved reports of the last ``months`` months within the reader's scope,
    per district named as their place, most first, each with a level 1-3 (thirds of the largest)."""
    require_trends(user)
    today = timezone.localdate()
    since = date(today.year - months // 12, today.month, 1) if months % 12 == 0 else _month(today)
    grouped = (
        Incident.objects.visible_to(user)
        .filter(review_status="approved", place__isnull=False, occurred_on__gte=since)
        .values("place__name")
        .annotate(n=Count("id"))
        .order_by("-n", "place__name")[:TREND_VALUES_MAX]
    )
    rows = [{"name": g["place__name"], "incidents": g["n"]} for g in grouped]
    top = max((r["incidents"] for r in rows), default=0)
    for row in rows:
        row["level"] = 1 + min(2, (3 * row["incidents"] - 1) // top) if top else 1
    return rows


def _quoted(value: str) -> str:
    return '"' + value.replace("\\", "").replace('"', "") + '"'


def incident_rule_condition(*, incident: Incident) -> str:
    """A risk rule's condition pre-filled from a report (risk's condition language): its importers
    (by the KYC registry's identity, as the lanes see them), its goods' HS6 codes, their origins."""
    importers = sorted(
        {p.party.identifier_hash for p in incident.parties.all() if p.party is not None and p.role == "importer"}
    )
    codes = sorted({g.tariff_code[:6] for g in incident.goods.all()})
    origins = sorted({g.origin_country for g in incident.goods.all() if g.origin_country})
    parts = []
    if importers:
        parts.append(" or ".join(f"importer == {_quoted(i)}" for i in importers))
    if codes:
        parts.append(" or ".join(f"startswith(code, {_quoted(c)})" for c in codes))
    if origins:
        parts.append("origin in [" + ", ".join(_quoted(o) for o in origins) + "]")
    return " and ".join(f"({p})" if " or " in p else p for p in parts)
