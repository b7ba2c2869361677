"""The shipped reference data: counts per province, unique codes, every parent defined."""

from __future__ import annotations

import csv
from collections import Counter

from rabta.directory.services import DEPARTMENTS_CSV, GOVERNMENTS_CSV, JURISDICTIONS_CSV

# Districts per province or territory as shipped (see docs/directory.md for the source and date).
EXPECTED_DISTRICTS = {"PK-PB": 41, "PK-SD": 30, "PK-KP": 37, "PK-BA": 37, "PK-IS": 1, "PK-JK": 10, "PK-GB": 14}
EXPECTED_DIVISIONS = {"PK-PB": 10, "PK-SD": 7, "PK-KP": 7, "PK-BA": 8, "PK-JK": 3, "PK-GB": 3}


def rows(path):
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def province_of(code, by_code):
    row = by_code[code]
    while row["kind"] != "province":
        row = by_code[row["parent_code"]]
    return row["code"]


def test_codes_are_unique_and_every_parent_is_defined_earlier():
    data = rows(JURISDICTIONS_CSV)
    codes = [r["code"] for r in data]
    assert len(codes) == len(set(codes))
    seen = set()
    for row in data:
        if row["kind"] == "country":
            assert row["parent_code"] == ""
        else:
            assert row["parent_code"] in seen, row
        seen.add(row["code"])


def test_one_country_with_seven_provinces_and_territories_with_iso_codes():
    data = rows(JURISDICTIONS_CSV)
    assert [r["code"] for r in data if r["kind"] == "country"] == ["PK"]
    provinces = {r["code"]: r for r in data if r["kind"] == "province"}
    assert set(provinces) == {"PK-PB", "PK-SD", "PK-KP", "PK-BA", "PK-IS", "PK-JK", "PK-GB"}
    assert all(r["parent_code"] == "PK" and r["name_ur"] for r in provinces.values())


def test_district_and_division_counts_per_province():
    data = rows(JURISDICTIONS_CSV)
    by_code = {r["code"]: r for r in data}
    districts = Counter(province_of(r["code"], by_code) for r in data if r["kind"] == "district")
    divisions = Counter(province_of(r["code"], by_code) for r in data if r["kind"] == "division")
    assert dict(districts) == EXPECTED_DISTRICTS
    assert dict(divisions) == EXPECTED_DIVISIONS


def test_no_orphans_every_division_has_districts_and_parents_have_the_right_kind():
    data = rows(JURISDICTIONS_CSV)
    by_code = {r["code"]: r for r in data}
    allowed_parent = {"province": {"country"}, "division": {"province"}, "district": {"division", "province"}}
    for row in data:
        if row["kind"] != "country":
            assert by_code[row["parent_code"]]["kind"] in allowed_parent[row["kind"]], row
    with_children = {r["parent_code"] for r in data}
    assert all(r["code"] in with_children for r in data if r["kind"] in {"division", "province", "country"})


def test_governments_and_departments_reference_each_other():
    governments = rows(GOVERNMENTS_CSV)
    departments = rows(DEPARTMENTS_CSV)
    jurisdictions = {r["code"] for r in rows(JURISDICTIONS_CSV)}
    assert {g["jurisdiction_code"] for g in governments} <= jurisdictions
    assert len(governments) == 8  # federal + 7 provinces and territories
    gov_codes = {g["code"] for g in governments}
    assert {d["government_code"] for d in departments} == gov_codes
    assert [d["code"] for d in departments if d["is_customs"] == "yes"] == ["FED-CUS"]
    assert len({d["code"] for d in departments}) == len(departments)
