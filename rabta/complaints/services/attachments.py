"""Attachments: type judged by content, cleaned of metadata before they are stored, kept outside the
web root and served only as downloads.

Policy (docs/attachments.md). Every file is cleaned at upload and only the clean file is kept, so no
later path (a download, an export, a new kind of reader) can reach what was removed:

- images are decoded and encoded anew from their pixels (JPEG with its own quantisation tables, PNG
  and lossless WebP without loss). Nothing of the original file survives but the picture: no EXIF,
  XMP, IPTC, comments, text chunks, thumbnails or trailing bytes. For complaints whose identity is
  hidden from the office, that is all; on other complaints the capture time is kept as evidence,
  and the GPS position only when the uploader chose to share it, each only in its fixed shape;
- PDFs are rewritten from their object tree: the document information dictionary, XMP streams,
  application data (``/PieceInfo``), page thumbnails, annotation authors and the metadata segments
  of embedded JPEG images are removed, as are earlier revisions and anything after the end.

The complainant's own copy is the clean one too: the original bytes are never written to disk.
The uploaded name is kept only for those entitled to it, with its extension replaced by the one of
the detected type; readers are given :func:`display_name`.
"""

from __future__ import annotations

import hashlib
import io
import numbers
import re
import secrets
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import filetype
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import ExifTags, Image, ImageCms, ImageOps, JpegImagePlugin
from pypdf import PdfReader, PdfWriter
from pypdf.filters import decode_stream_data
from pypdf.generic import ArrayObject, IndirectObject, NameObject, StreamObject

from rabta.complaints.choices import Anonymity
from rabta.complaints.errors import ComplaintsError
from rabta.complaints.events import ComplaintsEvent
from rabta.complaints.models import Attachment, Complaint, Message
from rabta.complaints.permissions import is_complainant
from rabta.complaints.transitions import require_not_closed
from rabta.core.errors import Conflict, DomainError
from rabta.core.events import event_record

# The detected type decides everything downstream: the stored name's extension, the served
# Content-Type and the name a reader sees. The uploaded name never does.
EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp", "application/pdf": ".pdf"}
IMAGE_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}
# Like messages: nothing is added to a complaint that is over.
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
# PDF entries that describe the document or its making rather than show it: who wrote it, with
# what, when, and a preview of each page (which may show what was later cut from it).
PDF_METADATA_KEYS = {"/Metadata", "/PieceInfo", "/Thumb"}
# Annotations that are not comments (links, form fields): their /T is a field name, not an author.
PDF_NON_MARKUP_ANNOTATIONS = {"/Link", "/Widget", "/Popup"}
DISPLAY_STEM_MAX = 100
# A complaint's documents run to a few pages; each page is rewritten at upload, so a file of
# thousands of tiny pages would hold a worker for minutes.
PDF_MAX_PAGES = 500
CLEAN_STORED_BATCH = 200  # rows read at a time by `rabta clean_attachments`

_EXIF_IFD = ExifTags.IFD.Exif
_GPS_IFD = ExifTags.IFD.GPSInfo
# What a photo of a broken pipe needs as evidence is when it was taken. Only values of a fixed
# shape are kept, so no kept tag can carry a name, a number or a place written as text.
_EXIF_DATE = re.compile(r"\d{4}:\d{2}:\d{2} \d{2}:\d{2}:\d{2}")
_EXIF_OFFSET = re.compile(r"[+-]\d{2}:\d{2}")
EXIF_KEPT = {ExifTags.Base.DateTime: _EXIF_DATE}
EXIF_IFD_KEPT = {
    ExifTags.Base.DateTimeOriginal: _EXIF_DATE,
    ExifTags.Base.DateTimeDigitized: _EXIF_DATE,
    ExifTags.Base.OffsetTimeOriginal: _EXIF_OFFSET,
}
# The position, when shared: hemisphere, degrees-minutes-seconds, altitude. Never the free-text
# GPS tags (processing method, area information), which can carry anything.
GPS_REFS = {1: {"N", "S"}, 3: {"E", "W"}}
GPS_NUMBERS = {2: 3, 4: 3, 6: 1}  # tag: how many rationals


def max_bytes() -> int:
    return int(settings.RABTA_ATTACHMENT_MAX_BYTES)


@dataclass(frozen=True)
class Cleaned:
    data: bytes
    content_type: str
    location_kept: bool


def _file_error(code: ComplaintsError, message: str) -> DomainError:
    return DomainError.for_field("file", code, message)


def _unreadable(kind: str) -> DomainError:
    if kind == "pdf":
        return _file_error(ComplaintsError.ATTACHMENT_UNREADABLE, _("This PDF cannot be read."))
    return _file_error(ComplaintsError.ATTACHMENT_UNREADABLE, _("This image cannot be read."))


def _animated() -> DomainError:
    return _file_error(
        ComplaintsError.ATTACHMENT_ANIMATED, _("Animated images cannot be attached; send a still photo.")
    )


# Names --------------------------------------------------------------------------------------------


def safe_name(name: str, content_type: str) -> str:
    """The uploaded name made fit to show and to send in a header: no folders (either slash), no
    control or invisible formatting characters (a right-to-left override turns "gpj.exe" into
    "exe.jpg" on screen), no leading dots, at most 100 characters, and the extension of the type
    the content was found to be, whatever the name said."""
    base = unicodedata.normalize("NFC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch if unicodedata.category(ch)[0] not in "CZ" else " " for ch in base)
    base = " ".join(base.split()).strip(" .")
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = stem[:DISPLAY_STEM_MAX].strip(" .")
    return (stem or "attachment") + EXTENSIONS[content_type]


def generated_name(complaint: Complaint, number: int, content_type: str) -> str:
    """The name an office reads when the complainant's identity is hidden from it: made of what the
    office knows already."""
    return f"{complaint.tracking_number}-{number}{EXTENSIONS.get(content_type, '')}"


def display_name(attachment: Attachment, *, complaint: Complaint, number: int, office_view: bool) -> str:
    """The name ``attachment`` (the ``number``-th of its complaint) goes by for one reader."""
    if office_view and complaint.identity_hidden_from_office:
        return generated_name(complaint, number, attachment.content_type)
    if attachment.content_type not in EXTENSIONS:
        return generated_name(complaint, number, attachment.content_type)
    # Names stored before names were cleaned at upload are cleaned on the way out.
    return safe_name(attachment.original_name, attachment.content_type)


# Images -------------------------------------------------------------------------------------------


def _shaped(value: Any, shape: re.Pattern[str]) -> str | None:
    return value if isinstance(value, str) and shape.fullmatch(value) else None


def _rationals(value: Any, count: int) -> Any:
    values = value if isinstance(value, tuple) else (value,)
    if len(values) != count or not all(isinstance(v, numbers.Real) for v in values):
        return None
    return value


def _exif_kept(source: Image.Image, *, keep_location: bool) -> bytes:
    """The EXIF to write back for a complaint whose office may know the complainant: the capture
    time, and the GPS position if it is shared."""
    exif = source.getexif()
    kept = Image.Exif()
    for tag, shape in EXIF_KEPT.items():
        if (value := _shaped(exif.get(tag), shape)) is not None:
            kept[tag] = value
    source_ifd = exif.get_ifd(_EXIF_IFD)
    ifd = {tag: value for tag, shape in EXIF_IFD_KEPT.items() if (value := _shaped(source_ifd.get(tag), shape))}
    if ifd:
        kept[_EXIF_IFD] = ifd
    if keep_location:
        gps = exif.get_ifd(_GPS_IFD)
        position: dict[int, Any] = {tag: gps[tag] for tag, allowed in GPS_REFS.items() if gps.get(tag) in allowed}
        position |= {
            tag: value for tag, count in GPS_NUMBERS.items() if (value := _rationals(gps.get(tag), count)) is not None
        }
        if position:
            kept[_GPS_IFD] = position
    return kept.tobytes() if len(kept) else b""


def _webp_is_lossless(data: bytes) -> bool:
    """A WebP stores its picture in a VP8L chunk when lossless (VP8 when lossy)."""
    offset = 12
    while offset + 8 <= len(data):
        chunk, size = data[offset : offset + 4], int.from_bytes(data[offset + 4 : offset + 8], "little")
        if chunk in (b"VP8L", b"VP8 "):
            return chunk == b"VP8L"
        offset += 8 + size + (size & 1)
    return False


def _to_srgb(image: Image.Image, icc: bytes) -> Image.Image:
    """The picture in sRGB, so that its colour profile (which carries free text) can be dropped."""
    if image.mode not in ("RGB", "RGBA"):
        return image
    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        converted = ImageCms.profileToProfile(image, profile, ImageCms.createProfile("sRGB"), outputMode=image.mode)
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return image
    return converted if converted is not None else image


def _image_clean(data: bytes, content_type: str, *, strip_identity: bool, keep_location: bool) -> bytes:
    image_format = IMAGE_FORMATS[content_type]
    try:
        with Image.open(io.BytesIO(data), formats=[image_format]) as source:
            width, height = source.size
            if width * height > settings.RABTA_ATTACHMENT_MAX_PIXELS:
                raise _file_error(
                    ComplaintsError.ATTACHMENT_TOO_LARGE,
                    _("This image is too large: at most %(mp)s megapixels.")
                    % {"mp": settings.RABTA_ATTACHMENT_MAX_PIXELS // 1_000_000},
                )
            # A JPEG of several pictures (MPO: a phone's depth map or HDR gain map, a stereo pair)
            # is stored as its first, the one people see; the others go with the metadata.
            if getattr(source, "n_frames", 1) > 1 and image_format != "JPEG":
                raise _animated()
            source.load()
            exif = b"" if strip_identity else _exif_kept(source, keep_location=keep_location)
            # Turned upright by its EXIF orientation, which is about to go.
            clean = ImageOps.exif_transpose(source)
            # The colour profile is applied, then dropped: it is a blob with text fields of its own.
            if icc := source.info.get("icc_profile"):
                clean = _to_srgb(clean, icc)
            # Everything Pillow read besides the pixels goes, or its encoders would write some of
            # it back (PNG takes the ICC profile, JPEG the comment, from the image's info).
            clean.info = {}
            if "transparency" in source.info:
                clean.info["transparency"] = source.info["transparency"]
            options: dict[str, Any] = {"exif": exif} if exif else {}
            if image_format == "JPEG":
                # With the source's own tables and sampling, encoding anew loses next to nothing.
                if qtables := getattr(source, "quantization", None):
                    options["qtables"] = qtables
                else:
                    options["quality"] = 92
                if (sampling := JpegImagePlugin.get_sampling(source)) != -1:
                    options["subsampling"] = sampling
            elif image_format == "WEBP":
                if _webp_is_lossless(data):
                    options["lossless"] = True
                else:
                    options["quality"] = 90
            out = io.BytesIO()
            clean.save(out, format=image_format, **options)
    except DomainError:
        raise
    except Exception as exc:
        # A decoder fed hostile bytes fails in many ways (OSError, ValueError, struct.error,
        # DecompressionBombError, ...): each means the same to the uploader.
        raise _unreadable("image") from exc
    return out.getvalue()


# PDFs ---------------------------------------------------------------------------------------------


def _pdf_objects(root: Any) -> Iterator[Any]:
    """Every dictionary and array reachable from ``root``, each once."""
    seen: set[int] = set()
    stack: list[Any] = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, IndirectObject):
            if node.idnum in seen:
                continue
            seen.add(node.idnum)
            node = node.get_object()
        if isinstance(node, dict):
            yield node
            stack.extend(node.values())
        elif isinstance(node, list):
            yield node
            stack.extend(node)


def _pdf_reader(data: bytes) -> PdfReader:
    reader = PdfReader(io.BytesIO(data), strict=False)
    # An owner password only restricts printing or copying: such a file opens with the empty user
    # password. One that needs a password to open cannot be checked, so it is refused.
    if reader.is_encrypted and not reader.decrypt(""):
        raise _file_error(
            ComplaintsError.ATTACHMENT_UNREADABLE, _("This PDF is protected by a password; send it without one.")
        )
    return reader


def _pdf_has_active_content(reader: PdfReader) -> bool:
    return any(
        isinstance(node, dict) and ACTIVE_PDF_KEYS & {str(key) for key in node} for node in _pdf_objects(reader.trailer)
    )


def _jpeg_without_metadata(raw: bytes) -> bytes:
    """A JPEG stream with its metadata removed, the picture untouched: of what comes before the
    first scan only the coding tables, the JFIF header (without its thumbnail) and Adobe's colour
    transform (APP14) stay. EXIF and XMP (APP1), colour profiles (APP2: the PDF names the colour
    space), IPTC (APP13), comments and JFXX thumbnails go."""
    if raw[:2] != b"\xff\xd8":
        return raw
    out = bytearray(raw[:2])
    offset = 2
    while offset + 4 <= len(raw) and raw[offset] == 0xFF:
        marker = raw[offset + 1]
        if marker == 0xFF:  # fill byte before a marker
            offset += 1
            continue
        if marker == 0xDA:  # start of scan: the rest is picture
            return bytes(out + raw[offset:])
        length = int.from_bytes(raw[offset + 2 : offset + 4], "big")
        segment = raw[offset : offset + 2 + length]
        if marker == 0xE0 and segment[4:9] == b"JFIF\x00" and length >= 14:
            out += b"\xff\xe0\x00\x10" + segment[4:16] + b"\x00\x00"  # thumbnail width and height 0
        elif marker == 0xEE or not (0xE0 <= marker <= 0xEF or marker == 0xFE):
            out += segment
        offset += 2 + length
    # No picture where one should start: what follows cannot be shown, and may be anything.
    return bytes(out)


def _pdf_jpeg_strip(stream: StreamObject) -> None:
    """Strip the metadata of a JPEG image stored in a PDF stream: as it is (/DCTDecode), or
    compressed once more (/FlateDecode over /DCTDecode), which is then undone."""
    filters = stream.get("/Filter")
    chain = [str(f) for f in filters] if isinstance(filters, ArrayObject) else [str(filters)] if filters else []
    if not chain or chain[-1] != "/DCTDecode" or any(f != "/FlateDecode" for f in chain[:-1]):
        return
    jpeg = stream._data if len(chain) == 1 else decode_stream_data(stream)
    StreamObject.set_data(stream, _jpeg_without_metadata(jpeg))
    stream[NameObject("/Filter")] = NameObject("/DCTDecode")
    stream.pop(NameObject("/DecodeParms"), None)


def _pdf_drop_unreferenced(writer: PdfWriter) -> None:
    """Drop the objects nothing points to any more (the XMP streams and dictionaries just cut
    loose): the writer would otherwise write them all the same. A pass drops one level of a
    cut-loose tree, so it runs until a pass drops nothing."""
    while True:
        before = sum(obj is None for obj in writer._objects)
        writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)
        if sum(obj is None for obj in writer._objects) == before:
            return


def _pdf_clean(data: bytes) -> bytes:
    try:
        reader = _pdf_reader(data)
        if len(reader.pages) > PDF_MAX_PAGES:
            raise _file_error(
                ComplaintsError.ATTACHMENT_TOO_LARGE,
                _("A PDF can have at most %(pages)s pages.") % {"pages": PDF_MAX_PAGES},
            )
        if _pdf_has_active_content(reader):
            raise _file_error(
                ComplaintsError.ATTACHMENT_ACTIVE_CONTENT,
                _("This PDF contains scripts or embedded files; print it to a plain PDF and try again."),
            )
        # Cloned from the document's root: objects it no longer uses (earlier revisions, whatever
        # an editor left behind) are not written.
        writer = PdfWriter(clone_from=reader)
        writer.metadata = None  # the document information dictionary: author, title, creator, dates
        for node in _pdf_objects(writer.root_object):
            if not isinstance(node, dict):
                continue
            for key in PDF_METADATA_KEYS & {str(key) for key in node}:
                del node[NameObject(key)]
            if node.get("/Type") == "/Annot" and node.get("/Subtype") not in PDF_NON_MARKUP_ANNOTATIONS:
                node.pop(NameObject("/T"), None)  # a comment's author
            if isinstance(node, StreamObject):
                _pdf_jpeg_strip(node)
        # Page contents compressed: text a page shows (which may be markup, in a polyglot) is then
        # not lying in the file in clear for a sniffer to find. A stream that will not compress is
        # left as it is: it is served as a PDF download either way.
        for page in writer.pages:
            try:
                page.compress_content_streams()
            except Exception:  # noqa: S112
                continue
        _pdf_drop_unreferenced(writer)
        out = io.BytesIO()
        writer.write(out)
    except DomainError:
        raise
    except Exception as exc:
        # PdfReadError, RecursionError on a self-referencing tree, and whatever else a parser fed
        # hostile bytes raises: each means the same to the uploader.
        raise _unreadable("pdf") from exc
    return out.getvalue()


def attachment_clean(data: bytes, *, strip_identity: bool, keep_location: bool = False, name: str = "") -> Cleaned:
    """``data`` as it may be stored: its type detected from content and allowed, its metadata
    removed. ``strip_identity`` removes every piece of metadata (identity hidden from the office);
    otherwise the capture time is kept, and the GPS position if ``keep_location``.
    ``name`` only chooses the error: a name that promises an allowed type is told it was wrong."""
    kind = filetype.guess(data)
    detected = kind.mime if kind else None
    if detected == "image/apng":
        raise _animated()
    if detected not in EXTENSIONS:
        claims_allowed = "." + name.lower().rsplit(".", 1)[-1] in {*EXTENSIONS.values(), ".jpeg"}
        raise _file_error(
            ComplaintsError.ATTACHMENT_TYPE_MISMATCH if claims_allowed else ComplaintsError.ATTACHMENT_TYPE_NOT_ALLOWED,
            _(
                "Only photos (JPEG, PNG, WebP) and PDF documents can be attached; "
                "this file's content is not one of them."
            ),
        )
    if detected == "application/pdf":
        cleaned = _pdf_clean(data)
    else:
        cleaned = _image_clean(data, detected, strip_identity=strip_identity, keep_location=keep_location)
    # What is stored is what was made here; check that it is what it says it is.
    again = filetype.guess(cleaned)
    if again is None or again.mime != detected:
        raise _unreadable("pdf" if detected == "application/pdf" else "image")
    location_kept = keep_location and not strip_identity and detected != "application/pdf"
    return Cleaned(data=cleaned, content_type=detected, location_kept=location_kept)


# The service --------------------------------------------------------------------------------------


def _refuse_if_closed(status: str) -> None:
    message = _("This complaint is closed: nothing more can be attached to it.")
    require_not_closed(status, message, code=ComplaintsError.ATTACHMENT_COMPLAINT_CLOSED)


def attachment_add(
    *,
    complaint: Complaint,
    uploaded_by: Any,
    name: str,
    data: bytes,
    message: Message | None = None,
    share_location: bool = False,
) -> Attachment:
    """Attach a file to ``complaint`` (or to one of its messages), cleaned as the module says.

    Refused when the complaint is closed or rejected, when it already carries
    ``RABTA_ATTACHMENTS_PER_COMPLAINT`` files, or when the file is too large, of a type not
    allowed, unreadable or active. ``share_location`` keeps a photo's GPS position; it has no
    effect where the complainant's identity is hidden from the office."""
    limit = max_bytes()
    if len(data) > limit:
        raise _file_error(
            ComplaintsError.ATTACHMENT_TOO_LARGE,
            _("Files can be at most %(mb)s MB.") % {"mb": limit // (1024 * 1024)},
        )
    _refuse_if_closed(complaint.status)
    hidden = complaint.identity_hidden_from_office
    # The slow part (decoding, encoding) before the transaction, so no lock waits on it.
    cleaned = attachment_clean(data, strip_identity=hidden, keep_location=share_location, name=name)
    uploader = uploaded_by if getattr(uploaded_by, "pk", None) else None
    by_complainant = is_complainant(uploader, complaint)
    with transaction.atomic():
        # Under the complaint's lock: a close, or other uploads, landing at the same moment are
        # seen, so the cap holds and nothing is added to a complaint closed meanwhile.
        status = Complaint.objects.select_for_update().values_list("status", flat=True).get(pk=complaint.pk)
        _refuse_if_closed(status)
        count = Attachment.objects.filter(complaint_id=complaint.pk).count()
        cap = int(settings.RABTA_ATTACHMENTS_PER_COMPLAINT)
        if count >= cap:
            raise Conflict(
                ComplaintsError.ATTACHMENT_CAP_REACHED,
                _("A complaint can carry at most %(cap)s files.") % {"cap": cap},
            )
        # A fully anonymous complaint has no complainant to show the uploaded name to: it is not kept.
        stored_name = (
            generated_name(complaint, count + 1, cleaned.content_type)
            if complaint.anonymity == Anonymity.FULLY_ANONYMOUS
            else safe_name(name, cleaned.content_type)
        )
        attachment = Attachment(
            complaint=complaint,
            message=message,
            original_name=stored_name,
            content_type=cleaned.content_type,
            size=len(cleaned.data),
            sha256=hashlib.sha256(cleaned.data).hexdigest(),
            uploaded_by=uploader,
            cleaned_at=timezone.now(),
        )
        # A random stored name with the detected type's extension: the uploaded name never reaches
        # the file system.
        attachment.file.save(
            secrets.token_hex(16) + EXTENSIONS[cleaned.content_type], ContentFile(cleaned.data), save=False
        )
        try:
            attachment.save()
            # As for messages: the office's timeline says "complainant", and for a hidden identity
            # the event row itself does not point at them.
            event_record(
                kind=ComplaintsEvent.ATTACHMENT_ADDED,
                subject=complaint,
                actor=None if (by_complainant and hidden) else uploader,
                actor_role="complainant" if by_complainant else "",
                data={
                    "attachment": attachment.pk,
                    "type": cleaned.content_type,
                    "size": len(cleaned.data),
                    "location_kept": cleaned.location_kept,
                },
            )
        except BaseException:
            attachment.file.delete(save=False)
            raise
    return attachment


@dataclass(frozen=True)
class StoredCleaning:
    cleaned: int
    refused: list[int]  # ids whose stored bytes cannot be cleaned (unreadable, active, wrong type)


def attachment_clean_stored(*, attachment: Attachment) -> bool:
    """Clean a file stored before files were cleaned at upload, as an upload to its complaint would
    be today (no location kept: nobody chose to share it). The clean bytes replace the stored ones
    under a new random name; the old file is deleted once the change is committed. Returns False,
    changing nothing, when the stored bytes cannot be cleaned; they stay unserved to offices that
    must not learn who the complainant is."""
    complaint = attachment.complaint
    with attachment.file.open("rb") as stored:
        data = stored.read()
    try:
        cleaned = attachment_clean(data, strip_identity=complaint.identity_hidden_from_office)
    except DomainError:
        return False
    old_name = attachment.file.name
    with transaction.atomic():
        # Claimed under its row lock: two runs at once clean a file once.
        claimed = Attachment.objects.select_for_update().filter(pk=attachment.pk, cleaned_at__isnull=True).first()
        if claimed is None:
            return True
        claimed.file.save(
            secrets.token_hex(16) + EXTENSIONS[cleaned.content_type], ContentFile(cleaned.data), save=False
        )
        claimed.content_type = cleaned.content_type
        claimed.size = len(cleaned.data)
        claimed.sha256 = hashlib.sha256(cleaned.data).hexdigest()
        claimed.cleaned_at = timezone.now()
        if complaint.anonymity == Anonymity.FULLY_ANONYMOUS:
            number = Attachment.objects.filter(complaint_id=complaint.pk, id__lte=claimed.pk).count()
            claimed.original_name = generated_name(complaint, number, cleaned.content_type)
        claimed.save(update_fields=["file", "content_type", "size", "sha256", "cleaned_at", "original_name"])
        event_record(
            kind=ComplaintsEvent.ATTACHMENT_CLEANED,
            subject=complaint,
            data={"attachment": claimed.pk, "type": cleaned.content_type, "size": len(cleaned.data)},
        )
        storage = claimed.file.storage
        transaction.on_commit(lambda: storage.delete(old_name))
    return True


def attachments_clean_stored(*, batch: int = CLEAN_STORED_BATCH) -> StoredCleaning:
    """Clean every stored file not cleaned yet (`rabta clean_attachments`); idempotent."""
    cleaned, refused = 0, []
    pending = Attachment.objects.filter(cleaned_at__isnull=True).select_related("complaint").order_by("id")
    for attachment in pending.iterator(chunk_size=batch):
        if attachment_clean_stored(attachment=attachment):
            cleaned += 1
        else:
            refused.append(attachment.pk)
    return StoredCleaning(cleaned=cleaned, refused=refused)
