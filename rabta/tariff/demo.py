"""The tariff of the demo and the tests: the HS tree (imported from the shared data when it is
there, else the few HS codes the demo's lines hang from), then a realistic, deterministic set of
Pakistan Customs Tariff lines and further national splits with duty rates, a rate history and
regulatory measures. Made by Rabta itself: no rate here is quoted from a real tariff.

``demo_load`` is idempotent: what exists is skipped, so it may run on every ``make run``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Protocol

from django.db import transaction

from rabta.core.events import event_record
from rabta.tariff.choices import Basis, ChangeKind, Direction, Duty, MeasureKind, Unit
from rabta.tariff.codes import code_parent
from rabta.tariff.events import TariffEvent
from rabta.tariff.models import DutyRate, Measure, Section, TariffCode
from rabta.tariff.search_text import search_text_for
from rabta.tariff.services.apply import tariff_change_apply


class Writer(Protocol):
    """Where the loader reports: a command's ``self.stdout`` or any text stream."""

    def write(self, text: str) -> Any: ...


HS_IN_FORCE = date(2022, 1, 1)
FY23 = date(2022, 7, 1)  # Pakistan's fiscal years (and Finance Acts) start on 1 July
FY24 = date(2023, 7, 1)
FY25 = date(2024, 7, 1)

# The HS codes the demo lines hang from, when the HS files were not imported: (code, section, English, Urdu).
HS_SKELETON = [
    ("04", "I", "Dairy produce; birds' eggs; natural honey", "دودھ اور دودھ کی مصنوعات؛ پرندوں کے انڈے؛ قدرتی شہد"),
    ("0402", "I", "Milk and cream; concentrated or containing added sugar", "دودھ اور بالائی؛ گاڑھا یا میٹھا کیا ہوا"),
    (
        "040210",
        "I",
        "Milk and cream; in powder, granules or other solid forms, fat content not exceeding 1.5%",
        "خشک دودھ، پاؤڈر",
    ),
    ("10", "II", "Cereals", "اناج"),
    ("1006", "II", "Rice", "چاول"),
    ("100630", "II", "Rice; semi-milled or wholly milled", "چاول، صاف شدہ"),
    ("22", "IV", "Beverages, spirits and vinegar", "مشروبات، اسپرٹ اور سرکہ"),
    ("2208", "IV", "Undenatured ethyl alcohol of less than 80% vol; spirits, liqueurs", "الکحل والے مشروبات"),
    ("220830", "IV", "Whiskies", "وہسکی"),
    ("30", "VI", "Pharmaceutical products", "ادویاتی مصنوعات"),
    ("3004", "VI", "Medicaments, measured doses or packed for retail sale", "ادویات، خوراک کی مقدار میں"),
    ("300490", "VI", "Medicaments; n.e.c. in heading 3004", "دیگر ادویات"),
    ("84", "XVI", "Nuclear reactors, boilers, machinery and mechanical appliances", "مشینری اور مکینیکل آلات؛ کمپیوٹر"),
    ("8471", "XVI", "Automatic data processing machines and units thereof", "کمپیوٹر اور ان کے یونٹ"),
    (
        "847130",
        "XVI",
        "Portable automatic data processing machines, weighing not more than 10kg",
        "لیپ ٹاپ کمپیوٹر، دس کلو تک",
    ),
    (
        "85",
        "XVI",
        "Electrical machinery and equipment; television and sound apparatus",
        "برقی مشینری؛ ٹیلی ویژن، موبائل فون",
    ),
    ("8517", "XVI", "Telephone sets, including smartphones", "ٹیلی فون سیٹ، بشمول اسمارٹ فون"),
    ("851713", "XVI", "Smartphones", "اسمارٹ فون"),
    ("8528", "XVI", "Monitors and projectors; television receivers", "مانیٹر، پروجیکٹر اور ٹیلی ویژن"),
    ("852872", "XVI", "Television receivers; colour", "رنگین ٹیلی ویژن"),
    ("87", "XVII", "Vehicles other than railway or tramway rolling stock", "گاڑیاں اور ان کے پرزے"),
    ("8703", "XVII", "Motor cars and other motor vehicles for the transport of persons", "موٹر کاریں"),
    ("870323", "XVII", "Motor cars; spark-ignition engine, 1500cc to 3000cc", "موٹر کاریں، پندرہ سو سے تین ہزار سی سی"),
    ("93", "XIX", "Arms and ammunition; parts and accessories thereof", "اسلحہ اور گولہ بارود"),
    ("9301", "XIX", "Military weapons, other than revolvers, pistols", "فوجی اسلحہ"),
    ("930190", "XIX", "Military weapons; n.e.c. in heading 9301", "دیگر فوجی اسلحہ"),
]
SKELETON_SECTIONS = {
    "I": ("Live animals; animal products", "زندہ جانور؛ حیوانی مصنوعات", 1),
    "II": ("Vegetable products", "نباتاتی مصنوعات", 2),
    "IV": ("Prepared foodstuffs; beverages, spirits and vinegar; tobacco", "تیار شدہ غذائی اشیاء؛ مشروبات؛ تمباکو", 4),
    "VI": ("Products of the chemical or allied industries", "کیمیائی صنعتوں کی مصنوعات", 6),
    "XVI": ("Machinery and mechanical appliances; electrical equipment", "مشینری؛ برقی سامان", 16),
    "XVII": ("Vehicles, aircraft, vessels", "گاڑیاں، ہوائی جہاز، بحری جہاز", 17),
    "XIX": ("Arms and ammunition", "اسلحہ اور گولہ بارود", 19),
}

# National lines: (code, English, Urdu, supplementary unit, valid_from, valid_to)
LINES: list[tuple[str, str, str, str, date, date | None]] = [
    (
        "04021000",
        "Milk powder, skimmed, in bulk packing of 25 kg or more",
        "بالائی اترا خشک دودھ، پچیس کلو یا زیادہ کی پیکنگ",
        "",
        HS_IN_FORCE,
        None,
    ),
    ("04021010", "Milk powder, skimmed, in retail packing", "بالائی اترا خشک دودھ، پرچون پیکنگ", "", HS_IN_FORCE, None),
    ("10063010", "Basmati rice, wholly milled", "باسمتی چاول، مکمل صاف شدہ", "", HS_IN_FORCE, None),
    ("10063090", "Rice, wholly milled, other than basmati", "دیگر چاول، مکمل صاف شدہ", "", HS_IN_FORCE, None),
    ("22083000", "Whiskies", "وہسکی", "l", HS_IN_FORCE, None),
    (
        "30049099",
        "Other medicaments, packed for retail sale",
        "دیگر ادویات، پرچون کے لیے پیک شدہ",
        "",
        HS_IN_FORCE,
        None,
    ),
    ("84713010", "Laptop computers and notebooks", "لیپ ٹاپ کمپیوٹر اور نوٹ بک", "u", HS_IN_FORCE, None),
    (
        "84713090",
        "Other portable data processing machines (tablets)",
        "دیگر پورٹیبل کمپیوٹر (ٹیبلٹ)",
        "u",
        HS_IN_FORCE,
        None,
    ),
    ("85171300", "Smartphones", "اسمارٹ فون", "u", HS_IN_FORCE, None),
    ("8517130010", "Smartphones, completely built units (CBU)", "اسمارٹ فون، مکمل تیار شدہ", "u", HS_IN_FORCE, None),
    (
        "851713001001",
        "Smartphones, CBU, C&F value not exceeding US$ 30",
        "اسمارٹ فون، قیمت تیس ڈالر تک",
        "u",
        HS_IN_FORCE,
        None,
    ),
    (
        "851713001002",
        "Smartphones, CBU, C&F value over US$ 30 up to US$ 100",
        "اسمارٹ فون، قیمت تیس سے سو ڈالر",
        "u",
        HS_IN_FORCE,
        None,
    ),
    (
        "851713001003",
        "Smartphones, CBU, C&F value over US$ 100",
        "اسمارٹ فون، قیمت سو ڈالر سے زیادہ",
        "u",
        HS_IN_FORCE,
        None,
    ),
    (
        "85287211",
        "Colour television sets in CKD condition",
        "رنگین ٹیلی ویژن، سی کے ڈی حالت میں",
        "u",
        HS_IN_FORCE,
        date(2023, 6, 30),
    ),
    ("85287219", "Colour television sets, other", "دیگر رنگین ٹیلی ویژن", "u", HS_IN_FORCE, None),
    (
        "87032310",
        "Motor cars, 1500cc to 1800cc, completely built",
        "موٹر کاریں، پندرہ سو سے اٹھارہ سو سی سی، مکمل تیار",
        "u",
        HS_IN_FORCE,
        None,
    ),
    (
        "87032390",
        "Motor cars, 1800cc to 3000cc, completely built",
        "موٹر کاریں، اٹھارہ سو سے تین ہزار سی سی",
        "u",
        HS_IN_FORCE,
        None,
    ),
    ("93019000", "Military weapons, other", "دیگر فوجی اسلحہ", "u", HS_IN_FORCE, None),
]

# Rates: (code, duty, percent or (amount, per unit), valid_from, valid_to). On HS6 they reach every line below.
P = Basis.AD_VALOREM
RATES: list[tuple[str, str, Any, date, date | None]] = [
    ("0402", Duty.CUSTOMS, "20", HS_IN_FORCE, None),
    ("0402", Duty.SALES_TAX, "18", HS_IN_FORCE, None),
    ("04021010", Duty.REGULATORY, "10", FY24, None),
    ("1006", Duty.CUSTOMS, "20", HS_IN_FORCE, None),
    ("2208", Duty.CUSTOMS, "60", HS_IN_FORCE, None),
    ("3004", Duty.CUSTOMS, "0", HS_IN_FORCE, None),
    ("3004", Duty.SALES_TAX, "1", HS_IN_FORCE, None),
    ("84713010", Duty.CUSTOMS, "0", HS_IN_FORCE, None),
    ("84713010", Duty.SALES_TAX, "17", HS_IN_FORCE, date(2022, 6, 30)),
    ("84713010", Duty.SALES_TAX, "18", FY23, None),
    ("84713010", Duty.WITHHOLDING, "5.5", HS_IN_FORCE, None),
    ("85171300", Duty.SALES_TAX, "25", FY24, None),
    ("85171300", Duty.SALES_TAX, "17", HS_IN_FORCE, date(2023, 6, 30)),
    ("851713001001", Duty.REGULATORY, ("430", Unit.ITEMS), HS_IN_FORCE, None),
    ("851713001002", Duty.REGULATORY, ("3200", Unit.ITEMS), HS_IN_FORCE, None),
    ("851713001003", Duty.REGULATORY, ("9270", Unit.ITEMS), HS_IN_FORCE, None),
    ("8528", Duty.CUSTOMS, "20", HS_IN_FORCE, None),
    ("85287211", Duty.CUSTOMS, "11", HS_IN_FORCE, date(2023, 6, 30)),
    ("8703", Duty.CUSTOMS, "50", HS_IN_FORCE, None),
    ("8703", Duty.ADDITIONAL_CUSTOMS, "7", HS_IN_FORCE, None),
    ("87032310", Duty.REGULATORY, "50", HS_IN_FORCE, date(2024, 6, 30)),
    ("87032310", Duty.REGULATORY, "30", FY25, None),
    ("87032390", Duty.REGULATORY, "70", HS_IN_FORCE, None),
    ("8703", Duty.SALES_TAX, "18", HS_IN_FORCE, None),
]

# Measures: (code, kind, direction, agency, agency in Urdu, document, note, note in Urdu, valid_from)
MEASURES = [
    (
        "0402",
        MeasureKind.CERTIFICATE,
        Direction.IMPORT,
        "Animal Quarantine Department",
        "محکمہ حیوانی قرنطینہ",
        "AQD-HEALTH",
        "Veterinary health certificate of the exporting country.",
        "برآمدی ملک کا ویٹرنری صحت سرٹیفکیٹ",
        HS_IN_FORCE,
    ),
    (
        "1006",
        MeasureKind.CERTIFICATE,
        Direction.EXPORT,
        "Department of Plant Protection",
        "محکمہ تحفظ نباتات",
        "DPP-PHYTO",
        "Phytosanitary certificate for every export consignment.",
        "ہر برآمدی کھیپ کے لیے نباتاتی صحت سرٹیفکیٹ",
        HS_IN_FORCE,
    ),
    (
        "2208",
        MeasureKind.PROHIBITED,
        Direction.IMPORT,
        "Ministry of Commerce",
        "وزارت تجارت",
        "",
        "Import prohibited under the Import Policy Order, except by licensed diplomatic channels.",
        "درآمدی پالیسی آرڈر کے تحت درآمد ممنوع",
        HS_IN_FORCE,
    ),
    (
        "3004",
        MeasureKind.RESTRICTED,
        Direction.IMPORT,
        "Drug Regulatory Authority of Pakistan",
        "ڈرگ ریگولیٹری اتھارٹی آف پاکستان",
        "DRAP-NOC",
        "No-objection certificate of DRAP for each consignment.",
        "ہر کھیپ کے لیے ڈریپ کا این او سی",
        HS_IN_FORCE,
    ),
    (
        "8517",
        MeasureKind.RESTRICTED,
        Direction.IMPORT,
        "Pakistan Telecommunication Authority",
        "پاکستان ٹیلی کمیونیکیشن اتھارٹی",
        "PTA-TYPE-APPROVAL",
        "Type approval of the handset model (DIRBS).",
        "ہینڈ سیٹ ماڈل کی منظوری (ڈربس)",
        HS_IN_FORCE,
    ),
    (
        "87032390",
        MeasureKind.QUOTA,
        Direction.IMPORT,
        "Engineering Development Board",
        "انجینئرنگ ڈویلپمنٹ بورڈ",
        "EDB-QUOTA",
        "Used cars: within the annual quota under the personal baggage and gift schemes.",
        "استعمال شدہ گاڑیاں: سالانہ کوٹے کے اندر",
        FY24,
    ),
    (
        "9301",
        MeasureKind.PROHIBITED,
        Direction.IMPORT,
        "Ministry of Interior",
        "وزارت داخلہ",
        "",
        "Import by private persons prohibited.",
        "نجی افراد کے لیے درآمد ممنوع",
        HS_IN_FORCE,
    ),
]


def _write(stdout: Writer | None, text: str) -> None:
    if stdout is not None:
        stdout.write(text + "\n")


def _skeleton() -> int:
    """The HS codes the demo needs, when the HS files were not imported (tests, no shared data)."""
    created = 0
    for number, (title, title_ur, position) in SKELETON_SECTIONS.items():
        Section.objects.get_or_create(
            number=number, defaults={"title": title, "title_ur": title_ur, "position": position}
        )
    sections = {section.number: section for section in Section.objects.all()}
    for code, section, description, description_ur in HS_SKELETON:
        if TariffCode.objects.filter(code=code).exists():
            continue
        parent_code = code_parent(code)
        row = TariffCode.objects.create(
            code=code,
            level=len(code),
            parent=TariffCode.objects.get(code=parent_code) if parent_code else None,
            section=sections[section],
            description=description,
            description_ur=description_ur,
            valid_from=HS_IN_FORCE,
            search_text=search_text_for(code=code, description=description, description_ur=description_ur),
        )
        event_record(kind=TariffEvent.CODE_ADDED, subject=row, data={"code": code, "demo": True})
        created += 1
    return created


def demo_tariff_create() -> dict[str, int]:
    """The demo's national lines, rates and measures (as the system, without review)."""
    counts = {"hs_codes": 0, "lines": 0, "rates": 0, "measures": 0}
    with transaction.atomic():
        counts["hs_codes"] = _skeleton()
        for code, description, description_ur, unit, valid_from, valid_to in LINES:
            if TariffCode.objects.filter(code=code).exists():
                continue
            data = {
                "code": code,
                "description": description,
                "description_ur": description_ur,
                "unit": unit,
                "valid_from": valid_from,
                "valid_to": valid_to,
            }
            tariff_change_apply(kind=ChangeKind.CODE_ADD, data=data)
            counts["lines"] += 1
        # Older rows first, so that a newer open-ended rate never meets an older one still open.
        for code, duty, value, valid_from, valid_to in sorted(RATES, key=lambda rate: rate[3]):
            if DutyRate.objects.filter(code__code=code, duty=duty, valid_from=valid_from).exists():
                continue
            data = {"code": code, "duty": duty, "valid_from": valid_from, "valid_to": valid_to}
            if isinstance(value, tuple):
                data.update(basis=Basis.SPECIFIC, amount=value[0], per_unit=value[1])
            else:
                data.update(basis=P, percent=value)
            tariff_change_apply(kind=ChangeKind.RATE_ADD, data=data)
            counts["rates"] += 1
        for code, kind, direction, agency, agency_ur, document, note, note_ur, valid_from in MEASURES:
            if Measure.objects.filter(code__code=code, kind=kind, direction=direction, valid_from=valid_from).exists():
                continue
            data = {
                "code": code,
                "kind": kind,
                "direction": direction,
                "agency": agency,
                "agency_ur": agency_ur,
                "document": document,
                "note": note,
                "note_ur": note_ur,
                "valid_from": valid_from,
            }
            tariff_change_apply(kind=ChangeKind.MEASURE_ADD, data=data)
            counts["measures"] += 1
    return counts


def hs_files(shared_data: Path | None) -> tuple[Path, Path] | None:
    """The HS files under a shared data folder, or None when they are not there."""
    if shared_data is None:
        return None
    folder = Path(shared_data) / "customs" / "hs-codes"
    codes, sections = folder / "harmonized-system.csv", folder / "sections.csv"
    return (codes, sections) if codes.is_file() and sections.is_file() else None


# rabta loaddemo runs every app's demo_load in this order (rabta.core.management.commands.loaddemo).
DEMO_AFTER: tuple[str, ...] = ("directory", "accounts")


def demo_load(*, offices: int = 0, seed: int = 0, shared_data: Path | None = None, stdout: Writer | None = None) -> str:
    """Import the HS tree from ``shared_data`` when given (and there), then the demo tariff; the
    line ``rabta loaddemo`` prints. ``offices`` and ``seed`` are the directory's: the tariff has one
    demo whatever their values."""
    from rabta.tariff.services.hs_import import hs_import

    summary: dict[str, Any] = {}
    files = hs_files(shared_data)
    if files is not None:
        result = hs_import(codes_path=files[0], sections_path=files[1], progress=stdout is not None)
        summary["hs_import"] = {key: value for key, value in result.as_dict().items() if key != "rejects"}
    summary.update(demo_tariff_create())
    return f"tariff: {summary}"
