"""The outbox: rows written with the change, delivered once after commit, retried on failure."""

from __future__ import annotations

from unittest import mock

import pytest
from django.core import mail

from rabta.accounts.models import User
from rabta.notifications.models import Outbox
from rabta.notifications.senders import LocmemSmsSender
from rabta.notifications.services import MAX_ATTEMPTS, notification_enqueue, outbox_deliver

CONTEXT = {"tracking_number": "RB-2345-6789-X", "office": "Local Government Lahore", "due": "2026-12-14"}


@pytest.fixture
def rows(db):
    user = User.objects.create_user(email="ayesha@example.pk", phone="+923001234567", full_name="Ayesha Khan")
    LocmemSmsSender.outbox.clear()
    return notification_enqueue(user=user, template="complaint_submitted", context=CONTEXT)


def test_each_row_is_sent_once_and_marked_sent(rows, django_assert_num_queries):
    with django_assert_num_queries(2 * len(rows)):  # per row: claim-and-read, mark sent
        assert outbox_deliver(ids=[row.pk for row in rows]) == 2

    assert [m.to for m in mail.outbox] == [["ayesha@example.pk"]]
    assert mail.outbox[0].subject == "Complaint RB-2345-6789-X received"
    assert [m.to for m in LocmemSmsSender.outbox] == ["+923001234567"]
    for row in Outbox.objects.all():
        assert (row.state, row.attempts) == (Outbox.State.SENT, 1)
        assert row.sent_at is not None


def test_a_second_delivery_of_the_same_rows_sends_nothing(rows):
    ids = [row.pk for row in rows]
    outbox_deliver(ids=ids)

    assert outbox_deliver(ids=ids) == 0
    assert len(mail.outbox) == 1
    assert len(LocmemSmsSender.outbox) == 1


def test_a_row_claimed_by_another_worker_is_left_to_it(rows):
    email = next(row for row in rows if row.channel == Outbox.Channel.EMAIL)
    Outbox.objects.filter(pk=email.pk).update(state=Outbox.State.SENDING)

    assert outbox_deliver(ids=[email.pk]) == 0
    assert mail.outbox == []


def test_a_failed_send_is_retried_until_the_last_attempt(rows):
    email = next(row for row in rows if row.channel == Outbox.Channel.EMAIL)
    with mock.patch("rabta.notifications.services.send_mail", side_effect=OSError("relay down")):
        assert outbox_deliver(ids=[email.pk]) == 0
        email.refresh_from_db()
        assert (email.state, email.attempts, email.last_error) == (Outbox.State.PENDING, 1, "relay down")

        Outbox.objects.filter(pk=email.pk).update(attempts=MAX_ATTEMPTS - 1)
        outbox_deliver(ids=[email.pk])
    email.refresh_from_db()
    assert (email.state, email.attempts) == (Outbox.State.FAILED, MAX_ATTEMPTS)
