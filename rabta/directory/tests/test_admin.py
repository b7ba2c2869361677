from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from rabta.directory.models import Office

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(administrator, verified_client):
    # The administrator role gets the directory's model permissions (how roles map to Django
    # permissions is decided in accounts; here we grant them explicitly).
    administrator.user_permissions.add(*Permission.objects.filter(content_type__app_label="directory"))
    return verified_client(administrator)


@pytest.mark.parametrize("model", ["jurisdiction", "government", "department", "office", "post"])
def test_admin_pages_load_for_an_administrator(admin_client, world, model):
    assert admin_client.get(f"/en/admin/directory/{model}/").status_code == 200
    assert admin_client.get(f"/en/admin/directory/{model}/", {"q": "Lahore"}).status_code == 200
    assert admin_client.get(f"/en/admin/directory/{model}/add/").status_code == 200


def test_office_change_page_uses_autocomplete_not_a_giant_select(admin_client, world):
    html = admin_client.get(f"/en/admin/directory/office/{world.office_a.pk}/change/").content.decode()
    assert "admin-autocomplete" in html
    assert html.count("<option") < 50


def office_form(world, **overrides):
    data = {
        "department": world.lg_punjab.pk,
        "parent": world.head_a.pk,
        "code": "PB-LG-NEW",
        "name": "New office",
        "name_ur": "",
        "level": "district",
        "jurisdiction": world.lahore.pk,
        "email": "",
        "is_active": "on",
        "posts-TOTAL_FORMS": "0",
        "posts-INITIAL_FORMS": "0",
        "posts-MIN_NUM_FORMS": "0",
        "posts-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def test_adding_an_office_in_admin_sets_its_path(admin_client, world):
    response = admin_client.post("/en/admin/directory/office/add/", office_form(world))
    assert response.status_code == 302, response.content.decode()[:2000]
    office = Office.objects.get(code="PB-LG-NEW")
    assert office.path == f"{world.head_a.path}{office.pk}/" and office.depth == 1


def test_changing_the_parent_in_admin_moves_the_subtree(admin_client, world):
    url = f"/en/admin/directory/office/{world.head_a.pk}/change/"
    data = office_form(
        world,
        code=world.head_a.code,
        name=world.head_a.name,
        level="head",
        parent=world.head_b.pk,
        jurisdiction=world.punjab.pk,
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    world.office_a.refresh_from_db()
    world.head_a.refresh_from_db()
    assert world.head_a.path == f"{world.head_b.path}{world.head_a.pk}/"
    assert world.office_a.path == f"{world.head_a.path}{world.office_a.pk}/"

    # a cycle is refused, with the reason on the form, and nothing changes
    data = office_form(
        world,
        code=world.head_b.code,
        name=world.head_b.name,
        level="head",
        department=world.lg_sindh.pk,
        parent=world.office_a.pk,
        jurisdiction=world.sindh.pk,
    )
    response = admin_client.post(f"/en/admin/directory/office/{world.head_b.pk}/change/", data)
    assert response.status_code == 200
    world.head_b.refresh_from_db()
    assert world.head_b.parent is None


def test_department_autocomplete_for_the_office_form(admin_client, world, django_assert_max_num_queries):
    params = {"term": "local", "app_label": "directory", "model_name": "office", "field_name": "department"}
    with django_assert_max_num_queries(12):
        response = admin_client.get("/en/admin/autocomplete/", params)
    assert response.status_code == 200
    texts = {r["text"] for r in response.json()["results"]}
    assert texts == {"Local Government Department (PB)", "Local Government Department (SD)"}
