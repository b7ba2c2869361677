"""Reads of the border agencies: each starts from its model's ``visible_to(user)``; an agency, rule,
selection or declaration outside the reader's scope reads as missing (404)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from rabta.accounts.types import Actor
from rabta.core.errors import NotFound
from rabta.core.permissions import get_visible_or_404
from rabta.customs.models import Declaration, DeclarationItem
from rabta.risk.models_agency import (
    Agency,
    AgencyRule,
    AgencySelection,
    AgencyShare,
    is_customs_reader,
    member_agency_ids,
)
from rabta.risk.services.agencies import prefix_filter


def agency_list(*, user: Actor) -> QuerySet[Agency]:
    return Agency.objects.visible_to(user).order_by("code")


def agency_get(*, user: Actor, code: str) -> Agency:
    return get_visible_or_404(Agency.objects.all(), user, code=code)


def agency_of(*, user: Actor, code: str = "") -> Agency:
    """The agency an agency officer works for (``code`` when they work for several); 404 otherwise."""
    agencies = Agency.objects.filter(pk__in=member_agency_ids(user)).order_by("code")
    agency = agencies.filter(code=code).first() if code else agencies.first()
    if agency is None:
        raise NotFound("No such agency.")
    return agency


def agency_rule_list(*, user: Actor, agency: Agency) -> QuerySet[AgencyRule]:
    return AgencyRule.objects.visible_to(user).filter(agency=agency).select_related("author").order_by("-pk")


def agency_rule_get(*, user: Actor, pk: int) -> AgencyRule:
    return get_visible_or_404(AgencyRule.objects.select_related("agency"), user, pk=pk)


def agency_selection_list(*, user: Actor, agency: Agency, outcome: str = "") -> QuerySet[AgencySelection]:
    """The agency's selections, newest first (its officers only: customs reads them per declaration)."""
    found = (
        AgencySelection.objects.visible_to(user)
        .filter(agency=agency, agency_id__in=member_agency_ids(user))
        .select_related("agency", "declaration")
        .order_by("-selected_at", "-pk")
    )
    return found.filter(outcome=outcome) if outcome else found


def agency_selection_get(*, user: Actor, pk: int) -> AgencySelection:
    """One of the reader's agency's selections (a customs reader does not open them one by one)."""
    return get_visible_or_404(
        AgencySelection.objects.filter(agency_id__in=member_agency_ids(user)).select_related("agency", "declaration"),
        user,
        pk=pk,
    )


def selection_as_dict(selection: AgencySelection) -> dict[str, Any]:
    return {
        "id": selection.pk,
        "agency": selection.agency.code,
        "agency_name": selection.agency.name,
        "declaration": selection.declaration.number,
        "outcome": selection.outcome,
        "rules_hit": selection.rules_hit,
        "items": selection.items,
        "reason": selection.reason,
        "selected_at": selection.selected_at,
        "result": selection.result,
        "result_note": selection.result_note,
        "result_at": selection.result_at,
    }


def agency_declaration(*, user: Actor, agency: Agency, number: str) -> dict[str, Any]:
    """A declaration as the agency may know it: only one with an item under its codes (else 404), and
    only those items (code, description, origin, quantity, mass), with the agency's selections."""
    if agency.pk not in member_agency_ids(user):
        raise NotFound("No such declaration.")
    mine = list(
        DeclarationItem.objects.filter(prefix_filter(agency.code_prefixes), declaration__number=number)
        .select_related("declaration")
        .order_by("declaration_id", "item_number")
    )
    if not mine:
        raise NotFound("No such declaration.")
    declaration: Declaration = mine[0].declaration
    mine = [item for item in mine if item.declaration_id == declaration.pk]
    return {
        "number": declaration.number,
        "declared_on": declaration.declared_on,
        "items": [
            {
                "item_number": item.item_number,
                "tariff_code": item.tariff_code,
                "description": item.description,
                "origin_country": item.origin_country,
                "quantity": item.quantity,
                "unit": item.unit,
                "net_mass_kg": item.net_mass_kg,
            }
            for item in mine
        ],
        "selections": [
            selection_as_dict(s)
            for s in AgencySelection.objects.filter(agency=agency, declaration=declaration)
            .select_related("agency", "declaration")
            .order_by("-selected_at", "-pk")
        ],
    }


def declaration_agency_outcomes(*, user: Actor, number: str) -> list[dict[str, Any]]:
    """Every agency's outcome for one declaration, for customs (beside the lane): 404 when the reader
    may not see the declaration. An agency officer reads the agency's own through its own routes."""
    declaration = get_visible_or_404(Declaration.objects.all(), user, number=number)
    if not is_customs_reader(user):  # a trader sees the declaration, never why it was selected
        raise NotFound("No such declaration.")
    return [
        selection_as_dict(s)
        for s in AgencySelection.objects.visible_to(user)
        .filter(declaration=declaration)
        .select_related("agency", "declaration")
        .order_by("agency__code", "-selected_at", "-pk")
    ]


def agency_share_list(*, user: Actor, agency: Agency | None = None) -> QuerySet[AgencyShare]:
    found = AgencyShare.objects.visible_to(user).select_related("agency", "watchlist").order_by("-shared_at", "-pk")
    return found.filter(agency=agency) if agency is not None else found
