"""Attachments: what an office can learn from a file, and what a file can be made to do.

Identities are generated (names in Latin and Urdu script, CNICs and phone numbers in several
spellings) and planted in every place a file carries metadata: EXIF (author, description, owner,
serial number, user comment, Windows XP tags), GPS, XMP, IPTC, JPEG comments, PNG text chunks, PDF
document information, XMP streams, comment authors and the EXIF of images inside a PDF, and the
file name. Then every office-facing output is searched for them: the list, the detail, the
timeline, the download's bytes and headers.
"""

from __future__ import annotations

import io
import json
import random
import zlib
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import ExifTags, Image, ImageCms
from PIL.PngImagePlugin import PngInfo
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NumberObject,
    StreamObject,
    TextStringObject,
)

from rabta.complaints.choices import Anonymity, MessageDirection, Status
from rabta.complaints.models import Attachment, Complaint, Message
from rabta.complaints.services import attachments
from rabta.complaints.services.intake import complaint_submit
from rabta.core.errors import DomainError

pytestmark = pytest.mark.django_db

SEEDS = range(6)
HIDDEN = (Anonymity.IDENTITY_HIDDEN_FROM_OFFICE, Anonymity.FULLY_ANONYMOUS)
OFFICE_READERS = ("officer_a", "supervisor_a", "oversight")

# -- generated identities ----------------------------------------------------------------------

LATIN_SYLLABLES = ["ay", "esh", "zar", "bil", "qu", "rai", "tah", "mir", "noor", "sul", "fak", "hum", "jaw", "kha"]
URDU_LETTERS = "ابپتٹثجچحخدڈذرڑزژسشصضطظعغفقکگلمنوہھیے"


@dataclass(frozen=True)
class Identity:
    latin: str
    urdu: str
    cnic: str  # 12345-1234567-1
    phone: str  # 0300-1234567

    @property
    def needles(self) -> list[str]:
        digits = self.cnic.replace("-", "")
        return [
            self.latin,
            *self.latin.split(),
            self.urdu,
            *self.urdu.split(),
            self.cnic,
            digits,
            self.cnic.replace("-", " "),
            self.phone,
            self.phone.replace("-", ""),
        ]

    def found_in(self, blob: bytes) -> list[str]:
        """The needles present in ``blob`` in UTF-8, UTF-16 (either order) or any letter case."""
        lowered = blob.lower()
        hits = []
        for needle in self.needles:
            forms = {needle.encode(), needle.lower().encode(), needle.encode("utf-16-le"), needle.encode("utf-16-be")}
            if any(form in blob or form in lowered for form in forms):
                hits.append(needle)
        return hits


def identity(rng: random.Random) -> Identity:
    def latin_word() -> str:
        return "".join(rng.choice(LATIN_SYLLABLES) for _ in range(3)).capitalize()

    def urdu_word() -> str:
        return "".join(rng.choice(URDU_LETTERS) for _ in range(rng.randint(4, 7)))

    cnic = f"{rng.randint(10000, 99999)}-{rng.randint(1000000, 9999999)}-{rng.randint(1, 9)}"
    return Identity(
        latin=f"{latin_word()} {latin_word()}",
        urdu=f"{urdu_word()} {urdu_word()}",
        cnic=cnic,
        phone=f"03{rng.randint(0, 49):02d}-{rng.randint(1000000, 9999999)}",
    )


def file_name(rng: random.Random, who: Identity, extension: str) -> str:
    return rng.choice(
        [
            f"{who.latin} CNIC {who.cnic}{extension}",
            f"{who.urdu} {who.cnic.replace('-', '')}{extension}",
            f"C:\\Users\\{who.latin}\\Desktop\\{who.phone}{extension}",
            f"/home/{who.latin.split()[0]}/{who.urdu}{extension}",
            f"{who.cnic.replace('-', ' ')}_{who.latin.replace(' ', '_')}{extension}",
        ]
    )


# -- generated files ---------------------------------------------------------------------------

GPS = {
    1: "N",
    2: (Fraction(31), Fraction(31), Fraction(1234, 100)),
    3: "E",
    4: (Fraction(74), Fraction(21), Fraction(5678, 100)),
    5: b"\x00",
    6: Fraction(217),
}


def exif_with(who: Identity, *, gps: bool = True) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Camera Co"
    exif[ExifTags.Base.Model] = "Phone 7"
    exif[ExifTags.Base.Artist] = who.latin
    exif[ExifTags.Base.ImageDescription] = f"{who.latin} {who.cnic} {who.phone}"
    exif[ExifTags.Base.Copyright] = who.latin
    exif[ExifTags.Base.DateTime] = f"{who.latin[:8]}:{who.cnic}"  # text where a date belongs
    exif[ExifTags.Base.XPAuthor] = who.urdu.encode("utf-16-le") + b"\x00\x00"
    exif[ExifTags.Base.XPComment] = who.latin.encode("utf-16-le") + b"\x00\x00"
    exif[ExifTags.IFD.Exif] = {
        ExifTags.Base.DateTimeOriginal: "2026:11:30 09:15:00",
        ExifTags.Base.CameraOwnerName: who.latin,
        ExifTags.Base.BodySerialNumber: who.cnic,
        ExifTags.Base.UserComment: b"UNICODE\x00" + who.urdu.encode("utf-16-be"),
    }
    if gps:
        exif[ExifTags.IFD.GPSInfo] = {**GPS, 27: b"ASCII\x00\x00\x00" + who.latin.encode()}
    return exif


def xmp_with(who: Identity) -> bytes:
    return (
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:exif="http://ns.adobe.com/exif/1.0/">'
        f"<dc:creator><rdf:Seq><rdf:li>{who.latin}</rdf:li><rdf:li>{who.urdu}</rdf:li></rdf:Seq></dc:creator>"
        f"<dc:description>{who.cnic} {who.phone}</dc:description>"
        "<exif:GPSLatitude>31,31.2N</exif:GPSLatitude>"
        "</rdf:Description></rdf:RDF></x:xmpmeta>"
    ).encode()


def iptc_segment(who: Identity) -> bytes:
    """An APP13 (Photoshop 3.0) segment holding IPTC By-line, Caption and Special Instructions."""

    def dataset(number: int, value: str) -> bytes:
        raw = value.encode()
        return b"\x1c\x02" + bytes([number]) + len(raw).to_bytes(2, "big") + raw

    iptc = dataset(80, who.latin) + dataset(120, f"{who.urdu} {who.cnic}") + dataset(40, who.phone)
    resource = b"8BIM\x04\x04\x00\x00" + len(iptc).to_bytes(4, "big") + iptc + (b"\x00" if len(iptc) % 2 else b"")
    body = b"Photoshop 3.0\x00" + resource
    return b"\xff\xed" + (len(body) + 2).to_bytes(2, "big") + body


def picture(rng: random.Random, mode: str = "RGB", size: tuple[int, int] = (24, 16)) -> Image.Image:
    return Image.frombytes(mode, size, rng.randbytes(size[0] * size[1] * len(mode)))


def jpeg(rng: random.Random, who: Identity, *, gps: bool = True, trailer: bytes = b"") -> bytes:
    buffer = io.BytesIO()
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    picture(rng).save(
        buffer,
        "JPEG",
        exif=exif_with(who, gps=gps).tobytes(),
        comment=f"{who.latin} {who.cnic}".encode(),
        xmp=xmp_with(who),
        icc_profile=srgb,
    )
    data = buffer.getvalue()
    return data[:2] + iptc_segment(who) + data[2:] + trailer


def png(rng: random.Random, who: Identity, *, gps: bool = True) -> bytes:
    info = PngInfo()
    info.add_text("Author", who.latin)
    info.add_text("Comment", f"{who.cnic} {who.phone}", zip=True)
    info.add_itxt("Description", who.urdu)
    info.add_itxt("XML:com.adobe.xmp", xmp_with(who).decode())
    buffer = io.BytesIO()
    picture(rng, "RGBA").save(buffer, "PNG", pnginfo=info, exif=exif_with(who, gps=gps).tobytes())
    return buffer.getvalue()


def webp(rng: random.Random, who: Identity, *, gps: bool = True, lossless: bool = False) -> bytes:
    buffer = io.BytesIO()
    picture(rng).save(buffer, "WEBP", exif=exif_with(who, gps=gps).tobytes(), xmp=xmp_with(who), lossless=lossless)
    return buffer.getvalue()


IMAGES = {
    "jpeg": (jpeg, ".jpg", "image/jpeg"),
    "png": (png, ".png", "image/png"),
    "webp": (webp, ".webp", "image/webp"),
}


def pdf(rng: random.Random, who: Identity, *, photo_filters: tuple[str, ...] = ("/DCTDecode",)) -> bytes:
    writer = PdfWriter()
    page = writer.add_blank_page(width=300, height=300)
    writer.add_metadata(
        {
            "/Author": who.latin,
            "/Title": f"Complaint of {who.urdu}",
            "/Subject": who.cnic,
            "/Keywords": who.phone,
            "/Creator": who.latin,
            "/Producer": f"Scanner of {who.latin}",
        }
    )
    xmp = DecodedStreamObject()
    xmp.set_data(xmp_with(who))
    xmp.update({NameObject("/Type"): NameObject("/Metadata"), NameObject("/Subtype"): NameObject("/XML")})
    writer.root_object[NameObject("/Metadata")] = writer._add_object(xmp)
    # A sticky-note comment, whose /T is its author.
    note = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Text"),
            NameObject("/Rect"): ArrayObject([FloatObject(10), FloatObject(10), FloatObject(30), FloatObject(30)]),
            NameObject("/Contents"): TextStringObject("See the leak"),
            NameObject("/T"): TextStringObject(who.latin),
        }
    )
    page[NameObject("/Annots")] = ArrayObject([writer._add_object(note)])
    # A photo placed on the page as it came from the phone, EXIF and GPS included.
    photo = StreamObject()
    photo._data = zlib.compress(jpeg(rng, who)) if "/FlateDecode" in photo_filters else jpeg(rng, who)
    photo.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Image"),
            NameObject("/Width"): NumberObject(24),
            NameObject("/Height"): NumberObject(16),
            NameObject("/ColorSpace"): NameObject("/DeviceRGB"),
            NameObject("/BitsPerComponent"): NumberObject(8),
            NameObject("/Filter"): ArrayObject([NameObject(f) for f in photo_filters]),
        }
    )
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/XObject"): DictionaryObject({NameObject("/Im0"): writer._add_object(photo)})}
    )
    page[NameObject("/PieceInfo")] = DictionaryObject(
        {NameObject("/Editor"): DictionaryObject({NameObject("/Private"): TextStringObject(who.cnic)})}
    )
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_dump(data: bytes) -> bytes:
    """Everything a PDF holds, readable: the raw file, every string and every stream decoded."""
    reader = PdfReader(io.BytesIO(data))
    parts = [data]
    seen: set[int] = set()
    stack = [reader.trailer]
    while stack:
        node = stack.pop()
        if isinstance(node, IndirectObject):
            if node.idnum in seen:
                continue
            seen.add(node.idnum)
            node = node.get_object()
        if isinstance(node, StreamObject):
            try:
                parts.append(node.get_data())
            except Exception:
                parts.append(node._data)
        if isinstance(node, dict):
            stack.extend(node.values())
            parts.extend(str(value).encode() for value in node.values() if isinstance(value, str))
        elif isinstance(node, list):
            stack.extend(node)
            parts.extend(str(value).encode() for value in node if isinstance(value, str))
    return b"\n".join(parts)


# -- fixtures ----------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _media_and_limits(settings, tmp_path, cache_of_its_own):
    """Uploads land in a folder of the test's own, count against limits no test reaches, and in a
    cache of the test's own (never by clearing the shared one)."""
    settings.MEDIA_ROOT = tmp_path
    settings.RABTA_RATE_LIMITS = {**settings.RABTA_RATE_LIMITS, "uploads": {"address": "10000/h", "subject": "10000/h"}}


@pytest.fixture
def lodge(categories, personas):
    def make(anonymity: str = Anonymity.NAME_HIDDEN_FROM_PUBLIC) -> Complaint:
        return complaint_submit(
            complainant=personas.citizen,
            category_code="PB-MUN-WATER",
            jurisdiction_code="PK-PB-LHR",
            subject="No water",
            text="No water for a week.",
            anonymity=anonymity,
        ).complaint

    return make


def upload(client, complaint: Complaint, name: str, data: bytes, **form):
    return client.post(
        f"/api/complaints/{complaint.tracking_number}/attachments", {"file": SimpleUploadedFile(name, data), **form}
    )


def office_outputs(verified_client, personas, complaint: Complaint, reader: str, skip=()) -> list[tuple[str, bytes]]:
    """Everything ``reader`` (an office persona) can read about the complaint's files (but the
    downloads of ``skip``)."""
    client = verified_client(getattr(personas, reader))
    base = f"/api/complaints/{complaint.tracking_number}"
    outputs = []
    for path in ("/attachments", "", "/timeline"):
        response = client.get(base + path)
        assert response.status_code == 200, (path, response.content)
        outputs.append((path or "detail", response.content))
    for row in client.get(base + "/attachments").json():
        if row["id"] in skip:
            continue
        response = client.get(f"{base}/attachments/{row['id']}")
        assert response.status_code == 200
        headers = "\n".join(f"{key}: {value}" for key, value in response.items()).encode()
        outputs.append((f"headers of {row['id']}", headers))
        outputs.append((f"bytes of {row['id']}", b"".join(response.streaming_content)))
    return outputs


def served(client, complaint: Complaint, attachment_id: int):
    response = client.get(f"/api/complaints/{complaint.tracking_number}/attachments/{attachment_id}")
    assert response.status_code == 200, response.content
    return response, b"".join(response.streaming_content)


# -- 5: nothing of the complainant's identity reaches the office ------------------------------


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("anonymity", HIDDEN)
def test_no_planted_identity_reaches_an_office_of_a_hidden_complaint(verified_client, personas, lodge, seed, anonymity):
    """Given a hidden complaint and files full of generated identities under identifying names,
    when the office reads the list, detail, timeline and downloads,
    then none of the identities, nor the file names, appear anywhere."""
    rng = random.Random(seed)
    complaint = lodge(anonymity)
    people = [identity(rng) for _ in range(4)]
    files = [
        (jpeg(rng, people[0]), file_name(rng, people[0], ".jpg")),
        (png(rng, people[1]), file_name(rng, people[1], ".png")),
        (webp(rng, people[2], lossless=bool(seed % 2)), file_name(rng, people[2], ".webp")),
        (pdf(rng, people[3]), file_name(rng, people[3], ".pdf")),
    ]
    for data, name in files:
        # A fully anonymous complaint belongs to no account: its files come in with the complaint
        # (the helpline, an import) rather than through the complainant's API.
        attachments.attachment_add(complaint=complaint, uploaded_by=None, name=name, data=data, share_location=True)
    for reader in OFFICE_READERS:
        for where, blob in office_outputs(verified_client, personas, complaint, reader):
            for person in people:
                assert person.found_in(blob) == [], (reader, where)
            if where.startswith("bytes") and blob.startswith(b"%PDF"):
                for person in people:
                    assert person.found_in(pdf_dump(blob)) == [], (reader, where, "inside the PDF")
    names = [
        row["name"]
        for row in verified_client(personas.officer_a)
        .get(f"/api/complaints/{complaint.tracking_number}/attachments")
        .json()
    ]
    assert names == [
        f"{complaint.tracking_number}-{n}{ext}" for n, ext in enumerate([".jpg", ".png", ".webp", ".pdf"], 1)
    ]


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("kind", sorted(IMAGES))
def test_a_hidden_complaints_images_are_stored_without_any_metadata(kind, seed):
    rng = random.Random(seed)
    make, _, content_type = IMAGES[kind]
    original = make(rng, identity(rng))
    cleaned = attachments.attachment_clean(original, strip_identity=True, keep_location=True)
    assert cleaned.content_type == content_type and not cleaned.location_kept
    with Image.open(io.BytesIO(cleaned.data)) as image:
        assert len(image.getexif()) == 0
        assert not {"exif", "xmp", "comment", "icc_profile", "photoshop", "XML:com.adobe.xmp"} & set(image.info)
        assert getattr(image, "text", {}) == {}
        with Image.open(io.BytesIO(original)) as before:
            assert image.size == before.size


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("photo_filters", [("/DCTDecode",), ("/FlateDecode", "/DCTDecode")])
def test_a_hidden_complaints_pdf_keeps_no_document_metadata(seed, photo_filters):
    rng = random.Random(seed)
    who = identity(rng)
    cleaned = attachments.attachment_clean(pdf(rng, who, photo_filters=photo_filters), strip_identity=True)
    reader = PdfReader(io.BytesIO(cleaned.data))
    assert not reader.metadata and reader.xmp_metadata is None
    assert who.found_in(pdf_dump(cleaned.data)) == []
    assert len(reader.pages) == 1
    photo = reader.pages[0]["/Resources"]["/XObject"]["/Im0"].get_object()
    with Image.open(io.BytesIO(photo.get_data())) as image:  # still a picture, of the same size
        assert image.size == (24, 16)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("kind", sorted(IMAGES))
@pytest.mark.parametrize("share_location", [False, True])
def test_location_goes_unless_the_complainant_shares_it(verified_client, personas, lodge, kind, seed, share_location):
    """On a complaint whose office may know the complainant, a photo keeps its capture time; its
    position only when the complainant chose to share it; nothing that is free text."""
    rng = random.Random(seed)
    complaint = lodge(Anonymity.NAME_HIDDEN_FROM_PUBLIC)
    make, extension, _ = IMAGES[kind]
    client = verified_client(personas.citizen)
    response = upload(client, complaint, "site" + extension, make(rng, identity(rng)), share_location=share_location)
    assert response.status_code == 201, response.content
    _, data = served(verified_client(personas.officer_a), complaint, response.json()["id"])
    with Image.open(io.BytesIO(data)) as image:
        exif = image.getexif()
        gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
        assert (gps.get(2) == (31.0, 31.0, 12.34)) is share_location
        assert 27 not in gps  # the free-text processing method never
        assert exif.get_ifd(ExifTags.IFD.Exif) == {ExifTags.Base.DateTimeOriginal: "2026:11:30 09:15:00"}
        assert set(exif) <= {ExifTags.IFD.Exif, ExifTags.IFD.GPSInfo}  # no author, camera, or text-for-a-date
        assert set(gps) <= {1, 2, 3, 4, 6}
        assert not {"xmp", "comment", "icc_profile"} & set(image.info)


def test_location_is_never_kept_where_the_identity_is_hidden(verified_client, personas, lodge):
    rng = random.Random(7)
    complaint = lodge(Anonymity.IDENTITY_HIDDEN_FROM_OFFICE)
    response = upload(
        verified_client(personas.citizen), complaint, "a.jpg", jpeg(rng, identity(rng)), share_location=True
    )
    _, data = served(verified_client(personas.officer_a), complaint, response.json()["id"])
    with Image.open(io.BytesIO(data)) as image:
        assert len(image.getexif()) == 0


@pytest.mark.parametrize("seed", SEEDS)
def test_file_names_follow_the_reader(verified_client, personas, lodge, seed):
    """The complainant reads their own (cleaned) name; an office of a hidden complaint a generated
    one; an office of an open one the cleaned name. The extension is always the detected type's."""
    rng = random.Random(seed)
    who = identity(rng)
    name = file_name(rng, who, ".html")
    for anonymity in (Anonymity.NAME_HIDDEN_FROM_PUBLIC, Anonymity.IDENTITY_HIDDEN_FROM_OFFICE):
        complaint = lodge(anonymity)
        created = upload(verified_client(personas.citizen), complaint, name, jpeg(rng, who))
        assert created.status_code == 201, created.content
        own = created.json()["name"]
        assert own.endswith(".jpg") and "/" not in own and "\\" not in own and ".html" not in own
        office_row = (
            verified_client(personas.officer_a)
            .get(f"/api/complaints/{complaint.tracking_number}/attachments")
            .json()[0]
        )
        response, _ = served(verified_client(personas.officer_a), complaint, office_row["id"])
        if anonymity == Anonymity.NAME_HIDDEN_FROM_PUBLIC:
            assert office_row["name"] == own
        else:
            assert office_row["name"] == f"{complaint.tracking_number}-1.jpg"
            assert who.found_in(json.dumps(office_row, ensure_ascii=False).encode()) == []
            assert who.found_in(response["Content-Disposition"].encode()) == []
        assert office_row["name"] in response["Content-Disposition"] or "utf-8''" in response["Content-Disposition"]
        stored = Attachment.objects.get(pk=office_row["id"]).file.name
        assert stored.endswith(".jpg") and who.found_in(stored.encode()) == []


@pytest.mark.parametrize(
    ("uploaded", "shown"),
    [
        ("C:\\Users\\someone\\Desktop\\letter.PDF", "letter.pdf"),
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("invoice\u202egpj.exe", "invoice gpj.pdf"),
        ("...", "attachment.pdf"),
        ("", "attachment.pdf"),
        ("  .hidden  ", "hidden.pdf"),
        ("شکایت نامہ.docx", "شکایت نامہ.pdf"),
        ("a\x00b\nc.pdf", "a b c.pdf"),
        ("x" * 300 + ".pdf", "x" * 100 + ".pdf"),
    ],
)
def test_uploaded_names_are_made_safe_with_the_detected_extension(uploaded, shown):
    assert attachments.safe_name(uploaded, "application/pdf") == shown


# -- 11: the files can be listed, and a file is what its content is ---------------------------


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
def test_permission_matrix_for_the_files_of_a_complaint(client, verified_client, personas, lodge, persona, expected):
    complaint = lodge()
    rng = random.Random(1)
    attachment = attachments.attachment_add(
        complaint=complaint, uploaded_by=personas.citizen, name="a.png", data=png(rng, identity(rng))
    )
    reader = verified_client(getattr(personas, persona)) if persona else client
    base = f"/api/complaints/{complaint.tracking_number}/attachments"
    listed = reader.get(base)
    assert listed.status_code == expected
    assert listed["Content-Type"].startswith("application/json")
    assert reader.get(f"{base}/{attachment.pk}").status_code == expected
    upload_status = upload(reader, complaint, "b.png", png(rng, identity(rng))).status_code
    assert upload_status == (201 if expected == 200 else expected)


def test_the_list_detail_and_timeline_carry_the_files(verified_client, personas, lodge):
    complaint = lodge()
    rng = random.Random(2)
    citizen = verified_client(personas.citizen)
    first = upload(citizen, complaint, "one.jpg", jpeg(rng, identity(rng))).json()
    office = verified_client(personas.officer_a)
    second = upload(office, complaint, "reply.pdf", pdf(rng, identity(rng))).json()
    base = f"/api/complaints/{complaint.tracking_number}"
    listed = office.get(base + "/attachments").json()
    assert [row["id"] for row in listed] == [first["id"], second["id"]]
    assert [row["uploaded_by"] for row in listed] == ["complainant", "office"]
    assert [row["content_type"] for row in listed] == ["image/jpeg", "application/pdf"]
    assert all(row["size"] == Attachment.objects.get(pk=row["id"]).file.size for row in listed)
    assert [row["id"] for row in office.get(base).json()["attachments"]] == [first["id"], second["id"]]
    timeline = office.get(base + "/timeline").json()
    added = [row["attachment"] for row in timeline if row["kind"] == "complaints.attachment_added"]
    assert added == [first["id"], second["id"]]
    assert all(row["actor"] in ("complainant", "Officer of A") for row in timeline if row["attachment"])


def test_listing_files_takes_the_same_queries_for_two_files_or_twelve(verified_client, personas, lodge, settings):
    complaint = lodge()
    rng = random.Random(3)
    office = verified_client(personas.officer_a)
    url = f"/api/complaints/{complaint.tracking_number}/attachments"

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert office.get(url).status_code == 200
        return len(captured.captured_queries)

    for _ in range(2):
        attachments.attachment_add(complaint=complaint, uploaded_by=None, name="a.png", data=png(rng, identity(rng)))
    few = queries()
    for _ in range(10):
        attachments.attachment_add(complaint=complaint, uploaded_by=None, name="a.png", data=png(rng, identity(rng)))
    assert queries() == few


def test_files_on_internal_notes_are_the_offices_alone(verified_client, personas, lodge):
    complaint = lodge()
    rng = random.Random(4)
    note = Message.objects.create(
        complaint=complaint,
        author=personas.officer_a,
        direction=MessageDirection.INTERNAL,
        body="n",
        body_for_office="n",
    )
    internal = attachments.attachment_add(
        complaint=complaint, uploaded_by=personas.officer_a, name="memo.pdf", data=pdf(rng, identity(rng)), message=note
    )
    base = f"/api/complaints/{complaint.tracking_number}"
    citizen = verified_client(personas.citizen)
    assert citizen.get(base + "/attachments").json() == []
    assert citizen.get(f"{base}/attachments/{internal.pk}").status_code == 404
    assert [row.get("attachment") for row in citizen.get(base + "/timeline").json() if row.get("attachment")] == []
    office = verified_client(personas.officer_a)
    assert [row["id"] for row in office.get(base + "/attachments").json()] == [internal.pk]


@pytest.mark.parametrize("status", [Status.CLOSED, Status.REJECTED])
def test_nothing_is_attached_to_a_closed_or_rejected_complaint(verified_client, personas, lodge, status):
    complaint = lodge()
    Complaint.objects.filter(pk=complaint.pk).update(status=status)
    rng = random.Random(5)
    for persona in ("citizen", "officer_a"):
        response = upload(verified_client(getattr(personas, persona)), complaint, "a.png", png(rng, identity(rng)))
        assert response.status_code == 409
        assert response.json()["code"] == "attachment_complaint_closed"
    assert not Attachment.objects.filter(complaint=complaint).exists()


def test_a_resolved_complaint_still_takes_evidence_for_a_reopening(verified_client, personas, lodge):
    complaint = lodge()
    Complaint.objects.filter(pk=complaint.pk).update(status=Status.RESOLVED)
    rng = random.Random(6)
    assert upload(verified_client(personas.citizen), complaint, "a.png", png(rng, identity(rng))).status_code == 201


def test_a_complaint_carries_at_most_the_configured_number_of_files(verified_client, personas, lodge, settings):
    settings.RABTA_ATTACHMENTS_PER_COMPLAINT = 3
    complaint = lodge()
    rng = random.Random(8)
    client = verified_client(personas.citizen)
    assert [upload(client, complaint, "a.png", png(rng, identity(rng))).status_code for _ in range(3)] == [201] * 3
    refused = upload(client, complaint, "a.png", png(rng, identity(rng)))
    assert refused.status_code == 409 and refused.json()["code"] == "attachment_cap_reached"
    assert Attachment.objects.filter(complaint=complaint).count() == 3


def test_a_file_larger_than_the_configured_size_is_refused(verified_client, personas, lodge, settings):
    rng = random.Random(9)
    data = jpeg(rng, identity(rng))
    settings.RABTA_ATTACHMENT_MAX_BYTES = len(data) - 1
    response = upload(verified_client(personas.citizen), lodge(), "a.jpg", data)
    assert response.status_code == 400
    assert response.json()["fields"]["file"][0]["code"] == "attachment_too_large"


def test_an_image_too_large_in_pixels_is_refused_before_it_is_decoded(settings):
    settings.RABTA_ATTACHMENT_MAX_PIXELS = 1_000_000
    buffer = io.BytesIO()
    Image.new("L", (2000, 1000)).save(buffer, "PNG")  # a few kilobytes, two megapixels
    with pytest.raises(DomainError) as refused:
        attachments.attachment_clean(buffer.getvalue(), strip_identity=False)
    assert refused.value.fields["file"][0]["code"] == "attachment_too_large"


def test_a_jpeg_of_several_pictures_is_kept_as_its_first():
    """Phones write MPO JPEGs (a depth or HDR gain map after the photo): taken, as the photo alone."""
    rng = random.Random(14)
    who = identity(rng)
    first, second = picture(rng), picture(rng)
    buffer = io.BytesIO()
    first.save(buffer, "MPO", save_all=True, append_images=[second], exif=exif_with(who).tobytes())
    cleaned = attachments.attachment_clean(buffer.getvalue(), strip_identity=True)
    assert cleaned.content_type == "image/jpeg" and who.found_in(cleaned.data) == []
    with Image.open(io.BytesIO(cleaned.data)) as image:
        assert image.format == "JPEG" and getattr(image, "n_frames", 1) == 1 and image.size == first.size


def test_a_pdf_of_too_many_pages_is_refused(monkeypatch):
    monkeypatch.setattr(attachments, "PDF_MAX_PAGES", 3)
    for pages, accepted in ((3, True), (4, False)):
        writer = PdfWriter()
        for _ in range(pages):
            writer.add_blank_page(width=100, height=100)
        buffer = io.BytesIO()
        writer.write(buffer)
        if accepted:
            assert (
                len(
                    PdfReader(
                        io.BytesIO(attachments.attachment_clean(buffer.getvalue(), strip_identity=True).data)
                    ).pages
                )
                == 3
            )
        else:
            with pytest.raises(DomainError) as refused:
                attachments.attachment_clean(buffer.getvalue(), strip_identity=True)
            assert refused.value.fields["file"][0]["code"] == "attachment_too_large"


@pytest.mark.parametrize("image_format", ["PNG", "WEBP"])
def test_animated_images_are_refused(image_format):
    rng = random.Random(10)
    frames = [picture(rng) for _ in range(3)]
    buffer = io.BytesIO()
    frames[0].save(buffer, image_format, save_all=True, append_images=frames[1:])
    with pytest.raises(DomainError) as refused:
        attachments.attachment_clean(buffer.getvalue(), strip_identity=False)
    assert refused.value.fields["file"][0]["code"] == "attachment_animated"


def test_uploads_are_rate_limited_per_account(verified_client, personas, lodge, settings):
    settings.RABTA_RATE_LIMITS = {**settings.RABTA_RATE_LIMITS, "uploads": {"address": "100/h", "subject": "2/h"}}
    complaint = lodge()
    rng = random.Random(11)
    client = verified_client(personas.citizen)
    statuses = [upload(client, complaint, "a.png", png(rng, identity(rng))).status_code for _ in range(3)]
    assert statuses == [201, 201, 429]


# -- the polyglot class: content sniffed as one type, named as another -------------------------

PAYLOADS = [
    b"<html><body><script>alert(document.cookie)</script></body></html>",
    b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>',
    b"<!--*/alert(document.domain)//--><script>fetch('/api/accounts/me')</script>",
    b"<?xml version='1.0'?><html xmlns='http://www.w3.org/1999/xhtml'><script>alert(3)</script></html>",
]
ACTIVE_NAMES = [".html", ".htm", ".svg", ".js", ".xhtml", ".xml", ".shtml", ".php", ""]


def _no_payload(blob: bytes) -> bool:
    lowered = blob.lower()
    return not any(marker in lowered for marker in (b"<script", b"<html", b"<svg", b"alert(", b"onload="))


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("kind", sorted(IMAGES))
def test_an_image_polyglot_is_stored_and_served_as_the_image_it_is(verified_client, personas, lodge, kind, seed):
    """Given an image carrying an HTML/SVG/JS payload in its metadata and after its end, named as a
    page or script, it is stored and served as the image, under the image's extension, and the
    payload is gone."""
    rng = random.Random(seed)
    payload = rng.choice(PAYLOADS)
    make, extension, content_type = IMAGES[kind]
    who = identity(rng)
    data = make(rng, who)
    if kind == "jpeg":
        # Inside a comment segment and after the end of the picture: a browser sniffing the file
        # as HTML would find it.
        data = data[:2] + b"\xff\xfe" + (len(payload) + 2).to_bytes(2, "big") + payload + data[2:] + payload
    else:
        data += payload
    name = "evidence" + rng.choice(ACTIVE_NAMES)
    complaint = lodge()
    response = upload(verified_client(personas.citizen), complaint, name, data)
    assert response.status_code == 201, response.content
    assert response.json()["content_type"] == content_type and response.json()["name"].endswith(extension)
    served_response, body = served(verified_client(personas.officer_a), complaint, response.json()["id"])
    assert served_response["Content-Type"] == content_type
    assert served_response["X-Content-Type-Options"] == "nosniff"
    disposition = served_response["Content-Disposition"]
    assert disposition.startswith("attachment;") and extension in disposition
    assert not any(bad in disposition for bad in (".html", ".htm", ".svg", ".js", ".xml", ".php"))
    assert _no_payload(body)
    assert Attachment.objects.get(pk=response.json()["id"]).file.name.endswith(extension)


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("name", ["photo.jpg", "scan.png", "letter.pdf", "pic.webp", "page.html", "x.svg"])
def test_active_content_under_any_name_is_refused(verified_client, personas, lodge, payload, name):
    """Pages, drawings and scripts are not attachments, whatever they are called; a name that
    promises an allowed type is told the content does not match."""
    response = upload(verified_client(personas.citizen), lodge(), name, payload)
    assert response.status_code == 400
    code = response.json()["fields"]["file"][0]["code"]
    promised = name.rsplit(".", 1)[-1] in ("jpg", "png", "pdf", "webp")
    assert code == ("attachment_type_mismatch" if promised else "attachment_type_not_allowed")


@pytest.mark.parametrize(
    "magic",
    [b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", b"\x89PNG\r\n\x1a\n", b"RIFF\x00\x00\x00\x00WEBPVP8 "],
    ids=["jpeg", "png", "webp"],
)
@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_page_behind_an_image_signature_is_refused(verified_client, personas, lodge, magic, payload):
    """The signature says image, but there is no image to decode: unreadable, not stored."""
    response = upload(verified_client(personas.citizen), lodge(), "x.html", magic + payload)
    assert response.status_code == 400
    assert response.json()["fields"]["file"][0]["code"] in ("attachment_unreadable", "attachment_type_not_allowed")
    assert not Attachment.objects.exists()


def pdf_showing(text: bytes) -> bytes:
    """A PDF whose page shows ``text``, written in clear (an uncompressed content stream)."""
    writer = PdfWriter()
    page = writer.add_blank_page(width=300, height=300)
    content = DecodedStreamObject()
    content.set_data(b"BT /F1 12 Tf 20 200 Td (" + text.replace(b"(", b"[").replace(b")", b"]") + b") Tj ET")
    page[NameObject("/Contents")] = writer._add_object(content)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("where", ["appended", "on the page"])
def test_a_pdf_polyglot_is_served_without_its_page_in_clear(verified_client, personas, lodge, payload, where):
    rng = random.Random(12)
    data = pdf(rng, identity(rng)) + payload if where == "appended" else pdf_showing(payload)
    assert not _no_payload(data)
    complaint = lodge()
    response = upload(verified_client(personas.citizen), complaint, "letter.html", data)
    assert response.status_code == 201, response.content
    assert response.json()["name"] == "letter.pdf"
    served_response, body = served(verified_client(personas.officer_a), complaint, response.json()["id"])
    assert served_response["Content-Type"] == "application/pdf" and _no_payload(body)


def test_a_pdf_that_needs_a_password_is_refused_and_one_that_only_restricts_is_taken():
    rng = random.Random(13)
    for user_password, accepted in (("", True), ("secret", False)):
        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf(rng, identity(rng)))))
        writer.encrypt(user_password=user_password, owner_password="owner", algorithm="AES-128")
        buffer = io.BytesIO()
        writer.write(buffer)
        if accepted:
            cleaned = attachments.attachment_clean(buffer.getvalue(), strip_identity=True)
            assert not PdfReader(io.BytesIO(cleaned.data)).metadata
        else:
            with pytest.raises(DomainError) as refused:
                attachments.attachment_clean(buffer.getvalue(), strip_identity=True)
            assert refused.value.fields["file"][0]["code"] == "attachment_unreadable"


@pytest.mark.parametrize("seed", range(20))
def test_garbage_behind_any_signature_is_a_clear_refusal_not_a_crash(seed):
    rng = random.Random(seed)
    magic = rng.choice([b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"RIFF\x10\x00\x00\x00WEBPVP8L", b"%PDF-1.7\n"])
    data = magic + rng.randbytes(rng.randint(0, 400))
    if rng.random() < 0.3:
        data += zlib.compress(rng.randbytes(200))
    with pytest.raises(DomainError) as refused:
        attachments.attachment_clean(data, strip_identity=True)
    assert refused.value.fields["file"][0]["code"] in (
        "attachment_unreadable",
        "attachment_type_not_allowed",
        "attachment_active_content",
    )


# -- files stored before cleaning at upload ----------------------------------------------------


def _stored_as_sent(complaint: Complaint, name: str, data: bytes, content_type: str) -> Attachment:
    """A file as uploads stored them before they were cleaned: the bytes as sent, never cleaned."""
    from django.core.files.base import ContentFile

    attachment = Attachment(
        complaint=complaint, original_name=name, content_type=content_type, size=len(data), sha256="0" * 64
    )
    attachment.file.save("legacy" + name[-4:], ContentFile(data), save=False)
    attachment.save()
    return attachment


@pytest.mark.parametrize("seed", range(3))
def test_files_stored_before_cleaning_reach_no_office_until_cleaned(
    verified_client, personas, lodge, seed, django_capture_on_commit_callbacks
):
    """Given files stored as sent on a hidden complaint, the office is refused them (409) until
    `rabta clean_attachments` has run; then it gets the clean bytes, and a second run changes nothing."""
    from django.core.management import call_command

    rng = random.Random(seed)
    complaint = lodge(Anonymity.IDENTITY_HIDDEN_FROM_OFFICE)
    people = [identity(rng) for _ in range(3)]
    legacy = [
        _stored_as_sent(complaint, file_name(rng, people[0], ".jpg"), jpeg(rng, people[0]), "image/jpeg"),
        _stored_as_sent(complaint, file_name(rng, people[1], ".pdf"), pdf(rng, people[1]), "application/pdf"),
    ]
    broken = _stored_as_sent(complaint, "x.jpg", b"\xff\xd8\xff" + people[2].latin.encode(), "image/jpeg")
    office = verified_client(personas.officer_a)
    base = f"/api/complaints/{complaint.tracking_number}/attachments"
    for attachment in [*legacy, broken]:
        refused = office.get(f"{base}/{attachment.pk}")
        assert refused.status_code == 409 and refused.json()["code"] == "attachment_not_cleaned"
    old_files = [attachment.file.path for attachment in legacy]
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("clean_attachments", stdout=out)
    assert "cleaned: 2; cannot be cleaned: 1" in out.getvalue()
    assert not any(Path(path).exists() for path in old_files)  # the bytes as sent are gone
    for where, blob in office_outputs(verified_client, personas, complaint, "officer_a", skip={broken.pk}):
        for person in people[:2]:
            assert person.found_in(blob) == [], where
            if blob.startswith(b"%PDF"):
                assert person.found_in(pdf_dump(blob)) == [], where
    assert office.get(f"{base}/{broken.pk}").status_code == 409
    timeline = office.get(f"/api/complaints/{complaint.tracking_number}/timeline").json()
    cleaned = [row["attachment"] for row in timeline if row["kind"] == "complaints.attachment_cleaned"]
    assert cleaned == [attachment.pk for attachment in legacy]
    # The complainant still has their own files, the broken one included.
    assert verified_client(personas.citizen).get(f"{base}/{broken.pk}").status_code == 200
    again = io.StringIO()
    call_command("clean_attachments", stdout=again)
    assert "cleaned: 0; cannot be cleaned: 1" in again.getvalue()


@pytest.mark.parametrize("seed", range(4))
def test_a_pdfs_embedded_photo_loses_its_metadata_but_not_a_pixel(seed):
    rng = random.Random(seed)
    who = identity(rng)
    photo = jpeg(rng, who)
    stripped = attachments._jpeg_without_metadata(photo)
    assert who.found_in(stripped) == []
    with Image.open(io.BytesIO(photo)) as before, Image.open(io.BytesIO(stripped)) as after:
        assert after.tobytes() == before.tobytes()
    # A broken stream (no picture where a marker should be) keeps nothing after the break.
    broken = photo[:2] + b"\x00garbage" + iptc_segment(who) + photo[2:]
    assert who.found_in(attachments._jpeg_without_metadata(broken)) == []


def test_a_photo_is_turned_upright_before_its_orientation_tag_goes():
    rng = random.Random(15)
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # taken with the phone on its side
    buffer = io.BytesIO()
    picture(rng, size=(40, 20)).save(buffer, "JPEG", exif=exif.tobytes())
    for strip_identity in (True, False):
        cleaned = attachments.attachment_clean(buffer.getvalue(), strip_identity=strip_identity)
        with Image.open(io.BytesIO(cleaned.data)) as image:
            assert image.size == (20, 40) and ExifTags.Base.Orientation not in image.getexif()
