"""``Actor``: who does something, as every service's ``actor`` (or ``user``) parameter is typed.

A signed-in account, the anonymous visitor of a public page, or ``None`` for the system itself
(a sweep, a command, a migration). Services never ask which of the three by ``isinstance``: they
ask ``is_authenticated`` and the permissions layer of their app.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from rabta.accounts.models import User

Actor: TypeAlias = "User | AnonymousUser | None"
