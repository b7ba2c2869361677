"""The accounts admin: roles through role_grant / role_revoke, second factors reset (never shown),
passwords never set by hand, admin access following roles."""

from __future__ import annotations

import re

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from rabta.accounts.models import RoleAssignment, User
from rabta.accounts.permissions import ADMINISTRATOR_GRANTABLE_ROLES
from rabta.accounts.roles import ROLE_DEFINITIONS, Role
from rabta.accounts.services import ADMINISTRATOR_GROUP, role_grant
from rabta.accounts.tests.admin_cast import PASSWORD, build_cast, generated_name, scrape_form
from rabta.core.models import Event
from rabta.notifications.models import Outbox

pytestmark = pytest.mark.django_db

ROLES = "/en/admin/accounts/roleassignment/"
USERS = "/en/admin/accounts/user/"


@pytest.fixture
def cast(world):
    return build_cast(world)


def scope_for(world, role):
    spec = ROLE_DEFINITIONS[Role(role)]
    return {
        "office": str(world.office_a.pk) if spec.needs_office else "",
        "government": str(world.gov_punjab.pk) if spec.needs_government else "",
    }


def fresh_user(cast, **extra):
    return User.objects.create_user(
        email=f"user{cast.rng.randrange(10**9)}@gov.pk", password=PASSWORD, full_name=generated_name(cast.rng), **extra
    )


@pytest.mark.parametrize("persona", ["administrator", "superuser"])
@pytest.mark.parametrize("role", Role.values)
def test_nobody_grants_a_role_to_themselves_in_the_admin(cast, world, persona, role):
    me = cast.users[persona]
    before = set(RoleAssignment.objects.filter(user=me).values_list("role", "active"))
    events = Event.objects.filter(kind="accounts.role_granted").count()
    response = cast.client(persona).post(f"{ROLES}add/", {"user": me.pk, "role": role, **scope_for(world, role)})
    assert response.status_code == 200  # the form again, with the reason
    assert set(RoleAssignment.objects.filter(user=me).values_list("role", "active")) == before
    assert Event.objects.filter(kind="accounts.role_granted").count() == events


@pytest.mark.parametrize("role", Role.values)
def test_an_administrator_grants_only_roles_that_read_no_complaints(cast, world, role):
    """An administrator could open an account with an address they read and grant it a role: so
    they grant none that reads complaints or reveals identities, nor their own role."""
    administrator, grantee = cast.users["administrator"], fresh_user(cast)
    client = cast.client("administrator")
    offered = set(re.findall(r'<option value="([a-z_]+)"', client.get(f"{ROLES}add/").content.decode()))
    assert offered == set(ADMINISTRATOR_GRANTABLE_ROLES)
    response = client.post(f"{ROLES}add/", {"user": grantee.pk, "role": role, **scope_for(world, role)})
    granted = RoleAssignment.objects.filter(user=grantee, role=role, active=True).first()
    if role in ADMINISTRATOR_GRANTABLE_ROLES:
        assert response.status_code == 302
        assert granted is not None and granted.granted_by == administrator
        event = Event.objects.get(kind="accounts.role_granted", subject_id=str(grantee.pk))
        assert (event.actor, event.to_state) == (administrator, role)
    else:
        assert response.status_code == 200 and granted is None
        assert not Event.objects.filter(kind="accounts.role_granted", subject_id=str(grantee.pk)).exists()


def test_a_superuser_grants_oversight_with_its_rules_and_the_grantor_recorded(cast, world):
    grantee = fresh_user(cast)
    client = cast.client("superuser")
    # Oversight belongs to a government: without one it is refused on the form, not by a server error.
    response = client.post(f"{ROLES}add/", {"user": grantee.pk, "role": Role.OVERSIGHT, "office": world.office_a.pk})
    assert response.status_code == 200 and not RoleAssignment.objects.filter(user=grantee).exists()
    response = client.post(
        f"{ROLES}add/", {"user": grantee.pk, "role": Role.OVERSIGHT, "government": world.gov_punjab.pk}
    )
    assert response.status_code == 302
    assert RoleAssignment.objects.get(user=grantee).granted_by == cast.users["superuser"]


@pytest.mark.parametrize("persona", ["administrator", "superuser"])
def test_a_role_is_never_edited_around_its_rules(cast, world, persona):
    supervisor = RoleAssignment.objects.get(user=cast.users["supervisor"])
    url = f"{ROLES}{supervisor.pk}/change/"
    page = cast.client(persona).get(url).content.decode()
    assert not {"role", "office", "government", "active"} & scrape_form(page).inputs
    response = cast.client(persona).post(url, {"user": supervisor.user_id, "role": Role.SUPERVISOR, "office": ""})
    assert response.status_code == 403
    supervisor.refresh_from_db()
    assert (supervisor.office, supervisor.active) == (world.head_a, True)


def test_revoking_the_last_staff_role_closes_the_admin(cast):
    administrator = cast.users["administrator"]
    client = cast.client("administrator")
    assert client.get("/en/admin/").status_code == 200
    assignment = administrator.role_assignments.get(role=Role.ADMINISTRATOR)
    response = cast.client("superuser").post(
        ROLES, {"action": "revoke_selected", ACTION_CHECKBOX_NAME: [assignment.pk]}
    )
    assert response.status_code == 302
    administrator.refresh_from_db()
    assert not administrator.is_staff and not administrator.groups.filter(name=ADMINISTRATOR_GROUP).exists()
    event = Event.objects.get(kind="accounts.role_revoked", subject_id=str(administrator.pk))
    assert event.actor == cast.users["superuser"] and event.from_state == Role.ADMINISTRATOR
    response = client.get("/en/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/en/admin/login/")


def test_an_administrator_cannot_revoke_what_they_cannot_grant(cast):
    oversight = RoleAssignment.objects.get(user=cast.users["oversight"])
    cast.client("administrator").post(ROLES, {"action": "revoke_selected", ACTION_CHECKBOX_NAME: [oversight.pk]})
    oversight.refresh_from_db()
    assert oversight.active


@pytest.mark.parametrize(
    "field,value",
    [("is_superuser", "on"), ("is_staff", "on"), ("email", "mine@attacker.example"), ("groups", "ALL")],
)
def test_an_administrator_cannot_raise_an_account_nor_take_it_over(cast, field, value):
    """Not on their own account, not on anyone's: superuser status, admin access, groups and the
    address a reset link goes to are a superuser's to change."""
    from django.contrib.auth.models import Group

    client = cast.client("administrator")
    for target in (cast.users["administrator"], cast.complainant, cast.users["staff_no_role"]):
        url = f"{USERS}{target.pk}/change/"
        data: dict[str, object] = dict(scrape_form(client.get(url).content.decode()).data)
        data[field] = [str(pk) for pk in Group.objects.values_list("pk", flat=True)] if value == "ALL" else value
        before = User.objects.get(pk=target.pk)
        groups = set(before.groups.all())
        client.post(url, data)
        after = User.objects.get(pk=target.pk)
        assert (after.is_superuser, after.is_staff, after.email) == (before.is_superuser, before.is_staff, before.email)
        assert set(after.groups.all()) == groups


def test_an_administrator_edits_only_accounts_at_or_below_their_level(cast):
    client = cast.client("administrator")
    for persona in ("superuser", "oversight", "officer", "administrator_unverified"):
        target = cast.users[persona]
        url = f"{USERS}{target.pk}/change/"
        assert client.get(url).status_code == 200  # to read
        assert not {"full_name", "is_active"} & scrape_form(client.get(url).content.decode()).inputs
        assert client.post(url, {"full_name": "Renamed", "is_active": ""}).status_code == 403
        target.refresh_from_db()
        assert target.is_active and target.full_name != "Renamed"
    # A complainant's account: name and activity, through the service, with an event.
    url = f"{USERS}{cast.complainant.pk}/change/"
    data = dict(scrape_form(client.get(url).content.decode()).data)
    new_name = generated_name(cast.rng)
    data.update(full_name=new_name, _save="Save")
    data.pop("is_active", None)
    assert client.post(url, data).status_code == 302
    cast.complainant.refresh_from_db()
    assert cast.complainant.full_name == new_name and not cast.complainant.is_active
    event = Event.objects.get(kind="accounts.user_updated", subject_id=str(cast.complainant.pk))
    assert event.data == {"fields": ["full_name", "is_active"], "is_active": False}
    assert new_name not in str(event.data)


def test_no_password_is_set_by_hand(cast):
    client = cast.client("superuser")
    for target in (cast.users["officer"], cast.users["superuser"]):
        assert client.get(f"{USERS}{target.pk}/password/").status_code in (302, 404)
        client.post(f"{USERS}{target.pk}/password/", {"password1": "Chosen-by-root-1", "password2": "Chosen-by-root-1"})
        target.refresh_from_db()
        assert target.check_password(PASSWORD)


@pytest.mark.parametrize("persona", ["administrator", "superuser"])
def test_an_account_opened_in_the_admin_has_no_password_until_its_owner_chooses_one(cast, persona, client):
    name = generated_name(cast.rng)
    email = f"new.{cast.rng.randrange(10**6)}@gov.pk"
    response = cast.client(persona).post(
        f"{USERS}add/", {"email": email, "full_name": name, "preferred_language": "ur"}
    )
    assert response.status_code == 302
    user = User.objects.get(email=email)
    assert not user.has_usable_password()
    assert Event.objects.filter(
        kind="accounts.user_created", subject_id=str(user.pk), actor=cast.users[persona]
    ).exists()
    message = Outbox.objects.get(user=user, template="password_reset")
    link = re.search(r"https?://\S+", message.body).group(0)
    assert "/ur/accounts/password-reset/" in link
    # The owner follows the link and chooses a password.
    page = client.get(link, follow=True)
    response = client.post(
        page.redirect_chain[-1][0], {"new_password1": "owner-chosen-pass-77", "new_password2": "owner-chosen-pass-77"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("owner-chosen-pass-77")


def test_send_password_reset_action_sends_the_owner_a_link_and_records_it(cast):
    complainant, oversight = cast.complainant, cast.users["oversight"]
    response = cast.client("administrator").post(
        USERS, {"action": "send_password_reset", ACTION_CHECKBOX_NAME: [complainant.pk, oversight.pk]}
    )
    assert response.status_code == 302
    assert Outbox.objects.filter(user=complainant, template="password_reset").count() == 1
    assert Event.objects.filter(kind="accounts.password_reset_sent", subject_id=str(complainant.pk)).count() == 1
    # Above the administrator's level: a superuser's to reset.
    assert not Outbox.objects.filter(user=oversight, template="password_reset").exists()
    complainant.refresh_from_db()
    assert complainant.check_password(PASSWORD)  # a link was sent; nothing was set


def test_a_second_factor_is_reset_with_an_event_and_a_notice_never_shown(cast):
    officer = cast.users["officer"]
    device = TOTPDevice.objects.get(user=officer)
    url = "/en/admin/otp_totp/totpdevice/"
    for persona in ("administrator", "superuser"):
        for page in (url, f"{url}{device.pk}/change/"):
            html = cast.client(persona).get(page).content.decode()
            assert device.key not in html and "qrcode" not in html.lower()
        assert cast.client(persona).get(f"{url}{device.pk}/config/").status_code in (302, 404)
    # An administrator may not reset an officer's second factor (an officer reads complaints).
    cast.client("administrator").post(url, {"action": "reset_selected", ACTION_CHECKBOX_NAME: [device.pk]})
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    response = cast.client("superuser").post(url, {"action": "reset_selected", ACTION_CHECKBOX_NAME: [device.pk]})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    event = Event.objects.get(kind="accounts.second_factor_reset", subject_id=str(officer.pk))
    assert event.actor == cast.users["superuser"]
    notice = Outbox.objects.get(user=officer, template="second_factor_reset")
    assert notice.to == officer.email and device.key not in notice.body


def test_an_administrator_resets_the_second_factor_of_an_account_at_their_level(cast):
    analyst = fresh_user(cast)
    role_grant(user=analyst, role=Role.RISK_ANALYST, granted_by=cast.users["superuser"])
    device = TOTPDevice.objects.create(user=analyst, name="phone", confirmed=True)
    cast.client("administrator").post(
        "/en/admin/otp_totp/totpdevice/", {"action": "reset_selected", ACTION_CHECKBOX_NAME: [device.pk]}
    )
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    assert Outbox.objects.filter(user=analyst, template="second_factor_reset").exists()


def test_is_staff_without_a_staff_role_needs_the_second_factor_and_still_gets_no_admin(cast):
    user = cast.users["staff_no_role_unverified"]
    client = Client()
    assert client.post("/en/admin/login/", {"username": user.email, "password": PASSWORD}).status_code == 302
    response = client.get("/en/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/en/accounts/two-factor/")
    response = client.get("/api/accounts/me")
    assert response.status_code == 403 and response.json()["code"] == "second_factor_required"
    # Past the second factor, still no admin: admin access follows a staff role.
    response = cast.client("staff_no_role").get("/en/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/en/admin/login/")
