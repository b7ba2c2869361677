"""Changes to the tariff under review: ``tariff_change_propose`` by one tariff officer,
``tariff_change_approve`` or ``tariff_change_reject`` by another. Approval applies the change
(``rabta.tariff.services.apply``) in the same transaction as the decision, so an approved change
is always in the tariff and a rejected one never is."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rabta.accounts.types import Actor
from rabta.core.errors import DomainError, InvalidTransition
from rabta.core.events import event_record
from rabta.core.textinput import text_clean
from rabta.tariff import permissions
from rabta.tariff.choices import ChangeStatus
from rabta.tariff.errors import TariffError
from rabta.tariff.events import TariffEvent
from rabta.tariff.models import TariffChange
from rabta.tariff.services.apply import tariff_change_apply, tariff_change_check

if TYPE_CHECKING:
    from rabta.accounts.models import User


def tariff_change_propose(*, actor: Actor, kind: str, data: dict[str, Any], reason: str) -> TariffChange:
    permissions.require(actor, permissions.Action.PROPOSE)
    reason = text_clean(reason, model=TariffChange, name="reason")
    if not reason:
        raise DomainError.for_field("reason", TariffError.REQUIRED, _("Say why the tariff should change."))
    clean = tariff_change_check(kind=kind, data=data)
    proposer = cast("User", actor)  # require() let only a signed-in tariff officer through
    with transaction.atomic():
        change = TariffChange.objects.create(
            kind=kind, code=clean["code"], payload=clean, reason=reason, proposed_by=proposer
        )
        event_record(
            kind=TariffEvent.CHANGE_PROPOSED,
            subject=change,
            actor=actor,
            to_state=ChangeStatus.PROPOSED,
            reason=reason,
            data={"kind": kind, "code": clean["code"]},
        )
    return change


def _decide(change: TariffChange, actor: Actor, status: str, note: str) -> TariffChange:
    permissions.require(actor, permissions.Action.DECIDE, change)
    note = text_clean(note, model=TariffChange, name="decision_note", field="note")
    if status == ChangeStatus.REJECTED and not note:
        raise DomainError.for_field("note", TariffError.REQUIRED, _("Say why the change is rejected."))
    with transaction.atomic():
        locked = TariffChange.objects.select_for_update().get(pk=change.pk)
        if locked.status != ChangeStatus.PROPOSED:
            raise InvalidTransition(
                _("This change was %(status)s already.") % {"status": locked.get_status_display()},
                code=TariffError.ALREADY_DECIDED,
            )
        if status == ChangeStatus.APPROVED:
            locked.applied = tariff_change_apply(
                kind=locked.kind, data=locked.payload, actor=actor, change_id=locked.pk
            )
        locked.status, locked.decided_at, locked.decision_note = status, timezone.now(), note
        locked.decided_by = cast("User", actor)
        locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "applied", "updated_at"])
        event_record(
            kind=TariffEvent.CHANGE_APPROVED if status == ChangeStatus.APPROVED else TariffEvent.CHANGE_REJECTED,
            subject=locked,
            actor=actor,
            from_state=ChangeStatus.PROPOSED,
            to_state=status,
            reason=note,
            data={"applied": locked.applied},
        )
    return locked


def tariff_change_approve(*, actor: Actor, change: TariffChange, note: str = "") -> TariffChange:
    return _decide(change, actor, ChangeStatus.APPROVED, note)


def tariff_change_reject(*, actor: Actor, change: TariffChange, note: str) -> TariffChange:
    return _decide(change, actor, ChangeStatus.REJECTED, note)
