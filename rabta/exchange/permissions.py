"""Who may work the data exchange: the exchange officers (a national role), once here. Everything
they work is outside everyone else's scope (``visible_to`` hides it: 404); the ``require_*``
functions refuse the moves that have no item yet (a new agreement, the lists) with 403."""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext as _

from rabta.accounts.roles import Role, user_roles
from rabta.accounts.types import Actor
from rabta.core.errors import Forbidden
from rabta.exchange.errors import ExchangeError

EXCHANGE_ROLES = frozenset({Role.EXCHANGE_OFFICER})  # the navigation's audience too


class ExchangeAction(StrEnum):
    MANAGE_AGREEMENTS = "manage_agreements"
    EXPORT = "export"
    IMPORT = "import"
    ANSWER_BANK = "answer_bank"
    READ = "read"


def exchange_allowed(user: Actor, action: ExchangeAction | str) -> bool:
    """Every move is the exchange officers'; ``None`` is the system itself (a command), which its
    caller vouches for."""
    ExchangeAction(action)
    if user is None:
        return True
    return bool(user_roles(user) & {str(role) for role in EXCHANGE_ROLES})


def require_exchange(user: Actor, action: ExchangeAction | str) -> None:
    if not exchange_allowed(user, action):
        raise Forbidden(ExchangeError.NOT_ALLOWED, _("Only a customs data exchange officer may do this."))
