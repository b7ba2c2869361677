"""The Django admin as a permission matrix.

Cases come from the registry (``admin.site._registry``: ours, django-otp's, axes', auth's), so a
model registered tomorrow is covered tomorrow: every changelist, add, change, delete and history
page and every action, for every kind of account (admin_cast). What each must see:

* no admin page for anyone without a staff role *and* admin access *and* a second factor: a
  staff role alone, ``is_staff`` alone, a revoked role, or a password alone, all lead away;
* never a server error;
* never a secret (TOTP key, backup code, password hash) nor self-identification, by value or field;
* for an administrator who is not a superuser, no control that grants access (superuser status,
  admin access, groups, permissions, contact addresses, passwords, who granted a role), and no
  page of the models whose permissions imply all others (groups and permissions);
* no filter in a list's address but those the list offers;
* no write through the admin, by form or by action, that leaves no event.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import models

from rabta.accounts.services import ADMINISTRATOR_APPS, ADMINISTRATOR_MODELS
from rabta.accounts.tests.admin_cast import (
    ADMIN_PERSONAS,
    NO_ACCESS_PERSONAS,
    UNVERIFIED_PERSONAS,
    build_cast,
    scrape_form,
)
from rabta.core.models import Event

pytestmark = pytest.mark.django_db

REGISTRY = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label_lower)
MODELS = [model._meta.label_lower for model, _ in REGISTRY]
ADMIN_ROOT = "/en/admin/"

# Controls that grant access or take an account over: never on a form a non-superuser gets.
ESCALATION_CONTROLS = {
    "is_superuser",
    "is_staff",
    "groups",
    "user_permissions",
    "permissions",
    "password",
    "password1",
    "password2",
    "usable_password",
    "key",
    "token",
    "granted_by",
}
# ...and, on a change form, these of an existing account or grant.
ESCALATION_CONTROLS_ON_CHANGE = {
    "accounts.user": {"email", "phone"},
    "accounts.roleassignment": {"user", "role", "office", "government", "active"},
}


@pytest.fixture
def cast(world):
    return build_cast(world)


def model_admin(label: str) -> admin.ModelAdmin:  # type: ignore[type-arg]
    return admin.site._registry[apps.get_model(label)]


def urls(label: str) -> dict[str, str]:
    model = apps.get_model(label)
    opts = model._meta
    obj = model._default_manager.order_by("pk").first()
    base = f"{ADMIN_ROOT}{opts.app_label}/{opts.model_name}/"
    pages = {"changelist": base, "add": f"{base}add/"}
    if obj is not None:
        pages |= {"change": f"{base}{obj.pk}/change/", "delete": f"{base}{obj.pk}/delete/"}
        pages["history"] = f"{base}{obj.pk}/history/"
    return pages


def action_names(label: str) -> list[str]:
    """Every action the ModelAdmin declares or inherits, whoever may use it."""
    ma = model_admin(label)
    return sorted({name for _func, name, _desc in ma._get_base_actions()} | {"delete_selected"})


def snapshot() -> dict[str, Any]:
    """Every row of every registered model, and the permission links: what a write would change."""
    from django.contrib.auth.models import Group

    from rabta.accounts.models import User

    rows: dict[str, Any] = {
        model._meta.label_lower: list(model._default_manager.order_by("pk").values_list()) for model, _ma in REGISTRY
    }
    for through in (User.groups.through, User.user_permissions.through, Group.permissions.through):
        rows[through._meta.label_lower] = sorted(through.objects.values_list())
    return rows


def test_every_registered_model_has_a_row_to_test(cast):
    missing = [label for label in MODELS if not apps.get_model(label)._default_manager.exists()]
    assert missing == [], "add a row of these to admin_cast.build_cast"


@pytest.mark.parametrize("persona", NO_ACCESS_PERSONAS + UNVERIFIED_PERSONAS)
def test_no_admin_page_without_a_staff_role_admin_access_and_a_second_factor(cast, persona):
    client = cast.client(persona)
    expected = "/en/accounts/two-factor/" if persona in UNVERIFIED_PERSONAS else f"{ADMIN_ROOT}login/"
    before = snapshot()
    wrong = []
    pages = [ADMIN_ROOT, f"{ADMIN_ROOT}password_change/", f"{ADMIN_ROOT}autocomplete/?app_label=accounts"]
    for url in pages + [url for label in MODELS for page, url in urls(label).items() if page != "history"]:
        response = client.get(url)
        if response.status_code != 302 or not response["Location"].startswith(expected):
            wrong.append(("GET", url, response.status_code))
    for label in MODELS:
        model_pages = urls(label)
        first = apps.get_model(label)._default_manager.order_by("pk").first()
        for url, data in (
            (model_pages["change"], {}),
            (model_pages["changelist"], {"action": "delete_selected", ACTION_CHECKBOX_NAME: [first.pk], "post": "yes"}),
        ):
            response = client.post(url, data)
            if response.status_code != 302 or not response["Location"].startswith(expected):
                wrong.append(("POST", url, response.status_code))
    assert wrong == []
    assert snapshot() == before


@pytest.mark.parametrize("persona", ADMIN_PERSONAS)
def test_admin_pages_show_no_secret_and_no_escalation_control(cast, persona):
    client = cast.client(persona)
    assert client.get(ADMIN_ROOT).status_code == 200
    wrong = []
    for label in MODELS:
        hidden = admin.site.hidden_fields(apps.get_model(label))
        for page, url in urls(label).items():
            response = client.get(url)
            if response.status_code not in (200, 403):
                wrong.append((url, response.status_code))
            if response.status_code != 200:
                continue
            html = response.content.decode()
            wrong += [(url, "secret shown") for secret in cast.secrets if secret in html]
            form = scrape_form(html)
            wrong += [(url, "hidden field editable", name) for name in form.inputs & hidden]
            wrong += [
                (url, "hidden field shown", name) for name in hidden if re.search(rf'(field|column)-{name}[\s"]', html)
            ]
            if persona != "superuser":
                forbidden = ESCALATION_CONTROLS | (
                    ESCALATION_CONTROLS_ON_CHANGE.get(label, set()) if page == "change" else set()
                )
                wrong += [(url, "escalation control", name) for name in form.inputs & forbidden]
    assert wrong == []


def test_an_administrator_sees_configuration_only_and_never_what_implies_every_permission(cast):
    """What an administrator reaches follows the administrators' group (configuration) and never
    includes groups and permissions, even when given every permission by hand."""
    from django.contrib.auth.models import Permission

    administrator, client = cast.users["administrator"], cast.client("administrator")
    wrong = []
    for label in MODELS:
        app_label, model_name = label.split(".")
        configuration = app_label in ADMINISTRATOR_APPS or model_name in ADMINISTRATOR_MODELS.get(app_label, ())
        expected = 200 if configuration and label not in admin.site.superuser_only else 403
        status = client.get(urls(label)["changelist"]).status_code
        if status != expected:
            wrong.append((label, status, expected))
    administrator.user_permissions.add(*Permission.objects.all())
    for label in sorted(admin.site.superuser_only & set(MODELS)):
        wrong += [(url, "superuser only") for url in urls(label).values() if client.get(url).status_code != 403]
    assert wrong == []


def _offered(ma: Any) -> set[str]:
    offered = set()
    for item in ma.list_filter:
        if isinstance(item, (list, tuple)):
            item = item[0]
        if isinstance(item, str):
            offered.add(item.split("__")[0])
    return offered


@pytest.mark.parametrize("persona", ADMIN_PERSONAS)
def test_a_list_filters_only_by_what_it_offers(cast, persona):
    """Django accepts a filter on any local field in a list's address; that turns a list into an
    oracle (?password__startswith=..., ?key__startswith=..., ?has_disability=1). Every concrete
    field of every registered model is tried."""
    client = cast.client(persona)
    wrong = []
    for label in MODELS:
        ma = model_admin(label)
        url = urls(label)["changelist"]
        if client.get(url).status_code != 200:
            continue
        offered = _offered(ma) - admin.site.hidden_fields(ma.model)
        for field in ma.model._meta.concrete_fields:
            lookup = f"{field.name}__startswith" if isinstance(field, (models.CharField, models.TextField)) else None
            status = client.get(url, {lookup or f"{field.name}__isnull": "a" if lookup else "False"}).status_code
            if (field.name in offered) != (status in (200, 302)) or status not in (200, 302, 400):
                wrong.append((label, field.name, status))
    assert wrong == []


def _submit(client: Any, url: str, extra: dict[str, Any]) -> Any:
    page = client.get(url)
    if page.status_code != 200:
        return page
    data: dict[str, Any] = dict(scrape_form(page.content.decode()).data)
    data.update(extra)
    data["_save"] = "Save"
    return client.post(url, data)


@pytest.mark.parametrize("persona", ADMIN_PERSONAS)
def test_no_form_write_without_an_event_and_no_escalation(cast, persona):
    """Submit every add and change form the persona can open, as a browser would, with escalation
    fields slipped in: whatever changes leaves an event, and a non-superuser gains nothing."""
    from django.contrib.auth.models import Group

    client, actor = cast.client(persona), cast.users[persona]
    injections = {
        "is_superuser": "on",
        "is_staff": "on",
        "groups": [str(pk) for pk in Group.objects.values_list("pk", flat=True)],
        "user_permissions": ["1", "2"],
        "granted_by": str(cast.users["superuser"].pk),
        "key": "0" * 40,
        "email": "taken.over@attacker.example",
        "password": "pbkdf2_sha256$1$x$y",
        "password1": "Another-long-pass-1",
        "password2": "Another-long-pass-1",
    }
    roles_before = set(actor.role_assignments.filter(active=True).values_list("role", flat=True))
    wrong = []
    for label in MODELS:
        for page in ("add", "change"):
            url = urls(label).get(page)
            if url is None:
                continue
            before, events = snapshot(), Event.objects.count()
            response = _submit(client, url, injections)
            if response.status_code not in (200, 302, 403):
                wrong.append((url, response.status_code))
            if snapshot() != before and Event.objects.count() == events:
                wrong.append((url, "changed with no event"))
    assert wrong == []
    actor.refresh_from_db()
    if persona != "superuser":
        actor._rabta_roles = None
        assert not actor.is_superuser
        assert set(actor.role_assignments.filter(active=True).values_list("role", flat=True)) == roles_before
        assert not actor.user_permissions.exists()
        assert set(actor.groups.values_list("name", flat=True)) <= {"Rabta administrators"}
        assert "attacker" not in (actor.email or "")
        assert actor.check_password("correct-horse-battery-staple")
        root = cast.users["superuser"]
        root.refresh_from_db()
        assert root.email == "root@gov.pk" and root.is_superuser and root.is_active


@pytest.mark.parametrize("persona", ADMIN_PERSONAS)
def test_no_action_writes_without_an_event(cast, persona):
    client = cast.client(persona)
    wrong = []
    for label in MODELS:
        url = urls(label)["changelist"]
        if client.get(url).status_code != 200:
            continue
        model = apps.get_model(label)
        for action in action_names(label):
            first = model._default_manager.order_by("pk").first()
            if first is None:
                break
            before, events = snapshot(), Event.objects.count()
            response = client.post(url, {"action": action, ACTION_CHECKBOX_NAME: [first.pk], "post": "yes"})
            if response.status_code not in (200, 302, 403):
                wrong.append((label, action, response.status_code))
            if snapshot() != before and Event.objects.count() == events:
                wrong.append((label, action, "changed with no event"))
    assert wrong == []


def test_admin_access_without_permissions_opens_no_model(cast):
    client = cast.client("analyst_with_admin_access")
    assert [label for label in MODELS if client.get(urls(label)["changelist"]).status_code != 403] == []
