"""Who holds an email, phone or identity number (issue 17 items 4-6): an unverified claim blocks
no one, the first account to verify holds it, and codes to one identifier are limited."""

import random
import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from rabta.accounts.backends import EmailOrPhoneBackend
from rabta.accounts.models import IdentityDocument, User
from rabta.accounts.services import (
    MAX_CODES_PER_DAY,
    RESEND_DELAYS,
    DocumentInput,
    identity_verify,
    user_register,
    verification_confirm,
    verification_send,
)
from rabta.accounts.tests.spellings import email_spelling, phone_spelling, random_mobile, random_name
from rabta.api.errors import status_for
from rabta.core.errors import DomainError
from rabta.core.ratelimit import RateLimited
from rabta.notifications.models import Outbox
from rabta.notifications.senders import LocmemSmsSender

pytestmark = pytest.mark.django_db(transaction=True)


def _register(rng, **identifiers):
    password = f"pass-{rng.randrange(10**9)}-phrase"
    user = user_register(full_name=random_name(rng), password=password, complainant_type="citizen", **identifiers)
    return user, password


def _last_code(*, sms=False):
    body = LocmemSmsSender.outbox[-1].body if sms else mail.outbox[-1].body
    return re.search(r"\b(\d{6})\b", body).group(1)


@pytest.fixture(autouse=True)
def _empty_outboxes():
    mail.outbox.clear()
    LocmemSmsSender.outbox.clear()


@pytest.mark.parametrize("seed", range(3))
def test_an_unverified_phone_claim_does_not_block_the_holder_who_verifies_and_wins(seed):
    rng = random.Random(seed)
    phone = random_mobile(rng)
    squatter, _ = _register(rng, email=f"squat{seed}@example.pk", phone=phone_spelling(rng, phone))
    holder, holder_password = _register(rng, phone=phone_spelling(rng, phone))  # no error: nothing is taken yet

    verification_send(user=holder, channel="sms")
    assert LocmemSmsSender.outbox[-1].to == phone
    verification_confirm(user=holder, channel="sms", code=_last_code(sms=True))
    holder.refresh_from_db()
    assert holder.phone_verified_at is not None

    # The squatter's code is recorded but never reaches the holder's phone, and cannot verify.
    sent = len(LocmemSmsSender.outbox)
    with time_machine.travel(timezone.now() + RESEND_DELAYS[1] + timedelta(seconds=1)):
        verification_send(user=squatter, channel="sms")
    assert len(LocmemSmsSender.outbox) == sent
    with pytest.raises(DomainError):
        verification_confirm(user=squatter, channel="sms", code="123456")
    squatter.refresh_from_db()
    assert squatter.phone_verified_at is None
    # The holder signs in with the number in any spelling.
    assert EmailOrPhoneBackend().authenticate(None, phone_spelling(rng, phone), holder_password) == holder


def test_when_two_claimants_hold_codes_the_first_to_verify_wins():
    rng = random.Random(5)
    phone = random_mobile(rng)
    first, _ = _register(rng, phone=phone)
    second, _ = _register(rng, phone=phone)
    verification_send(user=first, channel="sms")
    first_code = _last_code(sms=True)
    with time_machine.travel(timezone.now() + RESEND_DELAYS[1] + timedelta(seconds=1)):
        verification_send(user=second, channel="sms")
        second_code = _last_code(sms=True)
        verification_confirm(user=second, channel="sms", code=second_code)
        with pytest.raises(DomainError) as caught:
            verification_confirm(user=first, channel="sms", code=first_code)
    assert caught.value.fields["code"][0]["code"] == "identifier_held_elsewhere"
    assert status_for(caught.value) == 409
    assert User.objects.filter(phone_verified_at__isnull=False).get() == second


def test_an_unverified_email_claim_does_not_block_the_holder_and_both_can_sign_in():
    rng = random.Random(6)
    squatter, squatter_password = _register(rng, email="Owner@Example.pk")
    holder, holder_password = _register(rng, email=" owner@example.PK ")
    verification_send(user=holder, channel="email")
    verification_confirm(user=holder, channel="email", code=_last_code())
    backend = EmailOrPhoneBackend()
    assert backend.authenticate(None, email_spelling(rng, "owner@example.pk"), holder_password) == holder
    # The squatter's account answers to its own password (else signing in would tell the squatter
    # that the address is someone else's), but can never verify the address.
    assert backend.authenticate(None, "owner@example.pk", squatter_password) == squatter


@pytest.mark.parametrize(("doc_type", "number"), [("cnic", "35202-1234567-1"), ("nicop", "4210112345672")])
def test_an_identity_number_is_held_by_the_first_document_to_pass_verification(doc_type, number, officer_a):
    rng = random.Random(doc_type)
    squatter, _ = _register(rng, email="a@example.pk", documents=[DocumentInput("cnic", number)])
    holder, _ = _register(rng, email="b@example.pk", documents=[DocumentInput(doc_type, number)])
    holder_document = holder.identity_documents.get()
    identity_verify(document=holder_document, verified_by=officer_a, method="nadra_verisys")
    with pytest.raises(DomainError) as caught:
        identity_verify(document=squatter.identity_documents.get(), verified_by=officer_a, method="nadra_verisys")
    assert caught.value.fields["number"][0]["code"] == "identifier_held_elsewhere"
    assert IdentityDocument.objects.filter(verified_at__isnull=False).get() == holder_document


def test_registering_a_verified_identifier_tells_its_holder_and_not_the_registrant():
    rng = random.Random(8)
    phone = random_mobile(rng)
    holder, _ = _register(
        rng, email="holder@example.pk", phone=phone, documents=[DocumentInput("cnic", "35202-7654321-3")]
    )
    User.objects.filter(pk=holder.pk).update(email_verified_at=timezone.now(), phone_verified_at=timezone.now())
    IdentityDocument.objects.filter(user=holder).update(verified_at=timezone.now())
    Outbox.objects.all().delete()

    _register(
        rng,
        email="HOLDER@example.pk",
        phone=phone_spelling(rng, phone),
        documents=[DocumentInput("cnic", "3520276543213")],
    )

    notices = Outbox.objects.filter(template="identifier_claimed")
    assert sorted((row.channel, row.to) for row in notices) == sorted(
        # email and phone; the document's holder at every contact they verified
        [("email", "holder@example.pk"), ("sms", phone), ("email", "holder@example.pk"), ("sms", phone)]
    )


def test_resends_to_one_identifier_wait_longer_each_time_whichever_account_asks():
    rng = random.Random(9)
    phone = random_mobile(rng)
    accounts = [_register(rng, phone=phone)[0] for _ in range(3)]
    start = timezone.now()
    sent_at = start
    with time_machine.travel(start, tick=False) as clock:
        for n in range(MAX_CODES_PER_DAY):
            account = accounts[n % len(accounts)]
            if n:
                delay = RESEND_DELAYS[min(n, len(RESEND_DELAYS) - 1)]
                clock.move_to(sent_at + delay - timedelta(seconds=2))
                with pytest.raises(RateLimited) as caught:
                    verification_send(user=account, channel="sms")
                assert 1 <= caught.value.retry_after <= 2
                clock.move_to(sent_at + delay)
            verification_send(user=account, channel="sms")
            sent_at = timezone.now()
        # The day's codes are spent: none until the first is a day old, whoever asks.
        clock.move_to(sent_at + timedelta(hours=2))
        with pytest.raises(RateLimited) as caught:
            verification_send(user=accounts[0], channel="sms")
        assert caught.value.retry_after > 3600
        clock.move_to(start + timedelta(days=1, seconds=1))
        verification_send(user=accounts[0], channel="sms")
    assert len(LocmemSmsSender.outbox) == MAX_CODES_PER_DAY + 1


def test_wrong_attempts_count_across_codes():
    rng = random.Random(10)
    user, _ = _register(rng, email="guess@example.pk")
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        for round_ in range(2):
            clock.move_to(start + timedelta(minutes=5 * round_))
            verification_send(user=user, channel="email")
            code = _last_code()
            wrong = "000000" if code != "000000" else "111111"
            for _ in range(5):
                with pytest.raises(DomainError):
                    verification_confirm(user=user, channel="email", code=wrong)
        clock.move_to(start + timedelta(minutes=15))
        verification_send(user=user, channel="email")
        with pytest.raises(DomainError) as caught:
            verification_confirm(user=user, channel="email", code=_last_code())  # even the right code
    assert caught.value.fields["code"][0]["code"] == "verification_too_many_attempts"
    user.refresh_from_db()
    assert user.email_verified_at is None


def test_the_identity_verify_command_records_the_trusted_check(officer_a):
    from django.core.management import CommandError, call_command

    rng = random.Random(11)
    phone = random_mobile(rng)
    user, _ = _register(rng, phone=phone, documents=[DocumentInput("cnic", "35202-1112223-4")])
    other, _ = _register(rng, email="other@example.pk", documents=[DocumentInput("cnic", "3520211122234")])
    call_command("identity_verify", phone_spelling(rng, phone), "cnic", method="in_person", by=officer_a.email)
    assert user.identity_documents.get().verified_at is not None
    with pytest.raises(CommandError, match="another account"):
        call_command("identity_verify", "other@example.pk", "cnic", method="nadra_verisys", by=officer_a.email)
    assert other.identity_documents.get().verified_at is None
