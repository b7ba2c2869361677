import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.utils import timezone

from rabta.accounts.models import IdentityDocument, RoleAssignment, User
from rabta.accounts.roles import ROLE_DEFINITIONS, STAFF_ROLES, Role, Scope
from rabta.accounts.services import (
    DocumentInput,
    administrator_grant,
    role_assign,
    user_register,
    verification_confirm,
    verification_send,
)
from rabta.core.errors import DomainError
from rabta.core.models import Event
from rabta.notifications.senders import LocmemSmsSender

GOOD = {"full_name": "Sana Iqbal", "password": "a-long-unusual-passphrase", "complainant_type": "citizen"}


def register(**overrides):
    return user_register(**{**GOOD, **overrides})


@pytest.mark.django_db
def test_registration_stores_identifiers_encrypted_and_findable_by_hash():
    user = register(email="sana@example.pk", phone="0300 1234567", documents=[DocumentInput("cnic", "3520212345671")])
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM accounts_user WHERE id = %s", [user.pk])
        stored_phone = cursor.fetchone()[0]
        cursor.execute("SELECT number FROM accounts_identitydocument WHERE user_id = %s", [user.pk])
        stored_cnic = cursor.fetchone()[0]
    assert "3001234567" not in stored_phone and "1234567" not in stored_cnic
    reloaded = User.objects.get(pk=user.pk)
    assert reloaded.phone == "+923001234567"
    assert reloaded.identity_documents.get().number == "35202-1234567-1"
    assert reloaded.identity_documents.get().masked == "****67-1"
    assert set(reloaded.role_assignments.values_list("role", flat=True)) == {Role.COMPLAINANT}
    assert Event.objects.for_subject(user).filter(kind="accounts.user_registered").exists()


@pytest.mark.django_db
def test_a_number_given_twice_in_one_registration_leaves_nothing_written():
    # Issue 17 item 5 changed this test: a number another account claimed is no longer an error
    # (see test_identifiers.py); giving one NADRA number twice oneself still is.
    users_before = User.objects.count()
    with pytest.raises(DomainError) as caught:
        register(
            email="second@example.pk",
            documents=[DocumentInput("cnic", "35202-1234567-1"), DocumentInput("nicop", "3520212345671")],
        )
    assert caught.value.fields["documents.1.number"][0]["code"] == "identity_given_twice"
    assert User.objects.count() == users_before
    assert IdentityDocument.objects.count() == 0


@pytest.mark.django_db
def test_every_bad_field_is_named_at_once():
    with pytest.raises(DomainError) as caught:
        user_register(full_name="", password="123", complainant_type="alien", language="fr", phone="12")
    assert caught.value.code == "validation_error"
    codes = {field: [e["code"] for e in errors] for field, errors in caught.value.fields.items()}
    assert codes["full_name"] == ["required"]
    assert "password_weak" in codes["password"]
    assert codes["complainant_type"] == ["complainant_type_unknown"]
    assert codes["language"] == ["language_unknown"]
    assert codes["phone"] == ["phone_invalid"]
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_email_or_phone_is_required_and_unique():
    with pytest.raises(DomainError) as caught:
        register()
    assert caught.value.fields["email"][0]["code"] == "email_or_phone_required"
    # Issue 17 items 4-5 changed the rest of this test: an unverified number is no one's yet, so a
    # second claim to it is accepted (the first to verify it holds it: test_identifiers.py).
    first = register(phone="+923001234567")
    second = register(phone="0300-1234567")
    assert first.phone_hash == second.phone_hash and first.pk != second.pk


@pytest.mark.django_db
def test_business_fields_only_for_businesses():
    with pytest.raises(DomainError) as caught:
        register(email="x@example.pk", women_led_business=True)
    assert "business_role" in caught.value.fields
    user = register(
        email="y@example.pk",
        complainant_type="business",
        business_role="trader",
        women_led_business=True,
        documents=[DocumentInput("ntn", "1234567-8")],
    )
    assert user.complainant_profile.women_led_business


def test_every_role_is_declared_once_with_a_scope():
    assert set(ROLE_DEFINITIONS) == set(Role)
    assert ROLE_DEFINITIONS[Role.OVERSIGHT].may_reveal_identity
    assert not ROLE_DEFINITIONS[Role.OFFICER].may_reveal_identity
    assert not ROLE_DEFINITIONS[Role.ADMINISTRATOR].sees_complaint_contents
    assert ROLE_DEFINITIONS[Role.SUPERVISOR].scope == Scope.OFFICE_TREE
    assert Role.COMPLAINANT not in STAFF_ROLES and Role.OFFICER in STAFF_ROLES


def test_role_assign_enforces_each_roles_scope(world, citizen):
    with pytest.raises(DomainError) as caught:
        role_assign(user=citizen, role=Role.OFFICER)
    assert caught.value.fields["office"][0]["code"] == "role_scope_missing"
    with pytest.raises(DomainError) as caught:
        role_assign(user=citizen, role=Role.OVERSIGHT, office=world.office_a)
    assert caught.value.fields["government"][0]["code"] == "role_scope_missing"
    with pytest.raises(DomainError):
        role_assign(user=citizen, role="emperor")
    assignment = role_assign(user=citizen, role=Role.OFFICER, office=world.office_a)
    assert assignment.office == world.office_a
    assert RoleAssignment.objects.filter(user=citizen, role=Role.OFFICER).count() == 1


def test_administrator_gets_configuration_permissions_but_no_complaints(world, citizen):
    administrator_grant(user=citizen)
    citizen.refresh_from_db()
    assert citizen.is_staff
    assert citizen.has_perm("directory.change_office")
    # Complaint configuration, yes: categories, routing rules, deadline policies, canned replies.
    for model in ("category", "routingrule", "deadlinepolicy", "cannedreply"):
        assert citizen.has_perm(f"complaints.change_{model}"), model
    # Complaints and what is known of complainants, no.
    complaint_perms = {perm for perm in citizen.get_all_permissions() if perm.startswith("complaints.")}
    assert all(
        perm.rsplit("_", 1)[-1] in {"category", "routingrule", "deadlinepolicy", "cannedreply"}
        for perm in complaint_perms
    ), complaint_perms
    assert not citizen.has_perm("complaints.view_complaint")
    assert not citizen.has_perm("complaints.view_complainantstanding")


@pytest.mark.django_db(transaction=True)
def test_email_verification_round_trip_and_attempt_limit():
    user = register(email="v@example.pk")
    mail.outbox.clear()
    verification_send(user=user, channel="email")
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)
    wrong = "000000" if code != "000000" else "111111"
    with pytest.raises(DomainError) as caught:
        verification_confirm(user=user, channel="email", code=wrong)
    assert caught.value.fields["code"][0]["code"] == "verification_wrong_code"
    verification_confirm(user=user, channel="email", code=code)
    user.refresh_from_db()
    assert user.email_verified_at is not None
    with pytest.raises(DomainError) as caught:  # the same code again, from another tab say
        verification_confirm(user=user, channel="email", code=code)
    assert caught.value.fields["code"][0]["code"] == "verification_code_used"

    # Resends wait (issue 17 item 6): the second code of the day may go a minute after the first.
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        verification_send(user=user, channel="email")
    for _ in range(5):
        with pytest.raises(DomainError):
            verification_confirm(user=user, channel="email", code=wrong)
    with pytest.raises(DomainError) as caught:
        verification_confirm(user=user, channel="email", code=wrong)
    assert caught.value.fields["code"][0]["code"] == "verification_too_many_attempts"


@pytest.mark.django_db(transaction=True)
def test_sms_verification_goes_through_the_sms_sender():
    LocmemSmsSender.outbox.clear()
    user = register(phone="03001234567")
    verification_send(user=user, channel="sms")
    assert LocmemSmsSender.outbox[-1].to == "+923001234567"
