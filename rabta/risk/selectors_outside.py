"""Value control's reads that other domains and pages use: a declaration's outside findings (the
exchange's mirror checks, recorded by ``rabta.risk.services.outside``) beside its band check, and a
trader's value-control summary for a bank's compliance unit (counts and months only)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Max, Min, QuerySet

from rabta.accounts.types import Actor
from rabta.core.errors import Forbidden
from rabta.customs.models import Declaration
from rabta.risk import permissions_valuation as permissions
from rabta.risk.models_valuation import OutsideValueFinding, ValueCheck
from rabta.risk.vocab_valuation import FLAGGED, OutsideFinding


def outside_as_dict(finding: OutsideValueFinding) -> dict[str, Any]:
    return {
        "source": finding.source,
        "basis": finding.basis,
        "finding": finding.finding,
        "finding_label": OutsideFinding(finding.finding).label,
        "partner_country": finding.partner_country,
        "month": finding.month,
        "currency": finding.currency,
        "declared_value": float(finding.declared_value),
        "outside_value": float(finding.outside_value),
        "gap_percent": float(finding.gap_percent),
        "reason": finding.reason,
    }


def outside_findings_of(declaration_ids: Iterable[int]) -> dict[int, list[dict[str, Any]]]:
    """The outside findings of these declarations, oldest first, for value control's own passes
    (the audit refresh): no reader, so no scope. One query."""
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    ids = list(declaration_ids)
    if not ids:
        return found
    for finding in OutsideValueFinding.objects.filter(declaration_id__in=ids).order_by("month", "pk"):
        assert finding.declaration_id is not None
        found[finding.declaration_id].append(outside_as_dict(finding))
    return found


def declaration_outside_findings(*, user: Actor, declaration: Declaration) -> list[dict[str, Any]]:
    """One declaration's outside findings for a reader who may read its value check (customs staff,
    risk analysts, oversight who see it); nothing for anyone else, a trader included."""
    try:
        permissions.require_read_value_check(user)
    except Forbidden:
        return []
    rows = OutsideValueFinding.objects.visible_to(user).filter(declaration=declaration).order_by("month", "pk")
    return [outside_as_dict(finding) for finding in rows]


def outside_findings_list(*, user: Actor) -> QuerySet[OutsideValueFinding]:
    """Outside findings the user may read, newest first (the audit page's list)."""
    permissions.require_read_audit_list(user)
    return OutsideValueFinding.objects.visible_to(user).select_related("declaration").order_by("-month", "-pk")


def trader_value_control(*, importer_id: int | None) -> dict[str, Any]:
    """What value control may tell a bank about one importer: declarations checked, flagged band
    findings and outside findings, by kind, with first and last months. No declaration, line or value."""
    if importer_id is None:
        checks = ValueCheck.objects.none()
        outside = OutsideValueFinding.objects.none()
    else:
        checks = ValueCheck.objects.filter(declaration__importer_id=importer_id)
        outside = OutsideValueFinding.objects.filter(declaration__importer_id=importer_id)
    flagged = checks.filter(finding__in=FLAGGED)
    span = flagged.aggregate(first=Min("declaration__declared_on"), last=Max("declaration__declared_on"))
    outside_span = outside.aggregate(first=Min("month"), last=Max("month"))
    return {
        "declarations_checked": checks.count(),
        "findings": flagged.count(),
        "by_kind": dict(flagged.values_list("finding").annotate(n=Count("pk")).order_by()),
        "first_month": span["first"].strftime("%Y-%m") if span["first"] else None,
        "last_month": span["last"].strftime("%Y-%m") if span["last"] else None,
        "outside_findings": outside.count(),
        "outside_by_kind": dict(outside.values_list("finding").annotate(n=Count("pk")).order_by()),
        "outside_first_month": outside_span["first"].strftime("%Y-%m") if outside_span["first"] else None,
        "outside_last_month": outside_span["last"].strftime("%Y-%m") if outside_span["last"] else None,
    }
