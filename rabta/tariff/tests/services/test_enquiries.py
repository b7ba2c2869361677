from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from rabta.core.errors import Conflict, DomainError, Forbidden, NotAuthenticated
from rabta.core.models import Event
from rabta.tariff.events import TariffEvent
from rabta.tariff.models import Enquiry
from rabta.tariff.selectors import enquiry_list, enquiry_queue
from rabta.tariff.services.enquiries import ANSWER_DAYS, enquiry_answer, enquiry_ask

pytestmark = pytest.mark.django_db
QUESTION = "Which permit do I need to import vitamins?"


def test_a_question_is_answered_and_then_public_without_its_asker(tariff, citizen, other_citizen, proposer):
    enquiry = enquiry_ask(actor=citizen, question=QUESTION, code="3004")
    assert enquiry.due_at - timezone.now() > timedelta(days=ANSWER_DAYS) - timedelta(minutes=1)
    assert list(enquiry_list(user=other_citizen)) == [] and list(enquiry_list(user=None)) == []
    assert list(enquiry_list(user=citizen)) == [enquiry] and list(enquiry_queue(user=proposer)) == [enquiry]

    enquiry_answer(actor=proposer, enquiry=enquiry, answer="A DRAP no-objection certificate.")

    assert [e.answer for e in enquiry_list(user=None)] == ["A DRAP no-objection certificate."]
    assert list(enquiry_queue(user=proposer)) == []
    kinds = list(Event.objects.filter(subject_type="tariff.enquiry").values_list("kind", flat=True))
    assert kinds == [TariffEvent.ENQUIRY_ASKED, TariffEvent.ENQUIRY_ANSWERED]


def test_only_tariff_officers_answer_and_only_once(tariff, citizen, officer_a, proposer):
    enquiry = enquiry_ask(actor=citizen, question=QUESTION)
    with pytest.raises(Forbidden):
        enquiry_answer(actor=officer_a, enquiry=enquiry, answer="Yes.")
    with pytest.raises(Forbidden):
        enquiry_answer(actor=citizen, enquiry=enquiry, answer="Yes.")
    enquiry_answer(actor=proposer, enquiry=enquiry, answer="A DRAP NOC.")
    with pytest.raises(Conflict) as twice:
        enquiry_answer(actor=proposer, enquiry=enquiry, answer="Again.")
    assert twice.value.code == "already_answered"


@pytest.mark.parametrize(
    ("question", "code", "field", "error"),
    [
        ("", "", "question", "required"),
        ("Why?", "", "question", "required"),
        (QUESTION, "9999", "code", "code_unknown"),
        (QUESTION, "99x", "code", "code_unknown"),
        ("x" * 4001, "", "question", "text_too_long"),
    ],
)
def test_bad_questions_are_refused_by_field(tariff, citizen, question, code, field, error):
    with pytest.raises(DomainError) as refused:
        enquiry_ask(actor=citizen, question=question, code=code)
    assert refused.value.fields[field][0]["code"] == error
    assert not Enquiry.objects.exists()


def test_asking_needs_a_signed_in_account(tariff):
    with pytest.raises(NotAuthenticated):
        enquiry_ask(actor=None, question=QUESTION)


def test_the_api_publishes_answers_and_hides_the_asker(verified_client, tariff, citizen, proposer, client):
    asked = verified_client(citizen).post(
        "/api/tariff/enquiries", {"question": QUESTION, "code": "3004"}, content_type="application/json"
    )
    assert asked.status_code == 201 and asked.json()["code"] == "3004"
    enquiry_id = asked.json()["id"]
    client.logout()
    assert client.get(f"/api/tariff/enquiries/{enquiry_id}").status_code == 404

    answered = verified_client(proposer).post(
        f"/api/tariff/enquiries/{enquiry_id}/answer", {"answer": "A DRAP NOC."}, content_type="application/json"
    )
    assert answered.status_code == 200
    client.logout()
    public = client.get("/api/tariff/enquiries").json()
    assert [row["answer"] for row in public] == ["A DRAP NOC."]
    assert "asked_by" not in public[0] and citizen.email not in str(public)


def test_the_page_lets_a_trader_ask_and_an_officer_answer(verified_client, tariff, citizen, proposer):
    trader = verified_client(citizen)
    response = trader.post("/en/trade/tariff/enquiries/", {"question": QUESTION, "code": "3004"})
    assert response.status_code == 302
    enquiry = Enquiry.objects.get()
    assert QUESTION in trader.get("/en/trade/tariff/enquiries/").content.decode()

    officer = verified_client(proposer)
    page = officer.get("/ur/trade/tariff/enquiries/").content.decode()
    assert f"/ur/trade/tariff/enquiries/{enquiry.pk}/answer/" in page
    officer.post(f"/ur/trade/tariff/enquiries/{enquiry.pk}/answer/", {f"e{enquiry.pk}-answer": "A DRAP NOC."})
    enquiry.refresh_from_db()
    assert enquiry.answer == "A DRAP NOC."


def test_the_page_shows_errors_and_asks_visitors_to_sign_in(verified_client, client, tariff, citizen):
    assert "/accounts/login" in client.get("/en/trade/tariff/enquiries/").content.decode()
    html = (
        verified_client(citizen)
        .post("/en/trade/tariff/enquiries/", {"question": QUESTION, "code": "9999"})
        .content.decode()
    )
    assert 'role="alert"' in html and not Enquiry.objects.exists()


def test_a_citizen_cannot_answer_through_the_page(verified_client, tariff, citizen):
    enquiry = enquiry_ask(actor=citizen, question=QUESTION)
    verified_client(citizen).post(
        f"/en/trade/tariff/enquiries/{enquiry.pk}/answer/", {f"e{enquiry.pk}-answer": "Myself."}
    )
    enquiry.refresh_from_db()
    assert enquiry.answer == ""
