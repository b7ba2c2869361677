"""The administrators' group is brought up to date by every migrate."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from rabta.accounts.models import User
from rabta.accounts.services import ADMINISTRATOR_GROUP, administrator_grant

pytestmark = pytest.mark.django_db


def migrate():
    # Nothing is left to apply, but migrate still sends post_migrate, as on a deployment's upgrade.
    call_command("migrate", verbosity=0, interactive=False)


def group_permissions():
    return set(Group.objects.get(name=ADMINISTRATOR_GROUP).permissions.values_list("pk", flat=True))


def test_an_administrator_group_lacking_a_configuration_permission_gets_it_back_after_migrate(citizen):
    # Given a group synced before the permission was granted to administrators
    administrator_grant(user=citizen)
    change_category = Permission.objects.get(content_type__app_label="complaints", codename="change_category")
    Group.objects.get(name=ADMINISTRATOR_GROUP).permissions.remove(change_category)
    assert not User.objects.get(pk=citizen.pk).has_perm("complaints.change_category")
    complete = group_permissions() | {change_category.pk}

    # When the deployment migrates
    migrate()

    # Then the group, and so its administrators, hold it again
    assert group_permissions() == complete
    assert User.objects.get(pk=citizen.pk).has_perm("complaints.change_category")

    # And a second migrate changes nothing
    migrate()
    assert group_permissions() == complete
    assert Group.objects.filter(name=ADMINISTRATOR_GROUP).count() == 1


def test_a_permission_created_by_the_same_migrate_reaches_the_group(citizen):
    # Given a configuration model whose permissions do not exist yet (as for a model new in this release)
    administrator_grant(user=citizen)
    Permission.objects.filter(content_type__app_label="complaints", content_type__model="cannedreply").delete()

    migrate()

    # Then auth's receiver created them before ours refreshed the group
    assert User.objects.get(pk=citizen.pk).has_perm("complaints.change_cannedreply")


def test_migrate_creates_no_group_where_no_administrator_was_ever_granted():
    migrate()
    assert not Group.objects.filter(name=ADMINISTRATOR_GROUP).exists()
