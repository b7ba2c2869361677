"""rabta.complaints.services.reminders: offices reminded before the deadlines they still owe."""

import importlib
import io
from datetime import datetime, timedelta

import pytest
import time_machine
from django.apps import apps as django_apps
from django.core.management import call_command
from django.utils import timezone

from rabta.complaints.choices import MessageDirection
from rabta.complaints.models import Complaint
from rabta.complaints.services import clock, work
from rabta.complaints.services.deadlines import REMINDER_LEAD
from rabta.complaints.services.messages import message_post
from rabta.complaints.services.reminders import reminder_sweep
from rabta.core.models import Event
from rabta.notifications.models import Outbox

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)
# A Monday morning in Lahore, weeks ago, so that every sweep below runs at a moment of the test's choosing.
BASE = timezone.make_aware(datetime(2026, 9, 7, 10, 0))


def at(moment):
    return time_machine.travel(moment, tick=False)


def fresh(complaint):
    return Complaint.objects.get(pk=complaint.pk)


def events(complaint, kind):
    return list(Event.objects.for_subject(complaint).filter(kind=kind).order_by("id"))


@pytest.fixture
def lodged(submit):
    with at(BASE):
        return submit()


# Reminders ---------------------------------------------------------------------------------------


def reminders_to(user):
    return list(Outbox.objects.filter(user=user, template="office_deadline_reminder").order_by("id"))


def test_the_office_is_reminded_a_day_before_each_deadline_it_still_owes_once(lodged, officer_a, officer_b):
    ack_moment = lodged.acknowledge_due_at - REMINDER_LEAD
    assert lodged.next_reminder_at == ack_moment
    assert reminder_sweep(now=ack_moment - timedelta(minutes=1)).complaints == 0
    result = reminder_sweep(now=ack_moment + timedelta(minutes=1))
    assert (result.complaints, result.offices) == (1, 1)
    assert reminder_sweep(now=ack_moment + timedelta(minutes=2)).complaints == 0  # idempotent

    (email,) = [row for row in reminders_to(officer_a) if row.channel == Outbox.Channel.EMAIL]
    assert lodged.tracking_number in email.body and "acknowledge" in email.body
    assert lodged.subject not in email.body  # the digest names complaints by number only
    assert reminders_to(officer_b) == []
    (event,) = events(lodged, "complaints.reminded")
    assert list(event.data["deadlines"]) == ["acknowledge"]

    # Acknowledged: the next reminder is for the interim reply alone.
    with at(lodged.acknowledge_due_at - timedelta(hours=1)):
        work.complaint_acknowledge(complaint=lodged, actor=officer_a)
    complaint = fresh(lodged)
    assert complaint.next_reminder_at == complaint.interim_due_at - REMINDER_LEAD
    reminder_sweep(now=complaint.interim_due_at - timedelta(hours=1))
    last = events(lodged, "complaints.reminded")[-1]
    assert list(last.data["deadlines"]) == ["interim_reply"]
    assert fresh(lodged).next_reminder_at == complaint.resolve_due_at - REMINDER_LEAD


def test_a_deadline_met_before_its_reminder_is_not_reminded(lodged, officer_a):
    work.complaint_acknowledge(complaint=lodged, actor=officer_a)
    complaint = fresh(lodged)
    # The moment was set for the acknowledgement; the sweep finds nothing owed and moves on.
    assert complaint.next_reminder_at == lodged.acknowledge_due_at - REMINDER_LEAD
    result = reminder_sweep(now=lodged.acknowledge_due_at - REMINDER_LEAD)
    assert result.complaints == 0 and reminders_to(officer_a) == []
    assert fresh(lodged).next_reminder_at == complaint.interim_due_at - REMINDER_LEAD


def test_no_reminders_while_the_clock_stands_still_and_they_move_with_it(lodged, officer_a, citizen):
    with at(BASE + timedelta(hours=1)):
        clock.complaint_request_information(complaint=lodged, actor=officer_a, body="Which street?")
    assert reminder_sweep(now=BASE + 10 * DAY).complaints == 0
    with at(BASE + 4 * DAY + timedelta(hours=1)):
        message_post(complaint=lodged, author=citizen, body="This one.", direction=MessageDirection.TO_OFFICE)
    complaint = fresh(lodged)
    assert complaint.acknowledge_due_at == lodged.acknowledge_due_at + 4 * DAY
    assert complaint.next_reminder_at == complaint.acknowledge_due_at - REMINDER_LEAD


def test_each_officer_gets_one_digest_in_their_language(submit, officer_a, world):
    from conftest import make_user
    from rabta.accounts.roles import Role

    colleague = make_user("officer.ur@gov.pk", "Urdu officer", (Role.OFFICER, world.office_a, None))
    colleague.preferred_language = "ur"
    colleague.save(update_fields=["preferred_language"])
    with at(BASE):
        numbers = {submit().tracking_number for _ in range(3)}
    result = reminder_sweep(now=BASE + 30 * DAY)
    assert (result.complaints, result.offices) == (3, 1)
    for officer in (officer_a, colleague):
        emails = [row for row in reminders_to(officer) if row.channel == Outbox.Channel.EMAIL]
        assert len(emails) == 1
        assert all(number in emails[0].body for number in numbers)
    (urdu,) = [row for row in reminders_to(colleague) if row.channel == Outbox.Channel.EMAIL]
    assert urdu.language == "ur" and "ان باکس" in urdu.body and "حل کرنا" in urdu.body


def test_the_periodic_command_runs_every_sweep(lodged, officer_a):
    with at(lodged.acknowledge_due_at):
        call_command("escalate", stdout=(out := io.StringIO()))
    assert "reminded: 1 complaints at 1 offices" in out.getvalue()
    assert reminders_to(officer_a)


def test_the_migration_gives_open_complaints_their_next_reminder(lodged, officer_a):
    migration = importlib.import_module("rabta.complaints.migrations.0006_clock_pause_and_reminders")
    acknowledged = fresh(lodged)
    Complaint.objects.update(next_reminder_at=None)
    with at(BASE + DAY):  # the acknowledgement's reminder has not come yet
        migration.fill_next_reminder(django_apps, None)
    assert fresh(lodged).next_reminder_at == acknowledged.acknowledge_due_at - REMINDER_LEAD
    Complaint.objects.update(next_reminder_at=None)
    with at(acknowledged.interim_due_at - REMINDER_LEAD - timedelta(hours=1)):  # too late for that one
        migration.fill_next_reminder(django_apps, None)
    assert fresh(lodged).next_reminder_at == acknowledged.interim_due_at - REMINDER_LEAD


# Who hears of an office's deadlines: its staff, else its own mailbox, else an operator ----------


def office_digests():
    return list(Outbox.objects.filter(template="office_deadline_reminder").order_by("id"))


def test_an_office_with_staff_is_reminded_through_them_not_its_mailbox(submit, officer_a, world):
    world.office_a.email = "lahore@lg.punjab.gov.pk"
    world.office_a.save(update_fields=["email"])
    with at(BASE):
        number = submit().tracking_number

    result = reminder_sweep(now=BASE + 30 * DAY)

    assert (result.complaints, result.offices, result.offices_unreachable) == (1, 1, 0)
    rows = office_digests()
    assert {row.user for row in rows} == {officer_a} and all(number in row.body for row in rows)
    assert not [row for row in rows if row.to == world.office_a.email]


def test_an_office_with_nobody_to_remind_gets_the_digest_at_its_own_address(submit, citizen, world):
    # Given an office with an address, whose only officer has left and whose supervisor's role was
    # withdrawn, and a complaint there whose complainant is hidden from the office
    from conftest import make_user
    from rabta.accounts.models import RoleAssignment
    from rabta.accounts.roles import Role

    world.office_a.email = "lahore@lg.punjab.gov.pk"
    world.office_a.save(update_fields=["email"])
    departed = make_user("departed@gov.pk", "Departed officer", (Role.OFFICER, world.office_a, None))
    departed.is_active = False
    departed.save(update_fields=["is_active"])
    make_user("withdrawn@gov.pk", "Withdrawn supervisor", (Role.SUPERVISOR, world.office_a, None))
    RoleAssignment.objects.filter(user__email="withdrawn@gov.pk").update(active=False)
    with at(BASE):
        hidden = submit(anonymity="identity_hidden_from_office")
        plain = submit(subject="Broken water main")

    # When the reminders come due
    result = reminder_sweep(now=BASE + 30 * DAY)

    # Then the office's mailbox gets one digest, in English, naming both complaints by number only
    assert (result.complaints, result.offices, result.notifications, result.offices_unreachable) == (2, 1, 1, 0)
    (row,) = office_digests()
    assert (row.user, row.channel, row.to, row.language) == (
        None,
        Outbox.Channel.EMAIL,
        "lahore@lg.punjab.gov.pk",
        "en",
    )
    assert world.office_a.name in row.subject
    assert hidden.tracking_number in row.body and plain.tracking_number in row.body
    assert "acknowledge" in row.body and "resolve" in row.body
    for secret in (citizen.full_name, citizen.email, hidden.subject, hidden.text, plain.subject, "Ayesha"):
        assert secret not in row.body and secret not in row.subject
    # and the sweep is done with them: nothing again at the same moment
    assert reminder_sweep(now=BASE + 30 * DAY).complaints == 0
    assert len(office_digests()) == 1


def test_an_office_with_neither_staff_nor_address_is_reported_and_not_retried(submit, world, caplog):
    # Given an office with nobody assigned and no email address
    assert world.office_a.email == ""
    with at(BASE):
        lodged = submit()
    moment = BASE + 30 * DAY

    # When the reminder comes due
    with caplog.at_level("WARNING", logger="rabta.complaints.services.reminders"):
        result = reminder_sweep(now=moment)

    # Then nobody is written to, the operators are told which office, and the complaint is still
    # recorded as reminded
    assert (result.complaints, result.offices, result.notifications, result.offices_unreachable) == (1, 1, 0, 1)
    assert office_digests() == []
    (warning,) = [record for record in caplog.records if record.name == "rabta.complaints.services.reminders"]
    assert warning.levelname == "WARNING" and world.office_a.code in warning.getMessage()
    assert len(events(lodged, "complaints.reminded")) == 1
    # and its moment moved on past the deadlines already reminded, so the next sweep does not try again
    complaint = fresh(lodged)
    assert complaint.next_reminder_at is None or complaint.next_reminder_at > moment
    caplog.clear()
    again = reminder_sweep(now=moment + timedelta(minutes=15))
    assert (again.complaints, again.offices_unreachable) == (0, 0) and not caplog.records


def test_a_long_digest_names_the_earliest_deadlines_and_counts_the_rest(submit, officer_a):
    from rabta.complaints.services.reminders import DIGEST_LINES

    lodged = []
    for hour in range(DIGEST_LINES + 2):
        with at(BASE + timedelta(hours=hour)):
            lodged.append(submit())
    # Every acknowledgement's reminder has come, and no other deadline's
    moment = lodged[-1].acknowledge_due_at - REMINDER_LEAD
    assert moment < min(c.interim_due_at for c in lodged) - REMINDER_LEAD

    reminder_sweep(now=moment)

    (email,) = [row for row in reminders_to(officer_a) if row.channel == Outbox.Channel.EMAIL]
    assert email.subject.endswith(f": {DIGEST_LINES + 2}")
    assert all(c.tracking_number in email.body for c in lodged[:DIGEST_LINES])
    assert not any(c.tracking_number in email.body for c in lodged[DIGEST_LINES:])
    assert email.body.count("acknowledge") == DIGEST_LINES and "; +2." in email.body


def test_an_office_is_counted_once_however_many_batches_its_complaints_fall_in(submit):
    with at(BASE):
        for _ in range(3):
            submit()
    result = reminder_sweep(now=BASE + 30 * DAY, batch_size=1)
    assert (result.complaints, result.offices) == (3, 1)
