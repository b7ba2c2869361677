"""Who may do what with value control and the audit list. Asked by the services and selectors of
``rabta/risk/valuation.py`` and ``audit.py``, never by the API.

The 404 for a declaration outside the reader's scope comes first, from the fetch. Inside it a
trader sees their own declaration but not its value check: the band and its edges are a targeting
tool, and a trader who learnt them would price just inside (WCO guidelines keep valuation databases
internal). Customs staff who see the declaration read its check. The audit list is for risk
analysts (every declaration) and customs management (their collectorates, by the declaration's
scope). ``None`` is the system itself (a command, the lane engine) and may do everything."""

from __future__ import annotations

from django.utils.translation import gettext as _

from rabta.accounts.roles import Role, user_roles
from rabta.accounts.types import Actor, is_signed_in
from rabta.core.errors import Forbidden
from rabta.risk.vocab_valuation import ValuationError

VALUE_READERS = frozenset({Role.CUSTOMS_MANAGER, Role.EXAMINING_OFFICER, Role.RISK_ANALYST, Role.OVERSIGHT})
AUDIT_READERS = frozenset({Role.RISK_ANALYST, Role.CUSTOMS_MANAGER})
BAND_BUILDERS = frozenset({Role.RISK_ANALYST})


def _holds(actor: Actor, roles: frozenset[Role]) -> bool:
    return is_signed_in(actor) and bool(user_roles(actor) & {str(role) for role in roles})


def require_read_value_check(actor: Actor) -> None:
    if actor is None or _holds(actor, VALUE_READERS):
        return
    raise Forbidden(ValuationError.NOT_ALLOWED, _("A declaration's value check is for customs staff."))


def require_read_audit_list(actor: Actor) -> None:
    if actor is None or _holds(actor, AUDIT_READERS):
        return
    raise Forbidden(ValuationError.NOT_ALLOWED, _("The post-clearance audit list is for risk analysts."))


def require_rebuild_bands(actor: Actor) -> None:
    if actor is None or _holds(actor, BAND_BUILDERS):
        return
    raise Forbidden(ValuationError.NOT_ALLOWED, _("Only a risk analyst rebuilds the value bands."))
