"""The browser upload of a declarations file and its progress page.

The upload is streamed by Django's upload handlers to a temporary file (never held in memory),
behind :class:`SizeLimitHandler`, which stops reading at ``RABTA_CUSTOMS_IMPORT_MAX_BYTES``; the
service moves it into place and queues the import (rabta.customs.services.import_jobs). The
progress page polls its own JSON (rabta.core.live: a 304 until the job's topic is bumped) and
offers the rejected rows as CSV (rabta.core.exports). A job is its uploader's alone: 404 otherwise.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from rabta.api.errors import status_for
from rabta.complaints.forms import errors_attach
from rabta.core.errors import DomainError, form_invalid
from rabta.core.exports import Column, table_export
from rabta.core.live import live_etag, live_response
from rabta.customs.errors import CustomsError
from rabta.customs.forms import ImportUploadForm
from rabta.customs.models import ImportJob
from rabta.customs.permissions import may_import
from rabta.customs.services.import_jobs import (
    import_job_create,
    import_job_progress,
    import_job_resume,
    import_topic,
    too_large_message,
)
from rabta.directory import selectors as directory
from rabta.directory.choices import OfficeLevel

JOBS_SHOWN = 20


class SizeLimitHandler(FileUploadHandler):
    """First of the upload handlers: refuses a file when the body is longer than the limit (its
    Content-Length), before reading the file, or as soon as the bytes received pass the limit (a
    chunked upload). The fields before the file (the CSRF token, the format) are read; the request
    then carries ``upload_too_large`` and no file."""

    def __init__(self, request: HttpRequest | None = None, *, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.received = 0
        self.too_big = False

    def _refuse(self) -> None:
        if self.request is not None:
            self.request.upload_too_large = True  # type: ignore[attr-defined]
        raise StopUpload(connection_reset=True)

    def handle_raw_input(
        self, input_data: Any, META: Any, content_length: int, boundary: Any, encoding: Any = None
    ) -> None:
        self.too_big = bool(content_length and content_length > self.limit + 64 * 1024)  # + the other fields

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        if self.too_big:
            self._refuse()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.limit:
            self._refuse()
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def _importer(request: HttpRequest) -> None:
    if not may_import(request.user):
        raise Http404


def _collectorates() -> list[tuple[str, str]]:
    return [(o.code, o.name) for o in directory.office_search(level=OfficeLevel.COLLECTORATE, limit=None)]


def _job(request: HttpRequest, job_id: int) -> ImportJob:
    _importer(request)
    job = ImportJob.objects.visible_to(request.user).filter(pk=job_id).first()
    if job is None:
        raise Http404
    return job


def _uploads_page(request: HttpRequest, form: ImportUploadForm, error: DomainError | None = None) -> HttpResponse:
    jobs = Paginator(ImportJob.objects.visible_to(request.user).order_by("-created_at"), JOBS_SHOWN).get_page(1)
    context = {
        "form": form,
        "jobs": jobs,
        "max_bytes": settings.RABTA_CUSTOMS_IMPORT_MAX_BYTES,
        "too_large": too_large_message(settings.RABTA_CUSTOMS_IMPORT_MAX_BYTES),
    }
    response = render(request, "customs/imports.html", context)
    if error is not None:
        response.status_code = status_for(error)
    return response


@never_cache
@login_required
@csrf_exempt  # the upload handlers are set before the body is read; _upload checks the token
@require_http_methods(["GET", "POST"])
def import_uploads_page(request: HttpRequest) -> HttpResponse:
    """The upload form and the user's own recent imports; a POST queues a new import."""
    _importer(request)
    if request.method == "POST":
        limiter = SizeLimitHandler(request, limit=settings.RABTA_CUSTOMS_IMPORT_MAX_BYTES)
        request.upload_handlers = [limiter, *request.upload_handlers]
    return _upload(request)


@csrf_protect
def _upload(request: HttpRequest) -> HttpResponse:
    collectorates = _collectorates()
    if request.method == "GET":
        return _uploads_page(request, ImportUploadForm(collectorates=collectorates))
    form = ImportUploadForm(request.POST, request.FILES, collectorates=collectorates)
    if getattr(request, "upload_too_large", False):
        form.is_valid()
        refusal = DomainError.for_field(
            "file", CustomsError.FILE_TOO_LARGE, too_large_message(settings.RABTA_CUSTOMS_IMPORT_MAX_BYTES)
        )
        errors_attach(form, refusal)
        return _uploads_page(request, form, refusal)
    if not form.is_valid():
        return _uploads_page(request, form, form_invalid())
    data = form.cleaned_data
    try:
        job = import_job_create(
            actor=request.user,
            upload=data.get("file"),
            file_format=data["file_format"],
            collectorate=data.get("collectorate", ""),
        )
    except DomainError as refusal:
        errors_attach(form, refusal)
        return _uploads_page(request, form, refusal)
    return redirect("customs:import_job", job_id=job.pk)


def _progress_url(job: ImportJob) -> str:
    return f"{reverse('customs:import_job_progress', args=[job.pk])}?lang={get_language()}"


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def import_job_page(request: HttpRequest, job_id: int) -> HttpResponse:
    """One import's progress, updating by itself; a POST resumes one that stopped."""
    job = _job(request, job_id)
    error: DomainError | None = None
    if request.method == "POST":
        try:
            import_job_resume(job=job, actor=request.user)
            return redirect("customs:import_job", job_id=job.pk)
        except DomainError as refusal:
            error = refusal
        job.refresh_from_db()
    etag = live_etag([import_topic(job.pk)], _variant(request, job))
    response = render(
        request,
        "customs/import_job.html",
        {
            "job": job,
            "progress": import_job_progress(job),
            "etag": etag,
            "live_url": _progress_url(job),
            "error": error,
        },
    )
    if error is not None:
        response.status_code = status_for(error)
    return response


def _variant(request: HttpRequest, job: ImportJob) -> str:
    return f"{request.user.pk}|{job.pk}|{get_language()}"


@never_cache
@login_required
@require_http_methods(["GET"])
def import_job_progress_json(request: HttpRequest, job_id: int) -> HttpResponse:
    """The progress as JSON for the page's poll: 304 while nothing changed."""
    job = _job(request, job_id)

    def build() -> dict[str, Any]:
        job.refresh_from_db()
        return import_job_progress(job)

    return live_response(request, topics=[import_topic(job.pk)], variant=_variant(request, job), build=build)


@login_required
@require_http_methods(["GET"])
def import_job_rejects(request: HttpRequest, job_id: int) -> HttpResponseBase:
    """The rejected rows of one import as CSV: row, field, code, message (streamed)."""
    job = _job(request, job_id)
    columns = [
        Column("row", _("Row")),
        Column("field", _("Field")),
        Column("code", _("Code")),
        Column("message", _("Reason")),
    ]
    rows = job.rejects.order_by("row", "field").values("row", "field", "code", "message").iterator(chunk_size=5_000)
    return table_export(rows=rows, columns=columns, fmt="csv", filename=f"import-{job.pk}-rejects")
