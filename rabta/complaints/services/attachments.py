"""Attachments: type judged by content, PDFs checked for active content, stored outside the web root."""

from __future__ import annotations

import hashlib
import io
import secrets
from typing import Any

import filetype
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from rabta.complaints.errors import ComplaintsError
from rabta.complaints.models import Attachment, Complaint, Message
from rabta.core.errors import DomainError
from rabta.core.events import event_record

MAX_BYTES = 10 * 1024 * 1024
ALLOWED = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp", "application/pdf": ".pdf"}
# Names in a PDF that make it do something when opened.
ACTIVE_PDF_KEYS = {
    "/JavaScript",
    "/JS",
    "/Launch",
    "/EmbeddedFile",
    "/EmbeddedFiles",
    "/RichMedia",
    "/OpenAction",
    "/AA",
}


def _pdf_has_active_content(data: bytes) -> bool:
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        seen: set[int] = set()
        stack: list[Any] = [reader.trailer]
        while stack:
            node = stack.pop()
            if hasattr(node, "get_object"):
                ref = getattr(node, "idnum", None)
                if ref is not None:
                    if ref in seen:
                        continue
                    seen.add(ref)
                node = node.get_object()
            if isinstance(node, dict):
                if ACTIVE_PDF_KEYS & {str(key) for key in node}:
                    return True
                stack.extend(node.values())
            elif isinstance(node, list):
                stack.extend(node)
    except (PdfReadError, ValueError, KeyError, RecursionError) as exc:
        raise DomainError.for_field(
            "file", ComplaintsError.ATTACHMENT_UNREADABLE, _("This PDF cannot be read.")
        ) from exc
    return False


@transaction.atomic
def attachment_add(
    *, complaint: Complaint, uploaded_by: Any, name: str, data: bytes, message: Message | None = None
) -> Attachment:
    if len(data) > MAX_BYTES:
        raise DomainError.for_field(
            "file",
            ComplaintsError.ATTACHMENT_TOO_LARGE,
            _("Files can be at most %(mb)s MB.") % {"mb": MAX_BYTES // (1024 * 1024)},
        )
    kind = filetype.guess(data)
    detected = kind.mime if kind else None
    if detected not in ALLOWED:
        code = (
            ComplaintsError.ATTACHMENT_TYPE_MISMATCH
            if name.lower().rsplit(".", 1)[-1] in {"jpg", "jpeg", "png", "webp", "pdf"}
            else ComplaintsError.ATTACHMENT_TYPE_NOT_ALLOWED
        )
        raise DomainError.for_field(
            "file",
            code,
            _(
                "Only photos (JPEG, PNG, WebP) and PDF documents can be attached; "
                "this file's content is not one of them."
            ),
        )
    if detected == "application/pdf" and _pdf_has_active_content(data):
        raise DomainError.for_field(
            "file",
            ComplaintsError.ATTACHMENT_ACTIVE_CONTENT,
            _("This PDF contains scripts or embedded files; print it to a plain PDF and try again."),
        )
    attachment = Attachment(
        complaint=complaint,
        message=message,
        original_name=name[:200],
        content_type=detected,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=uploaded_by if getattr(uploaded_by, "pk", None) else None,
    )
    # A random stored name: the original name never reaches the file system.
    attachment.file.save(secrets.token_hex(16) + ALLOWED[detected], ContentFile(data), save=False)
    attachment.save()
    event_record(
        kind="complaints.attachment_added",
        subject=complaint,
        actor=None,
        data={"attachment": attachment.pk, "type": detected, "size": len(data)},
    )
    return attachment
