"""Sign-in with an email address or a phone number (any format phonenumbers can read)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from rabta.accounts.models import User


class EmailOrPhoneBackend(ModelBackend):
    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> User | None:
        from rabta.accounts.selectors import user_by_login

        if not username or password is None:
            return None
        user = user_by_login(username)
        if user is None:
            # Run the hasher anyway so that response time does not reveal which logins exist.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
