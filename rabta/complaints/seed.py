"""Seed data: the category tree per department, default deadline policy, canned replies, and a
demo set of complaints. Idempotent: running again adds only what is missing."""

from __future__ import annotations

import random
from typing import Any

from django.db import transaction

from rabta.complaints.choices import Priority
from rabta.complaints.models import CannedReply, Category, Complaint, DeadlinePolicy
from rabta.directory.models import Department

# (department code suffix, category code, English, Urdu, sub-categories [(code, English, Urdu)])
PROVINCIAL: list[tuple[str, str, str, str, list[tuple[str, str, str]]]] = [
    (
        "LG",
        "MUN",
        "Municipal services",
        "بلدیاتی خدمات",
        [
            ("WATER", "Water supply", "پانی کی فراہمی"),
            ("SANIT", "Sanitation and garbage", "صفائی اور کوڑا کرکٹ"),
            ("STREET", "Streetlights", "اسٹریٹ لائٹس"),
            ("ROADS", "Streets and local roads", "گلیاں اور مقامی سڑکیں"),
            ("ENCR", "Encroachments", "تجاوزات"),
        ],
    ),
    (
        "POL",
        "LAW",
        "Law and order",
        "امن و امان",
        [
            ("FIR", "FIR not registered", "ایف آئی آر درج نہیں کی گئی"),
            ("MISCOND", "Police misconduct", "پولیس کی بدسلوکی"),
            ("INVEST", "Slow investigation", "تفتیش میں تاخیر"),
        ],
    ),
    (
        "SED",
        "EDU",
        "Education",
        "تعلیم",
        [
            ("TEACHER", "Teacher absence", "اساتذہ کی غیر حاضری"),
            ("FACIL", "School facilities", "اسکول کی سہولیات"),
            ("FEES", "Fees and admissions", "فیس اور داخلے"),
        ],
    ),
    (
        "HLT",
        "HLT",
        "Health",
        "صحت",
        [
            ("MEDS", "Medicines not available", "ادویات دستیاب نہیں"),
            ("STAFF", "Doctors and staff", "ڈاکٹر اور عملہ"),
            ("HYG", "Hospital cleanliness", "اسپتال کی صفائی"),
        ],
    ),
    (
        "ENG",
        "ENG",
        "Energy and power",
        "توانائی اور بجلی",
        [
            ("OUTAGE", "Unscheduled outages", "غیر اعلانیہ لوڈشیڈنگ"),
            ("BILL", "Wrong electricity bill", "بجلی کا غلط بل"),
        ],
    ),
    (
        "BOR",
        "LAND",
        "Land revenue",
        "مال و اراضی",
        [("FARD", "Land record (fard) delay", "فرد کے اجرا میں تاخیر"), ("MUTAT", "Mutation", "انتقالِ اراضی")],
    ),
    (
        "TRN",
        "TRN",
        "Transport",
        "ٹرانسپورٹ",
        [("FARE", "Overcharging of fares", "زائد کرایہ"), ("ROUTE", "Route permits", "روٹ پرمٹ")],
    ),
    (
        "HR",
        "HRT",
        "Human rights",
        "انسانی حقوق",
        [
            ("HARASS", "Harassment", "ہراسانی"),
            ("MINOR", "Rights of minorities", "اقلیتوں کے حقوق"),
            ("CHILD", "Child labour", "چائلڈ لیبر"),
        ],
    ),
    (
        "ET",
        "LIC",
        "Licences and registrations",
        "لائسنس اور رجسٹریشن",
        [("VEHREG", "Vehicle registration", "گاڑی کی رجسٹریشن"), ("PROPTAX", "Property tax", "پراپرٹی ٹیکس")],
    ),
    (
        "ACE",
        "COR",
        "Corruption and malpractice",
        "بدعنوانی اور بدانتظامی",
        [
            ("BRIBE", "Bribe demanded", "رشوت کا مطالبہ"),
            ("MISUSE", "Misuse of authority", "اختیارات کا ناجائز استعمال"),
            ("PROCURE", "Irregular procurement", "خریداری میں بے ضابطگی"),
            ("NEPOT", "Nepotism in hiring", "بھرتیوں میں اقربا پروری"),
        ],
    ),
]

FEDERAL: list[tuple[str, str, str, str, list[tuple[str, str, str]]]] = [
    (
        "FED-OPHRD",
        "OVS",
        "Overseas citizens' services",
        "سمندر پار شہریوں کی خدمات",
        [
            ("EMPLOYER", "Dispute with foreign employer", "غیر ملکی آجر سے تنازع"),
            ("PROPERTY", "Property at home", "وطن میں جائیداد"),
            ("REMIT", "Remittances", "ترسیلاتِ زر"),
        ],
    ),
    (
        "FED-NADRA",
        "ID",
        "Identity documents",
        "شناختی دستاویزات",
        [("CNIC", "CNIC or NICOP delay", "شناختی کارڈ یا نائیکوپ میں تاخیر")],
    ),
    ("FED-DGIP", "PASS", "Passports", "پاسپورٹ", [("DELAY", "Passport delay", "پاسپورٹ میں تاخیر")]),
]

CUSTOMS: list[tuple[str, str, str, list[dict[str, Any]]]] = [
    (
        "DELAY",
        "Clearance delay",
        "کلیئرنس میں تاخیر",
        [{"name": "gd_number", "label": "Goods declaration number", "type": "declaration_number", "required": True}],
    ),
    (
        "VALUE",
        "Valuation",
        "ویلیوایشن",
        [
            {"name": "gd_number", "label": "Goods declaration number", "type": "declaration_number", "required": True},
            {"name": "declared_value", "label": "Declared value", "type": "number", "required": False},
        ],
    ),
    (
        "CLASS",
        "Classification",
        "درجہ بندی",
        [
            {"name": "gd_number", "label": "Goods declaration number", "type": "declaration_number", "required": True},
            {"name": "hs_code", "label": "HS code declared", "type": "text", "required": False},
        ],
    ),
    (
        "EXAM",
        "Examination conduct",
        "معائنے کا طرزِ عمل",
        [{"name": "gd_number", "label": "Goods declaration number", "type": "declaration_number", "required": True}],
    ),
    ("REFUND", "Refunds and rebates", "ریفنڈ اور ریبیٹ", []),
    (
        "IT",
        "IT system (WeBOC / PSW)",
        "آئی ٹی نظام",
        [
            {
                "name": "system",
                "label": "System",
                "type": "choice",
                "required": True,
                "choices": ["WeBOC", "PSW", "Other"],
            }
        ],
    ),
    ("HARASS", "Harassment by customs staff", "کسٹمز عملے کی جانب سے ہراسانی", []),
]


# Categories whose complaints start at high priority: a person at risk is waiting (see docs/lifecycle.md).
HIGH_PRIORITY = frozenset({"HARASS", "CHILD"})


@transaction.atomic
def complaint_categories_seed() -> int:
    """Create the category tree for every department that exists. Returns how many were created."""
    departments = {d.code: d for d in Department.objects.all()}
    wanted: list[tuple[str, Department, str, str, str | None, bool, list[dict[str, Any]]]] = []
    for department in departments.values():
        prefix, _, suffix = department.code.partition("-")
        for dept_suffix, code, name, name_ur, children in PROVINCIAL:
            if suffix == dept_suffix and department.government.level == "provincial":
                parent = f"{prefix}-{code}"
                wanted.append((parent, department, name, name_ur, None, False, []))
                wanted += [(f"{parent}-{c}", department, n, u, parent, False, []) for c, n, u in children]
    for dept_code, code, name, name_ur, children in FEDERAL:
        if dept_code in departments:
            wanted.append((code, departments[dept_code], name, name_ur, None, False, []))
            wanted += [(f"{code}-{c}", departments[dept_code], n, u, code, False, []) for c, n, u in children]
    customs = next((d for d in departments.values() if d.is_customs), None)
    if customs is not None:
        wanted.append(("CUS", customs, "Customs", "کسٹمز", None, True, []))
        wanted += [(f"CUS-{c}", customs, n, u, "CUS", True, attrs) for c, n, u, attrs in CUSTOMS]
    existing = set(Category.objects.values_list("code", flat=True))
    created = 0
    by_code = {c.code: c for c in Category.objects.all()}
    for item_code, department, name, name_ur, parent_code, is_customs, attributes in wanted:
        if item_code in existing:
            continue
        category = Category.objects.create(
            code=item_code,
            department=department,
            name=name,
            name_ur=name_ur,
            parent=by_code.get(parent_code) if parent_code else None,
            is_customs=is_customs,
            attributes=attributes,
            priority=Priority.HIGH if item_code.rsplit("-", 1)[-1] in HIGH_PRIORITY else Priority.NORMAL,
        )
        by_code[item_code] = category
        created += 1
    if not DeadlinePolicy.objects.filter(category__isnull=True, office__isnull=True, priority="").exists():
        DeadlinePolicy.objects.create()
        DeadlinePolicy.objects.create(priority="urgent", acknowledge_days=1, interim_days=2, resolve_days=5)
    if customs is not None and not CannedReply.objects.filter(department=customs).exists():
        CannedReply.objects.create(
            department=customs,
            title="Consignment released",
            body="Your consignment has been released. Please collect it from the terminal.",
        )
    return created


DEMO_TEXTS = [
    ("No water supply for a week", "There has been no water supply in our street for seven days. Please restore it."),
    ("Garbage not collected", "Garbage has not been collected from our area for two weeks and it smells."),
    ("Streetlights not working", "All the streetlights on the main road are off at night; it is unsafe."),
    ("Teacher absent", "The teacher of class five has not come to school for a month."),
    ("Medicines not available", "The district hospital says the medicines on my prescription are not available."),
    ("Fard not issued", "I applied for my land record three weeks ago and it has not been issued."),
]


def demo_complaints_create(*, count: int = 120, seed: int = 2026) -> str:
    """Demo complaints from the demo citizen, in several states. Idempotent: skipped when present."""
    from django.test import override_settings

    from rabta.accounts.models import User
    from rabta.directory.models import Jurisdiction

    citizen = User.objects.filter(email="citizen@demo.rabta.pk").first()
    if citizen is None:
        return "skipped: demo citizen missing"
    if Complaint.objects.filter(complainant=citizen).exists():
        return "nothing to create: demo complaints exist"
    complaint_categories_seed()
    rng = random.Random(seed)
    categories = [c for c in Category.objects.filter(parent__isnull=False, code__startswith="PB-") if not c.attributes]
    districts = list(Jurisdiction.objects.filter(code__startswith="PK-PB-", kind="district"))
    lahore = Jurisdiction.objects.get(code="PK-PB-LHR")
    officer = User.objects.filter(email="officer@demo.rabta.pk").first()
    made = 0
    # Demo notifications go nowhere: printing 240 messages would bury `make run`'s own output.
    quiet = override_settings(
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        RABTA_SMS_BACKEND="rabta.notifications.senders.LocmemSmsSender",
    )
    quiet.enable()
    try:
        made = _demo_loop(count, rng, categories, districts, lahore, citizen, officer, seed)
    finally:
        quiet.disable()
    return f"{made} demo complaints created"


def _demo_loop(
    count: int,
    rng: random.Random,
    categories: list[Category],
    districts: list[Any],
    lahore: Any,
    citizen: Any,
    officer: Any,
    seed: int,
) -> int:
    from rabta.complaints.services import intake, work

    made = 0
    for index in range(count):
        subject, text = rng.choice(DEMO_TEXTS)
        place = lahore if index % 3 == 0 else rng.choice(districts)
        submission = intake.complaint_submit(
            complainant=citizen,
            category_code=rng.choice(categories).code,
            jurisdiction_code=place.code,
            subject=subject,
            text=text,
            channel="web",
            idempotency_key=f"demo-{seed}-{index}",
            anonymity=rng.choice(["public_name_hidden", "public_name_hidden", "identity_hidden_from_office"]),
        )
        complaint = submission.complaint
        made += 1
        if officer is not None and complaint.current_office and place == lahore and index % 2 == 0:
            work.complaint_acknowledge(complaint=complaint, actor=officer)
            if index % 4 == 0:
                work.complaint_resolve(complaint=complaint, actor=officer, outcome="relief_granted")
    return made
