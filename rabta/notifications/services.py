"""Queueing and delivering notifications through the outbox."""

from __future__ import annotations

from typing import Any

from django.core.mail import send_mail
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from rabta.notifications.models import Outbox
from rabta.notifications.senders import SmsMessage, sms_sender

MAX_ATTEMPTS = 5


def _render(template: str, context: dict[str, Any]) -> tuple[str, str]:
    """Subject and body of a template, in the active language. Texts live here, through gettext,
    so that they are translated with everything else."""
    texts = {
        "complaint_submitted": (
            _("Complaint %(tracking_number)s received"),
            _("Your complaint %(tracking_number)s has been sent to %(office)s. A reply is due by %(due)s."),
        ),
        "complaint_message": (
            _("New message on %(tracking_number)s"),
            _("The office has written to you about complaint %(tracking_number)s. Sign in to Rabta to read it."),
        ),
        "complaint_resolved": (
            _("Complaint %(tracking_number)s resolved"),
            _("The office has resolved complaint %(tracking_number)s. Please tell us if you are satisfied."),
        ),
        "complaint_escalated": (
            _("Complaint %(tracking_number)s escalated"),
            _("Complaint %(tracking_number)s was not resolved in time and has been sent to senior officers."),
        ),
        "standing_warned": (
            _("A warning about your complaints"),
            _(
                "Officers judged some of your recent complaints not genuine. Nothing is limited yet. "
                "If you think this is wrong, you can appeal in Rabta."
            ),
        ),
        "standing_throttled": (
            _("Your new complaints are limited"),
            _(
                "Officers judged several of your recent complaints not genuine, so you can lodge one new "
                "complaint a day for now. You can appeal this in Rabta."
            ),
        ),
        "standing_suspended": (
            _("You cannot lodge new complaints for now"),
            _(
                "Officers judged many of your recent complaints not genuine, so new complaints from your "
                "account are suspended. Your open complaints go on. You can appeal this in Rabta."
            ),
        ),
        "standing_normal": (
            _("The limit on your complaints is lifted"),
            _("Your account is back to normal: you can lodge complaints as before."),
        ),
        "standing_appeal_granted": (
            _("Your appeal was granted"),
            _("Your appeal was granted and the limit on your account is lifted. Sign in to Rabta to read why."),
        ),
        "standing_appeal_refused": (
            _("Your appeal was refused"),
            _("Your appeal was refused and the limit on your account stands. Sign in to Rabta to read why."),
        ),
        "decision_review_decided": (
            _("Decision review %(reference)s decided"),
            _(
                "Your review %(reference)s of decision %(decision)s has been decided: %(result)s. "
                "Sign in to Rabta to read the reasons."
            ),
        ),
        "office_deadline_reminder": (
            _("Deadlines due at %(office)s: %(count)s"),
            _(
                "These complaints at %(office)s have a deadline within a day, or one already passed: "
                "%(complaints)s. Open your Rabta inbox to act on them."
            ),
        ),
    }
    subject, body = texts[template]
    return subject % context, body % context


def notification_enqueue(*, user: Any, template: str, context: dict[str, Any]) -> list[Outbox]:
    """Write outbox rows (email and/or SMS, in the user's language) inside the caller's transaction;
    deliver them once it commits."""
    return notifications_enqueue([(user, template, context)])


def notifications_enqueue(items: list[tuple[Any, str, dict[str, Any]]]) -> list[Outbox]:
    """Many notifications at once: ``(user, template, context)`` each. One INSERT for all their
    outbox rows and one delivery task after commit, so a sweep that notifies thousands of people
    costs two round trips instead of thousands."""
    rows: list[Outbox] = []
    for user, template, context in items:
        language = getattr(user, "preferred_language", "en") or "en"
        with translation.override(language):
            subject, body = _render(template, context)
        common = {"user": user, "template": template, "language": language, "body": body}
        if getattr(user, "email", None):
            rows.append(Outbox(channel=Outbox.Channel.EMAIL, to=user.email, subject=subject, **common))
        if getattr(user, "phone", None):
            rows.append(Outbox(channel=Outbox.Channel.SMS, to=user.phone, subject="", **common))
    if not rows:
        return []
    created = Outbox.objects.bulk_create(rows)
    ids = [row.pk for row in created]
    from rabta.notifications.tasks import deliver_outbox

    transaction.on_commit(lambda: deliver_outbox.delay(ids))
    return created


def outbox_deliver(*, ids: list[int]) -> int:
    """Send the given pending rows. Each row is claimed with a conditional UPDATE first, so two
    workers (or a retry) never send the same message twice."""
    sent = 0
    for row_id in ids:
        row = _claim(row_id)
        if row is None:
            continue
        try:
            if row.channel == Outbox.Channel.EMAIL:
                send_mail(row.subject, row.body, None, [row.to])
            else:
                sms_sender().send(SmsMessage(to=row.to, body=row.body))
        except Exception as exc:  # the relay is a system edge; record and retry later
            attempts = row.attempts + 1
            Outbox.objects.filter(pk=row_id).update(
                state=Outbox.State.FAILED if attempts >= MAX_ATTEMPTS else Outbox.State.PENDING,
                attempts=attempts,
                last_error=str(exc)[:300],
            )
            continue
        Outbox.objects.filter(pk=row_id).update(
            state=Outbox.State.SENT, sent_at=timezone.now(), attempts=row.attempts + 1
        )
        sent += 1
    return sent


def _claim(row_id: int) -> Outbox | None:
    """Move one pending row to ``sending`` and read it, in one statement (``UPDATE ... RETURNING``,
    PostgreSQL and SQLite 3.35+): a claim and a read would cost every delivery a second round
    trip. None when the row is not pending (sent already, or claimed by another worker)."""
    qn = connection.ops.quote_name
    meta = Outbox._meta
    columns = ", ".join(qn(field.column) for field in meta.concrete_fields)
    state, pk = qn(meta.get_field("state").column), qn(meta.pk.column)
    # The names are the model's own; every value is a parameter.
    sql = f"UPDATE {qn(meta.db_table)} SET {state} = %s WHERE {pk} = %s AND {state} = %s RETURNING {columns}"  # noqa: S608
    claimed = list(Outbox.objects.raw(sql, [Outbox.State.SENDING, row_id, Outbox.State.PENDING]))
    return claimed[0] if claimed else None
