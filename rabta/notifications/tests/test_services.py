"""The outbox: rows written with the change, delivered after commit in batches, at least once,
retried with back-off on failure."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from rabta.accounts.models import User
from rabta.notifications import services
from rabta.notifications.models import Outbox
from rabta.notifications.senders import LocmemSmsSender
from rabta.notifications.services import (
    CLAIM_LEASE,
    KICK_DELAY_SECONDS,
    KICK_KEY,
    MAX_ATTEMPTS,
    notification_enqueue,
    outbox_deliver,
    outbox_deliver_pending,
)

CONTEXT = {"tracking_number": "RB-2345-6789-X", "office": "Local Government Lahore", "due": "2026-12-14"}
RELAY_DOWN = "django.core.mail.backends.locmem.EmailBackend.send_messages"


@pytest.fixture
def user(db):
    LocmemSmsSender.outbox.clear()
    cache.delete(KICK_KEY)
    return User.objects.create_user(email="ayesha@example.pk", phone="+923001234567", full_name="Ayesha Khan")


@pytest.fixture
def rows(user):
    return notification_enqueue(user=user, template="complaint_submitted", context=CONTEXT)


def _states() -> list[tuple[str, int]]:
    return sorted(Outbox.objects.values_list("state", "attempts"))


def test_each_row_is_sent_once_and_marked_sent(rows, django_assert_num_queries):
    with django_assert_num_queries(2):  # one claim-and-read for the batch, one "sent" update for the batch
        assert outbox_deliver(ids=[row.pk for row in rows]) == 2

    assert [m.to for m in mail.outbox] == [["ayesha@example.pk"]]
    assert mail.outbox[0].subject == "Complaint RB-2345-6789-X received"
    assert [m.to for m in LocmemSmsSender.outbox] == ["+923001234567"]
    for row in Outbox.objects.all():
        assert (row.state, row.attempts, row.claimed_at) == (Outbox.State.SENT, 1, None)
        assert row.sent_at is not None


def test_delivery_after_commit_in_the_embedded_default(user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification_enqueue(user=user, template="complaint_submitted", context=CONTEXT)
        assert mail.outbox == []  # nothing leaves before the change is committed

    assert len(mail.outbox) == 1
    assert _states() == [(Outbox.State.SENT, 1), (Outbox.State.SENT, 1)]


def test_a_second_delivery_of_the_same_rows_sends_nothing(rows):
    ids = [row.pk for row in rows]
    outbox_deliver(ids=ids)

    assert outbox_deliver(ids=ids) == 0
    assert outbox_deliver_pending() == 0
    assert len(mail.outbox) == 1
    assert len(LocmemSmsSender.outbox) == 1


def test_a_row_claimed_by_a_live_deliverer_is_left_to_it(rows):
    email = next(row for row in rows if row.channel == Outbox.Channel.EMAIL)
    Outbox.objects.filter(pk=email.pk).update(state=Outbox.State.SENDING, claimed_at=timezone.now())

    assert outbox_deliver(ids=[email.pk]) == 0
    assert mail.outbox == []


def test_a_row_whose_deliverer_died_is_sent_once_its_lease_runs_out(rows):
    """A worker killed between claiming and sending leaves the row 'sending'; it is not lost."""
    email = next(row for row in rows if row.channel == Outbox.Channel.EMAIL)
    claimed = timezone.now() - CLAIM_LEASE - timedelta(seconds=1)
    Outbox.objects.filter(pk=email.pk).update(state=Outbox.State.SENDING, claimed_at=claimed)

    assert outbox_deliver_pending() == 2  # the abandoned email and the untouched SMS

    assert [m.to for m in mail.outbox] == [["ayesha@example.pk"]]
    assert _states() == [(Outbox.State.SENT, 1), (Outbox.State.SENT, 1)]


def test_a_failed_send_backs_off_and_is_retried_until_the_last_attempt(rows):
    with mock.patch(RELAY_DOWN, side_effect=OSError("relay down")):
        assert outbox_deliver_pending() == 1  # the SMS went; the email did not
        email = Outbox.objects.get(channel=Outbox.Channel.EMAIL)
        assert (email.state, email.attempts, email.last_error) == (Outbox.State.PENDING, 1, "relay down")
        assert email.next_attempt_at > timezone.now() + timedelta(seconds=50)

        assert outbox_deliver_pending() == 0  # not due yet: a down relay is not hammered
        assert Outbox.objects.get(pk=email.pk).attempts == 1

        Outbox.objects.filter(pk=email.pk).update(attempts=MAX_ATTEMPTS - 1, next_attempt_at=timezone.now())
        outbox_deliver_pending()
    email.refresh_from_db()
    assert (email.state, email.attempts) == (Outbox.State.FAILED, MAX_ATTEMPTS)
    assert outbox_deliver_pending() == 0  # given up: the sweep leaves it for a person to look at
    assert mail.outbox == []


def test_one_bad_address_does_not_hold_back_the_rest_of_the_batch(user):
    other = User.objects.create_user(email="bilal@example.pk", full_name="Bilal Ahmed")
    notification_enqueue(user=user, template="complaint_submitted", context=CONTEXT)
    notification_enqueue(user=other, template="complaint_submitted", context=CONTEXT)
    real_send = mail.get_connection().__class__.send_messages

    def refuse_ayesha(backend, messages):
        if messages[0].to == ["ayesha@example.pk"]:
            raise OSError("mailbox unavailable")
        return real_send(backend, messages)

    with mock.patch(RELAY_DOWN, refuse_ayesha):
        assert outbox_deliver_pending() == 2  # Bilal's email and Ayesha's SMS

    assert [m.to for m in mail.outbox] == [["bilal@example.pk"]]
    assert Outbox.objects.get(user=user, channel=Outbox.Channel.EMAIL).state == Outbox.State.PENDING


def test_delivery_goes_batch_by_batch_until_nothing_is_ready(user, monkeypatch):
    monkeypatch.setattr(services, "BATCH_SIZE", 3)
    for _ in range(4):  # 8 rows: batches of 3, 3 and 2
        notification_enqueue(user=user, template="complaint_submitted", context=CONTEXT)

    assert outbox_deliver_pending() == 8
    assert len(mail.outbox) == 4
    assert not Outbox.objects.exclude(state=Outbox.State.SENT).exists()


@pytest.mark.django_db(transaction=True)
def test_with_a_worker_many_commits_queue_one_delivery_task(settings):
    """Production shape: a commit only kicks delivery. While a delivery task is queued, further
    commits add rows to its work instead of queueing tasks of their own; once the task has started,
    the next commit queues the next one."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    cache.delete(KICK_KEY)
    user = User.objects.create_user(email="ayesha@example.pk", full_name="Ayesha Khan")
    with mock.patch("rabta.notifications.tasks.deliver_pending_outbox.apply_async") as queue:
        for _ in range(3):
            with transaction.atomic():
                notification_enqueue(user=user, template="complaint_submitted", context=CONTEXT)
        assert queue.call_count == 1
        queue.assert_called_with(countdown=KICK_DELAY_SECONDS)  # a second gathers the commits in between
        assert mail.outbox == []

        assert outbox_deliver_pending() == 3  # the queued task, run by the worker
        assert len(mail.outbox) == 3

        with transaction.atomic():
            notification_enqueue(user=user, template="complaint_submitted", context=CONTEXT)
        assert queue.call_count == 2


@pytest.mark.django_db(transaction=True)
def test_a_broker_that_cannot_take_the_task_loses_nothing_and_fails_no_one(settings):
    """The change is committed before delivery is queued; if queueing fails, the caller still
    succeeds and the rows wait for the retry sweep."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    cache.delete(KICK_KEY)
    user = User.objects.create_user(email="ayesha@example.pk", full_name="Ayesha Khan")
    broker_down = mock.patch(
        "rabta.notifications.tasks.deliver_pending_outbox.apply_async", side_effect=ConnectionError()
    )
    with broker_down, transaction.atomic():
        notification_enqueue(user=user, template="complaint_submitted", context=CONTEXT)

    assert _states() == [(Outbox.State.PENDING, 0)]
    from rabta.notifications.tasks import deliver_pending_outbox

    assert deliver_pending_outbox() == 1  # as beat runs it every minute
    assert len(mail.outbox) == 1


def test_an_address_no_key_can_open_fails_alone_and_says_why(rows, user):
    """A row sealed with a key since removed must not hold back the batch it was claimed with."""
    email = next(row for row in rows if row.channel == Outbox.Channel.EMAIL)
    with connection.cursor() as cursor:  # raw SQL: the field would encrypt whatever it is given
        cursor.execute(
            'UPDATE notifications_outbox SET "to" = %s WHERE id = %s', ["gAAAAAB-sealed-elsewhere", email.pk]
        )

    assert outbox_deliver_pending() == 1  # the SMS

    assert [m.to for m in LocmemSmsSender.outbox] == ["+923001234567"]
    email = Outbox.objects.values("state", "attempts", "last_error").get(pk=email.pk)
    assert (email["state"], email["attempts"]) == (Outbox.State.PENDING, 1)  # retried later: the key may come back
    assert "RABTA_FIELD_ENCRYPTION_KEYS" in email["last_error"]


def test_each_person_is_written_to_in_their_own_language(user):
    """The texts are looked up once per language and process; one language must never leak into
    another's messages."""
    urdu = User.objects.create_user(email="bushra@example.pk", full_name="Bushra Bibi", preferred_language="ur")
    for person in (user, urdu, user):
        notification_enqueue(user=person, template="complaint_submitted", context=CONTEXT)

    rows = Outbox.objects.filter(channel=Outbox.Channel.EMAIL).order_by("id")
    assert [row.language for row in rows] == ["en", "ur", "en"]
    assert [row.subject for row in rows] == [
        "Complaint RB-2345-6789-X received",
        "شکایت RB-2345-6789-X موصول ہو گئی",
        "Complaint RB-2345-6789-X received",
    ]


def test_beat_runs_delivery_every_minute_for_retries_and_abandoned_claims():
    from rabta.celery import app

    (entry,) = [e for e in app.conf.beat_schedule.values() if e["task"].endswith(".deliver_pending_outbox")]
    assert entry["schedule"] == 60
