"""The complaint pages: track, lodge, my complaints, one complaint (rabta/complaints/views.py)."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from PIL import Image

from rabta.complaints.choices import Anonymity, Status
from rabta.complaints.models import Attachment, Complaint, Message
from rabta.complaints.services import work
from rabta.complaints.services.intake import complaint_submit
from rabta.core.models import Event

pytestmark = pytest.mark.django_db
LODGE = "/en/complaints/lodge/"


@pytest.fixture(autouse=True)
def _translations():
    call_command("compile_translations")


def _draft(response) -> str:
    return re.search(r'name="draft" value="([0-9a-f]+)"', response.content.decode()).group(1)


def _step(client, draft, step, **data):
    return client.post(LODGE, {"draft": draft, "step": step, **data})


def _lodge_to_review(client, *, category="PB-MUN-WATER", anonymity=Anonymity.NAME_HIDDEN_FROM_PUBLIC, details=None):
    draft = _draft(client.get(LODGE))
    _step(client, draft, "what", kind="complaint", subject="No water for a week", text="No water in Gulberg.")
    _step(client, draft, "category", category=category)
    _step(client, draft, "place", province="PK-PB", district="PK-PB-LHR")
    if details is not None:
        _step(client, draft, "details", **details)
    response = _step(client, draft, "privacy", anonymity=anonymity)
    return draft, response


# Track


def test_track_by_number_shows_progress_but_never_the_words_or_the_name(client, submit):
    complaint = submit()
    response = client.get("/en/complaints/track/", {"number": complaint.tracking_number.lower()})
    body = response.content.decode()
    assert response.status_code == 200
    assert complaint.tracking_number in body and "Sent to the responsible office" in body
    assert "Gulberg" not in body and "Ayesha" not in body and "No water" not in body


def test_track_by_unknown_number_is_404_with_the_error_next_to_the_field(client, world):
    response = client.get("/en/complaints/track/", {"number": "RB-0000-0000-0"})
    assert response.status_code == 404
    body = response.content.decode()
    assert 'aria-invalid="true"' in body and "No complaint has this tracking number" in body
    assert 'href="#id_number"' in body  # the error summary links to the field


def test_track_by_token_takes_it_from_the_body_and_never_writes_it_back(client, categories):
    result = complaint_submit(
        complainant=None,
        category_code="PB-MUN-WATER",
        jurisdiction_code="PK-PB-LHR",
        subject="Bribe asked",
        text="At the water office.",
        anonymity=Anonymity.FULLY_ANONYMOUS,
    )
    response = client.post("/en/complaints/track/", {"token": result.anonymous_token})
    body = response.content.decode()
    assert response.status_code == 200
    assert result.complaint.tracking_number in body and "Bribe asked" in body
    assert result.anonymous_token not in body


def test_track_with_a_wrong_token_is_404(client, categories):
    response = client.post("/en/complaints/track/", {"token": "not-a-token"})
    assert response.status_code == 404
    assert "No complaint has this token" in response.content.decode()


# Lodge


def test_signed_in_complainant_lodges_in_steps_and_lands_on_the_complaint(client, citizen, categories):
    client.force_login(citizen)
    draft, review = _lodge_to_review(client)
    assert "Check and send" in review.content.decode()
    response = _step(client, draft, "review", action="submit")
    complaint = Complaint.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("complaints:detail", args=[complaint.tracking_number])
    assert complaint.complainant == citizen and complaint.jurisdiction.code == "PK-PB-LHR"
    assert complaint.channel == "web" and complaint.status == Status.ROUTED


def test_a_double_submit_of_one_draft_lodges_once(client, citizen, categories):
    client.force_login(citizen)
    draft, _ = _lodge_to_review(client)
    data = {"draft": draft, "step": "review", "action": "submit"}
    session_before = dict(client.session)
    first = client.post(LODGE, data)
    # The second click arrives with the session as it was before the first answer came back.
    session = client.session
    session.update(session_before)
    session.save()
    second = client.post(LODGE, data)
    assert first.status_code == 302 and second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Complaint.objects.count() == 1


def test_a_step_with_errors_keeps_what_was_typed_and_shows_the_error_next_to_the_field(client, citizen, categories):
    client.force_login(citizen)
    draft = _draft(client.get(LODGE))
    response = _step(client, draft, "what", kind="complaint", subject="", text="Water has been off since Monday.")
    body = response.content.decode()
    assert response.status_code == 400
    assert "Water has been off since Monday." in body
    assert re.search(r'id="id_subject_error"[^>]*>.*Give a short subject', body, re.S) or (
        'aria-invalid="true"' in body and "Give a short subject" in body
    )
    assert 'href="#id_subject"' in body


def test_category_search_finds_categories_in_either_language(client, categories):
    categories.water.name_ur = "پانی کی فراہمی"
    categories.water.save()
    english = client.get(reverse("complaints:lodge_categories"), {"q": "water"}).content.decode()
    urdu = client.get(reverse("complaints:lodge_categories"), {"q": "پانی"}).content.decode()
    assert "PB-MUN-WATER" in english and "SD-MUN-WATER" in english and "CUS-DELAY" not in english
    assert "PB-MUN-WATER" in urdu and "SD-MUN-WATER" not in urdu


def test_category_search_without_javascript_re_renders_the_step(client, categories):
    draft = _draft(client.get(LODGE))
    response = _step(client, draft, "category", q="clearance", action="search")
    body = response.content.decode()
    assert "CUS-DELAY" in body and "PB-MUN-WATER" not in body


def test_places_are_offered_province_then_district(client, world):
    body = client.get(reverse("complaints:lodge_places"), {"province": "PK-PB"}).content.decode()
    assert "PK-PB-LHR" in body and "PK-SD-KHI" not in body


def test_customs_category_asks_for_declaration_and_collectorate_and_the_service_judges_them(
    client, citizen, categories, declaration
):
    client.force_login(citizen)
    draft = _draft(client.get(LODGE))
    _step(client, draft, "what", kind="complaint", subject="Goods held", text="Held for ten days.")
    _step(client, draft, "category", category="CUS-DELAY")
    details = _step(client, draft, "place", province="PK-SD", district="PK-SD-KHI")
    body = details.content.decode()
    # The category's own declaration-number detail (gd_number) is not asked a second time.
    assert body.count('name="declaration_number"') == 1 and 'name="collectorate"' in body
    assert 'name="attributes.gd_number"' not in body
    _step(client, draft, "details", **{"declaration_number": "no!", "collectorate": "FED-CUS-APP-KHI"})
    _step(client, draft, "privacy", anonymity=Anonymity.NAME_HIDDEN_FROM_PUBLIC)
    refused = _step(client, draft, "review", action="submit")
    body = refused.content.decode()
    assert refused.status_code == 400
    assert 'value="no!"' in body  # kept as typed
    # The service judged the number it was given for gd_number too; the error sits by the one field.
    assert "This value is not a valid declaration_number." in body
    assert 'href="#id_declaration_number"' in body and "id_attributes.gd_number" not in body
    assert Complaint.objects.count() == 0
    _step(client, draft, "details", **{"declaration_number": declaration.number, "collectorate": "FED-CUS-APP-KHI"})
    _step(client, draft, "review", action="submit")
    complaint = Complaint.objects.get()
    assert complaint.declaration == declaration
    assert complaint.attributes["gd_number"] == declaration.number


def test_a_customs_complaint_naming_no_real_declaration_is_refused_next_to_the_field(
    client, citizen, categories, declaration
):
    client.force_login(citizen)
    draft = _draft(client.get(LODGE))
    _step(client, draft, "what", kind="complaint", subject="Goods held", text="Held for ten days.")
    _step(client, draft, "category", category="CUS-DELAY")
    _step(client, draft, "place", province="PK-SD", district="PK-SD-KHI")
    number = "KAPE-HC-77777-01012026"
    _step(
        client,
        draft,
        "details",
        **{"declaration_number": number, "collectorate": "FED-CUS-APP-KHI"},
    )
    _step(client, draft, "privacy", anonymity=Anonymity.NAME_HIDDEN_FROM_PUBLIC)
    refused = _step(client, draft, "review", action="submit")
    body = refused.content.decode()
    assert refused.status_code == 400
    assert "There is no goods declaration with this number." in body
    assert 'href="#id_declaration_number"' in body
    assert Complaint.objects.count() == 0
    # With the real number it is lodged, linked to the declaration.
    _step(
        client,
        draft,
        "details",
        **{"declaration_number": declaration.number, "collectorate": "FED-CUS-APP-KHI"},
    )
    _step(client, draft, "review", action="submit")
    assert Complaint.objects.get().declaration == declaration


def test_signed_out_visitor_may_lodge_only_fully_anonymously_and_sees_the_token_once(client, categories):
    draft, review = _lodge_to_review(client, anonymity=Anonymity.FULLY_ANONYMOUS)
    assert "Fully anonymous" in review.content.decode()
    response = _step(client, draft, "review", action="submit")
    complaint = Complaint.objects.get()
    assert response.status_code == 201
    assert complaint.complainant is None and complaint.anonymity == Anonymity.FULLY_ANONYMOUS
    token = re.search(r'<code class="secret" id="token">([^<]+)</code>', response.content.decode()).group(1)
    tracked = client.post("/en/complaints/track/", {"token": token})
    assert complaint.tracking_number in tracked.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_signed_out_visitor_cannot_choose_a_named_complaint(client, categories):
    draft, _ = _lodge_to_review(client)
    response = _step(client, draft, "privacy", anonymity=Anonymity.NAME_HIDDEN_FROM_PUBLIC)
    assert response.status_code == 400
    assert Complaint.objects.count() == 0


# My complaints and one complaint


def test_my_complaints_lists_mine_only_with_status_office_and_deadline(
    client, citizen, other_citizen, submit, django_assert_max_num_queries
):
    for n in range(6):
        submit(subject=f"Mine {n}")
    submit(complainant=other_citizen, subject="Not mine")
    client.force_login(citizen)
    # Session, user, roles (twice: navigation and scope), one page of complaints: whatever the rows.
    with django_assert_max_num_queries(6):
        response = client.get(reverse("complaints:mine"))
    body = response.content.decode()
    assert body.count('class="card"') == 6 and "Not mine" not in body
    assert "Local Government Lahore" in body and "Sent to an office" in body


def test_my_complaints_pages_by_tracking_number(client, citizen, submit, settings, monkeypatch):
    from rabta.complaints import selectors

    monkeypatch.setattr(selectors, "PAGE_SIZE", 2)
    made = [submit(subject=f"Mine {n}") for n in range(3)]
    client.force_login(citizen)
    first = client.get(reverse("complaints:mine")).content.decode()
    assert f"before={made[1].tracking_number}" in first
    second = client.get(reverse("complaints:mine"), {"before": made[1].tracking_number}).content.decode()
    assert "Mine 0" in second and "Mine 2" not in second


def test_my_complaints_needs_sign_in(client):
    response = client.get(reverse("complaints:mine"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_complaint_page_shows_conversation_timeline_and_files(
    client, citizen, officer_a, submit, django_assert_max_num_queries
):
    complaint = submit()
    work.complaint_acknowledge(complaint=complaint, actor=officer_a)
    from rabta.complaints.services.messages import complaint_message_send

    complaint_message_send(complaint=complaint, actor=officer_a, body="Which street, please?")
    work.complaint_note_add(complaint=complaint, actor=officer_a, body="Internal: call WASA")
    client.force_login(citizen)
    # Ten today: session, user, roles, the complaint, the offered actions, messages, events, files.
    with django_assert_max_num_queries(12):
        response = client.get(reverse("complaints:detail", args=[complaint.tracking_number]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Which street, please?" in body and "Internal: call WASA" not in body
    assert "The office acknowledged it" in body
    assert 'name="body"' in body  # may write to the office


def test_another_persons_complaint_is_404(client, other_citizen, submit):
    complaint = submit()
    client.force_login(other_citizen)
    assert client.get(reverse("complaints:detail", args=[complaint.tracking_number])).status_code == 404
    response = client.post(reverse("complaints:message", args=[complaint.tracking_number]), {"body": "hello"})
    assert response.status_code == 404
    assert Message.objects.count() == 0


def test_an_officer_of_another_office_gets_404(client, verified_client, officer_b, submit):
    complaint = submit()
    verified_client(officer_b)
    assert client.get(reverse("complaints:detail", args=[complaint.tracking_number])).status_code == 404


def test_sending_a_message_records_it_and_an_event(client, citizen, submit):
    complaint = submit()
    client.force_login(citizen)
    response = client.post(reverse("complaints:message", args=[complaint.tracking_number]), {"body": "Street 5"})
    assert response.status_code == 302
    assert Message.objects.get().body == "Street 5"
    assert Event.objects.filter(kind="complaints.message_to_office").exists()


def test_an_empty_message_is_refused_next_to_the_field(client, citizen, submit):
    complaint = submit()
    client.force_login(citizen)
    response = client.post(reverse("complaints:message", args=[complaint.tracking_number]), {"body": ""})
    assert response.status_code == 400
    assert "Write a message." in response.content.decode()
    assert Message.objects.count() == 0


def _resolved(complaint, officer):
    work.complaint_acknowledge(complaint=complaint, actor=officer)
    work.complaint_resolve(complaint=complaint, actor=officer, outcome="relief_granted", reasons="Pipe mended.")
    return Complaint.objects.get(pk=complaint.pk)


def test_actions_are_offered_only_in_their_window(client, citizen, officer_a, submit):
    complaint = submit()
    client.force_login(citizen)
    url = reverse("complaints:detail", args=[complaint.tracking_number])
    open_page = client.get(url).content.decode()
    assert 'id="feedback"' not in open_page and 'id="appeal"' not in open_page and 'id="reopen"' not in open_page
    _resolved(complaint, officer_a)
    resolved_page = client.get(url).content.decode()
    assert 'id="feedback"' in resolved_page and 'id="reopen"' in resolved_page and 'id="appeal"' in resolved_page


def test_satisfied_feedback_closes_the_complaint(client, citizen, officer_a, submit):
    complaint = _resolved(submit(), officer_a)
    client.force_login(citizen)
    response = client.post(
        reverse("complaints:feedback", args=[complaint.tracking_number]), {"satisfied": "yes", "rating": "5"}
    )
    assert response.status_code == 302
    assert Complaint.objects.get(pk=complaint.pk).status == Status.CLOSED


def test_reopen_without_a_reason_keeps_the_complaint_resolved(client, citizen, officer_a, submit):
    complaint = _resolved(submit(), officer_a)
    client.force_login(citizen)
    response = client.post(reverse("complaints:reopen", args=[complaint.tracking_number]), {"reopen-reason": ""})
    assert response.status_code == 400
    assert Complaint.objects.get(pk=complaint.pk).status == Status.RESOLVED


def test_appeal_goes_to_the_senior_office(client, citizen, officer_a, submit):
    complaint = _resolved(submit(), officer_a)
    client.force_login(citizen)
    response = client.post(
        reverse("complaints:appeal", args=[complaint.tracking_number]), {"appeal-reason": "Still no water."}
    )
    assert response.status_code == 302
    assert Complaint.objects.get(pk=complaint.pk).status == Status.APPEALED


# Waiting to be sent (offline drafts)


@pytest.mark.parametrize("language", ["en", "ur"])
def test_waiting_page_offers_every_category_and_district_in_two_reads_and_nothing_personal(
    client, citizen, categories, language, django_assert_max_num_queries
):
    """The service worker keeps a copy of this page: it lists the choices the offline form needs
    (categories, districts under their provinces) and holds nothing of the reader's."""
    submit_complaint = complaint_submit(
        complainant=citizen,
        category_code="PB-MUN-WATER",
        jurisdiction_code="PK-PB-LHR",
        subject="Secret subject",
        text="No water in Gulberg.",
        anonymity=Anonymity.NAME_HIDDEN_FROM_PUBLIC,
    ).complaint
    client.force_login(citizen)
    # Session, user, roles (navigation), categories, provinces, districts.
    with django_assert_max_num_queries(7):
        response = client.get(f"/{language}/complaints/waiting/")
    body = response.content.decode()
    assert response.status_code == 200
    assert 'value="PB-MUN-WATER"' in body and 'value="CUS-DELAY"' in body
    assert 'value="PK-PB-LHR"' in body and "<optgroup" in body
    assert submit_complaint.tracking_number not in body and "Secret subject" not in body
    assert 'value="fully_anonymous"' not in body  # sent from an account: never fully anonymous
    assert "csrftoken" in response.cookies  # the script sends the API its token
    assert "<script>" not in body  # the Content-Security-Policy allows no inline script
    assert 'src="/static/rabta/drafts.js"' in body


def test_service_worker_keeps_the_draft_form_and_shows_it_for_the_lodge_page(client):
    body = client.get("/sw.js").content.decode()
    assert '"/en/complaints/waiting/"' in body and '"/ur/complaints/waiting/"' in body
    assert '{"page": "/ur/complaints/waiting/", "for": "/ur/complaints/lodge/"}' in body
    assert "/static/rabta/drafts.js" in body


# Files


def _png(name: str = "street.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (24, 16), (200, 30, 30)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def test_a_file_added_on_the_complaint_page_is_stored_and_listed(client, citizen, submit):
    complaint = submit()
    client.force_login(citizen)
    url = reverse("complaints:attachment", args=[complaint.tracking_number])
    response = client.post(url, {"file": _png()})
    assert response.status_code == 302
    assert Attachment.objects.filter(complaint=complaint).count() == 1
    assert Event.objects.filter(subject_id=complaint.pk, kind__contains="attachment").exists()
    page = client.get(reverse("complaints:detail", args=[complaint.tracking_number])).content.decode()
    assert "street.png" in page and 'enctype="multipart/form-data"' in page


def test_a_refused_file_is_shown_next_to_the_file_field_and_nothing_is_added(client, citizen, submit):
    complaint = submit()
    client.force_login(citizen)
    url = reverse("complaints:attachment", args=[complaint.tracking_number])
    response = client.post(url, {"file": SimpleUploadedFile("notes.exe", b"MZ\x90\x00not a picture")})
    body = response.content.decode()
    assert response.status_code == 400
    assert 'id="error-summary"' in body and 'href="#id_file"' in body
    assert re.search(r'name="file"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*name="file"', body)
    assert Attachment.objects.count() == 0


def test_a_file_over_the_limit_is_refused_with_the_limit_named(client, citizen, submit, settings):
    settings.RABTA_ATTACHMENT_MAX_BYTES = 1024 * 1024
    complaint = submit()
    client.force_login(citizen)
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 1))
    response = client.post(reverse("complaints:attachment", args=[complaint.tracking_number]), {"file": big})
    assert response.status_code == 400
    assert "Files can be at most 1 MB." in response.content.decode()
    assert Attachment.objects.count() == 0


def test_no_file_chosen_is_an_error_next_to_the_field(client, citizen, submit):
    complaint = submit()
    client.force_login(citizen)
    response = client.post(reverse("complaints:attachment", args=[complaint.tracking_number]), {})
    assert response.status_code == 400 and "Choose a file." in response.content.decode()


def test_a_file_cannot_be_added_to_another_persons_complaint(client, other_citizen, submit):
    complaint = submit()
    client.force_login(other_citizen)
    response = client.post(reverse("complaints:attachment", args=[complaint.tracking_number]), {"file": _png()})
    assert response.status_code == 404 and Attachment.objects.count() == 0


def test_a_hidden_complainant_is_not_offered_to_keep_a_photos_location(client, citizen, submit):
    shown = submit()
    hidden = submit(anonymity=Anonymity.IDENTITY_HIDDEN_FROM_OFFICE)
    client.force_login(citizen)
    assert (
        'name="share_location"'
        in client.get(reverse("complaints:detail", args=[shown.tracking_number])).content.decode()
    )
    page = client.get(reverse("complaints:detail", args=[hidden.tracking_number])).content.decode()
    assert 'name="file"' in page and 'name="share_location"' not in page


def test_a_file_sent_with_the_review_step_is_attached_to_the_new_complaint(client, citizen, categories):
    client.force_login(citizen)
    draft, review = _lodge_to_review(client)
    assert 'name="file"' in review.content.decode()
    response = client.post(LODGE, {"draft": draft, "step": "review", "action": "submit", "file": _png()})
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert Attachment.objects.filter(complaint=complaint).count() == 1


def test_a_refused_file_at_review_keeps_the_complaint_unsent_with_the_error_next_to_the_field(
    client, citizen, categories
):
    client.force_login(citizen)
    draft, _review = _lodge_to_review(client)
    bad = SimpleUploadedFile("photo.jpg", b"this is not a photo at all")
    response = client.post(LODGE, {"draft": draft, "step": "review", "action": "submit", "file": bad})
    body = response.content.decode()
    assert response.status_code == 400
    assert 'href="#id_file"' in body and "No water for a week" in body  # the rest is kept
    assert Complaint.objects.count() == 0 and Attachment.objects.count() == 0


# Request for information


def test_a_question_from_the_office_is_shown_and_the_answer_starts_the_clock_again(
    client, citizen, officer_a, submit, django_assert_max_num_queries
):
    from rabta.complaints.services.clock import complaint_request_information

    complaint = submit()
    work.complaint_acknowledge(complaint=complaint, actor=officer_a)
    complaint_request_information(complaint=complaint, actor=officer_a, body="Which street, please?")
    client.force_login(citizen)
    url = reverse("complaints:detail", args=[complaint.tracking_number])
    with django_assert_max_num_queries(12):  # as the page without a question: it reads no more
        body = client.get(url).content.decode()
    panel = body[body.index('id="asked-title"') : body.index("What you wrote")]
    assert "Which street, please?" in panel and 'href="#message"' in panel
    assert "Your answer to the office" in body

    response = client.post(reverse("complaints:message", args=[complaint.tracking_number]), {"body": "Street 4."})
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.clock_paused_at is None
    assert Event.objects.filter(subject_id=complaint.pk, kind__contains="resumed").exists()
    body = client.get(url).content.decode()
    assert 'id="asked-title"' not in body and "deadline runs again" in body


def test_an_empty_answer_is_an_error_next_to_the_field_and_the_clock_stays_paused(client, citizen, officer_a, submit):
    from rabta.complaints.services.clock import complaint_request_information

    complaint = submit()
    work.complaint_acknowledge(complaint=complaint, actor=officer_a)
    complaint_request_information(complaint=complaint, actor=officer_a, body="Which street, please?")
    client.force_login(citizen)
    response = client.post(reverse("complaints:message", args=[complaint.tracking_number]), {"body": ""})
    assert response.status_code == 400 and 'href="#id_body"' in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.clock_paused_at is not None
