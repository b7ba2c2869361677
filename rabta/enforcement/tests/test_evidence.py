"""Evidence on incident reports: the complaints' attachment machinery cleans every file (type by
content, metadata removed); a draft takes files from its reporter, a submitted report none, an
approved one only as an amendment with reasons; every addition leaves an event; bad files are
refused with the field named and nothing stored; whoever cannot see the report gets 404 for its
files."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from rabta.api.testing.matrix import signed_in
from rabta.core.errors import Conflict, DomainError, Forbidden
from rabta.core.models import Event
from rabta.enforcement.models import IncidentAmendment, IncidentEvidence
from rabta.enforcement.services import evidence_add, incident_approve, incident_draft, incident_submit
from rabta.enforcement.tests.conftest import incident_input

pytestmark = pytest.mark.django_db
BASE = "/api/enforcement"
AUTHOR = "Zubair Phone-Owner"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def photo(author: str = AUTHOR) -> bytes:
    """A JPEG whose EXIF names its owner and carries its capture time and a GPS position."""
    image = Image.new("RGB", (16, 12), "navy")
    exif = Image.Exif()
    exif[0x013B] = author  # Artist
    exif[0x0132] = "2026:11:30 09:15:00"  # DateTime
    exif[0x8825] = {1: "N", 2: (24.0, 54.0, 0.0), 3: "E", 4: (67.0, 6.0, 0.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes(), quality=90)
    return out.getvalue()


def stored_files(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()]


def draft(staff):
    return incident_draft(actor=staff.reporter, data=incident_input())


def approved(staff):
    incident = draft(staff)
    incident_submit(actor=staff.reporter, incident=incident)
    return incident_approve(actor=staff.supervisor, incident=incident)


def evidence_events(incident) -> list[Event]:
    return list(Event.objects.filter(kind="enforcement.evidence_added", subject_id=str(incident.pk)))


def test_a_reporter_attaches_a_photo_to_a_draft_cleaned_of_its_owner_with_an_event(staff, _media):
    incident = draft(staff)
    evidence = evidence_add(actor=staff.reporter, incident=incident, name="../../seal <1>.jpeg", data=photo())
    assert evidence.name == "seal <1>.jpg" and evidence.content_type == "image/jpeg"
    assert evidence.amendment is None and evidence.uploaded_by == staff.reporter
    with evidence.file.open("rb") as handle:
        data = handle.read()
    assert AUTHOR.encode() not in data and b"seal" not in evidence.file.name.encode()
    exif = Image.open(io.BytesIO(data)).getexif()
    assert exif.get(0x0132) == "2026:11:30 09:15:00"  # when it was taken stays as evidence
    assert exif.get_ifd(0x8825) == {}  # where, only when the officer chooses
    (event,) = evidence_events(incident)
    assert event.actor == staff.reporter and event.data["evidence"] == evidence.pk
    assert event.data["sha256"] == evidence.sha256


def test_the_position_is_kept_when_the_officer_shares_it(staff):
    evidence = evidence_add(
        actor=staff.reporter, incident=draft(staff), name="a.jpg", data=photo(), share_location=True
    )
    with evidence.file.open("rb") as handle:
        assert Image.open(handle).getexif().get_ifd(0x8825).get(1) == "N"
    assert evidence.location_kept


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("seizure.jpg", b"<html><script>alert(1)</script></html>", "attachment_type_mismatch"),
        ("memo.docx", b"PK\x03\x04" + b"\x00" * 200, "attachment_type_not_allowed"),
        (
            "memo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>1</script></svg>',
            "attachment_type_not_allowed",
        ),
        ("empty.png", b"", "evidence_empty"),
        ("huge.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 3000, "attachment_too_large"),
        ("broken.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 100, "attachment_unreadable"),
    ],
    ids=["wrong-type-named-jpg", "office-document", "svg", "empty", "too-large", "unreadable"],
)
def test_a_bad_file_is_refused_with_the_field_named_and_nothing_stored(staff, settings, _media, name, data, code):
    settings.RABTA_ATTACHMENT_MAX_BYTES = 2048
    incident = draft(staff)
    with pytest.raises(DomainError) as refused:
        evidence_add(actor=staff.reporter, incident=incident, name=name, data=data)
    assert refused.value.fields["file"][0]["code"] == code
    assert not IncidentEvidence.objects.exists() and evidence_events(incident) == []
    assert stored_files(_media) == []


def test_a_submitted_report_takes_no_file_while_it_is_reviewed(staff, _media):
    incident = draft(staff)
    incident_submit(actor=staff.reporter, incident=incident)
    for actor in (staff.reporter, staff.supervisor):
        with pytest.raises(Conflict) as refused:
            evidence_add(actor=actor, incident=incident, name="a.jpg", data=photo())
        assert refused.value.code == "evidence_in_review"
    assert stored_files(_media) == []


def test_only_the_reporter_adds_to_a_draft(staff):
    incident = draft(staff)
    with pytest.raises(Forbidden):
        evidence_add(actor=staff.colleague, incident=incident, name="a.jpg", data=photo())


def test_after_approval_a_file_is_an_amendment_with_reasons(staff, _media):
    incident = approved(staff)
    with pytest.raises(DomainError) as refused:
        evidence_add(actor=staff.supervisor, incident=incident, name="memo.jpg", data=photo())
    assert refused.value.fields["reason"][0]["code"] == "reason_required"
    assert not IncidentAmendment.objects.exists() and stored_files(_media) == []
    with pytest.raises(Forbidden):  # a colleague of the formation reads it but does not amend it
        evidence_add(actor=staff.colleague, incident=incident, name="memo.jpg", data=photo(), reason="Late photo")
    evidence = evidence_add(
        actor=staff.supervisor, incident=incident, name="memo.jpg", data=photo(), reason="The seal, photographed later"
    )
    amendment = evidence.amendment
    assert amendment.reason == "The seal, photographed later" and amendment.changes == {"evidence": [None, "memo.jpg"]}
    (event,) = evidence_events(incident)
    assert event.reason == "The seal, photographed later" and event.data["amendment"] == amendment.pk


def test_the_cap_holds(staff, monkeypatch):
    monkeypatch.setattr("rabta.enforcement.services.EVIDENCE_MAX", 1)
    incident = draft(staff)
    evidence_add(actor=staff.reporter, incident=incident, name="a.jpg", data=photo())
    with pytest.raises(Conflict) as refused:
        evidence_add(actor=staff.reporter, incident=incident, name="b.jpg", data=photo())
    assert refused.value.code == "evidence_cap_reached"


# API


def test_the_api_uploads_lists_and_serves_evidence_to_those_who_see_the_report(staff):
    incident = approved(staff)
    ref = incident.reference
    supervisor = signed_in(staff.supervisor)
    upload = SimpleUploadedFile("seal.jpg", photo(), content_type="image/jpeg")
    created = supervisor.post(f"{BASE}/incidents/{ref}/evidence", {"file": upload, "reason": "Photo of the seal"})
    assert created.status_code == 201, created.json()
    row = created.json()
    assert row["name"] == "seal.jpg" and row["amendment_reason"] == "Photo of the seal"
    detail = signed_in(staff.manager).get(f"{BASE}/incidents/{ref}").json()
    assert [e["id"] for e in detail["evidence"]] == [row["id"]]
    assert [a["changes"] for a in detail["amendments"]] == [{"evidence": [None, "seal.jpg"]}]
    download = signed_in(staff.manager).get(f"{BASE}/incidents/{ref}/evidence/{row['id']}")
    assert download.status_code == 200 and download["Content-Type"] == "image/jpeg"
    assert download["Content-Disposition"].startswith("attachment") and download["X-Content-Type-Options"] == "nosniff"
    assert AUTHOR.encode() not in b"".join(download.streaming_content)
    timeline = signed_in(staff.manager).get(f"{BASE}/incidents/{ref}/timeline").json()
    assert "enforcement.evidence_added" in [t["kind"] for t in timeline]
    for outsider in (staff.quetta_officer, staff.quetta_supervisor, staff.outsider):
        client = signed_in(outsider)
        assert client.get(f"{BASE}/incidents/{ref}/evidence").status_code == 404
        assert client.get(f"{BASE}/incidents/{ref}/evidence/{row['id']}").status_code == 404


def test_a_file_is_not_served_under_another_report(staff):
    first, second = approved(staff), approved(staff)
    evidence = evidence_add(actor=staff.supervisor, incident=first, name="a.jpg", data=photo(), reason="Seal")
    manager = signed_in(staff.manager)
    assert manager.get(f"{BASE}/incidents/{second.reference}/evidence/{evidence.pk}").status_code == 404


def test_a_drafts_files_are_its_reporters_alone(staff):
    incident = draft(staff)
    evidence = evidence_add(actor=staff.reporter, incident=incident, name="a.jpg", data=photo())
    url = f"{BASE}/incidents/{incident.reference}/evidence/{evidence.pk}"
    assert signed_in(staff.reporter).get(url).status_code == 200
    for other in (staff.colleague, staff.supervisor, staff.analyst):
        assert signed_in(other).get(url).status_code == 404


def test_the_api_names_the_field_of_a_bad_file_and_saves_nothing(staff, _media):
    incident = draft(staff)
    upload = SimpleUploadedFile("seizure.jpg", b"<html>hi</html>", content_type="image/jpeg")
    refused = signed_in(staff.reporter).post(f"{BASE}/incidents/{incident.reference}/evidence", {"file": upload})
    assert refused.status_code == 400
    assert refused.json()["fields"]["file"][0]["code"] == "attachment_type_mismatch"
    assert stored_files(_media) == [] and evidence_events(incident) == []


# Pages


def test_the_page_adds_a_file_and_shows_a_bad_one_beside_its_field(staff, _media):
    incident = draft(staff)
    client = signed_in(staff.reporter)
    url = f"/en/enforcement/incidents/{incident.reference}/evidence/"
    page = client.get(f"/en/enforcement/incidents/{incident.reference}/")
    assert b'id="move-evidence"' in page.content
    empty = client.post(url, {"file": SimpleUploadedFile("x.jpg", b"", content_type="image/jpeg")})
    assert empty.status_code == 400 and b"The submitted file is empty" in empty.content
    wrong = client.post(url, {"file": SimpleUploadedFile("x.jpg", b"<html>hi</html>", content_type="image/jpeg")})
    assert wrong.status_code == 400 and b"content is not one of them" in wrong.content
    assert stored_files(_media) == []
    added = client.post(url, {"file": SimpleUploadedFile("seal.jpg", photo(), content_type="image/jpeg")})
    assert added.status_code == 302
    (evidence,) = IncidentEvidence.objects.all()
    shown = client.get(f"/en/enforcement/incidents/{incident.reference}/")
    assert f"/evidence/{evidence.pk}/".encode() in shown.content
    download = client.get(f"/en/enforcement/incidents/{incident.reference}/evidence/{evidence.pk}/")
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    assert (
        signed_in(staff.colleague)
        .get(f"/en/enforcement/incidents/{incident.reference}/evidence/{evidence.pk}/")
        .status_code
        == 404
    )


def test_the_page_asks_for_reasons_after_approval(staff):
    incident = approved(staff)
    client = signed_in(staff.supervisor)
    url = f"/en/enforcement/incidents/{incident.reference}/evidence/"
    refused = client.post(url, {"file": SimpleUploadedFile("seal.jpg", photo(), content_type="image/jpeg")})
    assert refused.status_code == 400 and not IncidentEvidence.objects.exists()
    added = client.post(
        url, {"file": SimpleUploadedFile("seal.jpg", photo(), content_type="image/jpeg"), "reason": "Late photo"}
    )
    assert added.status_code == 302 and IncidentEvidence.objects.get().amendment.reason == "Late photo"
    # A reader who may not amend sees the files but no form.
    page = signed_in(staff.manager).get(f"/en/enforcement/incidents/{incident.reference}/")
    assert b"seal.jpg" in page.content and b'id="move-evidence"' not in page.content
