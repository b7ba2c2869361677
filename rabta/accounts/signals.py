"""Keep the administrators' permission group in step with the code after every migrate, and start
a session's idle clock at sign-in."""

from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.apps import apps as global_apps
from django.apps.registry import Apps
from django.contrib.auth.signals import user_logged_in
from django.db import DEFAULT_DB_ALIAS
from django.db.models.signals import post_migrate
from django.dispatch import receiver

from rabta.accounts.middleware import session_activity_mark
from rabta.accounts.services import (
    ADMINISTRATOR_APPS,
    ADMINISTRATOR_GROUP,
    ADMINISTRATOR_MODELS,
    administrator_group_sync,
)

# The apps whose permissions the group holds: a refresh is due once each of them has its permissions.
_GROUP_APPS = frozenset(ADMINISTRATOR_APPS) | frozenset(ADMINISTRATOR_MODELS)


@receiver(post_migrate, dispatch_uid="rabta.accounts.administrator_group_refresh")
def administrator_group_refresh(sender: AppConfig, *, using: str, apps: Apps = global_apps, **kwargs: Any) -> None:
    """Give an existing administrators' group the permissions the code now grants it.

    Without this, a deployment's administrators would gain a permission added to
    ADMINISTRATOR_APPS or ADMINISTRATOR_MODELS only at the next administrator_grant.

    Django's auth creates permissions in its own post_migrate receiver, one app at a time, and
    connects it in AuthConfig.ready, which runs before ours (django.contrib.auth comes first in
    INSTALLED_APPS); receivers run in the order they were connected. So when an app's signal
    reaches us, that app's permissions exist, and the refresh after the last of _GROUP_APPS sees
    them all, including permissions created by this very migrate. A data migration could not:
    on a fresh database no permission exists until post_migrate, and it would run only once.
    """
    if sender.label not in _GROUP_APPS or using != DEFAULT_DB_ALIAS:
        return  # administrator_group_sync works on the default database, the only one Rabta has
    # flush sends no apps; migrate sends the migrated state's, like it does to auth's receiver.
    try:
        group_model = apps.get_model("auth", "Group")  # absent if auth is migrated back to zero
    except LookupError:
        return
    # Only a group that exists: a database where no administrator was ever granted gets none, and
    # the first administrator_grant creates it complete.
    if group_model.objects.using(using).filter(name=ADMINISTRATOR_GROUP).exists():
        administrator_group_sync()


@receiver(user_logged_in, dispatch_uid="rabta.accounts.session_activity_mark")
def session_activity_start(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """Sign-in is activity: StaffSessionIdleMiddleware counts idle time from here."""
    if request is not None:
        session_activity_mark(request, user)
