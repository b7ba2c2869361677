"""Queueing for recipients that are not users (an office's own mailbox), and one message shared by
many recipients, each in their own language."""

from __future__ import annotations

import pytest

from rabta.accounts.models import User
from rabta.notifications.models import Outbox
from rabta.notifications.services import Recipient, notifications_enqueue

pytestmark = pytest.mark.django_db

CONTEXT = {"office": "Local Government Lahore", "count": 2, "complaints": "RB-1 (acknowledge, 2026-09-09 10:00)"}


def test_a_recipient_that_is_not_a_user_gets_rows_naming_no_user():
    rows = notifications_enqueue(
        [(Recipient(email="lahore@lg.punjab.gov.pk", phone="+924299999999"), "office_deadline_reminder", CONTEXT)]
    )

    assert sorted((row.channel, row.to, row.user_id, row.language) for row in Outbox.objects.all()) == [
        (Outbox.Channel.EMAIL, "lahore@lg.punjab.gov.pk", None, "en"),
        (Outbox.Channel.SMS, "+924299999999", None, "en"),
    ]
    assert len(rows) == 2 and rows[0].subject == "Deadlines due at Local Government Lahore: 2"


def test_a_recipients_language_is_used_and_an_empty_address_is_skipped():
    (row,) = notifications_enqueue(
        [(Recipient(email="office@gov.pk", language="ur"), "office_deadline_reminder", CONTEXT)]
    )
    assert (row.language, row.channel) == ("ur", Outbox.Channel.EMAIL) and "ان باکس" in row.body
    assert notifications_enqueue([(Recipient(), "office_deadline_reminder", CONTEXT)]) == []


def test_a_context_shared_by_many_is_written_to_each_in_their_language():
    users = [
        User.objects.create_user(email=f"officer{i}@gov.pk", full_name="Officer", preferred_language=language)
        for i, language in enumerate(["en", "en", "ur", "en"])
    ]
    shared = dict(CONTEXT)
    other = dict(CONTEXT, count=3)
    items = [(user, "office_deadline_reminder", shared) for user in users]
    items.append((users[0], "office_deadline_reminder", other))

    rows = notifications_enqueue(items)

    assert [row.language for row in rows] == ["en", "en", "ur", "en", "en"]
    assert rows[0].body == rows[1].body != rows[2].body
    assert rows[4].subject.endswith(": 3") and rows[0].subject.endswith(": 2")


def test_an_address_another_account_has_verified_gets_no_notices_of_an_unverified_claimant():
    """Someone registers with a stranger's verified email and phone (an unverified claim, allowed
    so that claims cannot lock holders out): that account's notices must not reach the stranger."""
    from django.utils import timezone

    from rabta.core.crypto import lookup_hash

    holder = User.objects.create_user(email="holder@example.pk", full_name="Holder")
    holder.email_verified_at = timezone.now()
    holder.phone, holder.phone_hash = "+923001112223", lookup_hash("+923001112223", purpose="phone")
    holder.phone_verified_at = timezone.now()
    holder.save()
    claimant = User.objects.create_user(email="holder@example.pk", full_name="Claimant")
    claimant.phone, claimant.phone_hash = "+923001112223", lookup_hash("+923001112223", purpose="phone")
    claimant.save()
    own = User.objects.create_user(email="someone.else@example.pk", full_name="Unverified but nobody else's")
    holder.refresh_from_db()

    rows = notifications_enqueue([(user, "office_deadline_reminder", CONTEXT) for user in (claimant, holder, own)])

    sent = sorted((row.user_id, row.channel) for row in rows)
    assert (claimant.pk, Outbox.Channel.EMAIL) not in sent and (claimant.pk, Outbox.Channel.SMS) not in sent
    assert (holder.pk, Outbox.Channel.EMAIL) in sent and (holder.pk, Outbox.Channel.SMS) in sent
    assert (own.pk, Outbox.Channel.EMAIL) in sent


@pytest.mark.parametrize("count", [3, 30])
def test_the_claim_check_costs_the_same_queries_for_any_number_of_recipients_loaded_with_few_fields(
    count, django_assert_num_queries
):
    """A sweep loads its recipients with ``.only()`` the fields a message needs; comparing their
    addresses with other accounts' must not load a deferred field per recipient (it did: 54,917
    reminders took 80 s instead of 24)."""
    from django.utils import timezone

    User.objects.create_user(email="shared@example.pk", full_name="Holder", email_verified_at=timezone.now())
    for i in range(count):
        User.objects.create_user(email="shared@example.pk" if i == 0 else f"officer{i}@gov.pk", full_name="Officer")
    users = list(User.objects.filter(full_name="Officer").only("email", "phone", "preferred_language").order_by("pk"))

    # Two look-ups (one per channel), one INSERT of the rows; savepoint queries aside.
    with django_assert_num_queries(3, exact=False) as captured:
        rows = notifications_enqueue([(user, "office_deadline_reminder", CONTEXT) for user in users])
    selects = [q["sql"] for q in captured.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")]
    assert len(selects) == 2
    assert {row.user_id for row in rows} == {user.pk for user in users[1:]}  # the claimant of shared@ gets none
