"""The accounts' event kinds, and the admin site's (which lives in this app). Values are stored in
``Event.kind`` and never change."""

from __future__ import annotations

from rabta.core.events import EventKind


class AccountsEvent(EventKind):
    USER_REGISTERED = "accounts.user_registered"
    USER_CREATED = "accounts.user_created"
    USER_UPDATED = "accounts.user_updated"
    IDENTITY_ADDED = "accounts.identity_added"
    IDENTITY_VERIFIED = "accounts.identity_verified"
    ROLE_GRANTED = "accounts.role_granted"
    ROLE_REVOKED = "accounts.role_revoked"
    CONTACT_VERIFIED = "accounts.contact_verified"
    SECOND_FACTOR_PASSED = "accounts.second_factor_passed"
    SECOND_FACTOR_ENROLLED = "accounts.second_factor_enrolled"
    SECOND_FACTOR_RESET = "accounts.second_factor_reset"
    PASSWORD_RESET_SENT = "accounts.password_reset_sent"  # noqa: S105 (an event kind, not a secret)


class AdminEvent(EventKind):
    """A write made through the Django admin (``rabta.accounts.admin_site``)."""

    ADDED = "admin.added"
    CHANGED = "admin.changed"
    DELETED = "admin.deleted"
    ACTION = "admin.action"
