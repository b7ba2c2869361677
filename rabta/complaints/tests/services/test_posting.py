"""rabta.complaints.services.posting: the one way a message is written, whoever writes it: the
office's copy scrubbed for a hidden complainant, an event that names no hidden writer."""

from __future__ import annotations

import pytest

from rabta.complaints.choices import MessageDirection
from rabta.complaints.services.posting import message_write
from rabta.core.models import Event

pytestmark = pytest.mark.django_db


def test_a_hidden_complainants_words_reach_the_office_scrubbed_and_unsigned(submit, citizen):
    complaint = submit(anonymity="identity_hidden_from_office")
    message = message_write(
        complaint=complaint,
        author=citizen,
        body="Ayesha Khan again, 0300 123 4567",
        direction=MessageDirection.TO_OFFICE,
    )
    assert message.body == "Ayesha Khan again, 0300 123 4567"
    assert "Ayesha" not in message.body_for_office and "0300" not in message.body_for_office
    event = Event.objects.for_subject(complaint).get(kind="complaints.message_to_office")
    assert event.actor_id is None and event.data == {"message": message.pk}


def test_a_visible_complainants_words_and_the_offices_are_copied_as_written(submit, citizen, officer_a):
    complaint = submit()
    mine = message_write(complaint=complaint, author=citizen, body="Ayesha here", direction=MessageDirection.TO_OFFICE)
    theirs = message_write(
        complaint=complaint, author=officer_a, body="Dear Ayesha", direction=MessageDirection.TO_COMPLAINANT
    )
    assert (mine.body_for_office, theirs.body_for_office) == ("Ayesha here", "Dear Ayesha")
    assert Event.objects.for_subject(complaint).get(kind="complaints.message_to_office").actor_id == citizen.pk
