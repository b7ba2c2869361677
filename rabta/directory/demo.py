"""A realistic generated directory for demos and load tests.

Built on the real reference data (jurisdictions, governments, departments): every department gets a
head office; provincial and territorial departments get an office per real division and district
and tehsil-level offices below the districts; federal departments get regional offices (and, for
the citizen-facing ones, district offices); the customs department gets its chief collectorates,
collectorates and their stations. Rabta ships no official tehsil list, so tehsil-level offices are
named "<District> Tehsil <n>" and serve their district (see docs/directory.md).

Offices are inserted with ``bulk_create`` one generation at a time (parents before children), then
their paths are filled in with ``bulk_update``: 7,500 offices load in seconds on SQLite instead of
the minutes that 15,000 single-row saves would take.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from django.db import transaction
from tqdm import tqdm

from rabta.core.events import event_record
from rabta.directory.choices import GovernmentLevel, JurisdictionKind, OfficeLevel
from rabta.directory.events import DirectoryEvent
from rabta.directory.models import Department, Government, Jurisdiction, Office, Post
from rabta.directory.services import governments_load, jurisdictions_load

BATCH_SIZE = 500  # rows per INSERT/UPDATE: well under SQLite's 32,766 bound parameters per statement

# Provincial and territorial capitals, where regional offices of federal departments sit.
CAPITALS = {
    "PK-PB": "PK-PB-LHR",
    "PK-SD": "PK-SD-KHI",
    "PK-KP": "PK-KP-PEW",
    "PK-BA": "PK-BA-QTA",
    "PK-IS": "PK-IS-ISB",
    "PK-JK": "PK-JK-MZD",
    "PK-GB": "PK-GB-GLT",
}
# Federal departments that meet citizens in every district (ID cards, passports, post, cash transfers).
FEDERAL_DISTRICT_PRESENCE = {"FED-NADRA", "FED-DGIP", "FED-PPO", "FED-BISP"}

# Customs: (code suffix, chief collectorate, district code).
CHIEF_COLLECTORATES = [
    ("CC-APS", "Chief Collectorate of Customs (Appraisement-South), Karachi", "PK-SD-KHI"),
    ("CC-ENS", "Chief Collectorate of Customs (Enforcement-South), Karachi", "PK-SD-KHI"),
    ("CC-CEN", "Chief Collectorate of Customs (Central), Lahore", "PK-PB-LHR"),
    ("CC-NOR", "Chief Collectorate of Customs (North), Islamabad", "PK-IS-ISB"),
    ("CC-KP", "Chief Collectorate of Customs (Khyber Pakhtunkhwa), Peshawar", "PK-KP-PEW"),
    ("CC-BA", "Chief Collectorate of Customs (Balochistan), Quetta", "PK-BA-QTA"),
]
# (code suffix, chief collectorate suffix, name, district code, stations)
COLLECTORATES = [
    (
        "APE-KHI",
        "CC-APS",
        "Model Customs Collectorate (Appraisement-East), Karachi",
        "PK-SD-KHI",
        ["Karachi Port East Wharf", "Jinnah International Airport Air Freight Unit"],
    ),
    (
        "APW-KHI",
        "CC-APS",
        "Model Customs Collectorate (Appraisement-West), Karachi",
        "PK-SD-KMR",
        ["Karachi Port West Wharf", "Karachi International Container Terminal"],
    ),
    (
        "PMBQ",
        "CC-APS",
        "Model Customs Collectorate, Port Muhammad Bin Qasim, Karachi",
        "PK-SD-MLR",
        ["Qasim International Container Terminal", "Port Qasim Bulk Terminal"],
    ),
    (
        "EXP-KHI",
        "CC-APS",
        "Collectorate of Customs (Exports), Karachi",
        "PK-SD-KHI",
        ["Export Processing Zone Karachi"],
    ),
    ("EXP-PQ", "CC-APS", "Collectorate of Customs (Exports), Port Qasim", "PK-SD-MLR", []),
    ("PACCS", "CC-APS", "Model Customs Collectorate of PaCCS, Karachi", "PK-SD-KHI", []),
    ("APP-HYD", "CC-APS", "Collectorate of Customs (Appraisement), Hyderabad", "PK-SD-HYD", ["Hyderabad Dry Port"]),
    (
        "PRV-KHI",
        "CC-ENS",
        "Collectorate of Customs (Preventive), Karachi",
        "PK-SD-KHI",
        ["Jinnah International Airport Baggage Hall"],
    ),
    ("ENF-KHI", "CC-ENS", "Collectorate of Customs Enforcement, Karachi", "PK-SD-KHE", []),
    ("ENF-HYD", "CC-ENS", "Collectorate of Customs Enforcement, Hyderabad", "PK-SD-HYD", []),
    (
        "APP-LHR",
        "CC-CEN",
        "Model Customs Collectorate (Appraisement), Lahore",
        "PK-PB-LHR",
        ["Lahore Dry Port (Mughalpura)", "Allama Iqbal International Airport Cargo", "Wagah Border Station"],
    ),
    ("EXP-LHR", "CC-CEN", "Collectorate of Customs (Exports), Lahore", "PK-PB-LHR", []),
    ("ENF-LHR", "CC-CEN", "Collectorate of Customs Enforcement, Lahore", "PK-PB-LHR", []),
    ("APP-FSD", "CC-CEN", "Collectorate of Customs (Appraisement), Faisalabad", "PK-PB-FSD", ["Faisalabad Dry Port"]),
    (
        "SKT",
        "CC-CEN",
        "Collectorate of Customs, Sialkot",
        "PK-PB-SKT",
        ["Sialkot Dry Port", "Sialkot International Airport Cargo"],
    ),
    ("APP-MUL", "CC-CEN", "Collectorate of Customs (Appraisement), Multan", "PK-PB-MUL", ["Multan Dry Port"]),
    ("ENF-MUL", "CC-CEN", "Collectorate of Customs Enforcement, Multan", "PK-PB-MUL", []),
    (
        "APP-ISB",
        "CC-NOR",
        "Collectorate of Customs (Appraisement), Islamabad",
        "PK-IS-ISB",
        ["Islamabad International Airport Cargo", "Rawalpindi Dry Port"],
    ),
    ("ENF-ISB", "CC-NOR", "Collectorate of Customs Enforcement, Islamabad", "PK-IS-ISB", []),
    ("GB", "CC-NOR", "Collectorate of Customs, Gilgit-Baltistan", "PK-GB-GLT", ["Sost Dry Port"]),
    (
        "APP-PEW",
        "CC-KP",
        "Collectorate of Customs (Appraisement), Peshawar",
        "PK-KP-PEW",
        ["Torkham Border Station", "Peshawar Dry Port (Azakhel)"],
    ),
    ("ENF-PEW", "CC-KP", "Collectorate of Customs Enforcement, Peshawar", "PK-KP-PEW", []),
    ("DIK", "CC-KP", "Collectorate of Customs, Dera Ismail Khan", "PK-KP-DIK", ["Ghulam Khan Border Station"]),
    (
        "APP-QTA",
        "CC-BA",
        "Collectorate of Customs (Appraisement), Quetta",
        "PK-BA-QTA",
        ["Chaman Border Station", "Taftan Border Station"],
    ),
    ("ENF-QTA", "CC-BA", "Collectorate of Customs Enforcement, Quetta", "PK-BA-QTA", []),
    ("GWD", "CC-BA", "Collectorate of Customs, Gwadar", "PK-BA-GWD", ["Gwadar Port", "Gabd Border Station"]),
]

HEAD_TITLES = {
    OfficeLevel.HEAD: ("Director General", 20),
    OfficeLevel.REGIONAL: ("Regional Director", 19),
    OfficeLevel.DIVISION: ("Divisional Director", 19),
    OfficeLevel.DISTRICT: ("District Officer", 18),
    OfficeLevel.TEHSIL: ("Tehsil Officer", 18),
    OfficeLevel.COLLECTORATE: ("Collector", 20),
    OfficeLevel.UNIT: ("Deputy Collector", 18),
}
POLICE_HEAD_TITLES = {
    OfficeLevel.HEAD: ("Additional Inspector General of Police", 20),
    OfficeLevel.DIVISION: ("Regional Police Officer", 20),
    OfficeLevel.DISTRICT: ("District Police Officer", 19),
    OfficeLevel.TEHSIL: ("Sub-Divisional Police Officer", 18),
}
CUSTOMS_HEAD_TITLES = {
    OfficeLevel.HEAD: ("Member Customs (Operations)", 20),
    OfficeLevel.REGIONAL: ("Chief Collector", 20),
}
OFFICER_TITLES = [("Assistant Director", 17), ("Section Officer", 17), ("Superintendent", 16), ("Inspector", 16)]
POLICE_OFFICER_TITLES = [
    ("Deputy Superintendent of Police", 17),
    ("Assistant Superintendent of Police", 17),
    ("Inspector", 16),
]
CUSTOMS_OFFICER_TITLES = [
    ("Assistant Collector", 17),
    ("Principal Appraiser", 17),
    ("Appraising Officer", 16),
    ("Preventive Officer", 16),
]


@dataclass(frozen=True)
class Planned:
    code: str
    name: str
    level: str
    department_id: int
    jurisdiction_id: int
    parent_code: str | None
    name_ur: str = ""


def _ur(*parts: str, template: str) -> str:
    """An Urdu name only when every Urdu part is known: a half-English Urdu name reads worse than none."""
    return template.format(*parts) if all(parts) else ""


def _plan(*, seed: int, offices: int) -> list[list[Planned]]:
    """The offices to exist, in generations (every parent is in an earlier generation), truncated
    to ``offices`` in that order so that a small demo is a complete top of the tree."""
    jurisdictions = list(Jurisdiction.objects.order_by("code"))
    by_code = {j.code: j for j in jurisdictions}
    children: dict[int | None, list[Jurisdiction]] = {}
    for j in jurisdictions:
        children.setdefault(j.parent_id, []).append(j)

    def districts_of(j: Jurisdiction) -> list[Jurisdiction]:
        found: list[Jurisdiction] = []
        for child in children.get(j.pk, []):
            found.extend([child] if child.kind == JurisdictionKind.DISTRICT else districts_of(child))
        return found

    gens: list[list[Planned]] = [[], [], []]
    tehsil_names: dict[str, tuple[str, str, str, str]] = {}
    tehsil_parents: list[Planned] = []
    units: list[Planned] = []
    departments = sorted(
        Department.objects.select_related("government__jurisdiction"),
        key=lambda d: (not d.is_customs, d.government.level != GovernmentLevel.FEDERAL, d.code),
    )
    for dep in departments:
        gov: Government = dep.government
        region = gov.jurisdiction
        head = Planned(
            f"{dep.code}-HQ",
            f"{dep.name}, {_place(gov)} — Head Office",
            OfficeLevel.HEAD,
            dep.pk,
            region.pk,
            None,
            _ur(dep.name_ur, region.name_ur, template="{0}، {1} — صدر دفتر"),
        )
        gens[0].append(head)
        if dep.is_customs:
            for suffix, name, district_code in CHIEF_COLLECTORATES:
                gens[1].append(
                    Planned(
                        f"{dep.code}-{suffix}", name, OfficeLevel.REGIONAL, dep.pk, by_code[district_code].pk, head.code
                    )
                )
            for suffix, chief, name, district_code, stations in COLLECTORATES:
                collectorate = Planned(
                    f"{dep.code}-{suffix}",
                    name,
                    OfficeLevel.COLLECTORATE,
                    dep.pk,
                    by_code[district_code].pk,
                    f"{dep.code}-{chief}",
                )
                gens[2].append(collectorate)
                for n, station in enumerate([*stations, "Adjudication Unit", "Audit and Valuation Unit"], start=1):
                    units.append(
                        Planned(
                            f"{collectorate.code}-U{n}",
                            f"{station} — {name}",
                            OfficeLevel.UNIT,
                            dep.pk,
                            by_code[district_code].pk,
                            collectorate.code,
                        )
                    )
        elif gov.level == GovernmentLevel.FEDERAL:
            for province in children.get(region.pk, []):
                capital = by_code[CAPITALS[province.code]]
                regional = Planned(
                    f"{dep.code}-{_short(province.code)}",
                    f"{dep.name} — Regional Office {capital.name}",
                    OfficeLevel.REGIONAL,
                    dep.pk,
                    province.pk,
                    head.code,
                    _ur(dep.name_ur, capital.name_ur, template="{0} — علاقائی دفتر {1}"),
                )
                gens[1].append(regional)
                if dep.code in FEDERAL_DISTRICT_PRESENCE:
                    for district in districts_of(province):
                        gens[2].append(
                            Planned(
                                f"{dep.code}-{_short(district.code)}",
                                f"{dep.name} — {district.name}",
                                OfficeLevel.DISTRICT,
                                dep.pk,
                                district.pk,
                                regional.code,
                                _ur(dep.name_ur, district.name_ur, template="{0} — {1}"),
                            )
                        )
        else:
            short = f"{dep.name}, {_place(gov)}"
            short_ur = _ur(dep.name_ur, region.name_ur, template="{0}، {1}")
            for child in children.get(region.pk, []):
                if child.kind == JurisdictionKind.DIVISION:
                    division = Planned(
                        f"{dep.code}-{_short(child.code)}",
                        f"{short} — {child.name}",
                        OfficeLevel.DIVISION,
                        dep.pk,
                        child.pk,
                        head.code,
                        _ur(short_ur, child.name_ur, template="{0} — {1}"),
                    )
                    gens[1].append(division)
                    district_gen, parent_code = gens[2], division.code
                    districts = districts_of(child)
                else:  # a territory without divisions (Islamabad): districts report to the head office
                    district_gen, parent_code = gens[1], head.code
                    districts = [child] if child.kind == JurisdictionKind.DISTRICT else districts_of(child)
                for district in districts:
                    office = Planned(
                        f"{dep.code}-{_short(district.code)}",
                        f"{short} — District {district.name}",
                        OfficeLevel.DISTRICT,
                        dep.pk,
                        district.pk,
                        parent_code,
                        _ur(short_ur, district.name_ur, template="{0} — ضلع {1}"),
                    )
                    district_gen.append(office)
                    tehsil_parents.append(office)
                    tehsil_names[office.code] = (short, district.name, short_ur, district.name_ur)

    structural = sum(len(g) for g in gens) + len(units)
    tehsils: list[Planned] = []
    rng = random.Random(seed)
    round_no = 1
    while structural + len(tehsils) < offices and tehsil_parents:
        # Each round gives every district office one more tehsil office; the seed decides which
        # district offices get theirs first when the target falls in the middle of a round.
        order = list(tehsil_parents)
        rng.shuffle(order)
        for parent in order:
            short, district_name, short_ur, district_ur = tehsil_names[parent.code]
            tehsils.append(
                Planned(
                    f"{parent.code}-T{round_no}",
                    f"{short} — {district_name} Tehsil {round_no}",
                    OfficeLevel.TEHSIL,
                    parent.department_id,
                    parent.jurisdiction_id,
                    parent.code,
                    _ur(short_ur, district_ur, template="{0} — تحصیل {1} " + str(round_no)),
                )
            )
        round_no += 1
    # The customs tree (about a hundred offices) comes first as a whole, so that even a small demo
    # has collectorates; then every other department generation by generation.
    customs_ids = set(Department.objects.filter(is_customs=True).values_list("pk", flat=True))
    everything = [*gens, units + tehsils]
    generations = [[p for p in g if p.department_id in customs_ids] for g in everything] + [
        [p for p in g if p.department_id not in customs_ids] for g in everything
    ]
    remaining = offices
    truncated: list[list[Planned]] = []
    for generation in generations:
        truncated.append(generation[: max(remaining, 0)])
        remaining -= len(generation)
    return [g for g in truncated if g]


def _place(gov: Government) -> str:
    return "Pakistan" if gov.level == GovernmentLevel.FEDERAL else gov.jurisdiction.name


def _short(jurisdiction_code: str) -> str:
    return jurisdiction_code.removeprefix("PK-")


def _posts_for(office: Office, department: Department, seed: int) -> Iterable[Post]:
    rng = random.Random(f"{seed}:{office.code}")
    heads: dict[OfficeLevel, tuple[str, int]]
    if department.is_customs:
        heads, officers = CUSTOMS_HEAD_TITLES, CUSTOMS_OFFICER_TITLES
    elif department.code.endswith("-POL"):
        heads, officers = POLICE_HEAD_TITLES, POLICE_OFFICER_TITLES
    else:
        heads, officers = {}, OFFICER_TITLES
    title, rank = heads.get(OfficeLevel(office.level)) or HEAD_TITLES[OfficeLevel(office.level)]
    yield Post(office=office, title=title, rank=rank, is_head=True)
    for title, rank in rng.sample(officers, k=rng.randint(1, min(3, len(officers)))):
        yield Post(office=office, title=title, rank=rank, is_head=False)


def demo_directory_create(*, offices: int = 7500, seed: int = 2026, progress: bool = False) -> str:
    """Create (or complete) the demo directory with ``offices`` offices; returns a one-line summary.

    Idempotent: offices are identified by code, so a second run creates nothing. Deterministic: the
    same seed gives the same offices, names and posts."""
    if not Jurisdiction.objects.exists():
        jurisdictions_load()
    governments_load()
    plan = _plan(seed=seed, offices=offices)
    planned_total = sum(len(g) for g in plan)
    known: dict[str, tuple[int, str]] = {
        code: (pk, path) for pk, code, path in Office.objects.values_list("pk", "code", "path")
    }
    departments = Department.objects.in_bulk()
    created = posts = 0
    with transaction.atomic(), tqdm(total=planned_total, desc="offices", unit="office", disable=not progress) as bar:
        for generation in plan:
            new: list[Office] = []
            parent_of = {spec.code: spec.parent_code for spec in generation}
            for spec in generation:
                if spec.code in known:
                    continue
                parent_id = known[spec.parent_code][0] if spec.parent_code else None
                new.append(
                    Office(
                        code=spec.code,
                        name=spec.name,
                        name_ur=spec.name_ur,
                        level=spec.level,
                        department_id=spec.department_id,
                        jurisdiction_id=spec.jurisdiction_id,
                        parent_id=parent_id,
                    )
                )
            bar.update(len(generation) - len(new))
            for start in range(0, len(new), BATCH_SIZE):
                batch = Office.objects.bulk_create(new[start : start + BATCH_SIZE])
                for office in batch:
                    parent_code = parent_of[office.code]
                    parent_path = known[parent_code][1] if parent_code else "/"
                    office.path = f"{parent_path}{office.pk}/"
                    office.depth = parent_path.count("/") - 1
                    known[office.code] = (office.pk, office.path)
                Office.objects.bulk_update(batch, ["path", "depth"], batch_size=BATCH_SIZE)
                new_posts = [p for office in batch for p in _posts_for(office, departments[office.department_id], seed)]
                Post.objects.bulk_create(new_posts, batch_size=BATCH_SIZE)
                created += len(batch)
                posts += len(new_posts)
                bar.update(len(batch))
        if created:
            # One summary event instead of one per office: the bulk load is one administrative act,
            # and thousands of identical "created" rows would drown the audit trail.
            anchor = Office.objects.filter(parent__isnull=True).order_by("pk").first()
            if anchor is not None:
                event_record(
                    kind=DirectoryEvent.DEMO_LOADED,
                    subject=anchor,
                    data={"offices_created": created, "posts_created": posts, "seed": seed},
                )
    total = Office.objects.count()
    if not created:
        return f"nothing to create: all {planned_total} planned offices already exist ({total} offices in total)"
    return f"{created} offices and {posts} posts created ({total} offices in total, seed {seed})"


# The demo loader (`rabta loaddemo`, rabta/core/management/commands/loaddemo.py): the directory
# comes first, every other domain's demo places its items in it.
DEMO_AFTER: tuple[str, ...] = ()


def demo_load(*, offices: int, seed: int, shared_data: Path | None, stdout: TextIO) -> str:
    """The real jurisdictions and a generated directory of ``offices`` offices (progress on the
    terminal); returns what ``loaddemo`` prints."""
    jurisdictions_load()
    return f"directory: {demo_directory_create(offices=offices, seed=seed, progress=True)}"
