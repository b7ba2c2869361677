"""Who may read what the intelligence domain finds across complaints: written once, asked by its
selectors and services. Suggestions while lodging are for everyone and need no rule; recurring
problems and the misuse signals are oversight's (the staff who watch where service delivery falls
short, and who decide complainants' standing appeals). Seeing a hidden complainant's identity is
not theirs through a signal: it is the complaints domain's reveal (``Action.REVEAL_IDENTITY``, with
a reason and the password again, recorded), on the complaint's work page."""

from __future__ import annotations

from django.utils.translation import gettext as _

from rabta.accounts.roles import Role, user_roles
from rabta.accounts.types import Actor
from rabta.complaints.permissions import OFFICE_ROLES
from rabta.core.errors import Forbidden
from rabta.intelligence.errors import IntelligenceError


def may_see_recurring(user: Actor) -> bool:
    return user is not None and user.is_authenticated and Role.OVERSIGHT in user_roles(user)


def require_recurring(user: Actor) -> None:
    if not may_see_recurring(user):
        raise Forbidden(IntelligenceError.NOT_ALLOWED, _("Only oversight may see recurring problems."))


def may_review_signals(user: Actor) -> bool:
    return user is not None and user.is_authenticated and Role.OVERSIGHT in user_roles(user)


def require_review_signals(user: Actor) -> None:
    """``actor=None`` is the system (the scan raising signals); a person reviewing must be oversight."""
    if user is not None and not may_review_signals(user):
        raise Forbidden(IntelligenceError.NOT_ALLOWED, _("Only oversight may review misuse signals."))


def may_see_triage(user: Actor) -> bool:
    """Staff who work or steer complaints see the model's suggestion on the work page (moving the
    complaint stays the transfer's own rule)."""
    return user is not None and user.is_authenticated and bool(user_roles(user) & OFFICE_ROLES)
