"""Registration never tells whether an email, phone or identity number is registered (issue 17
item 4): the answer for a verified, taken identifier is the answer for a free one, and both are
rate-limited per client address and per identifier, whatever its spelling."""

import random
import re

import pytest
from django.utils import timezone

from rabta.accounts.models import IdentityDocument, User
from rabta.accounts.services import DocumentInput, user_register
from rabta.accounts.tests.spellings import email_spelling, phone_spelling, random_mobile, random_name

PASSWORD = "a-long-unusual-passphrase"


def _cnic(rng):
    # Province digit 1-7, gender digit last: what python-stdnum accepts.
    return f"{rng.randint(1, 7)}{rng.randrange(10**4):04d}-{rng.randrange(10**7):07d}-{rng.randint(1, 9)}"


def _identifier(rng, kind):
    """(registration fields, the same identifier spelt differently) for one kind of identifier."""
    if kind == "email":
        address = f"{rng.choice('abc')}{rng.randrange(10**8)}@example.pk"
        return {"email": address}, {"email": email_spelling(rng, address).strip()}
    if kind == "phone":
        number = random_mobile(rng)
        return {"phone": number}, {"phone": phone_spelling(rng, number)}
    if kind in ("cnic", "nicop"):
        number = _cnic(rng)
        return (
            {"documents": [DocumentInput(kind, number)]},
            {"documents": [DocumentInput("cnic" if kind == "nicop" else "nicop", number.replace("-", ""))]},
        )
    if kind == "passport":
        number = f"{rng.choice('ABCDEFGH')}{rng.choice('ABCDEFGH')}{rng.randrange(10**7):07d}"
        return {"documents": [DocumentInput("passport", number)]}, {
            "documents": [DocumentInput("passport", number.lower())]
        }
    number = f"{rng.randrange(10**7):07d}-{rng.randrange(10)}"
    return {"documents": [DocumentInput("ntn", number)]}, {"documents": [DocumentInput("ntn", number.replace("-", ""))]}


def _verified_holder(rng, fields):
    extra = {} if "email" in fields or "phone" in fields else {"email": f"holder{rng.randrange(10**9)}@example.pk"}
    holder = user_register(full_name=random_name(rng), password=PASSWORD, complainant_type="citizen", **fields, **extra)
    User.objects.filter(pk=holder.pk).update(email_verified_at=timezone.now(), phone_verified_at=timezone.now())
    IdentityDocument.objects.filter(user=holder).update(verified_at=timezone.now())
    return holder


def _api_payload(rng, fields, *, name, password=PASSWORD):
    payload = {"full_name": name, "password": password, "complainant_type": "citizen"}
    if "email" not in fields and "phone" not in fields:
        payload["email"] = f"new{rng.randrange(10**9)}@example.pk"
    for key, value in fields.items():
        payload[key] = (
            [{"doc_type": d.doc_type, "number": d.number, "issuing_country": d.issuing_country} for d in value]
            if key == "documents"
            else value
        )
    return payload


def _comparable(body):
    """The answer without what differs between any two registrations: the new account's id and the
    identifier's own characters."""
    body = dict(body)
    body.pop("id", None)
    body.pop("email", None)
    body["documents"] = [{k: v for k, v in d.items() if k != "masked"} for d in body.get("documents", [])]
    return body


KINDS = ["email", "phone", "cnic", "nicop", "passport", "ntn"]


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("seed", range(3))
def test_the_api_answers_a_taken_identifier_as_it_answers_a_free_one(client, kind, seed):
    rng = random.Random(f"{kind}{seed}")
    taken, taken_spelt_otherwise = _identifier(rng, kind)
    _, free = _identifier(rng, kind)
    _verified_holder(rng, taken)
    name = random_name(rng)
    answers = []
    for fields in (taken_spelt_otherwise, free):
        client.logout()
        response = client.post(
            "/api/accounts/register", _api_payload(rng, fields, name=name), content_type="application/json"
        )
        answers.append((response.status_code, _comparable(response.json()), sorted(response.headers)))
    assert answers[0] == answers[1]
    assert answers[0][0] == 201


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS)
def test_registration_errors_are_the_same_for_taken_and_free_identifiers(client, kind):
    rng = random.Random(kind)
    taken, taken_spelt_otherwise = _identifier(rng, kind)
    _, free = _identifier(rng, kind)
    _verified_holder(rng, taken)
    answers = []
    for fields in (taken_spelt_otherwise, free):
        payload = _api_payload(rng, fields, name="Zainab Bilal", password="zainab bilal 1")
        response = client.post("/api/accounts/register", payload, content_type="application/json")
        answers.append((response.status_code, response.json()))
    assert answers[0] == answers[1]
    assert answers[0][0] == 400 and set(answers[0][1]["fields"]) == {"password"}


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["email", "phone", "cnic"])
def test_the_page_answers_a_taken_identifier_as_it_answers_a_free_one(client, kind):
    rng = random.Random(f"page{kind}")
    taken, taken_spelt_otherwise = _identifier(rng, kind)
    _, free = _identifier(rng, kind)
    _verified_holder(rng, taken)
    answers = []
    for fields in (taken_spelt_otherwise, free):
        client.logout()
        form = {"complainant_type": "citizen", "full_name": "Farah Usman", "password": PASSWORD, "language": "en"}
        form.update({k: v for k, v in fields.items() if k != "documents"})
        if "email" not in fields and "phone" not in fields:
            form["email"] = f"page{rng.randrange(10**9)}@example.pk"
        for document in fields.get("documents", []):
            form.update({"document_type": document.doc_type, "document_number": document.number})
        response = client.post("/en/accounts/register/", form)
        page = client.get(response["Location"])
        # The page after it, less what differs per request (CSRF token, request id).
        body = re.sub(r'(csrfmiddlewaretoken" value=|request-id" content=)"[^"]*"', r"\1", page.content.decode())
        answers.append((response.status_code, response["Location"], page.status_code, body))
    assert answers[0] == answers[1]
    assert answers[0][0] == 302


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS)
def test_registration_is_limited_per_identifier_whatever_its_spelling(client, settings, kind):
    settings.RABTA_RATE_LIMITS = {**settings.RABTA_RATE_LIMITS, "registration": {"address": "100/h", "subject": "2/h"}}
    rng = random.Random(f"limit{kind}")
    spellings = [_identifier(random.Random(f"same{kind}"), kind)[i % 2] for i in range(3)]
    statuses = []
    for attempt, fields in enumerate(spellings):
        client.logout()
        payload = _api_payload(rng, fields, name=random_name(rng))
        response = client.post(
            "/api/accounts/register", payload, content_type="application/json", REMOTE_ADDR=f"198.51.100.{attempt}"
        )
        statuses.append(response.status_code)
    assert statuses == [201, 201, 429]
    assert response.json()["code"] == "rate_limited" and int(response["Retry-After"]) > 0


@pytest.mark.django_db
def test_registration_is_limited_per_client_address(client, settings):
    settings.RABTA_RATE_LIMITS = {**settings.RABTA_RATE_LIMITS, "registration": {"address": "3/h", "subject": "5/h"}}
    rng = random.Random(4)
    statuses = []
    for _ in range(4):
        client.logout()
        payload = _api_payload(rng, {"email": f"x{rng.randrange(10**9)}@example.pk"}, name=random_name(rng))
        statuses.append(client.post("/api/accounts/register", payload, content_type="application/json").status_code)
    assert statuses == [201, 201, 201, 429]
    form = {"complainant_type": "citizen", "full_name": "A B", "email": "page@example.pk", "password": PASSWORD}
    page = client.post("/en/accounts/register/", {**form, "language": "en"})
    assert page.status_code == 429 and "Retry-After" in page
    assert not User.objects.filter(email="page@example.pk").exists()
