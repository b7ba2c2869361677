from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_finder_searches_and_links_to_office_pages(client, world):
    response = client.get("/en/directory/", {"q": "lahore"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Local Government Lahore" in html
    assert f'href="/en/directory/offices/{world.office_a.code}/"' in html
    assert "Local Government Karachi South" not in html


def test_finder_filters_by_province_and_shows_form_errors(client, world):
    html = client.get("/en/directory/", {"jurisdiction": "PK-SD"}).content.decode()
    assert "Local Government Karachi South" in html and "Local Government Lahore" not in html
    response = client.get("/en/directory/", {"level": "castle"})
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()


def test_office_page_shows_reporting_line_and_posts_in_urdu_too(client, world):
    world.office_a.posts.create(title="Deputy Director", rank=18, is_head=True)
    response = client.get(f"/ur/directory/offices/{world.office_a.code}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'dir="rtl"' in html
    assert world.head_a.name in html
    assert "Deputy Director" in html
    assert "لاہور" in html  # the place in Urdu


def test_unknown_office_page_is_404(client, world):
    assert client.get("/en/directory/offices/NOPE/").status_code == 404
