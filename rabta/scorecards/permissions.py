"""Who may watch the live dashboard: senior management, i.e. the roles that oversee offices
(supervisors / heads of office, oversight units) and the system's administrators. The published
scorecards stay open to everyone; the live dashboard polls every second and is a staff tool."""

from __future__ import annotations

from django.utils.translation import gettext as _

from rabta.accounts.roles import Role, user_roles
from rabta.accounts.types import Actor
from rabta.core.errors import Forbidden
from rabta.scorecards.errors import ScorecardsError

LIVE_ROLES = frozenset({Role.SUPERVISOR, Role.OVERSIGHT, Role.ADMINISTRATOR})


def may_watch_live(user: Actor) -> bool:
    """May ``user`` open the live dashboard and poll its figures?"""
    return bool(getattr(user, "is_authenticated", False) and user_roles(user) & LIVE_ROLES)


def require_live_watcher(user: Actor) -> None:
    """A 403 for a signed-in user of another role (the API answers 401 to nobody signed in first)."""
    if not may_watch_live(user):
        raise Forbidden(
            ScorecardsError.LIVE_NOT_ALLOWED,
            _("The live dashboard is for supervisors, oversight units and administrators."),
        )
