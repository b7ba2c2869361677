"""The sign-in lock-out counts failures per account and client, whatever spelling was typed."""

import random

import pytest
from axes.models import AccessAttempt

from rabta.accounts.services import user_register
from rabta.accounts.tests.spellings import email_spelling, phone_spelling, random_mobile, random_name

PASSWORD = "a-long-unusual-passphrase"
LOGIN = "/en/accounts/login/"


def _account(rng):
    email = f"user{rng.randrange(10**6)}.{rng.choice(['x', 'y'])}@example.pk"
    phone = random_mobile(rng)
    user = user_register(
        full_name=random_name(rng), password=PASSWORD, complainant_type="citizen", email=email, phone=phone
    )
    return user, email, phone


def _spelling(rng, email, phone, *, kinds=("email", "phone")):
    kind = rng.choice(kinds)
    return email_spelling(rng, email) if kind == "email" else phone_spelling(rng, phone)


@pytest.mark.django_db
@pytest.mark.parametrize("seed", range(8))
def test_failures_in_any_spelling_count_towards_one_lockout(client, settings, seed):
    rng = random.Random(seed)
    user, email, phone = _account(rng)
    typed = []
    for _ in range(settings.AXES_FAILURE_LIMIT):
        typed.append(_spelling(rng, email, phone))
        response = client.post(LOGIN, {"username": typed[-1], "password": "wrong-password-123"})
        assert response.status_code in (200, 429)
    right = _spelling(rng, email, phone)
    response = client.post(LOGIN, {"username": right, "password": PASSWORD})
    assert response.status_code == 429, (typed, right)
    assert "_auth_user_id" not in client.session
    # One row, keyed on the account: nothing as typed, no phone number or address in clear.
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == [f"account:{user.pk}"]
    attempt = AccessAttempt.objects.get()
    stored = f"{attempt.post_data} {attempt.get_data}"
    assert phone[-7:] not in stored and email.split("@")[0] not in stored.lower()
    assert all(spelling.strip() not in stored for spelling in typed)


@pytest.mark.django_db
@pytest.mark.parametrize("seed", range(4))
def test_each_spelling_signs_in_and_a_success_clears_the_failures(client, settings, seed):
    rng = random.Random(100 + seed)
    user, email, phone = _account(rng)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post(LOGIN, {"username": _spelling(rng, email, phone), "password": "wrong-password-123"})
    response = client.post(LOGIN, {"username": _spelling(rng, email, phone), "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    assert not AccessAttempt.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["email", "phone"])
def test_spellings_of_an_unknown_login_share_one_key_that_is_not_the_login(client, settings, kind):
    rng = random.Random(kind)
    email, phone = "nobody.here@example.pk", random_mobile(rng)
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        client.post(LOGIN, {"username": _spelling(rng, email, phone, kinds=(kind,)), "password": "x-1234567890"})
    (key,) = AccessAttempt.objects.values_list("username", flat=True).distinct()
    assert key.startswith(f"{kind}:")
    assert "nobody" not in key and phone[3:] not in key and phone[-7:] not in key


@pytest.mark.django_db
def test_a_lockout_is_per_client_address(client, settings):
    rng = random.Random(7)
    _user, email, phone = _account(rng)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN, {"username": phone_spelling(rng, phone), "password": "wrong-password-123"})
    assert client.post(LOGIN, {"username": email, "password": PASSWORD}).status_code == 429
    response = client.post(LOGIN, {"username": email, "password": PASSWORD}, REMOTE_ADDR="203.0.113.50")
    assert response.status_code == 302
