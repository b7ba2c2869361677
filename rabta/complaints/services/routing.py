"""Routing: (category, place) → office, and transfers between offices."""

from __future__ import annotations

import copy

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from rabta.accounts.types import Actor
from rabta.complaints.choices import Status
from rabta.complaints.errors import ComplaintsError
from rabta.complaints.events import ComplaintsEvent
from rabta.complaints.models import Category, Complaint, RoutingRule
from rabta.complaints.permissions import Action, require
from rabta.complaints.reference import Reference, reference
from rabta.complaints.services.deadlines import add_business_days, policy_for, reminder_next_at
from rabta.complaints.transitions import transition, transition_check
from rabta.core.db import locked
from rabta.core.errors import Conflict, CoreError, DomainError
from rabta.core.events import event_build
from rabta.core.models import Event
from rabta.core.textinput import text_clean
from rabta.directory.models import Office

SUGGESTIONS_MAX = 10  # categories named when a category does not serve the complaint's place


def route_for(complaint: Complaint, *, ref: Reference | None = None) -> tuple[Office, RoutingRule | None, str]:
    """Choose the office, which always serves the complaint's place (its jurisdiction or one of the
    further places it serves covers the place): the rule for the nearest place wins (exact district,
    then division, then province...), then a rule without place; for a customs complaint naming a
    collectorate, that collectorate; else the department's office that serves the place most
    closely. A rule whose office does not serve the place is passed over (a rule "for any place"
    of a provincial department only applies within the province). When nothing serves the place the
    complaint is refused with the categories that do serve it: never a silent fallback to some other
    government's office. The rules, places and offices come from the process's reference memo
    (rabta.complaints.reference)."""
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
        if ref.office_covers(rule.office, chain) is None:
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
        collectorate: Office = complaint.collectorate  # type: ignore[assignment]
        if ref.office_covers(collectorate, chain) is None:
            raise DomainError.for_field(
                "collectorate",
                ComplaintsError.COLLECTORATE_NOT_SERVING_PLACE,
                _("%(office)s does not serve %(place)s. Give the place where the goods were declared.")
                % {"office": collectorate.name, "place": complaint.jurisdiction.name},
            )
        return collectorate, None, "collectorate named in the complaint"
    found = ref.department_office(complaint.category.department_id, chain)
    if found is None:
        raise no_office_for_place(complaint, chain=chain)
    return found, None, "department office serving the place"


def no_office_for_place(complaint: Complaint, *, chain: list[int]) -> DomainError:
    """The refusal of a category that does not serve the complaint's place, naming the categories
    that do (those with the same name first, such as the water supply category of the province the
    place is in). The suggestions are also in ``fields["suggested_categories"]``, one entry per
    category (``code`` is the category's code), so that a client can offer them."""
    suggested = categories_serving(chain, like=complaint.category)
    names = ", ".join(f"{category.code} ({category.name})" for category in suggested)
    message = _("No office of this category's department serves %(place)s.") % {"place": complaint.jurisdiction.name}
    if suggested:
        message = f"{message} " + _("Categories that serve it: %(categories)s.") % {"categories": names}
    fields = {"category": [{"code": str(ComplaintsError.NO_OFFICE_FOR_PLACE), "message": message}]}
    if suggested:
        fields["suggested_categories"] = [{"code": category.code, "message": category.name} for category in suggested]
    return DomainError(CoreError.VALIDATION, f"category: {message}", fields=fields)


def categories_serving(chain: list[int], *, like: Category | None = None) -> list[Category]:
    """Active categories a complaint about the place whose ``chain`` is given can be lodged in: the
    same rule as :func:`route_for` (a rule whose office serves the place, or an active office of the
    category's department that serves it), read from the database since it is only asked when a
    submission is refused. Those named like ``like`` come first, then those under a parent named
    like its parent; at most SUGGESTIONS_MAX."""
    serving = Office.objects.filter(is_active=True).filter(Q(jurisdiction_id__in=chain) | Q(serves__in=chain))
    by_rule = RoutingRule.objects.filter(active=True, office__in=serving).filter(
        Q(jurisdiction__isnull=True) | Q(jurisdiction_id__in=chain)
    )
    found = Category.objects.filter(active=True).filter(
        Q(department__in=serving.values("department_id")) | Q(pk__in=by_rule.values("category_id"))
    )
    if like is not None:
        found = found.exclude(pk=like.pk)
    candidates = list(found.select_related("parent").order_by("code"))
    if like is None:
        return candidates[:SUGGESTIONS_MAX]
    name = like.name.casefold()
    parent = like.parent.name.casefold() if like.parent_id and like.parent else ""

    def rank(category: Category) -> int:
        if category.name.casefold() == name:
            return 0
        if parent and (
            category.name.casefold() == parent
            or (category.parent_id and category.parent and category.parent.name.casefold() == parent)
        ):
            return 1  # the parent category of the same name, or one of its children
        return 2

    return sorted(candidates, key=rank)[:SUGGESTIONS_MAX]


def complaint_route(complaint: Complaint, *, ref: Reference | None = None) -> Event:
    """Route a complaint that is being lodged (not saved yet): choose its office, move it to
    ``routed`` as the transition table allows, and return the routed event for the caller to write
    with the complaint, so that intake costs one INSERT for the complaint and one for its events."""
    office, rule, reason = route_for(complaint, ref=ref)
    current = complaint.status
    transition_check(current, Status.ROUTED, action="route")
    complaint.current_office, complaint.routing_rule, complaint.routing_reason = office, rule, reason
    complaint.status = Status.ROUTED
    return event_build(
        kind=ComplaintsEvent.ROUTED,
        subject=complaint,
        actor_role="system",
        from_state=current,
        to_state=Status.ROUTED,
        reason=reason,
        data={"office": office.code, "rule": rule.pk if rule else None},
    )


@transaction.atomic
def complaint_transfer(*, complaint: Complaint, to_office: Office, reason: str, actor: Actor) -> Complaint:
    """Send the complaint to another office, with a reason. Capped (RABTA_MAX_TRANSFERS) so that a
    complaint cannot bounce forever; a complaint is never closed as 'not ours', it is transferred."""
    require(actor, complaint, Action.TRANSFER)
    complaint = locked(complaint)
    reason = text_clean(reason, model=Event, name="reason")  # kept on the event (and its start in routing_reason)
    if not reason:
        raise DomainError.for_field("reason", ComplaintsError.REASON_REQUIRED, _("Say why it is transferred."))
    # A transfer is the ROUTED → ROUTED move of the table: only an open complaint can make it.
    transition_check(complaint.status, Status.ROUTED, action="transfer")
    if to_office.pk == complaint.current_office_id:
        raise DomainError.for_field("to_office", ComplaintsError.TRANSFER_SAME_OFFICE, _("It is already there."))
    ref = reference()
    if ref.office_covers(to_office, ref.place_chain(complaint.jurisdiction_id)) is None:
        # The same rule as at intake: the office that takes a complaint serves its place.
        raise DomainError.for_field(
            "to_office",
            ComplaintsError.OFFICE_NOT_SERVING_PLACE,
            _("%(office)s does not serve %(place)s; choose an office that does.")
            % {"office": to_office.name, "place": complaint.jurisdiction.name},
        )
    cap = settings.RABTA_MAX_TRANSFERS
    if complaint.transfer_count >= cap:
        raise Conflict(
            ComplaintsError.TRANSFER_CAP_REACHED,
            _("This complaint has been transferred %(cap)s times; ask oversight to assign it.") % {"cap": cap},
        )
    from_office = complaint.current_office
    complaint.current_office = to_office
    complaint.transfer_count += 1
    complaint.routing_rule = None
    complaint.routing_reason = f"transferred: {reason[:100]}"
    # The receiving office owes its own acknowledgement (the table has it acknowledge before it
    # works on the complaint): due from the transfer, and reminded like any deadline still owed.
    complaint.acknowledged_at = None
    complaint.acknowledge_due_at = add_business_days(timezone.now(), policy_for(complaint, ref=ref).acknowledge_days)
    fields = ["acknowledged_at", "acknowledge_due_at"]
    if complaint.clock_paused_at is None:  # a paused clock reminds no one until it runs again
        complaint.next_reminder_at = reminder_next_at(complaint)
        fields.append("next_reminder_at")
    return transition(
        complaint,
        Status.ROUTED,
        actor=actor,
        reason=reason,
        kind=ComplaintsEvent.TRANSFERRED,
        data={
            "from_office": from_office.code if from_office else None,
            "to_office": to_office.code,
            "hop": complaint.transfer_count,
        },
        extra_fields=("current_office", "transfer_count", "routing_rule", "routing_reason", *fields),
        action="transfer",
    )
