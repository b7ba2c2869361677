"""Who may do what with the border agencies. Asked by the services, never by the API or the pages.

The registry (an agency, its codes and outcomes, who its officers are) is kept by the risk analysts
and the system (``None``: the demo, commands). An agency officer (``Role.AGENCY_OFFICER`` with an
``AgencyMember`` row) writes and back-tests their own agency's rules, records the results of their
agency's selections and shares watch lists with customs, for their own agency only. Nobody else
does any of it; an agency another works for is outside their scope (the selectors answer 404).
"""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext as _

from rabta.accounts.types import Actor
from rabta.core.errors import Forbidden
from rabta.risk.errors import RiskError
from rabta.risk.models import is_risk_analyst
from rabta.risk.models_agency import Agency, member_agency_ids


class AgencyAction(StrEnum):
    KEEP_REGISTRY = "keep_registry"
    WRITE_RULES = "write_rules"
    BACKTEST = "backtest"
    RECORD_RESULT = "record_result"
    SHARE = "share"


def may(actor: Actor, action: AgencyAction, agency: Agency | None = None) -> bool:
    if action == AgencyAction.KEEP_REGISTRY:
        return actor is None or is_risk_analyst(actor)
    if actor is None:
        return True
    return agency is not None and agency.pk in member_agency_ids(actor)


def require(actor: Actor, action: AgencyAction, agency: Agency | None = None) -> None:
    if may(actor, action, agency):
        return
    if action == AgencyAction.KEEP_REGISTRY:
        raise Forbidden(RiskError.NOT_ALLOWED, _("The agencies' registry is kept by the risk analysts."))
    raise Forbidden(RiskError.AGENCY_NOT_MEMBER, _("Only the agency's own officers may do this."))
