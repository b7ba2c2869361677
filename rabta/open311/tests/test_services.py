"""Filing through Open311: who the complaint belongs to (an account that verified the contacts, or
nobody), what is published of it (nothing that identifies anyone, for every tier alike), client
updates, and the client applications' keys."""

from __future__ import annotations

import json
import random

import pytest
from django.utils import timezone

from rabta.accounts.models import User
from rabta.complaints.choices import Anonymity, Channel, MessageDirection
from rabta.complaints.models import Complaint, Message
from rabta.complaints.services.intake import complaint_submit
from rabta.core.errors import DomainError, Forbidden
from rabta.core.models import Event
from rabta.open311.events import Open311Event
from rabta.open311.models import ClientApplication, Filing
from rabta.open311.permissions import client_for_key
from rabta.open311.services import client_key_issue, client_register, client_revoke, request_file
from rabta.open311.tests.conftest import KEY, file_request, get, post

pytestmark = pytest.mark.django_db

GIVEN = ["Saima", "Rukhsana", "Tariq", "Zubair", "Nadia", "Imran", "Farhan", "Mehwish"]
FAMILY = ["Qureshi", "Chaudhry", "Siddiqui", "Malik", "Butt", "Abbasi"]


def _identity(seed: int) -> dict[str, str]:
    rng = random.Random(seed)
    first, last = rng.choice(GIVEN), rng.choice(FAMILY)
    digits = "".join(rng.choice("0123456789") for _ in range(7))
    return {
        "first_name": first,
        "last_name": last,
        "email": f"{first.lower()}.{last.lower()}{seed}@mail.example.pk",
        "phone": f"+92300{digits}",
        "cnic": f"35202-{digits}{rng.randint(10, 99)}-{rng.randint(1, 9)}",
    }


def _every_get(api, number: str, token: str) -> str:
    start = (timezone.now() - timezone.timedelta(days=1)).isoformat()
    answers = [
        get(api, "requests"),
        get(api, "requests", fmt="xml"),
        get(api, f"requests/{number}"),
        get(api, f"requests/{number}", fmt="xml"),
        get(api, f"tokens/{token}"),
        get(api, "servicerequestupdates", {"api_key": KEY, "start_date": start}),
        get(api, "servicerequestupdates", {"api_key": KEY, "start_date": start}, fmt="xml"),
    ]
    for answer in answers:
        assert answer.status_code == 200, answer.content
    return "\n".join(answer.content.decode() for answer in answers)


@pytest.mark.parametrize("seed", range(12))
def test_no_get_shows_anything_that_identifies_the_person(api, o311, seed):
    who = _identity(seed)
    description = (
        f"I am {who['first_name']} {who['last_name']}, call me on {who['phone']} or write to {who['email']}; "
        f"my CNIC is {who['cnic']}. The water main on our street has burst."
    )
    created = json.loads(
        file_request(
            api, description=description, **{k: who[k] for k in ("first_name", "last_name", "email", "phone")}
        ).content
    )[0]
    body = _every_get(api, created["service_request_id"], created["token"])
    for value in (who["first_name"], who["last_name"], who["email"], who["phone"], who["phone"][3:], who["cnic"]):
        assert value.lower() not in body.lower(), value
    assert "water main" in body  # the rest of the description is published


def test_a_verified_account_is_matched_silently_and_never_changed(api, o311, citizen):
    citizen.email_verified_at = timezone.now()
    citizen.save(update_fields=["email_verified_at"])
    before = User.objects.filter(pk=citizen.pk).values().get()
    matched = file_request(api, email=" CITIZEN@example.pk ", first_name="Someone", last_name="Else")
    unmatched = file_request(api, email="nobody@example.pk", first_name="Someone", last_name="Else")
    one, two = json.loads(matched.content)[0], json.loads(unmatched.content)[0]
    # The answers cannot tell the client whether an account matched.
    assert set(one) == set(two) and one["account_id"] is None and two["account_id"] is None
    assert matched.status_code == unmatched.status_code == 200
    first = Complaint.objects.get(tracking_number=one["service_request_id"])
    assert first.complainant_id == citizen.pk and first.anonymity == Anonymity.NAME_HIDDEN_FROM_PUBLIC
    assert first.channel == Channel.OPEN311
    second = Complaint.objects.get(tracking_number=two["service_request_id"])
    assert second.complainant_id is None and second.anonymity == Anonymity.FULLY_ANONYMOUS
    assert User.objects.filter(pk=citizen.pk).values().get() == before  # not overwritten
    assert not User.objects.filter(email="nobody@example.pk").exists()  # no account made from a client's word


def test_an_unverified_claim_matches_nobody(api, o311, citizen):
    assert citizen.email_verified_at is None
    created = json.loads(file_request(api, email=citizen.email).content)[0]
    assert Complaint.objects.get(tracking_number=created["service_request_id"]).complainant_id is None


def test_anonymous_and_named_requests_cannot_be_told_apart(api, o311, citizen, world):
    citizen.email_verified_at = timezone.now()
    citizen.save(update_fields=["email_verified_at"])
    named = json.loads(file_request(api, email=citizen.email).content)[0]["service_request_id"]
    anonymous = json.loads(file_request(api).content)[0]["service_request_id"]
    web_hidden = complaint_submit(
        complainant=citizen,
        category_code="PB-MUN-WATER",
        jurisdiction_code="PK-PB-LHR",
        subject="Leak near my house",
        text="Ayesha Khan here: the pipe leaks.",
        anonymity=Anonymity.IDENTITY_HIDDEN_FROM_OFFICE,
    ).complaint.tracking_number
    rows = {r["service_request_id"]: r for r in json.loads(get(api, "requests").content)}
    assert set(rows) == {named, anonymous, web_hidden}
    assert {frozenset(r) for r in rows.values()} == {frozenset(rows[named])}  # the same fields for each
    assert rows[named]["description"] is not None and rows[anonymous]["description"] is not None
    # What was written on the web was never given to be published.
    assert rows[web_hidden]["description"] is None and rows[web_hidden]["lat"] is None
    assert "Ayesha" not in json.dumps(rows)


def test_complaints_of_private_kinds_are_never_listed(api, o311, citizen):
    private = complaint_submit(
        complainant=citizen,
        category_code="PB-HRT-HARASS",
        jurisdiction_code="PK-PB-LHR",
        subject="Harassment at the office",
        text="It happened on Monday.",
    ).complaint
    assert private.tracking_number not in get(api, "requests").content.decode()
    assert get(api, f"requests/{private.tracking_number}").status_code == 404
    ids = get(api, "requests", {"service_request_id": private.tracking_number})
    assert json.loads(ids.content) == []


def test_the_office_copy_of_an_anonymous_filing_is_scrubbed_of_the_given_name(o311):
    filing = request_file(
        client=o311.client,
        service_code="PB-MUN-WATER",
        description="Rukhsana Qureshi reporting: the drain overflows.",
        address_id="PK-PB-LHR",
        first_name="Rukhsana",
        last_name="Qureshi",
    )
    complaint = filing.complaint
    assert complaint.anonymity == Anonymity.FULLY_ANONYMOUS and complaint.complainant_id is None
    assert "Rukhsana" not in complaint.text_for_office and "Qureshi" not in complaint.text_for_office
    assert "Rukhsana" not in filing.published_description
    assert Event.objects.filter(kind=Open311Event.REQUEST_FILED, subject_id=str(filing.pk)).count() == 1


def test_a_client_update_becomes_one_message_to_the_office(api, o311):
    created = json.loads(file_request(api).content)[0]
    number = created["service_request_id"]
    data = {"api_key": KEY, "service_request_id": number, "description": "Still no water today.", "update_id": "u-1"}
    first = post(api, "servicerequestupdates", data)
    again = post(api, "servicerequestupdates", data)
    assert first.status_code == again.status_code == 200
    assert (
        json.loads(first.content) == json.loads(again.content) == [{"update_id": "u-1", "service_request_id": number}]
    )
    messages = Message.objects.filter(complaint__tracking_number=number, direction=MessageDirection.TO_OFFICE)
    assert [m.body for m in messages] == ["Still no water today."]


def test_only_the_filing_client_pushes_updates(api, o311, citizen):
    created = json.loads(file_request(api).content)[0]
    from rabta.open311.tests.conftest import OTHER_KEY

    foreign = post(
        api,
        "servicerequestupdates",
        {"api_key": OTHER_KEY, "service_request_id": created["service_request_id"], "description": "x"},
    )
    assert foreign.status_code == 404
    web = complaint_submit(
        complainant=citizen, category_code="PB-MUN-WATER", jurisdiction_code="PK-PB-LHR", subject="s", text="t"
    ).complaint
    assert (
        post(
            api,
            "servicerequestupdates",
            {"api_key": KEY, "service_request_id": web.tracking_number, "description": "x"},
        ).status_code
        == 404
    )
    empty = post(
        api,
        "servicerequestupdates",
        {"api_key": KEY, "service_request_id": created["service_request_id"], "description": " "},
    )
    assert empty.status_code == 400 and json.loads(empty.content)[0]["field"] == "description"
    assert not Message.objects.exists()


def test_keys_are_stored_hashed_replaced_and_revoked(o311):
    client, key = client_register(name="New app", actor=None)
    assert key not in json.dumps(list(ClientApplication.objects.values()), default=str)
    assert client_for_key(key).pk == client.pk
    new_key = client_key_issue(client=client, actor=None)
    assert client_for_key(new_key).pk == client.pk
    with pytest.raises(Forbidden):
        client_for_key(key)  # the old key stopped working
    client_revoke(client=client, actor=None, reason="retired")
    with pytest.raises(Forbidden):
        client_for_key(new_key)
    kinds = list(
        Event.objects.filter(subject_id=str(client.pk), subject_type="open311.clientapplication").values_list(
            "kind", flat=True
        )
    )
    assert kinds == [Open311Event.CLIENT_REGISTERED, Open311Event.CLIENT_KEY_ISSUED, Open311Event.CLIENT_REVOKED]


def test_a_client_needs_a_name(o311):
    with pytest.raises(DomainError) as refused:
        client_register(name="  ", actor=None)
    assert "name" in refused.value.fields


def test_nothing_is_half_saved_when_intake_refuses(o311):
    before = (Complaint.objects.count(), Filing.objects.count())
    with pytest.raises(DomainError):
        request_file(client=o311.client, service_code="PB-MUN-ROAD", description="hole", address_id="PK-PB-LHR")
    assert (Complaint.objects.count(), Filing.objects.count()) == before
