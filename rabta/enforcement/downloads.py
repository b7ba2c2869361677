"""A report's evidence as the reader receives it, for the API and the pages alike."""

from __future__ import annotations

from django.http import FileResponse

from rabta.enforcement.models import IncidentEvidence


def evidence_response(evidence: IncidentEvidence) -> FileResponse:
    """Always a download, of the type found at upload, never rendered inline, never sniffed into
    something else, never kept in a shared cache (as a complaint's attachments: docs/attachments.md)."""
    response = FileResponse(
        evidence.file.open("rb"), as_attachment=True, filename=evidence.name, content_type=evidence.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
