"""Every string a service stores is checked the same way on SQLite and PostgreSQL (issue 16, item 13):
lengths come from the model fields, control characters (but newline and tab in free text) and lone
surrogates are refused, and nothing is written. Names and texts are generated in Latin and Urdu
script (random.Random(seed), parametrised); CI runs this module on both databases."""

from __future__ import annotations

import json
import random
import unicodedata

import pytest
from django.apps import apps
from django.db import models

from rabta.accounts.models import User
from rabta.complaints.models import Complaint, Message
from rabta.complaints.services import work
from rabta.core.errors import DomainError
from rabta.core.textinput import FREE_TEXT_MAX_LENGTH, field_rules, text_clean

pytestmark = pytest.mark.django_db
SEEDS = range(8)
LATIN = ["Ayesha", "Bilal", "Muhammad", "Fatima", "Zainab", "Imran", "Khan", "Qureshi", "Siddiqui"]
URDU = ["عائشہ", "بلال", "محمد", "فاطمہ", "زینب", "عمران", "خان", "قریشی", "صدیقی"]
# Every C0 and C1 control but newline and tab, and DEL. (Some are whitespace to str.strip(): at either
# end of a text they are stripped, not refused, so the cases put them inside.)
CONTROLS = [chr(c) for c in [*range(0, 32), *range(127, 160)] if chr(c) not in "\n\t\r"]


def words(rng: random.Random, length: int) -> str:
    """Text of exactly ``length`` characters, names of both scripts."""
    text = ""
    while len(text) < length:
        text += rng.choice(LATIN + URDU) + " "
    text = text[:length]
    return text[:-1] + "x" if text.endswith(" ") else text  # no trailing space: strip() must not shorten it


def stored_text_fields():
    for model in apps.get_models():
        if not model.__module__.startswith("rabta."):
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, (models.CharField, models.TextField)) and field.editable:
                yield model, field


@pytest.mark.parametrize("seed", SEEDS)
def test_the_limit_of_every_stored_string_is_its_model_fields(seed):
    rng = random.Random(seed)
    fields = list(stored_text_fields())
    assert len(fields) > 40
    for model, field in rng.sample(fields, 25):
        limit, multiline = field_rules(model, field.name)
        assert limit == (field.max_length or FREE_TEXT_MAX_LENGTH)
        assert multiline == isinstance(field, models.TextField)
        fits = words(rng, limit)
        assert text_clean(fits, model=model, name=field.name) == fits.strip()
        with pytest.raises(DomainError) as caught:
            text_clean(words(rng, limit + rng.randrange(1, 400)), model=model, name=field.name, field="sent_as")
        assert caught.value.fields["sent_as"][0]["code"] == "text_too_long"


@pytest.mark.parametrize("seed", SEEDS)
def test_control_characters_are_refused_except_newline_and_tab_in_free_text(seed):
    rng = random.Random(seed)
    control = rng.choice(CONTROLS)
    assert unicodedata.category(control) == "Cc"
    text = words(rng, 30) + control + words(rng, 10)
    for model, name in ((Complaint, "subject"), (Complaint, "text"), (User, "full_name"), (Message, "body")):
        errors: dict = {}
        text_clean(text, model=model, name=name, errors=errors)
        assert errors[name][0]["code"] == "text_control_character", (model, name, repr(control))
    lines = words(rng, 20) + "\n\t" + words(rng, 20) + "\r\n" + words(rng, 5)
    assert text_clean(lines, model=Complaint, name="text") == lines.replace("\r\n", "\n")
    with pytest.raises(DomainError):
        text_clean(lines, model=Complaint, name="subject")  # one line
    with pytest.raises(DomainError) as caught:
        text_clean(words(rng, 10) + "\ud800", model=Complaint, name="text")
    assert caught.value.fields["text"][0]["code"] == "text_invalid_character"


def post(client, path, body):
    return client.post(f"/api{path}", json.dumps(body), content_type="application/json")


def lodge(client, **overrides):
    body = {"category": "PB-MUN-WATER", "jurisdiction": "PK-PB-LHR", "subject": "No water", "text": "Dry taps."}
    return post(client, "/complaints", {**body, **overrides})


@pytest.mark.parametrize("seed", SEEDS)
def test_intake_refuses_what_a_column_cannot_hold_on_either_database(verified_client, citizen, categories, seed):
    rng = random.Random(seed)
    client = verified_client(citizen)
    cases = [
        ("subject", words(rng, 200 + rng.randrange(1, 300)), "text_too_long"),
        ("text", words(rng, 5000 + rng.randrange(1, 3000)), "text_too_long"),
        ("declaration_number", "KAPE-HC-" + "9" * rng.randrange(33, 5000), "text_too_long"),
        ("subject", words(rng, 20) + rng.choice(CONTROLS[1:]) + words(rng, 5), "text_control_character"),
        ("subject", words(rng, 20) + "\n" + words(rng, 5), "text_control_character"),
        ("text", words(rng, 20) + rng.choice(CONTROLS[1:]) + words(rng, 3), "text_control_character"),
        ("declaration_number", "KAPE\x1bHC-1234", "text_control_character"),
    ]
    for field, value, code in cases:
        response = lodge(client, **{field: value})
        assert response.status_code == 400, (field, response.content[:300])
        assert response.json()["fields"][field][0]["code"] == code
    assert not Complaint.objects.exists()
    accepted = lodge(client, subject=words(rng, 200), text=words(rng, 5000), declaration_number="K" * 40)
    assert accepted.status_code == 201, accepted.content[:300]


@pytest.mark.parametrize("seed", SEEDS)
def test_registration_refuses_an_overlong_name_in_either_script(client, seed):
    rng = random.Random(seed)
    name = words(rng, 160 + rng.randrange(1, 400))
    body = {
        "full_name": name,
        "password": f"a-long-enough-passphrase-{seed}",
        "complainant_type": "citizen",
        "email": f"person{seed}@example.pk",
    }
    response = post(client, "/accounts/register", body)
    assert response.status_code == 400, response.content[:300]
    assert response.json()["fields"]["full_name"][0]["code"] == "text_too_long"
    assert not User.objects.filter(email=f"person{seed}@example.pk").exists()
    body["full_name"] = words(rng, 40) + "\x00"
    assert post(client, "/accounts/register", body).status_code == 400
    body["full_name"] = words(rng, 40) + "\x7f"
    assert post(client, "/accounts/register", body).json()["fields"]["full_name"][0]["code"] == "text_control_character"


@pytest.mark.parametrize("seed", SEEDS[:3])
def test_messages_and_office_reasons_are_checked_the_same_way(verified_client, citizen, officer_a, submit, seed):
    rng = random.Random(seed)
    complaint = submit()
    path = f"/complaints/{complaint.tracking_number}"
    mine = verified_client(citizen)
    too_long = post(mine, f"{path}/messages", {"body": words(rng, FREE_TEXT_MAX_LENGTH + 1)})
    assert too_long.json()["fields"]["body"][0]["code"] == "text_too_long"
    control = post(mine, f"{path}/messages", {"body": "Hello" + rng.choice(CONTROLS[1:]) + words(rng, 9)})
    assert control.json()["fields"]["body"][0]["code"] == "text_control_character"
    assert not Message.objects.exists()
    office = verified_client(officer_a)
    for endpoint, body, field in (
        ("/transfer", {"to_office": "PB-LG-HQ", "reason": "Not ours\x08"}, "reason"),
        ("/reject", {"reason": "abusive", "explanation": words(rng, 10) + "\x1b[2J"}, "explanation"),
        ("/resolve", {"outcome": "no_relief", "reasons": words(rng, 5001)}, "reasons"),
    ):
        response = post(office, path + endpoint, body)
        assert response.status_code == 400, (endpoint, response.content[:300])
        assert field in response.json()["fields"]
    complaint.refresh_from_db()
    assert (complaint.status, complaint.transfer_count) == ("routed", 0)


def test_a_duplicate_of_that_does_not_exist_is_a_field_error(verified_client, officer_a, submit):
    complaint = submit()
    office = verified_client(officer_a)
    body = {"reason": "duplicate", "explanation": "Filed twice.", "duplicate_of": "RB-0000-0000-C"}
    response = post(office, f"/complaints/{complaint.tracking_number}/reject", body)
    assert response.status_code == 400, response.content
    assert response.json()["fields"]["duplicate_of"][0]["code"] == "duplicate_of_unknown"
    linked = post(office, f"/complaints/{complaint.tracking_number}/duplicates/RB-0000-0000-C", {})
    assert (linked.status_code, list(linked.json()["fields"])) == (400, ["other"])


def test_an_appeal_error_names_the_field_the_client_sent(verified_client, citizen, officer_a, submit):
    complaint = submit()
    work.complaint_acknowledge(complaint=complaint, actor=officer_a)  # the office acknowledges first (lifecycle)
    work.complaint_resolve(complaint=complaint, actor=officer_a, outcome="relief_granted")
    response = post(verified_client(citizen), f"/complaints/{complaint.tracking_number}/appeal", {"reason": "  "})
    assert response.status_code == 400, response.content
    assert list(response.json()["fields"]) == ["reason"]
    assert response.json()["message"].startswith("reason: ")
