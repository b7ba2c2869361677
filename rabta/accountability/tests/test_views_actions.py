"""The accountability-action pages (rabta/accountability/views_actions.py): the list with filters
and downloads, the record form (office first, evidence checked against scope), one action with its
evidence, timeline and moves. Outside scope is 404; a hidden complainant never appears."""

from __future__ import annotations

import csv
import io

import pytest

from rabta.accountability.models import AccountabilityAction, OfficerAudit
from rabta.accountability.tests.actions import TAKEN, record
from rabta.complaints.choices import Anonymity

pytestmark = pytest.mark.django_db
LIST, NEW = "/en/accounts/actions/", "/en/accounts/actions/new/"


def test_oversight_records_an_action_on_an_officer_with_its_evidence(verified_client, oversight, officer_a, submit):
    complaint = submit(anonymity=Anonymity.IDENTITY_HIDDEN_FROM_OFFICE)
    audit = OfficerAudit.objects.create(complaint=complaint, officer=officer_a, reason="reopened")
    client = verified_client(oversight)
    first = client.get(NEW)
    assert first.status_code == 200 and 'name="office"' in first.content.decode()
    form = client.get(NEW, {"office": "PB-LG-LHR"}).content.decode()
    assert officer_a.full_name in form and f'value="{audit.pk}"' in form
    response = client.post(
        NEW,
        {
            "office": "PB-LG-LHR",
            "kind": "warning",
            "officer": officer_a.pk,
            "authority": "Chief Secretary Punjab",
            "grounds": "Resolutions rejected by complainants.",
            "taken_on": TAKEN.isoformat(),
            "complaints": f"{complaint.tracking_number}, ",
            "audits": [audit.pk],
        },
    )
    action = AccountabilityAction.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/accounts/actions/{action.pk}/")
    page = client.get(response["Location"]).content.decode()
    assert complaint.tracking_number in page and "Chief Secretary Punjab" in page
    assert citizen_named(page, complaint) is False


def citizen_named(page: str, complaint) -> bool:
    person = complaint.complainant
    return person.full_name in page or person.email in page


def test_a_bad_record_shows_each_refusal_next_to_its_field_and_records_nothing(verified_client, oversight, submit):
    sindh = submit(category_code="SD-MUN-WATER", jurisdiction_code="PK-SD-KHI")
    client = verified_client(oversight)
    response = client.post(
        NEW,
        {
            "office": "PB-LG-LHR",
            "kind": "warning",
            "authority": "CS",
            "grounds": "x",
            "taken_on": TAKEN.isoformat(),
            "reply_due": "2026-01-01",
            "complaints": sindh.tracking_number,
        },
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_complaints"' in body and "aria-invalid" in body and sindh.tracking_number in body
    assert "A reply cannot be due before the action was taken." in body
    assert AccountabilityAction.objects.count() == 0


def test_an_office_outside_oversight_and_a_page_for_non_oversight_are_not_found(
    verified_client, oversight, officer_a, citizen
):
    assert verified_client(oversight).get(NEW, {"office": "SD-LG-KHI"}).status_code == 404
    assert verified_client(officer_a).get(NEW).status_code == 404
    assert verified_client(citizen).get(NEW).status_code == 404


def test_the_list_filters_and_downloads_and_the_officer_sees_only_their_own(
    verified_client, oversight, officer_a, supervisor_a
):
    on_officer = record(oversight, kind="warning", officer_id=officer_a.pk)
    commended = record(oversight, kind="commendation")
    client = verified_client(oversight)
    body = client.get(LIST, {"kind": "warning"}).content.decode()
    assert f"/accounts/actions/{on_officer.pk}/" in body and f"/accounts/actions/{commended.pk}/" not in body
    download = client.get(LIST, {"kind": "warning", "format": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:3] == ["Number", "Taken on", "Kind"] and [row[0] for row in rows[1:]] == [str(on_officer.pk)]
    bad = client.get(LIST, {"since": "2026-12-01", "until": "2026-11-01"})
    assert bad.status_code == 400 and "before its start" in bad.content.decode()

    mine = verified_client(officer_a).get(LIST).content.decode()
    assert f"/accounts/actions/{on_officer.pk}/" in mine and f"/accounts/actions/{commended.pk}/" not in mine
    assert verified_client(officer_a).get(f"/en/accounts/actions/{on_officer.pk}/").status_code == 200
    assert verified_client(supervisor_a).get(f"/en/accounts/actions/{on_officer.pk}/").status_code == 404


def test_the_moves_on_the_detail_page_and_their_refusals(verified_client, oversight, officer_a, oversight_sindh):
    action = record(oversight, officer_id=officer_a.pk)
    url = f"/en/accounts/actions/{action.pk}/"
    # The officer named reads it but is offered no move, and a move posted anyway is refused.
    officer = verified_client(officer_a)
    assert 'id="reply"' not in officer.get(url).content.decode()
    assert officer.post(url + "withdraw/", {"reason": "Mine."}).status_code == 403
    assert verified_client(oversight_sindh).post(url + "withdraw/", {"reason": "x"}).status_code == 404
    client = verified_client(oversight)
    empty = client.post(url + "reply/", {"reply": "", "replied_on": TAKEN.isoformat()})
    assert empty.status_code == 400 and AccountabilityAction.objects.get().status == "open"
    early = client.post(url + "reply/", {"reply": "On leave.", "replied_on": "2026-01-01"})
    assert early.status_code == 400 and "before the action was taken" in early.content.decode()
    assert client.post(url + "reply/", {"reply": "On leave.", "replied_on": TAKEN.isoformat()}).status_code == 302
    assert client.post(url + "conclude/", {"outcome": "Warned.", "concluded_on": TAKEN.isoformat()}).status_code == 302
    page = client.get(url).content.decode()
    assert "On leave." in page and "Warned." in page and 'id="withdraw"' not in page
    assert "Replied → Concluded" in page
    late = client.post(url + "withdraw/", {"reason": "Too late."})
    assert late.status_code == 409 and AccountabilityAction.objects.get().status == "concluded"


def test_the_pages_speak_urdu(verified_client, oversight):
    action = record(oversight)
    client = verified_client(oversight)
    for url in ("/ur/accounts/actions/", "/ur/accounts/actions/new/", f"/ur/accounts/actions/{action.pk}/"):
        body = client.get(url).content.decode()
        assert 'dir="rtl"' in body, url
    assert "احتسابی" in client.get("/ur/accounts/actions/").content.decode()
