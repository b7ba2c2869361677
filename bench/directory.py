"""The directory the benchmarks run on: the project's demo generator when it is there, else a
stand-in of the same size built here (governments > departments > head/regional/district offices).

The stand-in exists only so the harness can run before ``rabta.directory.demo`` lands; the figures
report which one was used.
"""

from __future__ import annotations

import random
from typing import Any


def directory_load(*, offices: int, seed: int = 2026) -> dict[str, Any]:
    from rabta.directory.models import Office

    source = "rabta.directory.demo"
    try:
        from rabta.directory.demo import demo_directory_create
        from rabta.directory.services import jurisdictions_load

        jurisdictions_load()
        demo_directory_create(offices=offices, seed=seed, progress=False)
    except (ImportError, NotImplementedError):
        source = "bench stand-in (rabta.directory.demo not available)"
        _standin_create(offices=offices, seed=seed)
    return {"source": source, "offices": Office.objects.count()}


def _standin_create(*, offices: int, seed: int) -> None:
    from django.db import transaction

    from rabta.directory.choices import GovernmentLevel, JurisdictionKind, OfficeLevel
    from rabta.directory.models import Department, Government, Jurisdiction, Office

    rng = random.Random(seed)
    provinces = ["PB", "SD", "KP", "BA", "IS", "AJK", "GB"]
    with transaction.atomic():
        pk = Jurisdiction.objects.create(code="PK", name="Pakistan", kind=JurisdictionKind.COUNTRY)
        prov = {
            code: Jurisdiction.objects.create(code=f"PK-{code}", name=code, kind=JurisdictionKind.PROVINCE, parent=pk)
            for code in provinces
        }
        districts = Jurisdiction.objects.bulk_create(
            [
                Jurisdiction(
                    code=f"PK-{code}-D{i:02d}",
                    name=f"{code} district {i}",
                    kind=JurisdictionKind.DISTRICT,
                    parent=prov[code],
                )
                for code in provinces
                for i in range(20)
            ]
        )
        governments = [
            Government.objects.create(code="FED", name="Federal", level=GovernmentLevel.FEDERAL, jurisdiction=pk)
        ]
        governments += [
            Government.objects.create(code=code, name=code, level=GovernmentLevel.PROVINCIAL, jurisdiction=prov[code])
            for code in provinces
        ]
        departments = [
            Department.objects.create(
                government=g, code=f"{g.code}-D{i:02d}", name=f"Department {i}", is_customs=(g.code == "FED" and i == 0)
            )
            for g in governments
            for i in range(12)
        ]
        # Head office per department, ~8 regional offices under it, district offices under those.
        heads = Office.objects.bulk_create(
            [
                Office(
                    department=d,
                    code=f"{d.code}-HQ",
                    name=f"{d.name} head office",
                    level=OfficeLevel.HEAD,
                    jurisdiction=d.government.jurisdiction,
                )
                for d in departments
            ]
        )
        _paths(heads, parents=None)
        remaining = offices - len(heads)
        regionals_wanted = min(remaining, len(heads) * 8)
        regionals = Office.objects.bulk_create(
            [
                Office(
                    department=heads[i % len(heads)].department,
                    parent=heads[i % len(heads)],
                    code=f"{heads[i % len(heads)].code}-R{i:04d}",
                    name=f"Regional office {i}",
                    level=OfficeLevel.REGIONAL,
                    jurisdiction=rng.choice(districts),
                )
                for i in range(regionals_wanted)
            ]
        )
        _paths(regionals, parents=heads)
        remaining -= len(regionals)
        district_offices = Office.objects.bulk_create(
            [
                Office(
                    department=regionals[i % len(regionals)].department,
                    parent=regionals[i % len(regionals)],
                    code=f"{regionals[i % len(regionals)].code}-O{i:05d}",
                    name=f"District office {i}",
                    level=OfficeLevel.DISTRICT,
                    jurisdiction=rng.choice(districts),
                )
                for i in range(remaining)
            ]
        )
        _paths(district_offices, parents=regionals)


def _paths(offices: list[Any], parents: list[Any] | None) -> None:
    from rabta.directory.models import Office

    by_id = {p.pk: p for p in parents or []}
    for office in offices:
        parent_path = by_id[office.parent_id].path if office.parent_id else "/"
        office.path = f"{parent_path}{office.pk}/"
        office.depth = parent_path.count("/") - 1
    Office.objects.bulk_update(offices, ["path", "depth"], batch_size=2000)
