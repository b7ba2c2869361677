"""The API with the shared personas: who sees what, and that a hidden identity never leaks."""

import io
import json
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from PIL import Image
from pypdf import PdfWriter

from rabta.complaints.models import Complaint

pytestmark = pytest.mark.django_db


def api(client, method, path, body=None, **headers):
    kwargs = {"content_type": "application/json", **headers}
    data = json.dumps(body) if body is not None else None
    return (
        getattr(client, method)(f"/api/complaints{path}", data, **kwargs)
        if data
        else getattr(client, method)(f"/api/complaints{path}", **headers)
    )


@pytest.fixture
def lodged(client, citizen, categories):
    client.force_login(citizen)
    response = api(
        client,
        "post",
        "",
        {
            "category": "PB-MUN-WATER",
            "jurisdiction": "PK-PB-LHR",
            "subject": "No water",
            "text": "Ayesha Khan: no water for a week. Call 03001234567.",
        },
        HTTP_IDEMPOTENCY_KEY="k-1",
    )
    assert response.status_code == 201, response.content
    client.logout()
    return response.json()["tracking_number"]


def test_submit_is_idempotent_over_http(client, citizen, categories):
    client.force_login(citizen)
    body = {"category": "PB-MUN-WATER", "jurisdiction": "PK-PB-LHR", "subject": "s", "text": "t"}
    first = api(client, "post", "", body, HTTP_IDEMPOTENCY_KEY="same")
    second = api(client, "post", "", body, HTTP_IDEMPOTENCY_KEY="same")
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["tracking_number"] == second.json()["tracking_number"]
    assert Complaint.objects.count() == 1


def test_bad_submission_is_a_field_error_in_the_one_format(client, citizen, categories):
    client.force_login(citizen)
    response = api(client, "post", "", {"category": "NOPE", "jurisdiction": "PK-PB-LHR", "subject": "s", "text": "t"})
    assert response.status_code == 400
    assert response.json()["fields"]["category"][0]["code"] == "category_unknown"


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
def test_permission_matrix_for_reading_a_complaint(request, verified_client, lodged, personas, persona, expected):
    client = verified_client(getattr(personas, persona)) if persona else Client()
    for path in (f"/{lodged}", f"/{lodged}/timeline", f"/{lodged}/messages"):
        assert api(client, "get", path).status_code == expected, path


def test_inbox_lists_only_what_the_officer_may_see(
    verified_client, lodged, personas, submit, django_assert_num_queries
):
    client = verified_client(personas.officer_a)
    with django_assert_num_queries(5) as one_row:
        rows = api(client, "get", "?limit=50").json()
    assert [row["tracking_number"] for row in rows] == [lodged]
    for _ in range(5):
        submit()
    # The query count does not grow with the rows on the page (no query per row).
    with django_assert_num_queries(len(one_row.captured_queries)):
        assert len(api(client, "get", "?limit=50").json()) == 6
    assert api(verified_client(personas.officer_b), "get", "").json() == []


def test_inbox_pages_on_by_tracking_number(verified_client, lodged, personas, submit):
    later = [submit().tracking_number for _ in range(2)]  # newest first: later[1], later[0], lodged
    client = verified_client(personas.officer_a)

    first = api(client, "get", "?limit=2")
    assert [row["tracking_number"] for row in first.json()] == [later[1], later[0]]
    assert first["X-Next-Before"] == later[0]

    rest = api(client, "get", f"?limit=2&before={later[0]}")
    assert [row["tracking_number"] for row in rest.json()] == [lodged]
    assert "X-Next-Before" not in rest  # the last page says so by having no next

    # Another office's complaint is no cursor: the same answer as a number that does not exist.
    theirs = api(verified_client(personas.officer_b), "get", f"?before={lodged}")
    nowhere = api(verified_client(personas.officer_b), "get", "?before=RB-2222-2222-2")
    for response in (theirs, nowhere):
        assert response.status_code == 400
        assert response.json()["fields"]["before"][0]["code"] == "cursor_unknown"


def test_long_pending_complaints_are_listed_by_name_to_staff_in_scope(verified_client, personas, submit):
    with time_machine.travel(timezone.now() - timedelta(days=95), tick=False):
        old = submit(anonymity="identity_hidden_from_office")
    submit()

    rows = api(verified_client(personas.officer_a), "get", "/pending-long").json()
    assert [(row["tracking_number"], row["days_pending"]) for row in rows] == [(old.tracking_number, 95)]
    assert set(rows[0]) == {
        "tracking_number", "status", "priority", "category", "office", "office_name",
        "created_at", "days_pending", "resolve_due_at", "escalation_level",
    }  # fmt: skip  # nothing about the complainant, whatever the tier
    assert api(verified_client(personas.supervisor_a), "get", "/pending-long").json() == rows
    assert api(verified_client(personas.officer_a), "get", "/pending-long?days=100").json() == []
    assert api(verified_client(personas.officer_b), "get", "/pending-long").json() == []

    assert api(verified_client(personas.citizen), "get", "/pending-long").status_code == 403
    bad = api(verified_client(personas.officer_a), "get", "/pending-long?days=0")
    assert (bad.status_code, bad.json()["fields"]["days"][0]["code"]) == (400, "days_out_of_range")


def test_long_pending_list_query_count_does_not_grow_with_the_page(
    verified_client, personas, submit, django_assert_num_queries
):
    long_ago = timezone.now() - timedelta(days=95)
    with time_machine.travel(long_ago, tick=False):
        submit()
    client = verified_client(personas.officer_a)
    # session, user, second factor, roles (middleware), scope, page
    with django_assert_num_queries(6) as one_row:
        assert len(api(client, "get", "/pending-long").json()) == 1
    one_row_count = len(one_row.captured_queries)  # read now: the next request clears the query log
    with time_machine.travel(long_ago, tick=False):
        for _ in range(4):
            submit()
    with django_assert_num_queries(one_row_count):
        assert len(api(client, "get", "/pending-long").json()) == 5


def test_only_the_office_can_act_and_forbidden_moves_are_409(verified_client, lodged, personas):
    citizen = verified_client(personas.citizen)
    assert api(citizen, "post", f"/{lodged}/acknowledge").status_code == 403
    officer = verified_client(personas.officer_a)
    assert api(officer, "post", f"/{lodged}/acknowledge").json()["status"] == "acknowledged"
    assert api(officer, "post", f"/{lodged}/acknowledge").status_code == 409
    officer_b = verified_client(personas.officer_b)
    assert api(officer_b, "post", f"/{lodged}/resolve", {"outcome": "relief_granted"}).status_code == 404


def test_two_way_messages_and_internal_notes(verified_client, lodged, personas):
    officer = verified_client(personas.officer_a)
    assert api(officer, "post", f"/{lodged}/messages", {"body": "We are checking the main line."}).status_code == 201
    assert api(officer, "post", f"/{lodged}/notes", {"body": "Supervisor to call WASA"}).status_code == 201
    citizen = verified_client(personas.citizen)
    bodies = [m["body"] for m in api(citizen, "get", f"/{lodged}/messages").json()]
    assert "We are checking the main line." in bodies
    assert "Supervisor to call WASA" not in bodies


@pytest.mark.parametrize("tier", ["identity_hidden_from_office", "fully_anonymous"])
def test_hidden_identity_never_reaches_any_office_facing_response(verified_client, personas, categories, tier):
    citizen = personas.citizen
    citizen.phone = "+923001234567"
    citizen.save(update_fields=["phone"])
    client = verified_client(citizen)
    path = "/anonymous" if tier == "fully_anonymous" else ""
    body = {
        "category": "PB-MUN-WATER",
        "jurisdiction": "PK-PB-LHR",
        "subject": "Ayesha Khan: no water",
        "text": "My name is Ayesha Khan, reach me at citizen@example.pk or 0300 1234567.",
        "anonymity": tier,
    }
    number = api(client, "post", path, body).json()["tracking_number"]
    if tier != "fully_anonymous":
        api(client, "post", f"/{number}/messages", {"body": "Ayesha here again, still no water."})
    secrets = ["Ayesha", "Khan", "citizen@example.pk", "3001234567"]
    for persona in ("officer_a", "supervisor_a", "oversight"):
        office = verified_client(getattr(personas, persona))
        for response in (
            api(office, "get", f"/{number}"),
            api(office, "get", f"/{number}/timeline"),
            api(office, "get", f"/{number}/messages"),
            api(office, "get", ""),
        ):
            assert response.status_code == 200
            text = response.content.decode()
            for secret in secrets:
                assert secret not in text, (persona, secret, response.request["PATH_INFO"])
        # Nor can a search for the name tell the office which complaint is hers.
        assert api(office, "get", "?search=Ayesha").json() == [], persona
        assert [c["tracking_number"] for c in api(office, "get", "?search=water").json()] == [number]


def test_oversight_reveal_is_audited_and_only_for_oversight(verified_client, personas, categories):
    client = verified_client(personas.citizen)
    number = api(
        client,
        "post",
        "",
        {
            "category": "PB-MUN-WATER",
            "jurisdiction": "PK-PB-LHR",
            "subject": "s",
            "text": "t",
            "anonymity": "identity_hidden_from_office",
        },
    ).json()["tracking_number"]
    assert (
        api(verified_client(personas.officer_a), "post", f"/{number}/reveal", {"reason": "curious"}).status_code == 403
    )
    response = api(verified_client(personas.oversight), "post", f"/{number}/reveal", {"reason": "Threat to life"})
    assert response.json()["name"] == personas.citizen.full_name
    complaint = Complaint.objects.get(tracking_number=number)
    assert complaint.identity_reveals.get().reason == "Threat to life"


def _upload(client, number, name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(f"/api/complaints/{number}/attachments", {"file": SimpleUploadedFile(name, data)})


def _png():
    # A real picture: attachments are decoded and encoded anew (without their metadata), so a
    # file that only looks like a PNG is refused.
    buffer = io.BytesIO()
    Image.new("RGBA", (3, 2), (10, 200, 30, 255)).save(buffer, "PNG")
    return buffer.getvalue()


PNG = _png()


def _pdf(javascript=False):
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    if javascript:
        from pypdf.generic import DictionaryObject, NameObject, TextStringObject

        action = DictionaryObject(
            {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert('hi');")}
        )
        writer.root_object[NameObject("/OpenAction")] = writer._add_object(action)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_attachments_are_judged_by_content_and_served_only_as_downloads(
    verified_client, lodged, personas, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client = verified_client(personas.citizen)
    assert _upload(client, lodged, "photo.png", PNG).status_code == 201
    assert _upload(client, lodged, "letter.pdf", _pdf()).status_code == 201
    disguised = _upload(client, lodged, "photo.jpg", b"MZ\x90\x00" + b"\x00" * 200)
    assert disguised.status_code == 400 and disguised.json()["fields"]["file"][0]["code"] == "attachment_type_mismatch"
    active = _upload(client, lodged, "form.pdf", _pdf(javascript=True))
    assert active.json()["fields"]["file"][0]["code"] == "attachment_active_content"
    complaint = Complaint.objects.get(tracking_number=lodged)
    assert complaint.attachments.count() == 2
    attachment = complaint.attachments.get(content_type="image/png")
    response = verified_client(personas.officer_a).get(f"/api/complaints/{lodged}/attachments/{attachment.pk}")
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    served = Image.open(io.BytesIO(b"".join(response.streaming_content)))
    assert served.format == "PNG" and served.tobytes() == Image.open(io.BytesIO(PNG)).tobytes()
    other = verified_client(personas.officer_b).get(f"/api/complaints/{lodged}/attachments/{attachment.pk}")
    assert other.status_code == 404


def test_anonymous_complaint_is_followed_with_its_token(client, categories):
    response = api(
        client,
        "post",
        "/anonymous",
        {"category": "PB-MUN-WATER", "jurisdiction": "PK-PB-LHR", "subject": "Bribe", "text": "The clerk wants money"},
    )
    token = response.json()["anonymous_token"]
    assert api(client, "get", "/track", HTTP_X_TRACKING_TOKEN=token).json()["status"] == "routed"
    assert api(client, "get", "/track", HTTP_X_TRACKING_TOKEN="wrong").status_code == 404
