"""The clearance trail after the lane: documents checked, examined, assessed, duty paid, released.

Each move locks the declaration, asks the permissions table, checks the state machine
(rabta.customs.transitions) and writes one event with its time and actor, in one transaction.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from rabta.accounts.types import Actor
from rabta.core.errors import CoreError, DomainError, InvalidTransition
from rabta.core.events import event_record
from rabta.core.textinput import text_clean
from rabta.customs import rules
from rabta.customs.choices import DiscrepancyType, Outcome, Status
from rabta.customs.errors import CustomsError
from rabta.customs.events import CustomsEvent
from rabta.customs.models import Declaration, Examination
from rabta.customs.permissions import Action, require
from rabta.customs.services.rollups import rollup_fold_move
from rabta.customs.transitions import allowed

# A lane whose check is one of these must have had it before the declaration is assessed.
_CHECK_STATUS = {"documents": Status.DOCUMENTS_CHECKED, "examination": Status.EXAMINED}


def _move(
    declaration: Declaration,
    *,
    actor: Actor,
    action: Action,
    to: Status,
    kind: CustomsEvent,
    reason: str = "",
    data: dict[str, Any] | None = None,
    before_save: Any = None,
    fields: tuple[str, ...] = (),
) -> Declaration:
    with transaction.atomic():
        locked = Declaration.objects.select_for_update().select_related("collectorate").get(pk=declaration.pk)
        require(actor, locked, action)
        if not allowed(locked.status, to):
            raise InvalidTransition(
                _("A declaration that is %(status)s cannot move to %(target)s.")
                % {"status": locked.get_status_display(), "target": Status(to).label}
            )
        if before_save is not None:
            before_save(locked)
        previous, locked.status = locked.status, to
        locked.save(update_fields=["status", "updated_at", *fields])
        event = event_record(
            kind=kind, subject=locked, actor=actor, from_state=previous, to_state=to, reason=reason, data=data or {}
        )
        rollup_fold_move(declaration=locked, event=event)
    return locked


def _reason(reason: str) -> str:
    return text_clean(reason, model=Examination, name="remarks", field="reason")


def declaration_check_documents(*, declaration: Declaration, actor: Actor, reason: str = "") -> Declaration:
    return _move(
        declaration,
        actor=actor,
        action=Action.CHECK_DOCUMENTS,
        to=Status.DOCUMENTS_CHECKED,
        kind=CustomsEvent.DOCUMENTS_CHECKED,
        reason=_reason(reason),
    )


def declaration_examine(
    *,
    declaration: Declaration,
    actor: Actor,
    outcome: str,
    discrepancy_type: str = "",
    extra_duty: Decimal = Decimal(0),
    remarks: str = "",
) -> Declaration:
    """Record the examination's result: no discrepancy, or a discrepancy (critical or not) with its
    type and the extra duty it raised. The result is written once, with the move to ``examined``."""
    errors: dict[str, list[dict[str, str]]] = {}
    if outcome not in Outcome.values:
        errors["outcome"] = [{"code": CustomsError.OUTCOME_UNKNOWN, "message": _("Unknown examination result.")}]
    elif outcome == Outcome.NO_DISCREPANCY:
        if discrepancy_type or extra_duty:
            errors["discrepancy_type"] = [
                {
                    "code": CustomsError.DISCREPANCY_TYPE_UNEXPECTED,
                    "message": _("No discrepancy has no type and raises no extra duty."),
                }
            ]
    elif discrepancy_type not in DiscrepancyType.values:
        errors["discrepancy_type"] = [
            {"code": CustomsError.DISCREPANCY_TYPE_REQUIRED, "message": _("Give the type of the discrepancy.")}
        ]
    try:
        extra = Decimal(str(extra_duty))
        if not extra.is_finite() or extra < 0 or extra > rules.VALUE_MAX or extra != extra.quantize(Decimal("0.01")):
            raise ValueError
    except (ArithmeticError, ValueError):
        errors["extra_duty"] = [{"code": CustomsError.VALUE_INVALID, "message": _("Give an amount of 0 or more.")}]
        extra = Decimal(0)
    remarks = text_clean(remarks, model=Examination, name="remarks", errors=errors)
    if errors:
        first = next(iter(errors))
        raise DomainError(CoreError.VALIDATION, f"{first}: {errors[first][0]['message']}", fields=errors)

    def record(locked: Declaration) -> None:
        Examination.objects.create(
            declaration=locked,
            outcome=outcome,
            discrepancy_type=discrepancy_type if outcome != Outcome.NO_DISCREPANCY else "",
            extra_duty=extra,
            remarks=remarks,
            examined_by=actor if actor is not None and actor.is_authenticated else None,
        )

    return _move(
        declaration,
        actor=actor,
        action=Action.EXAMINE,
        to=Status.EXAMINED,
        kind=CustomsEvent.EXAMINED,
        data={"outcome": outcome, "discrepancy_type": discrepancy_type, "extra_duty": str(extra)},
        before_save=record,
    )


def declaration_assess(*, declaration: Declaration, actor: Actor, reason: str = "") -> Declaration:
    """Assess the duty: the items' duty and taxes plus the extra duty an examination raised. A lane
    that needs a check cannot be assessed before it."""

    def assess(locked: Declaration) -> None:
        check = settings.RABTA_CUSTOMS_LANES.get(locked.lane, "none")
        needed = _CHECK_STATUS.get(check)
        done = {locked.status} | ({Status.DOCUMENTS_CHECKED} if locked.status == Status.EXAMINED else set())
        if needed is not None and needed not in done:
            raise InvalidTransition(
                _("The %(lane)s lane needs its check before assessment.") % {"lane": locked.lane},
                code=CustomsError.NOT_ALLOWED,
            )
        totals = locked.items.aggregate(duty=Sum("duty_assessed"), taxes=Sum("taxes_assessed"))
        extra = Examination.objects.filter(declaration=locked).values_list("extra_duty", flat=True).first()
        locked.assessed_amount = (totals["duty"] or 0) + (totals["taxes"] or 0) + (extra or 0)

    locked = _move(
        declaration,
        actor=actor,
        action=Action.ASSESS,
        to=Status.ASSESSED,
        kind=CustomsEvent.ASSESSED,
        reason=_reason(reason),
        before_save=assess,
        fields=("assessed_amount",),
    )
    return locked


def declaration_record_payment(*, declaration: Declaration, actor: Actor, amount: Decimal) -> Declaration:
    """Record that the assessed duty was paid; the amount must be the assessed amount."""

    def pay(locked: Declaration) -> None:
        try:
            paid = Decimal(str(amount))
        except ArithmeticError:
            paid = Decimal(-1)
        if not paid.is_finite() or abs(paid.adjusted()) > 20 or paid != locked.assessed_amount:
            raise DomainError.for_field(
                "amount",
                CustomsError.VALUE_INVALID,
                _("The amount paid must be the assessed amount, %(amount)s.") % {"amount": locked.assessed_amount},
            )
        locked.paid_amount = paid

    return _move(
        declaration,
        actor=actor,
        action=Action.RECORD_PAYMENT,
        to=Status.DUTY_PAID,
        kind=CustomsEvent.DUTY_PAID,
        before_save=pay,
        fields=("paid_amount",),
        data={"amount": str(amount)},
    )


def declaration_release(*, declaration: Declaration, actor: Actor, reason: str = "") -> Declaration:
    return _move(
        declaration,
        actor=actor,
        action=Action.RELEASE,
        to=Status.RELEASED,
        kind=CustomsEvent.RELEASED,
        reason=_reason(reason),
    )
