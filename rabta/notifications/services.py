"""Queueing and delivering notifications through the outbox.

Rows are written in the caller's transaction. After it commits they are delivered:

* in the embedded default (no broker; tasks run in-process) by the request itself, at once;
* in production by a Celery worker, in batches. A commit only *kicks* delivery: it queues one
  delivery task, to run KICK_DELAY_SECONDS later, unless one is queued already (a key in the
  shared cache says so). The task takes the key away before it claims anything, so a row committed
  before that is in its claims and a row committed after it queues the next task. So one task
  delivers what every request of the last second wrote, with one claim, one mail connection and
  one "sent" update per batch, instead of a task, a claim and an update per message: a Celery task
  costs the worker about 3 ms of CPU, as much as a fifth of the request that queued it, and a
  message a second late is still on time for an SMS or an email.

Every claim is a single conditional UPDATE, so two workers never claim the same row. A claimed row
whose worker died is claimed again once its lease runs out, so a message may (rarely) be sent twice
but is never lost. A failed send is retried later, backing off, up to MAX_ATTEMPTS.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.mail import EmailMessage, get_connection
from django.db import connection, models, transaction
from django.utils import timezone, translation

from rabta.core import crypto
from rabta.notifications.models import Outbox
from rabta.notifications.notices import notice_get
from rabta.notifications.senders import SmsMessage, sms_sender

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
BATCH_SIZE = 100  # rows per claim; a task delivers batches until none is ready, up to MAX_BATCHES_PER_TASK
MAX_BATCHES_PER_TASK = 50  # then it kicks a fresh task, so one task never holds a worker for long
CLAIM_LEASE = timedelta(minutes=5)  # a row 'sending' for longer was claimed by a deliverer that died
RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2))
KICK_KEY = "rabta:outbox:kick"
KICK_DELAY_SECONDS = 1  # what a delivery task waits for, gathering the rows committed meanwhile
KICK_TTL_SECONDS = 30  # should a queued task be lost, the next commit after this queues another


def _render(template: str, context: dict[str, Any], language: str) -> tuple[str, str]:
    """Subject and body of a template, in ``language`` (lazy texts in the context too, such as a
    decision's translated result). An undeclared template raises :class:`UnknownNotice`."""
    subject, body = _texts(language, template)
    with translation.override(language):
        return subject % context, body % context


@lru_cache(maxsize=1024)
def _texts(language: str, template: str) -> tuple[str, str]:
    """A template's subject and body in one language, translated once per process (a sweep renders
    thousands). The texts are declared by their domains (rabta.notifications.notices)."""
    notice = notice_get(template)
    with translation.override(language):
        return str(notice.subject), str(notice.body)


@dataclass(frozen=True)
class Recipient:
    """Someone to notify who is not a user, such as an office's own mailbox: the outbox rows name
    no user, and the message is written in ``language``."""

    email: str = ""
    phone: str = ""
    language: str = "en"


def _held_by_others(recipients: Sequence[Any]) -> tuple[set[Any], set[Any]]:
    """The ids of the users not to write to, by email and by phone: their address is one they have
    not verified and another account has. Anyone can type someone else's address into a
    registration form (docs/accounts.md); the verified holder must not receive that account's
    complaint notices. At most one query per channel, and none when no recipient may hold such an
    address; the database compares the addresses, so recipients loaded with only the fields a
    message needs (a sweep's ``.only()``) cost no query each."""
    users = [r for r in recipients if not isinstance(r, Recipient) and getattr(r, "pk", None) is not None]
    return _claimed(users, "email", "email_verified_at"), _claimed(users, "phone_hash", "phone_verified_at")


def _claimed(users: list[Any], address: str, verified: str) -> set[Any]:
    candidates = set()
    for user in users:
        deferred = user.get_deferred_fields()
        # Loaded fields settle it here (no address, or a verified one); deferred ones are the database's.
        if address in deferred or verified in deferred or (getattr(user, address) and not getattr(user, verified)):
            candidates.add(user.pk)
    if not candidates:
        return set()
    model = get_user_model()
    # Unique among verified holders (accounts' partial constraints): one holder an address.
    held = model.objects.filter(**{address: models.OuterRef(address), f"{verified}__isnull": False}).exclude(
        pk=models.OuterRef("pk")
    )
    return set(
        model.objects.filter(pk__in=candidates, **{f"{address}__isnull": False, f"{verified}__isnull": True})
        .exclude(**{address: ""})
        .filter(models.Exists(held))
        .values_list("pk", flat=True)
    )


def notification_enqueue(*, user: Any, template: str, context: dict[str, Any]) -> list[Outbox]:
    """Write outbox rows (email and/or SMS, in the user's language) inside the caller's transaction;
    deliver them once it commits."""
    return notifications_enqueue([(user, template, context)])


def notifications_enqueue(items: list[tuple[Any, str, dict[str, Any]]]) -> list[Outbox]:
    """Many notifications at once: ``(recipient, template, context)`` each, the recipient a user or a
    :class:`Recipient`. One INSERT for all their outbox rows and one delivery kick after commit, so a
    sweep that notifies thousands of people costs two round trips instead of thousands."""
    rows: list[Outbox] = []
    held_emails, held_phones = _held_by_others([recipient for recipient, _t, _c in items])
    for recipient, template, context in items:
        if isinstance(recipient, Recipient):
            user, language = None, recipient.language or "en"
        else:
            user, language = recipient, getattr(recipient, "preferred_language", "en") or "en"
        subject, body = _render(template, context, language)
        common = {"user": user, "template": template, "language": language, "body": body}
        email, phone = getattr(recipient, "email", None), getattr(recipient, "phone", None)
        if email and (user is None or user.pk not in held_emails):
            rows.append(Outbox(channel=Outbox.Channel.EMAIL, to=email, subject=subject, **common))
        if phone and (user is None or user.pk not in held_phones):
            rows.append(Outbox(channel=Outbox.Channel.SMS, to=phone, subject="", **common))
    if not rows:
        return []
    created = Outbox.objects.bulk_create(rows)
    ids = [row.pk for row in created]
    # robust: the change is committed whatever happens here; a delivery that cannot even be queued
    # (broker down) is logged, and the retry sweep sends the rows later. The caller was told the
    # change is saved, and it is.
    transaction.on_commit(lambda: outbox_kick(ids), robust=True)
    return created


def outbox_kick(ids: Sequence[int] = ()) -> None:
    """Start delivery of rows just committed (see the module's docstring)."""
    if settings.CELERY_TASK_ALWAYS_EAGER:  # embedded default: no worker, so this process sends them now
        outbox_deliver(ids=list(ids))
        return
    from rabta.notifications.tasks import deliver_pending_outbox

    try:
        queued_already = not cache.add(KICK_KEY, 1, timeout=KICK_TTL_SECONDS)
    except Exception:  # the cache is down: queue a task anyway; an extra one finds nothing to do
        logger.warning("outbox kick: cache unavailable, queueing delivery regardless", exc_info=True)
        queued_already = False
    if not queued_already:
        deliver_pending_outbox.apply_async(countdown=KICK_DELAY_SECONDS)


def outbox_deliver_pending() -> int:
    """The delivery task: take the kick key away, then deliver every ready row, batch by batch."""
    cache.delete(KICK_KEY)  # first: a row committed from here on queues the next task
    sent = 0
    for _batch in range(MAX_BATCHES_PER_TASK):
        claimed, delivered = _deliver(_claim(ids=None, limit=BATCH_SIZE))
        sent += delivered
        if claimed < BATCH_SIZE:
            return sent
    outbox_kick()  # more than one task's worth: hand the rest to a fresh task
    return sent


def outbox_deliver(*, ids: list[int]) -> int:
    """Send the given rows, if they are ready (pending, or abandoned by a dead deliverer).
    Returns how many were sent."""
    sent = 0
    for start in range(0, len(ids), BATCH_SIZE):
        sent += _deliver(_claim(ids=ids[start : start + BATCH_SIZE], limit=BATCH_SIZE))[1]
    return sent


def _deliver(rows: list[Outbox]) -> tuple[int, int]:
    """Send claimed rows: emails over one connection, then SMS; mark the sent ones in one UPDATE
    and put each failed one back for a later attempt. Returns (rows claimed, rows sent)."""
    if not rows:
        return 0, 0
    failed: dict[int, str] = {}
    for row in rows:
        # Opened one by one: an address no configured key can open (a key removed too early) fails
        # its own row, with the reason, and never holds back the rest of the batch.
        try:
            sealed = getattr(row, "to_sealed", "")  # an extra column of the claim's RETURNING
            row.to = crypto.decrypt(sealed) if sealed else ""
        except crypto.DecryptionFailed as exc:
            failed[row.pk] = str(exc)
    emails = [row for row in rows if row.channel == Outbox.Channel.EMAIL and row.pk not in failed]
    if emails:
        try:
            with get_connection() as mail:
                for row in emails:
                    try:
                        mail.send_messages([EmailMessage(row.subject, row.body, None, [row.to])])
                    except Exception as exc:  # the relay is a system edge: record, retry later
                        failed[row.pk] = str(exc)
        except Exception as exc:  # could not even open the connection
            failed.update({row.pk: str(exc) for row in emails if row.pk not in failed})
    texts = [row for row in rows if row.channel == Outbox.Channel.SMS and row.pk not in failed]
    if texts:
        sender = sms_sender()
        for row in texts:
            try:
                sender.send(SmsMessage(to=row.to, body=row.body))
            except Exception as exc:  # the gateway is a system edge: record, retry later
                failed[row.pk] = str(exc)
    now = timezone.now()
    sent_ids = [row.pk for row in rows if row.pk not in failed]
    if sent_ids:
        Outbox.objects.filter(pk__in=sent_ids, state=Outbox.State.SENDING).update(
            state=Outbox.State.SENT, sent_at=now, claimed_at=None, attempts=models.F("attempts") + 1
        )
    for row in rows:
        if row.pk in failed:
            _failed(row, failed[row.pk], now)
    return len(rows), len(sent_ids)


def _failed(row: Outbox, error: str, now: Any) -> None:
    attempts = row.attempts + 1
    give_up = attempts >= MAX_ATTEMPTS
    logger.warning("outbox row %s (%s) failed, attempt %s: %s", row.pk, row.channel, attempts, error[:200])
    Outbox.objects.filter(pk=row.pk, state=Outbox.State.SENDING).update(
        state=Outbox.State.FAILED if give_up else Outbox.State.PENDING,
        attempts=attempts,
        last_error=error[:300],
        claimed_at=None,
        next_attempt_at=now + RETRY_DELAYS[min(attempts, len(RETRY_DELAYS)) - 1],
    )


def _claim(*, ids: list[int] | None, limit: int) -> list[Outbox]:
    """Claim up to ``limit`` ready rows (of ``ids``, if given) and read them, in one statement:
    ``UPDATE ... WHERE id IN (SELECT ... FOR UPDATE SKIP LOCKED) RETURNING ...`` on PostgreSQL,
    where concurrent deliverers skip each other's rows instead of waiting; SQLite runs one writer
    at a time, so its UPDATE alone is enough. Ready means pending and due, or claimed by a
    deliverer that has not finished within the lease. The address comes back sealed, as
    ``to_sealed``: :func:`_deliver` opens each one."""
    if ids is not None and not ids:
        return []
    qn = connection.ops.quote_name
    meta = Outbox._meta

    columns_by_name = {field.name: field.column for field in meta.concrete_fields}

    def col(name: str) -> str:
        return qn(columns_by_name[name])

    now = timezone.now()
    ready = (
        f"(({col('state')} = %s AND {col('next_attempt_at')} <= %s)"
        f" OR ({col('state')} = %s AND {col('claimed_at')} < %s))"
    )
    params: list[Any] = [Outbox.State.PENDING, now, Outbox.State.SENDING, now - CLAIM_LEASE]
    if ids is not None:
        ready += f" AND {col('id')} IN ({', '.join(['%s'] * len(ids))})"
        params += ids
    lock = " FOR UPDATE SKIP LOCKED" if connection.features.has_select_for_update_skip_locked else ""
    table, pk = qn(meta.db_table), qn(meta.pk.column)
    columns = ", ".join(
        f"{qn(field.column)} AS {qn('to_sealed')}" if field.name == "to" else qn(field.column)
        for field in meta.concrete_fields
    )
    # The names are the model's own; every value is a parameter.
    sql = (
        f"UPDATE {table} SET {col('state')} = %s, {col('claimed_at')} = %s "  # noqa: S608
        f"WHERE {pk} IN (SELECT {pk} FROM {table} WHERE {ready} LIMIT %s{lock}) RETURNING {columns}"
    )
    return list(Outbox.objects.raw(sql, [Outbox.State.SENDING, now, *params, limit]))
