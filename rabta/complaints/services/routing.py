"""Routing: (category, place) → office, and transfers between offices."""

from __future__ import annotations

import copy
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from rabta.complaints.choices import OPEN_STATUSES, Status
from rabta.complaints.errors import ComplaintsError
from rabta.complaints.models import Complaint, RoutingRule
from rabta.complaints.reference import Reference, reference
from rabta.complaints.transitions import transition, transition_check
from rabta.core.errors import DomainError
from rabta.core.events import event_build
from rabta.core.models import Event
from rabta.core.textinput import text_clean
from rabta.directory.models import Office

FALLBACK = "fallback: head office of the category's department"


def route_for(complaint: Complaint, *, ref: Reference | None = None) -> tuple[Office, RoutingRule | None, str]:
    """Choose the office: the rule for the nearest place wins (exact district, then division, then
    province...), then a rule without place; else the department's head office. The rules, places
    and offices come from the process's reference memo (rabta.complaints.reference)."""
    ref = ref or reference()
    chain = ref.place_chain(complaint.jurisdiction_id)
    best: RoutingRule | None = None
    best_key: tuple[int, int] | None = None
    for rule in ref.routing_rules(complaint.category_id):
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
        # The memo's instances are shared by every request of this process: hand out copies.
        office, rule = copy.copy(best.office), copy.copy(best)
        rule.office = office
        return office, rule, f"rule #{best.pk} ({where})"
    if complaint.collectorate_id and complaint.category.is_customs:
        return complaint.collectorate, None, "collectorate named in the complaint"  # type: ignore[return-value]
    found = ref.department_office(complaint.category.department_id, chain)
    if found is None:
        raise DomainError.for_field("category", ComplaintsError.NO_OFFICE, _("No office handles this category yet."))
    office, local = found
    return office, None, ("department office serving the place" if local else FALLBACK)


def complaint_route(complaint: Complaint, *, ref: Reference | None = None) -> Event:
    """Route a complaint that is being lodged (not saved yet): choose its office, move it to
    ``routed`` as the transition table allows, and return the routed event for the caller to write
    with the complaint, so that intake costs one INSERT for the complaint and one for its events."""
    office, rule, reason = route_for(complaint, ref=ref)
    current = complaint.status
    transition_check(current, Status.ROUTED)
    complaint.current_office, complaint.routing_rule, complaint.routing_reason = office, rule, reason
    complaint.status = Status.ROUTED
    return event_build(
        kind=f"complaints.{Status.ROUTED}",
        subject=complaint,
        actor_role="system",
        from_state=current,
        to_state=Status.ROUTED,
        reason=reason,
        data={"office": office.code, "rule": rule.pk if rule else None},
    )


@transaction.atomic
def complaint_transfer(*, complaint: Complaint, to_office: Office, reason: str, actor: Any) -> Complaint:
    """Send the complaint to another office, with a reason. Capped (RABTA_MAX_TRANSFERS) so that a
    complaint cannot bounce forever; a complaint is never closed as 'not ours', it is transferred."""
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    reason = text_clean(reason, model=Event, name="reason")  # kept on the event (and its start in routing_reason)
    if not reason:
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
    complaint.routing_reason = f"transferred: {reason[:100]}"
    return transition(
        complaint,
        Status.ROUTED,
        actor=actor,
        reason=reason,
        kind="complaints.transferred",
        data={
            "from_office": from_office.code if from_office else None,
            "to_office": to_office.code,
            "hop": complaint.transfer_count,
        },
        extra_fields=("current_office", "transfer_count", "routing_rule", "routing_reason"),
    )
