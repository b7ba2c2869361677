from __future__ import annotations

import pytest

from rabta.directory.demo import demo_directory_create
from rabta.directory.services import office_create

pytestmark = pytest.mark.django_db

BASE = "/api/directory"


@pytest.fixture
def directory():
    demo_directory_create(offices=600, seed=1)


def test_jurisdictions_filter_by_kind_and_parent(client, directory):
    body = client.get(f"{BASE}/jurisdictions", {"kind": "province"}).json()
    assert body["count"] == 7
    assert {item["code"] for item in body["items"]} >= {"PK-PB", "PK-GB"}
    body = client.get(f"{BASE}/jurisdictions", {"parent": "PK-PB-DV-LHR"}).json()
    assert {item["name"] for item in body["items"]} == {"Lahore", "Kasur", "Nankana Sahib", "Sheikhupura"}
    assert all(item["parent_code"] == "PK-PB-DV-LHR" for item in body["items"])


@pytest.mark.parametrize(
    ("url", "params", "field"),
    [
        ("jurisdictions", {"kind": "planet"}, "kind"),
        ("jurisdictions", {"parent": "PK-XX"}, "parent"),
        ("departments", {"government": "NOPE"}, "government"),
        ("offices", {"level": "castle"}, "level"),
        ("offices", {"jurisdiction": "PK-ZZ"}, "jurisdiction"),
    ],
)
def test_bad_filters_get_the_one_error_format_naming_the_field(client, directory, url, params, field):
    response = client.get(f"{BASE}/{url}", params)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "validation_error"
    assert body["fields"][field][0]["code"] == "invalid_filter"


def test_governments_and_departments(client, directory):
    governments = client.get(f"{BASE}/governments").json()
    assert governments["count"] == 8
    departments = client.get(f"{BASE}/departments", {"government": "FED"}).json()
    customs = [d for d in departments["items"] if d["is_customs"]]
    assert [d["code"] for d in customs] == ["FED-CUS"]
    assert all(d["government_code"] == "FED" for d in departments["items"])


def test_office_search_filters_and_paginates(client, directory):
    body = client.get(f"{BASE}/offices", {"department": "FED-CUS", "level": "collectorate", "page_size": 5}).json()
    assert body["count"] == 26
    assert len(body["items"]) == 5
    page2 = client.get(f"{BASE}/offices", {"department": "FED-CUS", "level": "collectorate", "page_size": 5, "page": 2})
    assert {i["code"] for i in page2.json()["items"]}.isdisjoint({i["code"] for i in body["items"]})

    found = client.get(f"{BASE}/offices", {"q": "appraisement lahore"}).json()
    assert [i["code"] for i in found["items"]] == ["FED-CUS-APP-LHR"] or "FED-CUS-APP-LHR" in [
        i["code"] for i in found["items"]
    ]
    assert all("lahore" in i["name"].lower() for i in found["items"])

    # a province finds offices anywhere below it
    sindh = client.get(f"{BASE}/offices", {"jurisdiction": "PK-SD", "department": "FED-CUS", "page_size": 200}).json()
    assert sindh["count"] > 0
    assert all(i["jurisdiction_code"].startswith("PK-SD") for i in sindh["items"])


def test_office_detail_has_reporting_line_and_posts(client, directory):
    body = client.get(f"{BASE}/offices/FED-CUS-APE-KHI").json()
    assert body["level"] == "collectorate"
    assert [o["code"] for o in body["reporting_line"]] == ["FED-CUS-CC-APS", "FED-CUS-HQ"]
    assert any(p["is_head"] and p["title"] == "Collector" for p in body["posts"])


def test_unknown_office_is_404_in_the_error_format(client, directory):
    response = client.get(f"{BASE}/offices/NO-SUCH-OFFICE")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_office_list_query_count_does_not_grow_with_the_page(client, directory, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):  # filter lookup (none here), count, page
        response = client.get(f"{BASE}/offices", {"page_size": 200})
    assert len(response.json()["items"]) == 200


def test_inactive_offices_are_not_listed(client, world):
    extra = office_create(
        department=world.lg_punjab,
        code="PB-LG-OLD",
        name="Old office",
        level="district",
        jurisdiction=world.lahore,
        parent=world.head_a,
    )
    extra.is_active = False
    extra.save(update_fields=["is_active"])
    codes = {i["code"] for i in client.get(f"{BASE}/offices").json()["items"]}
    assert world.office_a.code in codes and "PB-LG-OLD" not in codes
