"""Routing: (category, place) → office, and transfers between offices."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.translation import gettext as _

from rabta.complaints.choices import OPEN_STATUSES, Status
from rabta.complaints.errors import ComplaintsError
from rabta.complaints.models import Complaint, RoutingRule
from rabta.complaints.transitions import transition, transition_check
from rabta.core.errors import DomainError
from rabta.core.events import event_build
from rabta.core.models import Event
from rabta.directory.models import Jurisdiction, Office

FALLBACK = "fallback: head office of the category's department"


_PARENTS: dict[int, int | None] = {}


@receiver([post_save, post_delete], sender=Jurisdiction)
def _forget_places(**kwargs: Any) -> None:
    _PARENTS.clear()


def _place_chain(jurisdiction: Jurisdiction) -> list[int]:
    """The place and its ancestors, nearest first. The few hundred (place → parent) pairs are kept in
    memory, reloaded when an unknown place appears, so routing costs no query per level."""
    if _PARENTS.get(jurisdiction.pk, -1) != jurisdiction.parent_id:  # unknown or changed: reload
        _PARENTS.clear()
        _PARENTS.update(Jurisdiction.objects.values_list("id", "parent_id"))
    chain: list[int] = []
    current: int | None = jurisdiction.pk
    while current is not None and len(chain) < 8:
        chain.append(current)
        current = _PARENTS.get(current)
    return chain


def route_for(complaint: Complaint) -> tuple[Office, RoutingRule | None, str]:
    """Choose the office: the rule for the nearest place wins (exact district, then division, then
    province...), then a rule without place; else the department's head office."""
    chain = _place_chain(complaint.jurisdiction)
    rules = list(
        RoutingRule.objects.filter(
            category_id=complaint.category_id, active=True, office__is_active=True
        ).select_related("office")
    )
    best: RoutingRule | None = None
    best_key: tuple[int, int] | None = None
    for rule in rules:
        if rule.jurisdiction_id is None:
            distance = len(chain)
        elif rule.jurisdiction_id in chain:
            distance = chain.index(rule.jurisdiction_id)
        else:
            continue
        key = (distance, -rule.priority)
        if best_key is None or key < best_key:
            best, best_key = rule, key
    if best is not None:
        where = "any place" if best.jurisdiction_id is None else f"place #{best.jurisdiction_id}"
        return best.office, best, f"rule #{best.pk} ({where})"
    if complaint.collectorate_id and complaint.category.is_customs:
        return complaint.collectorate, None, "collectorate named in the complaint"  # type: ignore[return-value]
    # No rule: the department's own office for the nearest place (district before province),
    # the senior office first where several serve the same place (a district office before its tehsils).
    local = list(
        Office.objects.filter(
            department_id=complaint.category.department_id, is_active=True, jurisdiction_id__in=chain
        ).order_by("depth", "id")
    )
    if local:
        nearest = min(local, key=lambda office: (chain.index(office.jurisdiction_id), office.depth))
        return nearest, None, "department office serving the place"
    head = (
        Office.objects.filter(department_id=complaint.category.department_id, parent__isnull=True, is_active=True)
        .order_by("id")
        .first()
    )
    if head is None:
        raise DomainError.for_field("category", ComplaintsError.NO_OFFICE, _("No office handles this category yet."))
    return head, None, FALLBACK


def complaint_route(complaint: Complaint) -> Event:
    """Route a complaint that is being lodged (not saved yet): choose its office, move it to
    ``routed`` as the transition table allows, and return the routed event for the caller to write
    with the complaint, so that intake costs one INSERT for the complaint and one for its events."""
    office, rule, reason = route_for(complaint)
    transition_check(complaint.status, Status.ROUTED)
    complaint.current_office, complaint.routing_rule, complaint.routing_reason = office, rule, reason
    complaint.status = Status.ROUTED
    return event_build(
        kind=f"complaints.{Status.ROUTED}",
        subject=complaint,
        actor_role="system",
        from_state=Status.SUBMITTED,
        to_state=Status.ROUTED,
        reason=reason,
        data={"office": office.code, "rule": rule.pk if rule else None},
    )


@transaction.atomic
def complaint_transfer(*, complaint: Complaint, to_office: Office, reason: str, actor: Any) -> Complaint:
    """Send the complaint to another office, with a reason. Capped (RABTA_MAX_TRANSFERS) so that a
    complaint cannot bounce forever; a complaint is never closed as 'not ours', it is transferred."""
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if not (reason or "").strip():
        raise DomainError.for_field("reason", ComplaintsError.REASON_REQUIRED, _("Say why it is transferred."))
    if complaint.status not in OPEN_STATUSES:
        raise DomainError(
            ComplaintsError.TRANSITION_NOT_ALLOWED, _("Only an open complaint can be transferred."), status_code=409
        )
    if to_office.pk == complaint.current_office_id:
        raise DomainError.for_field("to_office", ComplaintsError.TRANSFER_SAME_OFFICE, _("It is already there."))
    cap = getattr(settings, "RABTA_MAX_TRANSFERS", 3)
    if complaint.transfer_count >= cap:
        raise DomainError(
            ComplaintsError.TRANSFER_CAP_REACHED,
            _("This complaint has been transferred %(cap)s times; ask oversight to assign it.") % {"cap": cap},
            status_code=409,
        )
    from_office = complaint.current_office
    complaint.current_office = to_office
    complaint.transfer_count += 1
    complaint.routing_rule = None
    complaint.routing_reason = f"transferred: {reason.strip()[:100]}"
    return transition(
        complaint,
        Status.ROUTED,
        actor=actor,
        reason=reason.strip(),
        kind="complaints.transferred",
        data={
            "from_office": from_office.code if from_office else None,
            "to_office": to_office.code,
            "hop": complaint.transfer_count,
        },
        extra_fields=("current_office", "transfer_count", "routing_rule", "routing_reason"),
    )
