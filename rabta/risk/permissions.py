"""Who may do what in the risk domain. Asked by the services, never by the API or the pages.

Risk analysts (rabta.accounts.roles.Role.RISK_ANALYST, national scope) write rules and watch lists,
back-test rules, train, approve and activate models and read the selection statistics. ``None`` is the
system itself (the scheduled retraining, the lane engine, the demo loader) and may do all of it. A
model's approval is a second person's: an analyst does not approve a model they trained.
"""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext as _

from rabta.accounts.roles import Role, user_roles
from rabta.accounts.types import Actor, is_signed_in
from rabta.core.errors import Forbidden
from rabta.risk.errors import RiskError
from rabta.risk.models import RiskModel, is_risk_analyst


class RiskAction(StrEnum):
    WRITE_RULES = "write_rules"
    BACKTEST = "backtest"
    TRAIN = "train"
    APPROVE = "approve"
    ACTIVATE = "activate"
    READ_STATISTICS = "read_statistics"


def may(actor: Actor, action: RiskAction) -> bool:
    return actor is None or is_risk_analyst(actor)


def require(actor: Actor, action: RiskAction) -> None:
    if not may(actor, action):
        raise Forbidden(RiskError.NOT_ALLOWED, _("Risk rules, models and statistics are the risk analysts'."))


def require_approver(actor: Actor, model: RiskModel) -> None:
    """A risk analyst other than the one who trained the model (four eyes); the system may approve
    only from the command line, where an operator names themself (``rabta risk approve --by``)."""
    require(actor, RiskAction.APPROVE)
    if actor is not None and model.trained_by_id is not None and model.trained_by_id == actor.pk:
        raise Forbidden(RiskError.MODEL_SELF_APPROVAL, _("A model is approved by someone other than its trainer."))


# --- the risk pages (issue 10): who has them and who reads a declaration's lane reasons -------------

# As LaneDecision.objects.visible_to: customs staff (within their scope) and risk analysts.
LANE_REASON_READERS = frozenset({Role.RISK_ANALYST, Role.CUSTOMS_MANAGER, Role.EXAMINING_OFFICER, Role.OVERSIGHT})
AUDIT_PAGE_READERS = frozenset({Role.RISK_ANALYST, Role.CUSTOMS_MANAGER})  # permissions_valuation.AUDIT_READERS


def _holds_any(user: Actor, roles: frozenset[Role]) -> bool:
    return is_signed_in(user) and bool(user_roles(user) & {str(role) for role in roles})


def may_read_risk_pages(user: Actor) -> bool:
    """The rules, watch lists, back-tests and the risk dashboard are the risk analysts' pages
    (anyone else is answered 404: the pages do not exist for them)."""
    return is_risk_analyst(user)


def may_read_audit_page(user: Actor) -> bool:
    """The post-clearance audit list: risk analysts and customs managers (within their scope)."""
    return _holds_any(user, AUDIT_PAGE_READERS)


def may_see_lane_reasons(user: Actor) -> bool:
    """Whether ``user`` reads why a declaration got its lane (rules hit, model score, random or
    top-up): risk analysts and customs staff, never a trader (the reason would show how to avoid
    selection)."""
    return _holds_any(user, LANE_REASON_READERS)
