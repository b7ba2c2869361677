"""The complainant's standing page and its appeal (rabta/accountability/views.py)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.utils import timezone

from rabta.accountability.choices import StandingLevel
from rabta.accountability.models import ComplainantStanding
from rabta.core.models import Event

pytestmark = pytest.mark.django_db
URL = "/en/accounts/standing/"


@pytest.fixture(autouse=True)
def _translations():
    call_command("compile_translations")


def _standing(user, level=StandingLevel.THROTTLED, **extra):
    return ComplainantStanding.objects.create(user=user, level=level, score=7.5, updated_at=timezone.now(), **extra)


def test_standing_page_needs_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_complainant_never_rated_reads_that_nothing_is_limited_and_is_offered_no_appeal(
    client, citizen, django_assert_max_num_queries
):
    client.force_login(citizen)
    with django_assert_max_num_queries(5):  # session, user, roles (navigation), the standing
        body = client.get(URL).content.decode()
    assert "no warning or limit" in body and 'name="text"' not in body


def test_a_limited_complainant_reads_what_it_means_but_not_the_score(client, citizen):
    _standing(citizen)
    client.force_login(citizen)
    body = client.get(URL).content.decode()
    assert "one new complaint a day" in body and 'name="text"' in body
    assert "7.5" not in body


def test_an_appeal_is_filed_and_recorded(client, citizen):
    standing = _standing(citizen)
    client.force_login(citizen)
    response = client.post(URL, {"text": "My complaints about the water were genuine."})
    assert response.status_code == 302
    standing.refresh_from_db()
    assert standing.appeal_open and standing.appeal_text.startswith("My complaints")
    assert Event.objects.filter(subject_id=standing.pk, kind__contains="appeal").exists()
    body = client.get(URL).content.decode()
    assert "waiting for a decision" in body and 'name="text"' not in body


def test_an_empty_appeal_is_an_error_next_to_the_field_and_changes_nothing(client, citizen):
    standing = _standing(citizen)
    client.force_login(citizen)
    response = client.post(URL, {"text": "   "})
    assert response.status_code == 400 and 'href="#id_text"' in response.content.decode()
    standing.refresh_from_db()
    assert not standing.appeal_open


def test_an_appeal_with_nothing_to_appeal_is_refused_with_the_services_reason(client, citizen):
    client.force_login(citizen)
    response = client.post(URL, {"text": "Why?"})
    assert response.status_code == 409 and "no warning or limit to appeal" in response.content.decode()
    assert not ComplainantStanding.objects.exists()


def test_the_decision_on_an_appeal_is_shown_with_its_reasons(client, citizen):
    _standing(
        citizen,
        level=StandingLevel.SUSPENDED,
        appeal_granted=False,
        appeal_reasons="Three complaints were copies of one advertisement.",
        appeal_decided_at=timezone.now(),
    )
    client.force_login(citizen)
    body = client.get("/ur/accounts/standing/").content.decode()
    assert "Three complaints were copies of one advertisement." in body
    assert 'lang="ur"' in body
