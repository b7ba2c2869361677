"""Decision reviews through the API and the admin: the lifecycle, who may read and act, every
refusal with its code (and nothing written), the overdue flag."""

import json
import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from rabta.accounts.models import User
from rabta.core.models import Event
from rabta.directory.models import Post
from rabta.notifications.models import Outbox
from rabta.reviews.models import DecisionReview

pytestmark = pytest.mark.django_db

REFERENCE = re.compile(r"DR-[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]")


def api(client, method, path="", body=None):
    url = f"/api/reviews{path}"
    if body is None:
        return getattr(client, method)(url)
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


def filing(**overrides):
    """A penalty imposed by office A (Local Government Lahore) at BPS 18."""
    body = {
        "decision_type": "penalty",
        "decision_reference": "PEN-2026-114",
        "decision_office": "PB-LG-LHR",
        "decision_maker_rank": 18,
        "reasons": "The shop was closed on the day of the alleged violation; the penalty is misdirected.",
        "declaration_number": "khi-hc-123",
    }
    body.update(overrides)
    return {key: value for key, value in body.items() if value is not None}


@pytest.fixture
def posts(world, officer_b):
    """A senior post above office A (same line), a junior one there, and a post in Sindh (another line)."""
    return type(
        "Posts",
        (),
        {
            "senior": Post.objects.create(office=world.head_a, title="Director General", rank=20),
            "junior_same_line": Post.objects.create(office=world.head_a, title="Deputy Director", rank=17),
            "independent": Post.objects.create(office=world.office_b, title="Adjudication officer", rank=16),
        },
    )


@pytest.fixture
def filed(verified_client, citizen, world):
    client = verified_client(citizen)
    response = api(client, "post", "", filing())
    assert response.status_code == 201, response.content
    client.logout()
    return response.json()["reference"]


@pytest.fixture
def assigned(verified_client, filed, supervisor_a, posts):
    """Given to supervisor A at the senior post."""
    client = verified_client(supervisor_a)
    response = api(client, "post", f"/{filed}/assign", {"reviewer": supervisor_a.email, "post": posts.senior.pk})
    assert response.status_code == 200, response.content
    client.logout()
    return filed


def review(reference):
    return DecisionReview.objects.get(reference=reference)


def snapshot(reference):
    row = review(reference)
    events = Event.objects.filter(subject_type="reviews.decisionreview", subject_id=str(row.pk)).count()
    return (row.reviewer_id, row.reviewer_post_id, row.result, row.result_reasons, row.decided_at, events)


# --- the lifecycle -------------------------------------------------------------------------------


def test_applicant_files_supervisor_assigns_reviewer_decides_and_applicant_reads_result_and_timeline(
    verified_client, citizen, supervisor_a, posts
):
    # Given a trader files a review of a penalty
    client = verified_client(citizen)
    response = api(client, "post", "", filing())
    assert response.status_code == 201, response.content
    filed = response.json()
    reference = filed["reference"]
    assert REFERENCE.fullmatch(reference)
    assert "id" not in filed  # the sequential row id is never shown
    assert filed["status"] == "filed" and filed["overdue"] is False
    assert filed["declaration_number"] == "KHI-HC-123"
    assert filed["decision_office"] == "PB-LG-LHR"

    # When the supervisor of the line assigns a senior reviewer
    client = verified_client(supervisor_a)
    response = api(client, "post", f"/{reference}/assign", {"reviewer": supervisor_a.email, "post": posts.senior.pk})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "assigned"
    assert response.json()["reviewer_rank"] == 20

    # And the reviewer decides, with reasons
    response = api(
        client, "post", f"/{reference}/decide", {"result": "set_aside", "reasons": "The shop was shut that day."}
    )
    assert response.status_code == 200, response.content

    # Then the applicant sees the result, its reasons and the reviewer's post, not the reviewer's name
    client = verified_client(citizen)
    seen = api(client, "get", f"/{reference}").json()
    assert (seen["status"], seen["result"], seen["result_reasons"]) == (
        "decided",
        "set_aside",
        "The shop was shut that day.",
    )
    assert seen["decided_at"] is not None
    assert seen["reviewer_post"] == "Director General" and seen["reviewer_office"] == posts.senior.office.name
    assert seen["reviewer_name"] is None

    # And the timeline, with staff shown as "office"
    timeline = api(client, "get", f"/{reference}/timeline").json()
    assert [(e["kind"], e["actor"]) for e in timeline] == [
        ("complaints.decision_review_filed", "applicant"),
        ("complaints.decision_review_assigned", "office"),
        ("complaints.decision_review_decided", "office"),
    ]
    assert timeline[-1]["to_state"] == "set_aside" and timeline[-1]["reason"] == "The shop was shut that day."


def test_staff_see_who_acted_on_the_timeline(verified_client, assigned, supervisor_a):
    timeline = api(verified_client(supervisor_a), "get", f"/{assigned}/timeline").json()
    assert [e["actor"] for e in timeline] == ["applicant", "Supervisor over A"]


def test_applicant_is_notified_in_their_language_when_the_review_is_decided(
    verified_client, assigned, supervisor_a, citizen
):
    assert not Outbox.objects.filter(user=citizen, template="decision_review_decided").exists()
    response = api(
        verified_client(supervisor_a), "post", f"/{assigned}/decide", {"result": "upheld", "reasons": "Proper."}
    )
    assert response.status_code == 200, response.content
    email = Outbox.objects.get(user=citizen, template="decision_review_decided", channel=Outbox.Channel.EMAIL)
    assert email.subject == f"Decision review {assigned} decided"
    assert "PEN-2026-114" in email.body and "Upheld" in email.body


def test_an_urdu_speaking_applicant_is_notified_in_urdu(verified_client, assigned, supervisor_a, citizen):
    citizen.preferred_language = "ur"
    citizen.save(update_fields=["preferred_language"])
    api(verified_client(supervisor_a), "post", f"/{assigned}/decide", {"result": "set_aside", "reasons": "Void."})
    email = Outbox.objects.get(user=citizen, template="decision_review_decided", channel=Outbox.Channel.EMAIL)
    assert email.language == "ur" and assigned in email.subject
    assert "Decision review" not in email.subject and "Set aside" not in email.body


def test_the_supervisor_may_hand_an_undecided_review_to_another_reviewer(
    verified_client, assigned, supervisor_a, officer_b, posts
):
    client = verified_client(supervisor_a)
    response = api(client, "post", f"/{assigned}/assign", {"reviewer": str(officer_b.pk), "post": posts.independent.pk})
    assert response.status_code == 200, response.content
    assert review(assigned).reviewer == officer_b
    # The former reviewer may no longer decide
    response = api(client, "post", f"/{assigned}/decide", {"result": "upheld", "reasons": "r"})
    assert response.status_code == 403
    assert response.json()["code"] == "not_allowed"


# --- who may read --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        (None, 401),
        ("citizen", 200),
        ("other_citizen", 404),
        ("officer_a", 200),
        ("officer_b", 404),
        ("supervisor_a", 200),
        ("oversight", 200),
        ("administrator", 404),
    ],
)
def test_permission_matrix_for_reading_a_review(verified_client, filed, personas, persona, expected):
    client = verified_client(getattr(personas, persona)) if persona else Client()
    for path in (f"/{filed}", f"/{filed}/timeline"):
        response = api(client, "get", path)
        assert response.status_code == expected, path
        if expected == 404:
            assert response.json()["code"] == "not_found"


def test_list_holds_only_the_reviews_in_each_readers_scope(verified_client, personas, filed, world):
    # A second review, of a customs decision: Punjab's staff and oversight are not its line.
    client = verified_client(personas.other_citizen)
    other = api(client, "post", "", filing(decision_type="valuation", decision_office="FED-CUS-APP-KHI")).json()
    expected = {
        "citizen": [filed],
        "other_citizen": [other["reference"]],
        "officer_a": [filed],
        "supervisor_a": [filed],
        "oversight": [filed],
        "officer_b": [],
        "administrator": [],
    }
    for persona, references in expected.items():
        rows = api(verified_client(getattr(personas, persona)), "get").json()
        assert [row["reference"] for row in rows] == references, persona


def test_list_is_newest_first_and_filters_by_type_and_status(verified_client, citizen, supervisor_a, posts):
    client = verified_client(citizen)
    first = api(client, "post", "", filing()).json()["reference"]
    second = api(client, "post", "", filing(decision_type="classification")).json()["reference"]
    assert [r["reference"] for r in api(client, "get").json()] == [second, first]
    assert [r["reference"] for r in api(client, "get", "?decision_type=classification").json()] == [second]
    api(
        verified_client(supervisor_a),
        "post",
        f"/{first}/assign",
        {"reviewer": supervisor_a.email, "post": posts.senior.pk},
    )
    client = verified_client(citizen)
    assert [r["reference"] for r in api(client, "get", "?status=assigned").json()] == [first]
    assert [r["reference"] for r in api(client, "get", "?status=filed").json()] == [second]
    assert api(client, "get", "?status=decided").json() == []
    api(verified_client(supervisor_a), "post", f"/{first}/decide", {"result": "upheld", "reasons": "Sound."})
    client = verified_client(citizen)
    assert [r["reference"] for r in api(client, "get", "?status=decided").json()] == [first]
    assert api(client, "get", "?status=assigned").json() == []
    assert api(client, "get", "?status=lost").status_code == 422


def test_an_assigned_reviewer_from_another_line_may_read_and_decide(
    verified_client, filed, supervisor_a, officer_b, posts
):
    client = verified_client(officer_b)
    assert api(client, "get", f"/{filed}").status_code == 404
    api(
        verified_client(supervisor_a),
        "post",
        f"/{filed}/assign",
        {"reviewer": officer_b.email, "post": posts.independent.pk},
    )
    client = verified_client(officer_b)
    assert [row["reference"] for row in api(client, "get").json()] == [filed]
    response = api(client, "post", f"/{filed}/decide", {"result": "varied", "reasons": "Reduced to the minimum."})
    assert response.status_code == 200, response.content
    assert review(filed).result == "varied"


def test_list_query_count_does_not_grow_with_the_page(
    verified_client, citizen, supervisor_a, posts, django_assert_num_queries
):
    client = verified_client(citizen)
    reference = api(client, "post", "", filing()).json()["reference"]
    client = verified_client(supervisor_a)
    api(client, "post", f"/{reference}/assign", {"reviewer": supervisor_a.email, "post": posts.senior.pk})
    with django_assert_num_queries(5) as one_row:  # session, user, roles (middleware), scope, page
        assert len(api(client, "get").json()) == 1
    one_row_count = len(one_row.captured_queries)  # read now: the next request clears the query log
    client = verified_client(citizen)
    for _ in range(4):
        api(client, "post", "", filing())
    client = verified_client(supervisor_a)
    with django_assert_num_queries(one_row_count):
        assert len(api(client, "get").json()) == 5


# --- who may act ---------------------------------------------------------------------------------


def test_only_applicants_file_reviews(verified_client, officer_a, world):
    assert api(Client(), "post", "", filing()).status_code == 401
    response = api(verified_client(officer_a), "post", "", filing())
    assert response.status_code == 403 and response.json()["code"] == "not_allowed"
    assert not DecisionReview.objects.exists()


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("supervisor_a", 200),  # the decision office's line
        ("oversight", 200),  # its government
        ("officer_a", 403),  # the decision office itself: its own decision is under review
        ("citizen", 403),  # the applicant
        ("officer_b", 404),
        ("other_citizen", 404),
        ("administrator", 404),
    ],
)
def test_who_may_assign_a_reviewer(verified_client, filed, personas, posts, persona, expected):
    before = snapshot(filed)
    client = verified_client(getattr(personas, persona))
    body = {"reviewer": personas.supervisor_a.email, "post": posts.senior.pk}
    response = api(client, "post", f"/{filed}/assign", body)
    assert response.status_code == expected, response.content
    if expected == 200:
        assert review(filed).reviewer == personas.supervisor_a
    else:
        assert snapshot(filed) == before


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("officer_a", 403),
        ("oversight", 403),
        ("citizen", 403),
        ("officer_b", 404),
        ("other_citizen", 404),
        ("administrator", 404),
    ],
)
def test_only_the_assigned_reviewer_decides(verified_client, assigned, personas, persona, expected):
    before = snapshot(assigned)
    response = api(
        verified_client(getattr(personas, persona)), "post", f"/{assigned}/decide", {"result": "upheld", "reasons": "r"}
    )
    assert response.status_code == expected
    assert response.json()["code"] == {403: "not_allowed", 404: "not_found"}[expected]
    assert snapshot(assigned) == before


def test_a_review_with_no_reviewer_yet_cannot_be_decided(verified_client, filed, supervisor_a):
    response = api(verified_client(supervisor_a), "post", f"/{filed}/decide", {"result": "upheld", "reasons": "r"})
    assert response.status_code == 403 and review(filed).decided_at is None


# --- bad input: a code, and nothing written ------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"reasons": None}, "reasons", "reason_required"),
        ({"reasons": "   "}, "reasons", "reason_required"),
        ({"decision_maker_rank": 0}, "decision_maker_rank", "rank_out_of_range"),
        ({"decision_maker_rank": 23}, "decision_maker_rank", "rank_out_of_range"),
        ({"decision_office": "NOWHERE"}, "decision_office", "office_unknown"),
        ({"decision_reference": " "}, "decision_reference", "decision_reference_required"),
        ({"decision_reference": "X" * 61}, "decision_reference", "decision_reference_too_long"),
        ({"declaration_number": "9" * 41}, "declaration_number", "declaration_number_too_long"),
    ],
)
def test_bad_filing_is_a_field_error_and_files_nothing(verified_client, citizen, world, overrides, field, code):
    response = api(verified_client(citizen), "post", "", filing(**overrides))
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "validation_error"
    assert response.json()["fields"][field][0]["code"] == code
    assert not DecisionReview.objects.exists()
    assert not Event.objects.filter(subject_type="reviews.decisionreview").exists()


def test_an_unknown_decision_type_is_a_schema_error_naming_the_field(verified_client, citizen, world):
    # The schema lists the decision types (issue 16, item 17), so a bad one is refused before the service.
    response = api(verified_client(citizen), "post", "", filing(decision_type="tariff"))
    assert response.status_code == 422, response.content
    assert response.json()["fields"]["decision_type"][0]["code"] == "enum"
    assert not DecisionReview.objects.exists()


def test_a_rank_that_is_not_a_number_is_a_schema_error(verified_client, citizen, world):
    response = api(verified_client(citizen), "post", "", filing(decision_maker_rank="senior"))
    assert response.status_code == 422
    assert "decision_maker_rank" in response.json()["fields"]
    assert not DecisionReview.objects.exists()


def test_assigning_a_reviewer_neither_senior_nor_independent_is_refused(verified_client, filed, supervisor_a, posts):
    before = snapshot(filed)
    response = api(
        verified_client(supervisor_a),
        "post",
        f"/{filed}/assign",
        {"reviewer": supervisor_a.email, "post": posts.junior_same_line.pk},
    )
    assert response.status_code == 400
    assert response.json()["fields"]["reviewer"][0]["code"] == "review_reviewer_not_senior"
    assert snapshot(filed) == before


@pytest.mark.parametrize(
    ("reviewer", "post", "field", "code"),
    [
        ("supervisor.a@gov.pk", 999_999, "post", "post_unknown"),
        ("nobody@gov.pk", "senior", "reviewer", "review_reviewer_unknown"),
        ("not an email", "senior", "reviewer", "review_reviewer_unknown"),
        # officer B works in Sindh, not at the senior post's office
        ("officer.b@gov.pk", "senior", "reviewer", "review_reviewer_unknown"),
        # the applicant holds no post anywhere
        ("citizen@example.pk", "senior", "reviewer", "review_reviewer_unknown"),
    ],
)
def test_assigning_an_unknown_post_or_reviewer_is_refused(
    verified_client, filed, supervisor_a, officer_b, posts, reviewer, post, field, code
):
    before = snapshot(filed)
    post_id = posts.senior.pk if post == "senior" else post
    response = api(verified_client(supervisor_a), "post", f"/{filed}/assign", {"reviewer": reviewer, "post": post_id})
    assert response.status_code == 400, response.content
    assert response.json()["fields"][field][0]["code"] == code
    assert snapshot(filed) == before


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"result": "upheld"}, "reasons", "reason_required"),
        ({"result": "upheld", "reasons": " "}, "reasons", "reason_required"),
    ],
)
def test_bad_decision_is_a_field_error_and_decides_nothing(verified_client, assigned, supervisor_a, body, field, code):
    before = snapshot(assigned)
    response = api(verified_client(supervisor_a), "post", f"/{assigned}/decide", body)
    assert response.status_code == 400
    assert response.json()["fields"][field][0]["code"] == code
    assert snapshot(assigned) == before


def test_an_unknown_result_is_a_schema_error_naming_the_field(verified_client, assigned, supervisor_a):
    before = snapshot(assigned)
    response = api(verified_client(supervisor_a), "post", f"/{assigned}/decide", {"result": "quashed", "reasons": "r"})
    assert (response.status_code, response.json()["fields"]["result"][0]["code"]) == (422, "enum")
    assert snapshot(assigned) == before


def test_a_review_is_decided_once_and_then_cannot_be_reassigned(verified_client, assigned, supervisor_a, posts):
    client = verified_client(supervisor_a)
    assert api(client, "post", f"/{assigned}/decide", {"result": "upheld", "reasons": "Sound."}).status_code == 200
    before = snapshot(assigned)
    second = api(client, "post", f"/{assigned}/decide", {"result": "set_aside", "reasons": "Changed my mind."})
    assert second.status_code == 409 and second.json()["code"] == "transition_not_allowed"
    again = api(client, "post", f"/{assigned}/assign", {"reviewer": supervisor_a.email, "post": posts.senior.pk})
    assert again.status_code == 409 and again.json()["code"] == "transition_not_allowed"
    assert snapshot(assigned) == before
    assert review(assigned).result == "upheld"


# --- deadlines -----------------------------------------------------------------------------------


def test_an_undecided_review_past_its_due_date_is_overdue_until_decided(verified_client, assigned, supervisor_a):
    client = verified_client(supervisor_a)
    due_at = review(assigned).due_at
    assert due_at > timezone.now() + timedelta(days=30)  # 30 business days
    assert api(client, "get", f"/{assigned}").json()["overdue"] is False
    # Sessions expire over six weeks: sign in again at each moment.
    with time_machine.travel(due_at - timedelta(minutes=1), tick=False):
        client = verified_client(supervisor_a)
        assert api(client, "get", f"/{assigned}").json()["overdue"] is False
        assert api(client, "get", "?overdue=true").json() == []
    with time_machine.travel(due_at + timedelta(minutes=1), tick=False):
        client = verified_client(supervisor_a)
        assert api(client, "get", f"/{assigned}").json()["overdue"] is True
        assert [r["reference"] for r in api(client, "get", "?overdue=true").json()] == [assigned]
        assert api(client, "get", "?overdue=false").json() == []
        api(client, "post", f"/{assigned}/decide", {"result": "upheld", "reasons": "Late but sound."})
        assert api(client, "get", f"/{assigned}").json()["overdue"] is False
        assert api(client, "get", "?overdue=true").json() == []


# --- the admin -----------------------------------------------------------------------------------

ADMIN = "/en/admin/reviews/decisionreview/"


@pytest.fixture
def superuser(world):
    return User.objects.create_superuser(email="root@gov.pk", password="correct-horse-battery-staple", full_name="Root")


def admin_form(row, **changes):
    data = {
        "reviewer": row.reviewer_id or "",
        "reviewer_post": row.reviewer_post_id or "",
        "result": row.result,
        "result_reasons": row.result_reasons,
    }
    data.update(changes)
    return data


def test_admin_lists_filters_and_searches_reviews(verified_client, superuser, filed):
    client = verified_client(superuser)
    for query in ("", "?decision_type__exact=penalty", "?result__exact=upheld", "?overdue=yes", "?overdue=no"):
        assert client.get(ADMIN + query).status_code == 200, query
    assert filed in client.get(ADMIN + f"?q={filed}").content.decode()
    assert filed in client.get(ADMIN + "?q=KHI-HC-123").content.decode()
    assert filed not in client.get(ADMIN + "?overdue=yes").content.decode()
    assert client.get(ADMIN + "add/").status_code == 403


def test_admin_assigns_through_the_service_and_refuses_a_junior_reviewer(
    verified_client, superuser, filed, supervisor_a, posts
):
    client = verified_client(superuser)
    row = review(filed)
    url = f"{ADMIN}{row.pk}/change/"
    before = snapshot(filed)
    response = client.post(url, admin_form(row, reviewer=supervisor_a.pk, reviewer_post=posts.junior_same_line.pk))
    assert response.status_code == 200  # the form again, with the error
    assert "senior to, or independent of" in response.content.decode()
    assert snapshot(filed) == before
    response = client.post(url, admin_form(row, reviewer=supervisor_a.pk, reviewer_post=posts.senior.pk))
    assert response.status_code == 302
    row = review(filed)
    assert (row.reviewer, row.reviewer_post) == (supervisor_a, posts.senior)
    assert Event.objects.filter(kind="complaints.decision_review_assigned", subject_id=str(row.pk)).count() == 1


def test_admin_decision_needs_the_reviewer_and_reasons(verified_client, superuser, assigned, supervisor_a):
    row = review(assigned)
    url = f"{ADMIN}{row.pk}/change/"
    before = snapshot(assigned)
    # A superuser who is not the reviewer cannot decide
    response = verified_client(superuser).post(url, admin_form(row, result="upheld", result_reasons="Sound."))
    assert response.status_code == 200 and "Only the assigned reviewer decides" in response.content.decode()
    assert snapshot(assigned) == before
    # The reviewer (given admin access here) must give reasons
    supervisor_a.is_staff = supervisor_a.is_superuser = True
    supervisor_a.save(update_fields=["is_staff", "is_superuser"])
    client = verified_client(supervisor_a)
    response = client.post(url, admin_form(row, result="upheld", result_reasons=""))
    assert response.status_code == 200 and "A decision must give its reasons" in response.content.decode()
    assert snapshot(assigned) == before
    assert client.post(url, admin_form(row, result="upheld", result_reasons="Sound.")).status_code == 302
    assert (review(assigned).result, review(assigned).result_reasons) == ("upheld", "Sound.")
    # Once decided, the decision is read-only
    page = client.get(url).content.decode()
    assert 'name="result"' not in page and 'name="result_reasons"' not in page
