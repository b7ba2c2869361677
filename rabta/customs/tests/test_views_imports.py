"""The browser upload and its progress page: a customs manager uploads a file, is sent to the
job's page, which shows the progress bar and polls its JSON (304 while nothing changed); the
rejects download as CSV; a file over the limit is refused with the field's error; other users
get 404 for the pages and for someone else's job."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from rabta.api.testing.matrix import signed_in
from rabta.customs.choices import ImportJobStatus
from rabta.customs.models import ImportJob
from rabta.customs.services import import_jobs
from rabta.customs.services.import_jobs import import_job_run
from rabta.customs.tests.services.test_imports import row, rows_csv

pytestmark = pytest.mark.django_db

UPLOADS = "/en/customs/imports/"


@pytest.fixture(autouse=True)
def _setup(tmp_path, settings, monkeypatch):
    call_command("compile_translations", verbosity=0)
    settings.MEDIA_ROOT = tmp_path / "media"
    # The job is run by the test itself (a thread would not see the test's transaction).
    monkeypatch.setattr(import_jobs, "import_job_dispatch", lambda job_id: None)


def a_file(tmp_path, rows) -> SimpleUploadedFile:
    path = rows_csv(tmp_path / "gd.csv", rows)
    return SimpleUploadedFile("gd.csv", path.read_bytes(), content_type="text/csv")


def test_a_manager_uploads_a_file_and_follows_it_to_the_end_with_its_rejects_as_csv(world, customs_manager, tmp_path):
    client = signed_in(customs_manager)
    assert client.get(UPLOADS).status_code == 200
    sent = client.post(
        UPLOADS, {"file_format": "csv", "file": a_file(tmp_path, [row(), row(declaration_number="D-2", unit="BOX")])}
    )
    job = ImportJob.objects.get()
    assert sent.status_code == 302 and sent["Location"].endswith(f"/customs/imports/{job.pk}/")
    body = client.get(sent["Location"]).content.decode()
    assert 'role="progressbar"' in body and 'aria-valuenow="0"' in body and "Waiting to start" in body
    poll = client.get(f"/en/customs/imports/{job.pk}/progress/")
    assert poll.status_code == 200 and poll.json()["status"] == ImportJobStatus.QUEUED
    assert client.get(f"/en/customs/imports/{job.pk}/progress/", HTTP_IF_NONE_MATCH=poll["ETag"]).status_code == 304
    import_job_run(job_id=job.pk)
    done = client.get(f"/en/customs/imports/{job.pk}/progress/", HTTP_IF_NONE_MATCH=poll["ETag"])
    assert done.status_code == 200
    assert {k: done.json()[k] for k in ("status", "imported", "rejected", "percent", "done")} == {
        "status": "finished",
        "imported": 1,
        "rejected": 1,
        "percent": 100,
        "done": True,
    }
    body = client.get(f"/en/customs/imports/{job.pk}/").content.decode()
    assert 'aria-valuenow="100"' in body and f"/customs/imports/{job.pk}/rejects.csv" in body
    download = client.get(f"/en/customs/imports/{job.pk}/rejects.csv")
    lines = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode("utf-8-sig"))))
    assert lines == [["Row", "Field", "Code", "Reason"], ["3", "unit", "unit_invalid", lines[1][3]]] and lines[1][3]
    assert "gd.csv" in client.get(UPLOADS).content.decode()


def test_the_progress_page_reads_in_urdu(world, customs_manager, tmp_path):
    client = signed_in(customs_manager)
    client.post(UPLOADS, {"file_format": "csv", "file": a_file(tmp_path, [row()])})
    job = ImportJob.objects.get()
    body = client.get(f"/ur/customs/imports/{job.pk}/").content.decode()
    assert "Waiting to start" not in body and "Rows read" not in body


def test_a_file_over_the_limit_is_refused_with_the_fields_error_and_nothing_kept(
    world, customs_manager, tmp_path, settings
):
    settings.RABTA_CUSTOMS_IMPORT_MAX_BYTES = 200
    refused = signed_in(customs_manager).post(
        UPLOADS, {"file_format": "csv", "file": a_file(tmp_path, [row(), row(item_number="2")])}
    )
    assert refused.status_code == 400
    assert "larger than" in refused.content.decode() and not ImportJob.objects.exists()


def test_a_missing_file_or_unknown_format_is_a_form_error(world, customs_manager):
    client = signed_in(customs_manager)
    assert client.post(UPLOADS, {"file_format": "csv"}).status_code == 400
    assert client.post(UPLOADS, {"file_format": "xlsx"}).status_code == 400
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize("who", ["examiner", "trader", "other_manager"])
def test_others_get_404_for_the_pages_or_for_someone_elses_job(world, customs_manager, tmp_path, request, who):
    signed_in(customs_manager).post(UPLOADS, {"file_format": "csv", "file": a_file(tmp_path, [row()])})
    job = ImportJob.objects.get()
    client = signed_in(request.getfixturevalue(who))
    for url in ("", "progress/", "rejects.csv"):
        assert client.get(f"/en/customs/imports/{job.pk}/{url}").status_code == 404
    if who != "other_manager":
        assert client.get(UPLOADS).status_code == 404
    else:
        assert "gd.csv" not in client.get(UPLOADS).content.decode()
    assert client.post(f"/en/customs/imports/{job.pk}/").status_code == 404


def test_resume_is_refused_for_a_finished_job_and_offered_for_a_failed_one(world, customs_manager, tmp_path):
    client = signed_in(customs_manager)
    client.post(UPLOADS, {"file_format": "csv", "file": a_file(tmp_path, [row()])})
    job = ImportJob.objects.get()
    import_job_run(job_id=job.pk)
    assert client.post(f"/en/customs/imports/{job.pk}/").status_code == 409
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJobStatus.FAILED)
    assert client.post(f"/en/customs/imports/{job.pk}/").status_code == 302
    assert ImportJob.objects.get().status == ImportJobStatus.QUEUED


def test_a_body_declared_longer_than_the_limit_is_refused_before_its_file_is_read(rf):
    from django.core.files.uploadhandler import StopUpload

    from rabta.customs.views_imports import SizeLimitHandler

    request = rf.post("/")
    handler = SizeLimitHandler(request, limit=1_000)
    handler.handle_raw_input(None, {}, 10_000_000, b"boundary")
    with pytest.raises(StopUpload) as stopped:
        handler.new_file("file", "big.csv", "text/csv", 10_000_000)
    assert stopped.value.connection_reset and request.upload_too_large
    small = SizeLimitHandler(rf.post("/"), limit=1_000)
    small.handle_raw_input(None, {}, 2_000, b"boundary")
    small.new_file("file", "small.csv", "text/csv", 500)
    assert small.receive_data_chunk(b"x" * 500, 0) == b"x" * 500
    with pytest.raises(StopUpload):
        small.receive_data_chunk(b"x" * 501, 500)
