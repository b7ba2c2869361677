"""Declarations files uploaded through the browser, imported in the background with their progress.

``import_job_create`` takes the upload (Django has streamed it to a temporary file already, 64 KiB
at a time: it is never read whole into memory here either), moves it under ``MEDIA_ROOT`` and
records an :class:`~rabta.customs.models.ImportJob`; once that commits the job is dispatched
(:func:`import_job_dispatch`): to the Celery worker in production, to a thread of the serving
process in the embedded shape (``make run``, where Celery runs eagerly and would hold the request
for the whole import). ``import_job_run`` runs ``declarations_import`` on the file and writes the
counts as it goes (at most every :data:`TICK_SECONDS`, bumping the job's live topic so the progress
page moves), then the rejects, which the page offers as CSV.

A worker killed mid-run leaves the job ``running`` with an old heartbeat: Celery delivers the task
again (acks late), or its uploader resumes it from the page (:func:`import_job_resume`). The run
starts the import over, which skips every row a committed chunk holds (``skipped_existing``) and
never writes a row twice. Every change of a job's state records an event.
"""

from __future__ import annotations

import logging
import shutil
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any, cast

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rabta.accounts.types import Actor
from rabta.core.errors import Conflict, DomainError, NotFound
from rabta.core.events import event_record
from rabta.core.live import live_bump, live_bump_now
from rabta.customs.choices import ImportFormat, ImportJobStatus
from rabta.customs.errors import CustomsError
from rabta.customs.events import CustomsEvent
from rabta.customs.models import ImportJob, ImportReject
from rabta.customs.permissions import may_import
from rabta.customs.services.imports import declarations_import

log = logging.getLogger(__name__)

UPLOAD_FOLDER = "customs-imports"
TICK_SECONDS = 1.0  # the progress written (and the page told) at most this often
# A running job whose heartbeat is older than this lost its worker: its uploader may resume it.
STALE_AFTER = timedelta(minutes=5)
REJECT_BATCH = 5_000


def import_topic(job_id: int) -> str:
    """The live topic of one job's progress (rabta.core.live)."""
    return f"customs.import_job.{job_id}"


def _path(job: ImportJob) -> Path:
    return Path(settings.MEDIA_ROOT) / job.stored_path


def _store(upload: UploadedFile, target: Path) -> int:
    """Move (or copy, 64 KiB at a time) the uploaded file to ``target``; its size in bytes."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = getattr(upload, "temporary_file_path", None)
    if temporary is not None:
        upload.close()
        shutil.move(temporary(), target)
    else:
        with target.open("wb") as out:
            for piece in upload.chunks():
                out.write(piece)
    target.chmod(settings.FILE_UPLOAD_PERMISSIONS or 0o600)
    return target.stat().st_size


def import_job_create(
    *, actor: Actor, upload: UploadedFile | None, file_format: str, collectorate: str = ""
) -> ImportJob:
    """Record the upload as a queued job and dispatch it once the job commits."""
    if not may_import(actor):
        raise NotFound(_("There is no such page."))
    if file_format not in ImportFormat.values:
        raise DomainError.for_field("file_format", CustomsError.FORMAT_UNKNOWN, _("Choose KCS, CSV or JSON Lines."))
    if upload is None:
        raise DomainError.for_field("file", CustomsError.FILE_REQUIRED, _("Choose a file to upload."))
    limit = settings.RABTA_CUSTOMS_IMPORT_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise DomainError.for_field("file", CustomsError.FILE_TOO_LARGE, too_large_message(limit))
    if not upload.size:
        raise DomainError.for_field("file", CustomsError.FILE_REQUIRED, _("The file is empty."))
    name = f"{UPLOAD_FOLDER}/{uuid.uuid4().hex}.{file_format}"
    size = _store(upload, Path(settings.MEDIA_ROOT) / name)
    with transaction.atomic():
        job = ImportJob.objects.create(
            created_by_id=cast(int, getattr(actor, "pk", None)),  # may_import: a signed-in user
            file_format=file_format,
            original_name=(upload.name or "upload")[:255],
            stored_path=name,
            size_bytes=size,
            collectorate=collectorate,
        )
        event_record(
            kind=CustomsEvent.IMPORT_JOB_QUEUED,
            subject=job,
            actor=actor,
            to_state=ImportJobStatus.QUEUED,
            data={"format": file_format, "bytes": size},
        )
        transaction.on_commit(lambda: import_job_dispatch(job.pk))
    return job


def too_large_message(limit: int) -> str:
    return _("The file is larger than %(limit)s MB, the most an upload may be: import it with the command line.") % {
        "limit": f"{limit / 1_000_000:,.0f}"
    }


def import_job_dispatch(job_id: int) -> None:
    """Run the job in the background: a Celery task when there is a broker, else a thread."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        threading.Thread(
            target=_run_in_thread, args=(job_id,), name=f"customs-import-job-{job_id}", daemon=True
        ).start()
        return
    from rabta.customs.tasks import import_job_run_task

    import_job_run_task.delay(job_id)


def _run_in_thread(job_id: int) -> None:
    try:
        import_job_run(job_id=job_id)
    except Exception:  # import_job_run records its own failures; this is what it could not record
        log.exception("customs import job %s", job_id)
    finally:
        connection.close()


def _stale(job: ImportJob) -> bool:
    return job.heartbeat_at is None or job.heartbeat_at < timezone.now() - STALE_AFTER


def import_job_resumable(job: ImportJob) -> bool:
    """Whether the page offers to run ``job`` again: it stopped on an error, or lost its worker."""
    return job.status == ImportJobStatus.FAILED or (job.status == ImportJobStatus.RUNNING and _stale(job))


class _Progress:
    """The run's counts, written to the job at most every TICK_SECONDS (and at the end)."""

    def __init__(self, job: ImportJob) -> None:
        self.job_id = job.pk
        self.values: dict[str, Any] = {"rows_total": None, "rows_done": 0}
        self.written = 0.0

    def total(self, rows: int) -> None:
        self.values["rows_total"] = rows
        self.write(force=True)

    def step(self, rows: int) -> None:
        self.values["rows_done"] += rows
        self.write()

    def counts(self, imported: int, skipped_existing: int, rejected: int) -> None:
        self.values.update(imported=imported, skipped_existing=skipped_existing, rejected=rejected)
        self.write()

    def write(self, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self.written < TICK_SECONDS:
            return
        self.written = now
        ImportJob.objects.filter(pk=self.job_id, status=ImportJobStatus.RUNNING).update(
            heartbeat_at=timezone.now(), **self.values
        )
        live_bump_now(import_topic(self.job_id))


def import_job_run(*, job_id: int) -> ImportJob | None:
    """Run a queued job (or one whose worker was lost); a job another worker runs, or one that
    ended, is left alone. Returns the job as it ends (None: no such job)."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status in (ImportJobStatus.FINISHED, ImportJobStatus.FAILED):
            return job
        if job.status == ImportJobStatus.RUNNING and not _stale(job):
            return job
        before, now = job.status, timezone.now()
        job.status, job.attempts, job.heartbeat_at = ImportJobStatus.RUNNING, job.attempts + 1, now
        job.started_at = job.started_at or now
        job.rows_done = job.imported = job.skipped_existing = job.rejected = 0
        job.save()
        event_record(
            kind=CustomsEvent.IMPORT_JOB_STARTED,
            subject=job,
            from_state=before,
            to_state=ImportJobStatus.RUNNING,
            data={"attempt": job.attempts},
        )
        live_bump(import_topic(job.pk))
    progress = _Progress(job)
    try:
        result = declarations_import(
            path=_path(job),
            file_format=job.file_format,
            collectorate=job.collectorate,
            on_total=progress.total,
            on_progress=progress.step,
            on_counts=progress.counts,
        )
    except Exception as exc:
        log.exception("customs import job %s failed", job.pk)
        return _end(job, ImportJobStatus.FAILED, error=f"{type(exc).__name__}: {exc}"[:1000])
    return _end(job, ImportJobStatus.FINISHED, result=result)


def _end(job: ImportJob, status: ImportJobStatus, *, result: Any = None, error: str = "") -> ImportJob:
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        before = job.status
        job.status, job.finished_at, job.heartbeat_at, job.error = status, timezone.now(), timezone.now(), error
        data: dict[str, Any] = {"attempt": job.attempts}
        if result is not None:
            job.imported, job.skipped_existing, job.rejected = result.imported, result.skipped_existing, result.rejected
            job.rows_done = job.rows_total = result.imported + result.skipped_existing + result.rejected
            job.rejects.all().delete()  # those of an earlier attempt: this run found them all again
            rows = (
                ImportReject(job=job, row=r.row, field=r.field[:80], code=r.code[:40], message=r.message[:300])
                for r in result.rejects
            )
            batch: list[ImportReject] = []
            for reject in rows:
                batch.append(reject)
                if len(batch) >= REJECT_BATCH:
                    ImportReject.objects.bulk_create(batch)
                    batch = []
            ImportReject.objects.bulk_create(batch)
            data |= {"imported": job.imported, "skipped_existing": job.skipped_existing, "rejected": job.rejected}
        job.save()
        event_record(
            kind=CustomsEvent.IMPORT_JOB_FINISHED
            if status == ImportJobStatus.FINISHED
            else CustomsEvent.IMPORT_JOB_FAILED,
            subject=job,
            from_state=before,
            to_state=status,
            reason=error[:200],
            data=data,
        )
        live_bump(import_topic(job.pk))
    return job


def import_job_resume(*, job: ImportJob, actor: Actor) -> ImportJob:
    """Queue again a job that failed or lost its worker (``job`` as ``visible_to`` fetched it)."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if not import_job_resumable(job):
            raise Conflict(CustomsError.JOB_NOT_RESUMABLE, _("This import is running or has finished."))
        before = job.status
        job.status, job.error = ImportJobStatus.QUEUED, ""
        job.save(update_fields=["status", "error", "updated_at"])
        event_record(
            kind=CustomsEvent.IMPORT_JOB_QUEUED,
            subject=job,
            actor=actor,
            from_state=before,
            to_state=ImportJobStatus.QUEUED,
            data={"resumed": True},
        )
        live_bump(import_topic(job.pk))
        transaction.on_commit(lambda: import_job_dispatch(job.pk))
    return job


def import_job_progress(job: ImportJob) -> dict[str, Any]:
    """What the progress page shows of ``job`` (and its poll answers)."""
    total = job.rows_total
    percent = 100 if job.status == ImportJobStatus.FINISHED else (min(99, job.rows_done * 100 // total) if total else 0)
    return {
        "id": job.pk,
        "status": job.status,
        "status_label": str(job.get_status_display()),
        "rows_total": total,
        "rows_done": job.rows_done,
        "imported": job.imported,
        "skipped_existing": job.skipped_existing,
        "rejected": job.rejected,
        "percent": percent,
        "done": job.status in (ImportJobStatus.FINISHED, ImportJobStatus.FAILED),
        "resumable": import_job_resumable(job),
    }
