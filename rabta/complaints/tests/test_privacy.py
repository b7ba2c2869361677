"""A hidden complainant's identity never reaches an office, in any spelling, script or output.

The identities are generated (names in Latin and Urdu script and their usual transliterations,
identity and phone numbers in every spelling people use, emails plain and spelled out), planted in
the subject, text, messages and reasons of hidden-identity complaints, and every office-facing
output is searched for them.
"""

from __future__ import annotations

import json
import random
import re
import secrets
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.utils import timezone

from rabta.accounts.models import IdentityDocument, User
from rabta.accounts.roles import Role
from rabta.complaints.models import Complaint
from rabta.complaints.privacy import COMPLAINANT, REDACTED, fold, identity_of, name_key, scrub, scrub_for_person
from rabta.complaints.services.reminders import reminder_sweep
from rabta.notifications.models import Outbox

pytestmark = pytest.mark.django_db

# (Roman spellings, Urdu spellings): what a generated person may be called, and how others write it.
NAMES = [
    (["Muhammad", "Mohammad", "Mohammed", "Muhammed"], ["محمد"]),
    (["Ahmad", "Ahmed"], ["احمد"]),
    (["Ali", "Aly"], ["علی"]),
    (["Hussain", "Husain", "Hussein"], ["حسین"]),
    (["Umar", "Omar", "Umer"], ["عمر"]),
    (["Usman", "Osman"], ["عثمان"]),
    (["Bilal"], ["بلال"]),
    (["Imran"], ["عمران"]),
    (["Ayesha", "Aisha", "Aysha"], ["عائشہ"]),
    (["Fatima", "Fatimah"], ["فاطمہ"]),
    (["Zainab", "Zaynab"], ["زینب"]),
    (["Maryam", "Mariam"], ["مریم"]),
    (["Sana"], ["ثنا"]),
    (["Yousuf", "Yusuf", "Yousaf"], ["یوسف"]),
    (["Tariq", "Tarik"], ["طارق"]),
    (["Javed", "Jawed"], ["جاوید"]),
    (["Nida"], ["ندا"]),
    (["Sara", "Sarah"], ["سارہ"]),
    (["Haider", "Hyder"], ["حیدر"]),
    (["Tanveer", "Tanvir"], ["تنویر"]),
]
SURNAMES = [
    (["Khan"], ["خان"]),
    (["Qureshi", "Kureshi"], ["قریشی"]),
    (["Siddiqui", "Siddiqi"], ["صدیقی"]),
    (["Chaudhry", "Chaudhary", "Choudhry"], ["چوہدری"]),
    (["Malik"], ["ملک"]),
    (["Raza"], ["رضا"]),
    (["Iqbal"], ["اقبال"]),
    (["Sheikh", "Shaikh"], ["شیخ"]),
    (["Rehman", "Rahman"], ["رحمان"]),
]
URDU_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
FILLER = [
    "The water supply in our street has been cut for ten days.",
    "پانی کی فراہمی دس دن سے بند ہے۔",
    "Paani nahi aa raha, please jaldi karein.",
    "The quality of service at the office is poor and nobody answers.",
    "Total bill was Rs 4500 for the month of March.",
]


@dataclass
class Person:
    """A generated complainant: how they are recorded, and every spelling planted about them."""

    first: tuple[list[str], list[str]]
    last: tuple[list[str], list[str]]
    urdu_account: bool
    email: str
    phone_local: str  # 3001234567
    cnic: str  # 13 digits
    passport: str
    ntn: str
    relative_cnic: str  # someone else's number: removed for its shape
    relative_phone: str
    other_email: str
    planted: list[str] = field(default_factory=list)

    @property
    def full_name(self) -> str:
        side = 1 if self.urdu_account else 0
        return f"{self.first[side][0]} {self.last[side][0]}"

    def name_spellings(self) -> list[str]:
        return [*self.first[0], *self.first[1], *self.last[0], *self.last[1]]


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def generate(rng: random.Random) -> Person:
    return Person(
        first=rng.choice(NAMES),
        last=rng.choice(SURNAMES),
        urdu_account=rng.random() < 0.5,
        email=f"{rng.choice(['user', 'shikayat', 'pk'])}.{_digits(rng, 4)}@{rng.choice(['gmail.com', 'yahoo.com'])}",
        phone_local="3" + _digits(rng, 9),
        cnic=rng.choice("1234567") + _digits(rng, 12),
        passport=rng.choice(["AB", "CD", "XK", "PA"]) + _digits(rng, 7),
        ntn=_digits(rng, 7) + _digits(rng, 1),
        relative_cnic=rng.choice("1234567") + _digits(rng, 12),
        relative_phone="3" + _digits(rng, 9),
        other_email=f"brother{_digits(rng, 3)}@hotmail.com",
    )


def cnic_spellings(rng: random.Random, number: str) -> list[str]:
    a, b, c = number[:5], number[5:12], number[12]
    forms = [f"{a}-{b}-{c}", number, f"{a} {b} {c}", f"{a}.{b}.{c}", f"{a} - {b} - {c}", f"{a}–{b}–{c}"]
    forms += [f"{a}-{b}-{c}".translate(URDU_DIGITS), number.translate(ARABIC_DIGITS), " ".join(number)]
    forms += [f"{a},{b},{c}", f"{a}\u200b{b}\u200b{c}", f"{a}/{b}/{c}", f"({a}) {b}-{c}"]
    return rng.sample(forms, 4)


def phone_spellings(rng: random.Random, local: str) -> list[str]:
    op, rest = local[:3], local[3:]
    forms = [
        f"+92{local}",
        f"+92 {op} {rest}",
        f"+92-{op}-{rest[:3]}-{rest[3:]}",
        f"0092{local}",
        f"0092 {op} {rest}",
        f"0{local}",
        f"0{op}-{rest}",
        f"0{op} {rest[:3]} {rest[3:]}",
        f"(0{op}) {rest}",
        f"92{local}",
        f"0{local}".translate(URDU_DIGITS),
        f"+92\u00a0{op}\u00a0{rest}",
        f"92+{op}+{rest}",
        f"0{op}.{rest[:3]}.{rest[3:]}",
        f"０{op}{rest}".translate(str.maketrans("0123456789", "０１２３４５６７８９")),  # full-width digits
    ]
    return rng.sample(forms, 4)


def email_spellings(rng: random.Random, email: str) -> list[str]:
    local, domain = email.split("@")
    host, tld = domain.rsplit(".", 1)
    forms = [
        email,
        email.upper(),
        f"{local} @ {domain}",
        f"{local} at {host} dot {tld}",
        f"{local}[at]{host}[dot]{tld}",
        f"{local} at {domain}",
        email.replace("@", "＠"),  # full-width at sign
    ]
    return rng.sample(forms, 3)


def name_spellings(rng: random.Random, person: Person) -> list[str]:
    """The name as others write it: as recorded, another case, another Roman spelling, Urdu script."""
    first_roman, first_urdu = person.first
    last_roman, last_urdu = person.last
    return [
        person.full_name,
        person.full_name.upper() if not person.urdu_account else f"{first_urdu[0]} {last_urdu[0]}",
        f"{rng.choice(first_roman)} {rng.choice(last_roman)}",
        f"{rng.choice(first_urdu)} {rng.choice(last_urdu)}",
        f"{rng.choice(first_roman).lower()}{rng.choice(last_roman)}",  # written together
        f"{rng.choice(first_urdu)[:1]}\u0640{rng.choice(first_urdu)[1:]}",  # stretched with a tatweel
        f"{first_roman[0][:1]}\u200b{first_roman[0][1:]}",  # a zero-width space inside
        first_roman[0].replace("a", "а").replace("o", "о"),  # Cyrillic а and о that look Latin
    ]


def plant(rng: random.Random, person: Person) -> list[str]:
    """Sentences that each carry the person's identity in some spelling, with ordinary text around."""
    names = name_spellings(rng, person)
    sentences = [f"My name is {names[0]} and {rng.choice(FILLER)}"]
    sentences += [f"{rng.choice(FILLER)} — {n}." for n in names[1:]]
    sentences += [f"Mera CNIC {c} hai." for c in cnic_spellings(rng, person.cnic)]
    sentences += [f"Call me on {p} please." for p in phone_spellings(rng, person.phone_local)]
    sentences += [f"Email: {e}" for e in email_spellings(rng, person.email)]
    sentences += [
        f"Passport {person.passport}, NTN {person.ntn[:7]}-{person.ntn[7]}.",
        f"My brother's CNIC is {person.relative_cnic[:5]}-{person.relative_cnic[5:12]}-{person.relative_cnic[12]}.",
        f"His phone is 0{person.relative_phone} and email {person.other_email}.",
    ]
    rng.shuffle(sentences)
    return sentences


def leaks(output: str, person: Person) -> list[str]:
    """Every trace of the person found in ``output``: names as whole words, numbers whatever their
    separators or digits, email user names."""
    output = re.sub("[\u200b-\u200f\u2060\ufeff\u00ad\u0640]", "", output)  # invisible characters
    folded = "".join(str(int(c)) if c.isdigit() else c for c in output)
    joined = re.sub(r"(?<=\d)[^\w\[\]]+(?=\d)", "", folded)  # any separator between digits
    found = []
    words = {fold(w) for w in re.findall(r"[^\W\d_]+", output)}
    for spelling in person.name_spellings():
        if fold(spelling) in words:
            found.append(spelling)
    for number in (person.cnic, person.phone_local, person.passport[2:], person.ntn, person.relative_cnic):
        if number in joined:
            found.append(number)
    for email in (person.email, person.other_email):
        local = email.split("@")[0]
        if local.lower() in "".join(fold(c) or c for c in output).lower():
            found.append(email)
    return found


def account(person: Person) -> User:
    user = User.objects.create_user(
        email=person.email, password="x-Pass-123456", full_name=person.full_name, phone=f"+92{person.phone_local}"
    )
    user.role_assignments.create(role=Role.COMPLAINANT)
    IdentityDocument.objects.create(
        user=user, doc_type="cnic", number=person.cnic, number_hash=secrets.token_hex(16), number_last4=person.cnic[-4:]
    )
    IdentityDocument.objects.create(
        user=user,
        doc_type="passport",
        number=person.passport,
        number_hash=secrets.token_hex(16),
        number_last4=person.passport[-4:],
    )
    return user


def api(client, method, path, body=None, **headers):
    if body is None:
        return getattr(client, method)(f"/api/complaints{path}", **headers)
    return getattr(client, method)(
        f"/api/complaints{path}", json.dumps(body), content_type="application/json", **headers
    )


# --- the scrubber on its own ---------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(40))
def test_every_spelling_of_the_complainants_identity_is_scrubbed(seed):
    rng = random.Random(seed)
    person = generate(rng)
    user = User(
        email=person.email, full_name=person.full_name, phone=f"+92{person.phone_local}"
    )  # unsaved: no documents
    text = " ".join(plant(rng, person))

    scrubbed = scrub_for_person(text, user)

    # The passport and the relative's numbers are not on this unsaved account: removed for their shape.
    assert leaks(scrubbed, person) == [], (text, scrubbed)
    assert COMPLAINANT in scrubbed and REDACTED in scrubbed


@pytest.mark.parametrize("seed", range(20))
def test_names_match_whole_words_only(seed):
    """A user called Ali keeps 'quality' intact: a match inside a word corrupts the text and, worse,
    tells the officer the name."""
    rng = random.Random(seed)
    person = generate(rng)
    user = User(email=person.email, full_name=person.full_name)
    parts = [*person.first[0], *person.last[0]]
    hosts = [
        rng.choice(["qu", "bal", "re", "mu", "des", "kor"]) + part.lower() + rng.choice(["ty", "ing", "s", "ed", "wal"])
        for part in parts
    ]
    hosts += [part.lower() + "abad" for part in parts] + ["quality", "totality", "Khanewal", "mankind", "sanatorium"]
    text = " ".join(hosts)

    assert scrub_for_person(text, user) == text


def test_ordinary_text_is_left_alone():
    """Dates, amounts, short numbers and everyday words are not identifiers."""
    user = User(email="citizen@example.pk", full_name="Ayesha Khan", phone="+923001234567")
    for text in [
        *FILLER,
        "It happened on 15-01-2024 and again on 2024.02.03 at 10:30.",
        "Logged on 15-01-2024 10:30, again 2024.02.03, 18:45:00; rooms 12, 14, 16, 18 and 21.",
        "About 2,500,000 people and PKR 25,00,000 in arrears.",
        "I paid Rs 1500000 and PKR 2,500,000 and 750000/- for the plot.",
        "House 12, Street 5, Block C, postal code 54000.",
        "Nobody answers the phone; this matter has gone on for 3 months.",
        "Ayeshabad Road and the Khanewal bus stand.",
    ]:
        assert scrub_for_person(text, user) == text, text


def test_the_phonetic_key_joins_the_scripts():
    for roman, urdu in [("Hussain", "حسین"), ("Muhammad", "محمد"), ("Qureshi", "قریشی"), ("Rehman", "رحمان")]:
        assert name_key(roman) == name_key(urdu), (roman, urdu)
    assert name_key("Nasir") != name_key("answer")


def test_a_name_not_in_the_table_is_matched_in_its_spellings_and_by_sound():
    user = User(email="x@example.pk", full_name="Shahzaib Tamboli")
    scrubbed = scrub("shahzaib here; TAMBOLI family; Shahzeb Tamboly; شہزیب", identity_of(user))
    assert "hahz" not in scrubbed.lower() and "tambol" not in scrubbed.lower(), scrubbed


def test_introductions_are_removed_even_when_the_account_is_unknown():
    scrubbed = scrub("My name is Saleem Akhtar and I live in Gulberg. میرا نام نسیم اختر ہے")
    assert "Saleem" not in scrubbed and "Akhtar" not in scrubbed and "نسیم" not in scrubbed
    assert "Gulberg" in scrubbed and "ہے" in scrubbed


# --- every office-facing output --------------------------------------------------------------


@pytest.fixture
def office(personas, verified_client):
    def reads(persona, number):
        client = verified_client(getattr(personas, persona))
        outputs = [
            api(client, "get", f"/{number}"),
            api(client, "get", f"/{number}/timeline"),
            api(client, "get", f"/{number}/messages"),
            api(client, "get", ""),
            api(client, "get", "?status=routed"),
            api(client, "get", "/pending-long?days=1"),
        ]
        for response in outputs:
            assert response.status_code == 200, (persona, response.content)
        return outputs

    return reads


@pytest.mark.parametrize("tier", ["identity_hidden_from_office", "fully_anonymous"])
@pytest.mark.parametrize("seed", range(6))
def test_generated_identities_never_reach_an_office(
    tier, seed, categories, personas, verified_client, office, time_machine
):
    rng = random.Random(1000 + seed)
    person = generate(rng)
    user = account(person)
    client = verified_client(user)
    sentences = plant(rng, person)
    body = {
        "category": "PB-MUN-WATER",
        "jurisdiction": "PK-PB-LHR",
        "subject": f"{name_spellings(rng, person)[rng.randrange(5)]}: no water, {phone_spellings(rng, person.phone_local)[0]}",
        "text": " ".join(sentences[: len(sentences) // 2]),
        "anonymity": tier,
    }
    path = "/anonymous" if tier == "fully_anonymous" else ""
    created = api(client, "post", path, body)
    assert created.status_code == 201, created.content
    number = created.json()["tracking_number"]
    if tier == "identity_hidden_from_office":
        reply = api(client, "post", f"/{number}/messages", {"body": " ".join(sentences[len(sentences) // 2 :])})
        assert reply.status_code == 201
        officer = verified_client(personas.officer_a)
        api(officer, "post", f"/{number}/acknowledge", {})
        api(officer, "post", f"/{number}/resolve", {"outcome": "relief_granted", "reasons": "Line repaired."})
        client = verified_client(user)
        reopened = api(client, "post", f"/{number}/reopen", {"reason": " ".join(rng.sample(sentences, 3))})
        assert reopened.status_code == 200, reopened.content
    time_machine.move_to(timezone.now() + timedelta(days=3))

    for persona in ("officer_a", "supervisor_a", "oversight"):
        for response in office(persona, number):
            assert leaks(response.content.decode(), person) == [], (persona, response.request["PATH_INFO"])
        client = verified_client(getattr(personas, persona))
        # A search for any planted spelling finds nothing: the office searches the scrubbed copy.
        for needle in [*name_spellings(rng, person), person.cnic, f"0{person.phone_local}", person.email]:
            found = client.get("/api/complaints", {"search": needle}).json()
            assert found == [], (persona, needle)
        # ...while the same search does find the complaint by a word the office may read.
        found = client.get("/api/complaints", {"search": "water"}).json()
        assert number in [row["tracking_number"] for row in found], persona
    # What the office is sent: the deadline digests.
    reminder_sweep(now=timezone.now() + timedelta(days=60))
    staff = [personas.officer_a, personas.supervisor_a, personas.oversight]
    sent = list(Outbox.objects.filter(user__in=staff))
    assert sent
    for message in sent:
        assert leaks(f"{message.subject} {message.body}", person) == []
    # Oversight alone may learn who it is, through the audited reveal.
    if tier == "identity_hidden_from_office":
        revealed = api(verified_client(personas.oversight), "post", f"/{number}/reveal", {"reason": "Court order"})
        assert revealed.json()["name"] == person.full_name
    # The complainant still reads what they wrote.
    if tier == "identity_hidden_from_office":
        own = api(verified_client(user), "get", f"/{number}").json()
        assert own["text"] == body["text"]
    assert Complaint.objects.get(tracking_number=number).text == body["text"]


ORDINARY = " ".join(
    [
        *FILLER,
        "Our address is in the old city; the crash happened two hours ago, and the reader of the meter,",
        "a senior man, said the header of the bill was wrong. Nobody answers; the matter is urgent, the",
        "quality is poor, the manner rude. Bijli ka bill ghalat hai aur koi jawab nahi deta, sab kuch kharab hai.",
        "بجلی کا بل غلط ہے اور کوئی جواب نہیں دیتا۔ محلے کی گلی میں پانی کھڑا ہے۔",
    ]
)


def test_no_name_in_the_table_eats_ordinary_words():
    """Whatever the complainant is called, everyday text that does not name them is left whole."""
    from rabta.complaints.privacy import _table

    names = sorted(_table())
    for name in names:
        user = User(email="x@example.pk", full_name=name.title())
        assert scrub_for_person(ORDINARY, user) == ORDINARY, name


@pytest.mark.parametrize(
    ("anonymity", "direction", "scrubbed"),
    [
        ("identity_hidden_from_office", "to_office", True),
        ("fully_anonymous", "to_office", True),
        ("identity_hidden_from_office", "to_complainant", False),
        ("public_name_hidden", "to_office", False),
    ],
)
def test_the_office_copy_of_a_message_is_scrubbed_only_for_a_hidden_complainant_writing_to_it(
    anonymity, direction, scrubbed
):
    from types import SimpleNamespace

    from rabta.complaints.privacy import message_for_office

    complaint = SimpleNamespace(anonymity=anonymity, complainant=SimpleNamespace(pk=None, full_name="Ayesha Siddiqui"))
    body = "This is Ayesha Siddiqui, still waiting."
    copy = message_for_office(complaint=complaint, body=body, direction=direction)
    assert ("Siddiqui" not in copy) is scrubbed
    assert (copy == body) is not scrubbed
