"""Reads of the customs domain: every one starts from ``Declaration.objects.visible_to(user)``."""

from __future__ import annotations

from dataclasses import dataclass
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


@dataclass(frozen=True)
class DeclarationCheck:
    """What a customs complaint's declaration number and collectorate come to: the declaration
    (``code`` empty), or why the complaint may not name it (``code`` and ``message``)."""

    declaration: Declaration | None
    code: CustomsError | None = None
    message: str = ""


def declaration_for_complaint(
    *, number: str, collectorate_id: int | None, complainant: Actor, trader: bool
) -> DeclarationCheck:
    """The declaration a customs complaint names, checked as intake needs it (rabta.complaints).

    The number must be a declaration's (``declaration_unknown``). A trader complains about their own
    declarations only: the importer must be a party their verified NTN names, as
    ``Declaration.objects.visible_to`` decides for them (``declaration_not_yours``, said before the
    collectorate is compared, so a trader learns nothing of another importer's declaration). The
    collectorate, when one is named, must be the declaration's (``declaration_other_collectorate``).
    The declaration's collectorate comes back with it (``select_related``), so intake can route to it
    when the complainant named none."""
    declaration = (
        Declaration.objects.select_related("collectorate")
        .only("id", "number", "collectorate", "importer_id", "status")
        # As typed, or upper-cased as complaints store it; the unique index serves both.
        .filter(number__in={(number or "").strip(), (number or "").strip().upper()})
        .order_by("pk")
        .first()
    )
    if declaration is None:
        return DeclarationCheck(
            None, CustomsError.DECLARATION_UNKNOWN, _("There is no goods declaration with this number.")
        )
    if trader and not Declaration.objects.visible_to(complainant).filter(pk=declaration.pk).exists():
        return DeclarationCheck(
            None,
            CustomsError.DECLARATION_NOT_YOURS,
            _("This goods declaration is not one of yours: give a declaration filed for your verified NTN."),
        )
    if collectorate_id is not None and declaration.collectorate_id != collectorate_id:
        return DeclarationCheck(
            None,
            CustomsError.DECLARATION_OTHER_COLLECTORATE,
            _("This goods declaration was filed at another collectorate than the one you chose."),
        )
    return DeclarationCheck(declaration)


def declaration_is_visible(*, user: Actor, declaration_id: int) -> bool:
    """Whether ``user`` may see the declaration: what the complaints of a declaration ask first."""
    return Declaration.objects.visible_to(user).filter(pk=declaration_id).exists()


def declaration_lane_reason(declaration: Declaration) -> dict[str, Any] | None:
    """Why the declaration has its lane: the last lane event's source (the configured default, an
    officer's re-route, later the risk engine), its reason and time. Its data holds no person."""
    event = (
        Event.objects.for_subject(declaration)
        .filter(kind=CustomsEvent.LANE_ASSIGNED)
        .order_by("-occurred_at", "-id")
        .values("data", "reason", "occurred_at")
        .first()
    )
    if event is None:
        return None
    data = event["data"] or {}
    return {
        "lane": data.get("lane", ""),
        "source": data.get("source", ""),
        "reason": event["reason"],
        "at": event["occurred_at"],
    }
