"""Uploaded imports: the file stored, a job queued with its event, the run's counts and rejects,
a lost worker's job resumed without importing a row twice, and jobs only their uploader's."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from rabta.core.errors import Conflict, DomainError, NotFound
from rabta.core.models import Event
from rabta.customs.choices import ImportJobStatus
from rabta.customs.events import CustomsEvent
from rabta.customs.models import DeclarationItem, ImportJob
from rabta.customs.services import import_jobs
from rabta.customs.services.import_jobs import (
    import_job_create,
    import_job_progress,
    import_job_resumable,
    import_job_resume,
    import_job_run,
)
from rabta.customs.tests.services.test_imports import row, rows_csv

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def dispatched(monkeypatch):
    """The job ids dispatched (the test runs them itself, in its own transaction)."""
    ids: list[int] = []
    monkeypatch.setattr(import_jobs, "import_job_dispatch", ids.append)
    return ids


def upload(tmp_path: Path, rows: list[dict], name: str = "gd.csv") -> SimpleUploadedFile:
    path = rows_csv(tmp_path / name, rows)
    return SimpleUploadedFile(name, path.read_bytes(), content_type="text/csv")


GOOD_AND_BAD = [
    row(),
    row(item_number="2"),
    row(declaration_number="D-2", origin_country="ZZ"),
    row(declaration_number="D-3"),
]


def test_an_upload_is_stored_and_queued_with_its_event_then_dispatched_on_commit(
    world, customs_manager, tmp_path, dispatched, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = import_job_create(actor=customs_manager, upload=upload(tmp_path, GOOD_AND_BAD), file_format="csv")
    assert job.status == ImportJobStatus.QUEUED and job.created_by == customs_manager
    stored = Path(settings.MEDIA_ROOT) / job.stored_path
    assert stored.read_bytes() == (tmp_path / "gd.csv").read_bytes() and job.size_bytes == stored.stat().st_size
    assert dispatched == [job.pk]
    event = Event.objects.get(kind=CustomsEvent.IMPORT_JOB_QUEUED, subject_id=str(job.pk))
    assert event.to_state == ImportJobStatus.QUEUED and event.actor_id == customs_manager.pk


def test_the_run_imports_the_good_rows_and_keeps_every_reject_for_the_csv(world, customs_manager, tmp_path, dispatched):
    job = import_job_create(actor=customs_manager, upload=upload(tmp_path, GOOD_AND_BAD), file_format="csv")
    job = import_job_run(job_id=job.pk)
    assert job.status == ImportJobStatus.FINISHED and job.attempts == 1
    assert (job.imported, job.skipped_existing, job.rejected) == (3, 0, 1)
    assert (job.rows_total, job.rows_done) == (4, 4)
    assert list(job.rejects.values_list("row", "field", "code")) == [(4, "origin_country", "country_unknown")]
    kinds = list(
        Event.objects.filter(subject_id=str(job.pk), subject_type="customs.importjob").values_list("kind", "to_state")
    )
    assert kinds == [
        (CustomsEvent.IMPORT_JOB_QUEUED, ImportJobStatus.QUEUED),
        (CustomsEvent.IMPORT_JOB_STARTED, ImportJobStatus.RUNNING),
        (CustomsEvent.IMPORT_JOB_FINISHED, ImportJobStatus.FINISHED),
    ]
    assert import_job_progress(job) | {} == import_job_progress(job)
    assert import_job_progress(job)["percent"] == 100 and import_job_progress(job)["done"] is True
    assert import_job_run(job_id=job.pk).attempts == 1  # an ended job is never run again


def test_a_job_whose_worker_was_lost_is_resumed_and_imports_nothing_twice(
    world, customs_manager, tmp_path, dispatched, django_capture_on_commit_callbacks
):
    job = import_job_create(actor=customs_manager, upload=upload(tmp_path, GOOD_AND_BAD), file_format="csv")
    import_job_run(job_id=job.pk)
    # As a killed worker leaves it: running, its heartbeat long past.
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJobStatus.RUNNING, heartbeat_at=timezone.now() - timedelta(hours=1)
    )
    job.refresh_from_db()
    assert import_job_resumable(job)
    with django_capture_on_commit_callbacks(execute=True):
        import_job_resume(job=job, actor=customs_manager)
    job.refresh_from_db()
    assert job.status == ImportJobStatus.QUEUED and dispatched == [job.pk]
    job = import_job_run(job_id=job.pk)
    assert job.status == ImportJobStatus.FINISHED and job.attempts == 2
    assert (job.imported, job.skipped_existing, job.rejected) == (0, 3, 1)
    assert job.rejects.count() == 1  # the first attempt's rejects replaced, not added to
    assert DeclarationItem.objects.count() == 3


def test_a_running_job_with_a_fresh_heartbeat_is_neither_resumed_nor_run_twice(
    world, customs_manager, tmp_path, dispatched
):
    job = import_job_create(actor=customs_manager, upload=upload(tmp_path, GOOD_AND_BAD), file_format="csv")
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJobStatus.RUNNING, heartbeat_at=timezone.now())
    job.refresh_from_db()
    assert not import_job_resumable(job)
    with pytest.raises(Conflict) as refused:
        import_job_resume(job=job, actor=customs_manager)
    assert refused.value.code == "import_job_not_resumable"
    assert import_job_run(job_id=job.pk).attempts == 0
    assert DeclarationItem.objects.count() == 0


def test_a_failing_import_ends_the_job_failed_with_its_event(world, customs_manager, tmp_path, dispatched, monkeypatch):
    job = import_job_create(actor=customs_manager, upload=upload(tmp_path, GOOD_AND_BAD), file_format="csv")

    def broken(**kwargs):
        raise OSError("disk gone")

    monkeypatch.setattr(import_jobs, "declarations_import", broken)
    job = import_job_run(job_id=job.pk)
    assert job.status == ImportJobStatus.FAILED and "disk gone" in job.error
    assert import_job_resumable(job)
    assert Event.objects.filter(kind=CustomsEvent.IMPORT_JOB_FAILED, subject_id=str(job.pk)).exists()


@pytest.mark.parametrize(
    ("file_format", "content", "field", "code"),
    [
        ("xlsx", b"a", "file_format", "import_format_unknown"),
        ("csv", None, "file", "import_file_required"),
        ("csv", b"", "file", "import_file_required"),
        ("csv", b"x" * 101, "file", "import_file_too_large"),
    ],
)
def test_a_bad_upload_is_refused_naming_the_field_and_nothing_is_kept(
    world, customs_manager, dispatched, settings, file_format, content, field, code
):
    settings.RABTA_CUSTOMS_IMPORT_MAX_BYTES = 100
    upload = None if content is None else SimpleUploadedFile("f.csv", content)
    with pytest.raises(DomainError) as refused:
        import_job_create(actor=customs_manager, upload=upload, file_format=file_format)
    assert refused.value.fields[field][0]["code"] == code
    assert not ImportJob.objects.exists() and dispatched == []
    assert not (Path(settings.MEDIA_ROOT) / import_jobs.UPLOAD_FOLDER).exists() or not any(
        (Path(settings.MEDIA_ROOT) / import_jobs.UPLOAD_FOLDER).iterdir()
    )


def test_only_importers_upload_and_each_sees_only_their_own_jobs(
    world, customs_manager, other_manager, examiner, tmp_path, dispatched
):
    with pytest.raises(NotFound):
        import_job_create(actor=examiner, upload=upload(tmp_path, GOOD_AND_BAD), file_format="csv")
    job = import_job_create(actor=customs_manager, upload=upload(tmp_path, GOOD_AND_BAD), file_format="csv")
    assert list(ImportJob.objects.visible_to(customs_manager)) == [job]
    assert not ImportJob.objects.visible_to(other_manager).exists()
    assert not ImportJob.objects.visible_to(None).exists()
