"""Reads of the customs domain: every one starts from ``Declaration.objects.visible_to(user)``."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from rabta.accounts.types import Actor
from rabta.core.errors import DomainError
from rabta.core.events import event_rows
from rabta.core.models import Event
from rabta.core.permissions import get_visible_or_404
from rabta.customs.choices import Status
from rabta.customs.errors import CustomsError
from rabta.customs.events import CustomsEvent
from rabta.customs.models import Declaration, Examination


def declaration_get(*, user: Actor, number: str) -> Declaration:
    """One declaration the user may see, with its parties, offices, items and examination; 404 otherwise."""
    queryset = Declaration.objects.select_related(
        "collectorate", "station", "importer", "declarant", "seller", "examination"
    ).prefetch_related("items")
    return get_visible_or_404(queryset, user, number=number)


def examination_of(declaration: Declaration) -> Examination | None:
    """The declaration's examination result, if it was examined (joined by declaration_get)."""
    try:
        return declaration.examination
    except ObjectDoesNotExist:
        return None


def declaration_list(*, user: Actor, status: str = "", collectorate: str = "") -> QuerySet[Declaration]:
    """The declarations the user may see, newest first, filtered by status and collectorate code."""
    queryset = Declaration.objects.visible_to(user).select_related("collectorate", "importer")
    if status:
        if status not in Status.values:
            raise DomainError.for_field("status", CustomsError.STATUS_UNKNOWN, _("Unknown declaration status."))
        queryset = queryset.filter(status=status)
    if collectorate:
        queryset = queryset.filter(collectorate__code=collectorate)
    return queryset.order_by("-declared_on", "-pk")


def declaration_timeline(*, user: Actor, number: str) -> list[dict[str, Any]]:
    """The clearance trail: each stage with its time and who recorded it. A trader reads "customs"
    for an officer (officers are not named to traders); customs staff read the officer's name."""
    declaration = get_visible_or_404(Declaration.objects.all(), user, number=number)
    staff = (
        user is not None
        and user.is_authenticated
        and bool(user.role_assignments.filter(active=True).exclude(role="complainant").exists())
    )

    def label(event: Event) -> str:
        if event.actor_id is None:
            return "system"
        if event.actor_id == getattr(user, "pk", None):
            return "you"
        return event.actor.get_full_name() if staff and event.actor else "customs"

    rows = event_rows(declaration, actor_label=label)
    if not staff:
        # Why the risk engine chose a lane is customs' own: telling a trader would teach how to avoid it.
        for row in rows:
            if row["kind"] == CustomsEvent.LANE_ASSIGNED and row["actor"] == "system":
                row["reason"] = ""
    return rows
