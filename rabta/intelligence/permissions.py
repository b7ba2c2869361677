"""Who may read what the intelligence domain finds across complaints: written once, asked by its
selectors. Suggestions while lodging are for everyone and need no rule; recurring problems are
oversight's (the staff who watch where service delivery falls short)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from rabta.accounts.roles import Role, user_roles
from rabta.accounts.types import Actor
from rabta.core.errors import Forbidden
from rabta.intelligence.errors import IntelligenceError


def may_see_recurring(user: Actor) -> bool:
    return user is not None and user.is_authenticated and Role.OVERSIGHT in user_roles(user)


def require_recurring(user: Actor) -> None:
    if not may_see_recurring(user):
        raise Forbidden(IntelligenceError.NOT_ALLOWED, _("Only oversight may see recurring problems."))
