from datetime import timedelta

import pytest
from django.core import mail
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD
from rabta.accounts.models import User


@pytest.mark.django_db
def test_register_page_creates_account_and_asks_for_the_code(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/en/accounts/register/",
            {
                "complainant_type": "overseas",
                "full_name": "Kamran Akhtar",
                "email": "kamran@example.com",
                "password": "a-long-unusual-passphrase",
                "language": "ur",
                "document_type": "nicop",
                "document_number": "61101-1234567-1",
                "issuing_country": "PK",
            },
        )
    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/verify/email/"
    user = User.objects.get(email="kamran@example.com")
    assert user.preferred_language == "ur"
    assert user.complainant_profile.complainant_type == "overseas"
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_register_page_shows_the_field_error_and_saves_nothing(client):
    response = client.post(
        "/en/accounts/register/",
        {
            "complainant_type": "citizen",
            "full_name": "Bad Cnic",
            "email": "bad@example.com",
            "password": "a-long-unusual-passphrase",
            "language": "en",
            "document_type": "cnic",
            "document_number": "12345",
        },
    )
    assert response.status_code == 200
    assert "13 digits" in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    assert not User.objects.filter(email="bad@example.com").exists()


def test_login_with_phone_number(client, citizen):
    citizen.phone = "+923001234567"
    from rabta.core.crypto import lookup_hash

    citizen.phone_hash = lookup_hash("+923001234567", purpose="phone")
    citizen.save()
    response = client.post("/en/accounts/login/", {"username": "0300 1234567", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/api/accounts/me").json()["email"] == citizen.email


def test_repeated_failures_lock_the_account_out(client, citizen, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/en/accounts/login/", {"username": citizen.email, "password": "wrong"})
    response = client.post("/en/accounts/login/", {"username": citizen.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_staff_must_pass_the_second_factor(client, officer_a):
    device = TOTPDevice.objects.create(user=officer_a, name="phone", confirmed=True)
    client.post("/en/accounts/login/", {"username": officer_a.email, "password": PASSWORD})
    response = client.get("/en/accounts/me/")
    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/two-factor/")
    assert client.get("/api/accounts/me").status_code == 403

    code = f"{totp(device.bin_key):06d}"
    wrong = "000000" if code != "000000" else "111111"
    response = client.post("/en/accounts/two-factor/", {"code": wrong, "next": "/en/accounts/me/"})
    assert response.status_code == 200  # a wrong code keeps them out
    assert client.get("/en/accounts/me/").status_code == 302
    # django-otp throttles guesses after a failure (1 s, doubling); let that pass for the right code.
    device.refresh_from_db()
    device.throttle_reset()
    response = client.post("/en/accounts/two-factor/", {"code": code, "next": "/en/accounts/me/"})
    assert response.status_code == 302 and response["Location"] == "/en/accounts/me/"
    assert client.get("/en/accounts/me/").status_code == 200


def test_staff_without_authenticator_are_sent_to_enrol(client, officer_a):
    client.post("/en/accounts/login/", {"username": officer_a.email, "password": PASSWORD})
    response = client.get("/en/accounts/two-factor/")
    assert response.status_code == 302 and "/two-factor/setup/" in response["Location"]
    page = client.get("/en/accounts/two-factor/setup/")
    assert b"<svg" in page.content
    device = TOTPDevice.objects.get(user=officer_a, confirmed=False)
    response = client.post("/en/accounts/two-factor/setup/", {"code": f"{totp(device.bin_key):06d}"})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed


def test_citizens_need_no_second_factor(client, citizen):
    client.post("/en/accounts/login/", {"username": citizen.email, "password": PASSWORD})
    assert client.get("/en/accounts/me/").status_code == 200


def test_password_reset_sends_a_link(client, citizen):
    response = client.post("/en/accounts/password-reset/", {"email": citizen.email})
    assert response.status_code == 302
    assert "/en/accounts/password-reset/" in mail.outbox[0].body


def test_account_page_masks_identity_numbers(client, citizen):
    from rabta.accounts.services import DocumentInput, identity_add

    identity_add(user=citizen, document=DocumentInput("cnic", "35202-1234567-1"))
    client.force_login(citizen)
    body = client.get("/en/accounts/me/").content.decode()
    assert "****67-1" in body
    assert "35202-1234567-1" not in body and "3520212345671" not in body


@pytest.mark.parametrize("post", [{}, {"resend": "1"}, {"code": "123456"}])
def test_verify_with_an_unknown_channel_is_not_found(client, citizen, post):
    client.force_login(citizen)
    response = (
        client.post("/en/accounts/verify/carrier-pigeon/", post)
        if post
        else client.get("/en/accounts/verify/carrier-pigeon/")
    )
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_resend_by_sms_without_a_phone_is_a_400_that_says_why(client, citizen):
    assert not citizen.phone
    client.force_login(citizen)
    response = client.post("/en/accounts/verify/sms/", {"resend": "1"})
    assert response.status_code == 400
    assert "No phone number to verify." in response.content.decode()
    response = client.post("/en/accounts/verify/sms/", {"code": "123456"})
    assert response.status_code == 400
    assert "No phone number to verify." in response.content.decode()
    api = client.post("/api/accounts/verify/send", {"channel": "sms"}, content_type="application/json")
    assert api.status_code == 400 and api.json()["fields"]["channel"][0]["code"] == "verification_no_target"


def test_resends_from_the_page_wait_and_answer_429(client, citizen, django_capture_on_commit_callbacks):
    client.force_login(citizen)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/en/accounts/verify/email/", {"resend": "1"}).status_code == 302
        response = client.post("/en/accounts/verify/email/", {"resend": "1"})
    assert response.status_code == 429 and 0 < int(response["Retry-After"]) <= 60
    assert "Please wait" in response.content.decode()
    assert len(mail.outbox) == 1


def test_verification_is_limited_per_client_address(client, citizen, settings):
    settings.RABTA_RATE_LIMITS = {**settings.RABTA_RATE_LIMITS, "verification": {"address": "3/h", "subject": "50/h"}}
    client.force_login(citizen)
    statuses = [
        client.post(
            "/api/accounts/verify", {"channel": "email", "code": "000000"}, content_type="application/json"
        ).status_code
        for _ in range(4)
    ]
    assert statuses[-1] == 429 and 429 not in statuses[:3]


def test_the_second_factor_step_rotates_the_session_key(client, officer_a):
    device = TOTPDevice.objects.create(user=officer_a, name="phone", confirmed=True)
    client.post("/en/accounts/login/", {"username": officer_a.email, "password": PASSWORD})
    before = client.session.session_key
    response = client.post("/en/accounts/two-factor/", {"code": f"{totp(device.bin_key):06d}", "next": "/en/"})
    assert response.status_code == 302
    assert client.session.session_key != before
    assert client.get("/en/accounts/me/").status_code == 200


def test_enrolment_also_rotates_the_session_key(client, officer_a):
    client.post("/en/accounts/login/", {"username": officer_a.email, "password": PASSWORD})
    client.get("/en/accounts/two-factor/setup/")
    before = client.session.session_key
    device = TOTPDevice.objects.get(user=officer_a, confirmed=False)
    client.post("/en/accounts/two-factor/setup/", {"code": f"{totp(device.bin_key):06d}"})
    assert client.session.session_key != before


def test_a_reused_second_factor_code_is_told_it_was_used(client, officer_a):
    import time_machine

    device = TOTPDevice.objects.create(user=officer_a, name="phone", confirmed=True)
    with time_machine.travel(1_900_000_005, tick=False):  # well inside one 30-second step
        code = f"{totp(device.bin_key):06d}"
        client.post("/en/accounts/login/", {"username": officer_a.email, "password": PASSWORD})
        assert client.post("/en/accounts/two-factor/", {"code": code}).status_code == 302
        client.post("/en/accounts/logout/")
        client.post("/en/accounts/login/", {"username": officer_a.email, "password": PASSWORD})
        response = client.post("/en/accounts/two-factor/", {"code": code})
    assert response.status_code == 200
    assert "already been used" in response.content.decode()
    assert client.get("/en/accounts/me/").status_code == 302


def _staff_signed_in(client, officer_a):
    device = TOTPDevice.objects.create(user=officer_a, name="phone", confirmed=True)
    client.post("/en/accounts/login/", {"username": officer_a.email, "password": PASSWORD})
    client.post("/en/accounts/two-factor/", {"code": f"{totp(device.bin_key):06d}"})
    assert client.get("/en/accounts/me/").status_code == 200


def test_a_staff_session_ends_after_the_idle_time(client, officer_a, settings):
    import time_machine
    from django.utils import timezone

    settings.RABTA_STAFF_SESSION_IDLE_MINUTES = 20
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        _staff_signed_in(client, officer_a)
        # Active every 15 minutes for an hour: still signed in.
        for step in range(1, 5):
            clock.move_to(start + timedelta(minutes=15 * step))
            assert client.get("/en/accounts/me/").status_code == 200
        clock.move_to(start + timedelta(minutes=60 + 21))
        response = client.get("/en/accounts/me/")
        assert response.status_code == 302 and response["Location"].startswith("/en/accounts/login/")
        assert "_auth_user_id" not in client.session
        assert client.get("/api/accounts/me").status_code == 401


def test_the_api_says_a_staff_session_expired(client, officer_a, settings):
    import time_machine
    from django.utils import timezone

    settings.RABTA_STAFF_SESSION_IDLE_MINUTES = 20
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        _staff_signed_in(client, officer_a)
        clock.move_to(start + timedelta(minutes=21))
        response = client.get("/api/accounts/me")
    assert response.status_code == 401 and response.json()["code"] == "session_expired"


def test_a_complainant_session_has_no_staff_idle_limit(client, citizen, settings):
    import time_machine
    from django.utils import timezone

    settings.RABTA_STAFF_SESSION_IDLE_MINUTES = 20
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client.post("/en/accounts/login/", {"username": citizen.email, "password": PASSWORD})
        clock.move_to(start + timedelta(hours=5))
        assert client.get("/en/accounts/me/").status_code == 200


def test_account_page_adds_an_identity_document_and_records_it(client, citizen):
    from rabta.core.models import Event

    client.force_login(citizen)
    response = client.post("/en/accounts/me/", {"document_type": "cnic", "document_number": "35202-1234567-1"})
    assert response.status_code == 302
    assert citizen.identity_documents.filter(doc_type="cnic").count() == 1
    assert Event.objects.filter(kind="accounts.identity_added", subject_id=citizen.pk).exists()
    body = client.get("/en/accounts/me/").content.decode()
    assert "****67-1" in body and "35202-1234567-1" not in body


def test_a_bad_document_number_is_shown_next_to_its_field_kept_and_nothing_added(client, citizen):
    client.force_login(citizen)
    response = client.post("/en/accounts/me/", {"document_type": "cnic", "document_number": "12-34"})
    body = response.content.decode()
    assert response.status_code == 400
    assert 'href="#id_document_number"' in body and 'value="12-34"' in body
    assert citizen.identity_documents.count() == 0


def test_the_same_kind_of_document_twice_is_refused_next_to_the_kind(client, citizen):
    from rabta.accounts.services import DocumentInput, identity_add

    identity_add(user=citizen, document=DocumentInput("cnic", "35202-1234567-1"))
    client.force_login(citizen)
    response = client.post("/en/accounts/me/", {"document_type": "cnic", "document_number": "35202-7654321-3"})
    assert response.status_code == 400
    assert 'href="#id_document_type"' in response.content.decode()
    assert citizen.identity_documents.count() == 1


def test_account_page_leads_to_the_standing_page(client, citizen):
    client.force_login(citizen)
    assert 'href="/en/accounts/standing/"' in client.get("/en/accounts/me/").content.decode()
