"""The staff pages: inbox, work page, escalations, oversight (rabta/complaints/views_office.py)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD
from rabta.accountability import services as accountability
from rabta.accountability.models import OfficerAudit, ResponsibilityRating
from rabta.complaints.choices import Anonymity, Priority, Status
from rabta.complaints.models import Complaint, IdentityReveal, Message
from rabta.complaints.services import feedback, work
from rabta.core.models import Event
from rabta.directory.models import Post
from rabta.reviews import services as reviews

pytestmark = pytest.mark.django_db
INBOX = "/en/complaints/inbox/"


@pytest.fixture(autouse=True)
def _translations():
    call_command("compile_translations")


def _work(complaint: Complaint, action: str = "") -> str:
    if action:
        return reverse("complaints:work_act", args=[complaint.tracking_number, action])
    return reverse("complaints:work", args=[complaint.tracking_number])


def _late(complaint: Complaint, days: int = 1) -> Complaint:
    # Test set-up: the deadline passed (the escalation sweep is not what is tested here).
    Complaint.objects.filter(pk=complaint.pk).update(resolve_due_at=timezone.now() - timedelta(days=days))
    return Complaint.objects.get(pk=complaint.pk)


# Who may open the staff pages


def test_staff_pages_do_not_exist_for_a_complainant(verified_client, citizen, submit):
    complaint = submit()
    client = verified_client(citizen)
    for url in (INBOX, "/en/complaints/escalations/", "/en/complaints/oversight/", _work(complaint)):
        assert client.get(url).status_code == 404, url


def test_a_complaint_outside_the_officers_office_is_404_on_its_work_page_and_its_actions(
    verified_client, officer_b, submit
):
    complaint = submit()
    client = verified_client(officer_b)
    assert client.get(_work(complaint)).status_code == 404
    assert client.post(_work(complaint, "acknowledge")).status_code == 404
    assert Complaint.objects.get(pk=complaint.pk).status == Status.ROUTED


def test_oversight_page_is_404_for_an_officer(verified_client, officer_a):
    assert verified_client(officer_a).get("/en/complaints/oversight/").status_code == 404


# Inbox


def test_inbox_lists_the_offices_complaints_only_with_a_late_badge(verified_client, officer_a, officer_b, submit):
    mine, late = submit(), _late(submit(subject="Broken main pipe"))
    body = verified_client(officer_a).get(INBOX).content.decode()
    assert mine.tracking_number in body and late.tracking_number in body
    card = body.split(late.tracking_number)[0].rsplit('<li class="card', 1)[1]
    assert card.startswith(" late")  # the whole card is marked, not only the date
    assert body.count('class="badge late"') == 1
    other = verified_client(officer_b).get(INBOX).content.decode()
    assert mine.tracking_number not in other


def test_inbox_filters_by_deadline_and_priority(verified_client, officer_a, submit):
    on_time, late = submit(), _late(submit(subject="Late one"))
    today = submit(subject="Due today")
    Complaint.objects.filter(pk=today.pk).update(resolve_due_at=timezone.now() + timedelta(minutes=1))
    urgent = submit(subject="Urgent one")
    Complaint.objects.filter(pk=urgent.pk).update(priority=Priority.URGENT)
    client = verified_client(officer_a)
    body = client.get(INBOX, {"due": "overdue"}).content.decode()
    assert late.tracking_number in body and on_time.tracking_number not in body and today.tracking_number not in body
    body = client.get(INBOX, {"due": "today"}).content.decode()
    assert late.tracking_number in body and today.tracking_number in body and on_time.tracking_number not in body
    body = client.get(INBOX, {"priority": "urgent"}).content.decode()
    assert urgent.tracking_number in body and on_time.tracking_number not in body


def test_inbox_sorted_by_deadline_puts_the_nearest_first(verified_client, officer_a, submit):
    first, second = submit(subject="Lodged first"), submit(subject="Lodged second")
    _late(first)
    body = verified_client(officer_a).get(INBOX, {"sort": "deadline"}).content.decode()
    assert body.index(first.tracking_number) < body.index(second.tracking_number)
    body = verified_client(officer_a).get(INBOX).content.decode()
    assert body.index(second.tracking_number) < body.index(first.tracking_number)  # newest first


def test_inbox_pages_on_from_a_tracking_number_and_refuses_an_unknown_one(verified_client, officer_a, submit):
    older, newer = submit(subject="Older"), submit(subject="Newer")
    client = verified_client(officer_a)
    body = client.get(INBOX, {"before": newer.tracking_number}).content.decode().split("<main")[1]
    listed = body.split('id="bulk"')[1]
    assert older.tracking_number in listed and newer.tracking_number not in listed
    response = client.get(INBOX, {"before": "RB-0000-0000-0", "status": "routed"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "No complaint you can see has this tracking number" in body
    assert 'value="routed" selected' in body  # the filters keep what was chosen


def test_inbox_bad_filter_is_400_with_the_error_next_to_the_field(verified_client, officer_a, submit):
    submit()
    response = verified_client(officer_a).get(INBOX, {"status": "nonsense"})
    body = response.content.decode()
    assert response.status_code == 400
    assert 'href="#id_status"' in body and 'aria-invalid="true"' in body


def test_inbox_costs_the_same_queries_for_two_or_twelve_complaints(
    verified_client, officer_a, submit, django_assert_max_num_queries
):
    for n in range(2):
        submit(subject=f"Complaint {n}")
    client = verified_client(officer_a)
    client.get(INBOX)
    with CaptureQueriesContext(connection) as few:
        client.get(INBOX)
    cost = len(few.captured_queries)
    assert cost <= 12
    for n in range(10):
        submit(subject=f"More {n}")
    with django_assert_max_num_queries(cost):
        assert client.get(INBOX).status_code == 200


def test_bulk_acknowledge_asks_the_password_again_and_changes_nothing_without_it(verified_client, officer_a, submit):
    a, b = submit(), submit()
    client = verified_client(officer_a)
    response = client.post(INBOX, {"complaints": [a.tracking_number, b.tracking_number], "password": "wrong"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "That is not your password" in body and 'href="#id_password"' in body
    assert set(Complaint.objects.values_list("status", flat=True)) == {Status.ROUTED}


def test_bulk_acknowledge_reports_each_complaint_and_one_failure_does_not_hide_the_others(
    verified_client, officer_a, submit
):
    a, b, done = submit(), submit(), submit()
    work.complaint_acknowledge(complaint=done, actor=officer_a)
    client = verified_client(officer_a)
    response = client.post(
        INBOX,
        {
            "complaints": [a.tracking_number, done.tracking_number, "RB-0000-0000-0", b.tracking_number],
            "password": PASSWORD,
        },
    )
    assert response.status_code == 200
    results = response.content.decode().split('id="results"')[1].split("</div>")[0]
    assert Complaint.objects.get(pk=a.pk).status == Status.ACKNOWLEDGED
    assert Complaint.objects.get(pk=b.pk).status == Status.ACKNOWLEDGED
    assert results.count("Acknowledged.") == 2 and results.count("error-text") == 2
    assert Event.objects.filter(kind="complaints.acknowledged").count() == 3


# The work page


def test_officer_acknowledges_replies_and_resolves_from_the_work_page(verified_client, officer_a, citizen, submit):
    complaint = submit()
    client = verified_client(officer_a)
    assert 'id="acknowledge"' in client.get(_work(complaint)).content.decode()
    assert client.post(_work(complaint, "acknowledge")).status_code == 302
    client.post(_work(complaint, "message"), {"message-body": "We are sending a tanker."})
    client.post(_work(complaint, "note"), {"note-body": "Tanker booked for Tuesday."})
    response = client.post(
        _work(complaint, "resolve"), {"resolve-outcome": "relief_granted", "resolve-reasons": "Done"}
    )
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == Status.RESOLVED and complaint.outcome == "relief_granted"
    assert Message.objects.filter(complaint=complaint).count() == 2
    body = client.get(_work(complaint)).content.decode()
    assert "Tanker booked for Tuesday." in body and "Internal note" in body
    assert 'id="resolve"' not in body  # nothing more to resolve
    # the complainant reads the reply, never the note
    own = verified_client(citizen).get(reverse("complaints:detail", args=[complaint.tracking_number]))
    assert "We are sending a tanker." in own.content.decode() and "Tanker booked" not in own.content.decode()


def test_resolve_without_an_outcome_keeps_the_text_and_shows_the_error_next_to_the_field(
    verified_client, officer_a, submit
):
    complaint = submit()
    work.complaint_acknowledge(complaint=complaint, actor=officer_a)
    response = verified_client(officer_a).post(_work(complaint, "resolve"), {"resolve-reasons": "Pipe replaced"})
    body = response.content.decode()
    assert response.status_code == 400
    assert 'href="#id_resolve-outcome_0"' in body and "Choose the outcome." in body
    assert "Pipe replaced" in body
    assert Complaint.objects.get(pk=complaint.pk).status == Status.ACKNOWLEDGED


def test_transfer_to_an_unknown_office_is_an_error_on_that_field(verified_client, officer_a, submit):
    complaint = submit()
    response = verified_client(officer_a).post(
        _work(complaint, "transfer"), {"transfer-to_office": "NOPE", "transfer-reason": "Belongs elsewhere"}
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "There is no such active office." in body and 'href="#id_transfer-to_office"' in body
    assert "Belongs elsewhere" in body


def test_a_move_not_theirs_is_403_and_not_offered(verified_client, oversight, officer_a, submit):
    complaint = submit()
    work.complaint_acknowledge(complaint=complaint, actor=officer_a)
    client = verified_client(oversight)
    body = client.get(_work(complaint)).content.decode()
    assert 'id="resolve"' not in body and 'id="note"' in body  # oversight steers, does not resolve
    response = client.post(_work(complaint, "resolve"), {"resolve-outcome": "no_relief", "resolve-reasons": "x"})
    assert response.status_code == 403
    assert Complaint.objects.get(pk=complaint.pk).status == Status.ACKNOWLEDGED


def test_the_officer_cannot_reveal_an_identity(verified_client, officer_a, submit):
    complaint = submit(anonymity=Anonymity.IDENTITY_HIDDEN_FROM_OFFICE)
    client = verified_client(officer_a)
    assert 'id="reveal"' not in client.get(_work(complaint)).content.decode()
    response = client.post(_work(complaint, "reveal"), {"reveal-reason": "curious", "reveal-password": PASSWORD})
    assert response.status_code == 403 and not IdentityReveal.objects.exists()
    assert "Ayesha" not in response.content.decode()


def test_reveal_asks_a_reason_and_the_password_and_says_it_was_recorded(verified_client, oversight, submit):
    complaint = submit(anonymity=Anonymity.IDENTITY_HIDDEN_FROM_OFFICE)
    client = verified_client(oversight)
    response = client.post(_work(complaint, "reveal"), {"reveal-reason": "Threat report", "reveal-password": "no"})
    assert response.status_code == 400 and not IdentityReveal.objects.exists()
    body = response.content.decode()
    assert "That is not your password" in body and "Threat report" in body and "Ayesha" not in body
    response = client.post(_work(complaint, "reveal"), {"reveal-reason": "Threat report", "reveal-password": PASSWORD})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Ayesha Khan" in body and "citizen@example.pk" in body and "This reveal was recorded" in body
    assert IdentityReveal.objects.get().reason == "Threat report"
    assert Event.objects.filter(kind="complaints.identity_revealed").count() == 1


def test_responsibility_rating_is_offered_after_closure_and_recorded(verified_client, officer_a, citizen, submit):
    complaint = submit()
    work.complaint_acknowledge(complaint=complaint, actor=officer_a)
    client = verified_client(officer_a)
    assert 'id="rate"' not in client.get(_work(complaint)).content.decode()
    work.complaint_resolve(complaint=complaint, actor=officer_a, outcome="relief_granted", reasons="Fixed")
    feedback.feedback_give(complaint=complaint, actor=citizen, rating=5, satisfied=True)
    assert 'id="rate"' in client.get(_work(complaint)).content.decode()
    assert client.post(_work(complaint, "rate"), {"rate-rating": "genuine"}).status_code == 302
    assert ResponsibilityRating.objects.get(complaint=complaint).rating == "genuine"
    assert 'id="rate"' not in client.get(_work(complaint)).content.decode()  # once


def test_work_page_queries_do_not_grow_with_messages(verified_client, officer_a, submit, django_assert_max_num_queries):
    complaint = submit()
    client = verified_client(officer_a)
    client.post(_work(complaint, "message"), {"message-body": "First"})
    client.get(_work(complaint))
    with CaptureQueriesContext(connection) as first:
        client.get(_work(complaint))
    cost = len(first.captured_queries)  # read now: each request clears the connection's query log
    assert cost <= 30
    for n in range(5):
        client.post(_work(complaint, "message"), {"message-body": f"Reply {n}"})
        client.post(_work(complaint, "note"), {"note-body": f"Note {n}"})
    with django_assert_max_num_queries(cost):
        assert client.get(_work(complaint)).status_code == 200


# Supervisor and head of office


def test_escalations_list_what_landed_on_the_supervisor_and_the_offices_below(
    verified_client, world, supervisor_a, officer_a, submit
):
    escalated, plain = submit(subject="Escalated one"), _late(submit(subject="Plain late"))
    Complaint.objects.filter(pk=escalated.pk).update(escalated_to=world.head_a, escalation_level=1)
    old = submit(subject="Old one")
    Complaint.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=95))
    body = verified_client(supervisor_a).get("/en/complaints/escalations/").content.decode()
    escalated_part = body.split('id="escalated-title"')[1].split("</section>")[0]
    assert escalated.tracking_number in escalated_part and plain.tracking_number not in escalated_part
    offices = body.split('id="offices-title"')[1].split("</section>")[0]
    row = offices.split("LG-LHR")[0] if "LG-LHR" in offices else offices
    assert world.office_a.name in offices
    assert re.search(r"<td>3</td><td><span class=\"badge late\">1</span></td><td>1</td>", offices), row


def test_office_backlog_is_one_query(supervisor_a, submit):
    from rabta.complaints.selectors import office_backlog

    submit(), submit()
    with CaptureQueriesContext(connection) as queries:
        rows = office_backlog(user=supervisor_a)
    # visible_to reads the user's role assignments; the counts are one aggregate, whatever the offices
    assert len(queries.captured_queries) <= 3
    assert sum("COUNT(" in q["sql"].upper() for q in queries.captured_queries) == 1
    assert rows[0]["backlog"] == 2


def test_supervisor_decides_an_appeal_from_the_queue(verified_client, supervisor_a, officer_a, citizen, submit):
    complaint = submit()
    work.complaint_acknowledge(complaint=complaint, actor=officer_a)
    work.complaint_resolve(complaint=complaint, actor=officer_a, outcome="no_relief", reasons="Not ours")
    feedback.appeal_file(complaint=complaint, actor=citizen, reasons="It is theirs")
    client = verified_client(supervisor_a)
    queue = client.get("/en/complaints/escalations/").content.decode().split('id="appeals"')[1]
    assert complaint.tracking_number in queue.split("</section>")[0] and "Decide the appeal" in queue
    assert 'id="decide_appeal"' in client.get(_work(complaint)).content.decode()
    response = client.post(
        _work(complaint, "decide_appeal"), {"decide_appeal-decision": "relief_granted", "decide_appeal-reasons": "Ours"}
    )
    assert response.status_code == 302
    assert complaint.appeals.get().decided_at is not None
    # the officer who resolved it is never offered the decision
    assert 'id="decide_appeal"' not in verified_client(officer_a).get(_work(complaint)).content.decode()


def test_decision_review_assign_and_decide_from_the_queue(verified_client, world, citizen, supervisor_a):
    review = reviews.decision_review_file(
        applicant=citizen,
        decision_type="penalty",
        decision_reference="PN-1",
        decision_office=world.office_a,
        decision_maker_rank=17,
        reasons="The penalty ignored my reply",
    )
    post = Post.objects.create(office=world.head_a, title="Director", rank=20)
    client = verified_client(supervisor_a)
    url = reverse("complaints:review_act", args=[review.reference, "assign"])
    response = client.post(
        url, {f"assign-{review.pk}-reviewer": "nobody@example.pk", f"assign-{review.pk}-post": post.pk}
    )
    assert response.status_code == 400 and "nobody@example.pk" in response.content.decode()
    response = client.post(
        url, {f"assign-{review.pk}-reviewer": supervisor_a.email, f"assign-{review.pk}-post": post.pk}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    decide = reverse("complaints:review_act", args=[review.reference, "decide"])
    response = client.post(decide, {f"decide-{review.pk}-result": "varied", f"decide-{review.pk}-reasons": "Reduced"})
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.result == "varied" and review.reviewer_id == supervisor_a.pk


# Oversight


def test_oversight_searches_its_government_and_sees_the_pending_list(verified_client, oversight, categories, submit):
    lahore = submit(subject="Water in Lahore")
    old = submit(subject="Old water complaint")
    Complaint.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=120))
    client = verified_client(oversight)
    body = client.get("/en/complaints/oversight/", {"search": lahore.tracking_number}).content.decode()
    found = body.split('id="search-title"')[1].split("</section>")[0]
    assert lahore.tracking_number in found and old.tracking_number not in found
    pending = body.split('id="pending-title"')[1].split("</section>")[0]
    assert old.tracking_number in pending and lahore.tracking_number not in pending


def test_oversight_closes_an_officer_audit_and_decides_a_standing_appeal(
    verified_client, oversight, officer_a, citizen, submit
):
    complaint = submit()
    work.complaint_acknowledge(complaint=complaint, actor=officer_a)
    work.complaint_resolve(complaint=complaint, actor=officer_a, outcome="no_relief", reasons="No")
    feedback.complaint_reopen(complaint=complaint, actor=citizen, reason="Still broken")
    audit = OfficerAudit.objects.get()
    client = verified_client(oversight)
    body = client.get("/en/complaints/oversight/").content.decode()
    assert f'id="audit-{audit.pk}"' in body
    url = reverse("complaints:audit_close", args=[audit.pk])
    response = client.post(url, {f"audit-{audit.pk}-finding": "sound"})
    assert response.status_code == 400 and f'href="#id_audit-{audit.pk}-notes"' in response.content.decode()
    assert (
        client.post(url, {f"audit-{audit.pk}-finding": "sound", f"audit-{audit.pk}-notes": "Fine"}).status_code == 302
    )
    assert OfficerAudit.objects.get().status == "closed"

    for rated in [submit(subject=f"Nonsense {n}") for n in range(3)]:
        work.complaint_reject(complaint=rated, actor=officer_a, reason="abusive", explanation="Abuse")
        accountability.complaint_rate_responsibility(complaint=rated, actor=officer_a, rating="abusive")
    accountability.standing_appeal_file(user=citizen, text="Those were real")
    body = client.get("/en/complaints/oversight/").content.decode()
    assert f'id="standing-{citizen.pk}"' in body
    url = reverse("complaints:standing_decide", args=[citizen.pk])
    response = client.post(url, {f"standing-{citizen.pk}-granted": "yes", f"standing-{citizen.pk}-reasons": "Agreed"})
    assert response.status_code == 302
    citizen.standing.refresh_from_db()
    assert citizen.standing.appeal_open is False and citizen.standing.appeal_granted is True


# A hidden complainant's identity never reaches a staff page


def test_no_staff_page_ever_shows_a_hidden_complainants_identity(
    verified_client, world, officer_a, supervisor_a, citizen, submit
):
    citizen.phone = "+923001234567"
    citizen.save(update_fields=["phone"])
    hidden = submit(
        anonymity=Anonymity.IDENTITY_HIDDEN_FROM_OFFICE,
        text="Ayesha Khan here, call 0300-1234567 or citizen@example.pk: no water in Gulberg.",
    )
    Complaint.objects.filter(pk=hidden.pk).update(
        escalated_to=world.head_a, escalation_level=1, created_at=timezone.now() - timedelta(days=100)
    )
    client = verified_client(officer_a)
    client.post(_work(hidden, "acknowledge"))
    verified_client(citizen).post(
        reverse("complaints:message", args=[hidden.tracking_number]), {"body": "Ayesha Khan again, 03001234567"}
    )
    secrets = ("Ayesha", "Khan", "citizen@example.pk", "1234567", "3001234567")
    pages = []
    for user in (officer_a, supervisor_a):
        staff = verified_client(user)
        for url in (
            INBOX,
            _work(hidden),
            "/en/complaints/escalations/",
            "/ur/complaints/inbox/",
            f"/ur{_work(hidden)[3:]}",
        ):
            response = staff.get(url)
            if response.status_code == 200:
                pages.append((user, url, response.content.decode()))
        # a refused form sent back is a page too
        pages.append((user, "resolve", staff.post(_work(hidden, "resolve"), {}).content.decode()))
    assert len(pages) >= 10
    for user, url, body in pages:
        assert (
            hidden.tracking_number in body
            or url == "resolve"
            or (user, url) == (officer_a, "/en/complaints/escalations/")
        )
        for secret in secrets:
            assert secret not in body, (user, url, secret)


def test_inbox_filters_by_office_from_the_supervisors_office_table(verified_client, world, supervisor_a, submit):
    complaint = submit()
    client = verified_client(supervisor_a)
    table = client.get("/en/complaints/escalations/").content.decode().split('id="offices-title"')[1]
    assert f"?office={world.office_a.code}" in table
    assert complaint.tracking_number in client.get(INBOX, {"office": world.office_a.code}).content.decode()
    assert complaint.tracking_number not in client.get(INBOX, {"office": world.head_a.code}).content.decode()
