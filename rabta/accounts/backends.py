"""Sign-in with an email address or a phone number (any spelling), and the lock-out's key for it."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from rabta.accounts.models import User
from rabta.accounts.validators import compact_login, normalize_login
from rabta.core.crypto import lookup_hash


class EmailOrPhoneBackend(ModelBackend):
    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> User | None:
        from rabta.accounts.selectors import users_for_login

        if not username or password is None:
            return None
        candidates = users_for_login(username)
        if not candidates:
            # Run the hasher anyway so that response time does not reveal which logins exist.
            User().set_password(password)
            return None
        # Usually one account. While an identifier is unverified, a few accounts may claim it (see
        # selectors.MAX_LOGIN_CANDIDATES): the password says which one is signing in.
        for user in candidates:
            if user.check_password(password) and self.user_can_authenticate(user):
                return user
        return None


def lockout_key(login: str) -> str:
    """What django-axes counts failures against for a typed sign-in name.

    Every spelling of an identifier names the same key, and so does every identifier of the same
    account (its email and its phone): the account's id when the name stands for an account, else
    a keyed hash of the normalised identifier. So no spelling gets a fresh set of attempts, and the
    lock-out table holds no phone number or address as it was typed.
    """
    from rabta.accounts.selectors import user_by_login

    normalized = normalize_login(login)
    if normalized is None:
        return "login:" + lookup_hash(compact_login(login), purpose="login")[:32]
    user = user_by_login(login)
    if user is not None:
        return f"account:{user.pk}"
    kind, value = normalized
    return f"{kind}:" + lookup_hash(value, purpose=kind)[:32]


def lockout_username(request: HttpRequest | None, credentials: dict[str, Any] | None = None) -> str | None:
    """django-axes' AXES_USERNAME_CALLABLE: the lock-out key of the sign-in name in this request.

    Axes asks several times per request (lock-out check, failure, success reset), sometimes with
    the typed name and sometimes with the account's email (after a success), so the answer is
    worked out once per name and kept on the request.
    """
    typed = (credentials or {}).get("username")
    if not typed and request is not None:
        typed = getattr(request, "POST", {}).get("username")
    if not typed:
        return None
    cache: dict[str, str] = request.__dict__.setdefault("_rabta_lockout_keys", {}) if request is not None else {}
    if typed not in cache:
        cache[typed] = lockout_key(str(typed))
    return cache[typed]
