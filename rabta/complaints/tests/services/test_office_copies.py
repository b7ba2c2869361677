"""rabta.complaints.services.office_copies: office copies made by an older scrubber are brought up to
the current one (``rabta rescrub_office_copies``); the complainant's own words never change."""

import pytest

from rabta.complaints.models import Complaint

pytestmark = pytest.mark.django_db


def test_copies_made_by_an_older_scrubber_are_scrubbed_again(submit, citizen):
    from django.core.management import call_command

    from rabta.complaints.models import Message
    from rabta.complaints.services.messages import message_post

    citizen.phone = "+923001234567"
    citizen.save(update_fields=["phone"])
    hidden = submit(anonymity="identity_hidden_from_office", text="Ayesha, CNIC 35202-1234567-1, 0300 123 4567")
    anonymous = submit(anonymity="fully_anonymous", text="[complainant] here, call +92 321 7654321")
    public = submit(text="Ayesha Khan, 35202-1234567-1")
    message_post(complaint=hidden, author=citizen, body="عائشہ خان", direction="to_office")
    # As an older scrubber left them: identifiers still in the office's copies.
    Complaint.objects.filter(pk=hidden.pk).update(text_for_office=hidden.text)
    Complaint.objects.filter(pk=anonymous.pk).update(text_for_office="[complainant] here, call +92 321 7654321")
    Message.objects.filter(complaint=hidden).update(body_for_office="عائشہ خان")

    call_command("rescrub_office_copies")

    assert Complaint.objects.get(pk=hidden.pk).text_for_office == "[complainant], CNIC [removed], [complainant]"
    assert Complaint.objects.get(pk=anonymous.pk).text_for_office == "[complainant] here, call [removed]"
    assert Message.objects.get(complaint=hidden).body_for_office == "[complainant] [complainant]"
    assert Complaint.objects.get(pk=public.pk).text_for_office == ""
    assert Complaint.objects.get(pk=hidden.pk).text == "Ayesha, CNIC 35202-1234567-1, 0300 123 4567"
