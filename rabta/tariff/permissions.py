"""Who may do what to the tariff, asked by the services (never by the API or a page).

Reading the tariff is public. Changing it belongs to customs policy at headquarters
(``Role.TARIFF_OFFICER``): one officer proposes, a *different* one approves or rejects, so no
change reaches the tariff on one person's word. Proposals are seen only by tariff officers; for
everyone else they do not exist (404). ``actor=None`` is the system itself (the import, the demo).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from rabta.accounts.roles import Role, user_roles
from rabta.accounts.types import Actor
from rabta.core.errors import Forbidden
from rabta.tariff.choices import EnquiryStatus
from rabta.tariff.errors import TariffError
from rabta.tariff.models import Enquiry, TariffChange


class Action(StrEnum):
    PROPOSE = "propose"
    DECIDE = "decide"
    ANSWER_ENQUIRY = "answer_enquiry"


EDITORS = frozenset({Role.TARIFF_OFFICER})


def may_edit(actor: Actor) -> bool:
    return bool(user_roles(actor) & EDITORS)


def changes_visible_to(user: Any) -> QuerySet[TariffChange]:
    return TariffChange.objects.all() if may_edit(user) else TariffChange.objects.none()


def enquiries_visible_to(user: Any) -> QuerySet[Enquiry]:
    """Answered enquiries for everyone; unanswered ones for their asker and the tariff officers."""
    if may_edit(user):
        return Enquiry.objects.all()
    mine = Q(asked_by=user) if getattr(user, "is_authenticated", False) else Q(pk__in=[])
    return Enquiry.objects.filter(Q(status=EnquiryStatus.ANSWERED) | mine)


def require(actor: Actor, action: Action, change: TariffChange | None = None) -> None:
    """Refuse (403 ``not_allowed`` or ``own_proposal``) what ``actor`` may not do."""
    if actor is None:
        return
    if not may_edit(actor):
        raise Forbidden(TariffError.NOT_ALLOWED, _("Only customs tariff policy officers do this."))
    if action == Action.DECIDE and change is not None and change.proposed_by_id == getattr(actor, "pk", None):
        raise Forbidden(
            TariffError.OWN_PROPOSAL, _("A change is approved or rejected by someone other than its proposer.")
        )
