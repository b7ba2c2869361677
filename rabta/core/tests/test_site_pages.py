"""Site-wide pages: home, error pages in both languages, the manifest and the service worker."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation

from rabta.core.pages import rate_limited
from rabta.core.ratelimit import RateLimited

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _translations():
    call_command("compile_translations")
    with translation.override("en"):  # pages rendered from a bare request use the active language
        yield


def test_home_says_what_rabta_is_for_and_how_a_complaint_travels(client):
    page = client.get("/en/").content.decode()
    assert "How a complaint travels" in page
    assert page.count('class="n" aria-hidden="true"') == 5  # the five steps of the journey
    assert reverse("complaints:lodge") in page and reverse("complaints:track") in page


def test_home_in_urdu_is_right_to_left_and_translated(client):
    page = client.get("/ur/").content.decode()
    assert 'dir="rtl"' in page
    assert "How a complaint travels" not in page


@pytest.mark.parametrize(("language", "text"), [("en", "Page not found"), ("ur", "صفحہ نہیں ملا")])
def test_unknown_page_is_a_helpful_404_in_the_language_of_the_address(client, language, text):
    response = client.get(f"/{language}/no-such-page/")
    assert response.status_code == 404
    assert text in response.content.decode()
    assert reverse("complaints:track") in response.content.decode()


def test_a_forbidden_page_answers_403_with_the_refusal_page(rf):
    from rabta.core.pages import permission_denied

    request = rf.get("/en/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    response = permission_denied(request)
    assert response.status_code == 403
    assert "You cannot do this" in response.content.decode()


def test_bad_request_page_explains_nothing_was_saved(rf):
    from django.contrib.auth.models import AnonymousUser

    from rabta.core.pages import bad_request

    request = rf.get("/en/")
    request.user = AnonymousUser()
    response = bad_request(request)
    assert response.status_code == 400
    assert "Nothing was saved" in response.content.decode()


@pytest.mark.parametrize(("seconds", "minutes"), [(30, "1 minute."), (600, "10 minutes.")])
def test_rate_limited_page_says_when_to_try_again(rf, seconds, minutes):
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/en/")
    request.user = AnonymousUser()
    response = rate_limited(request, RateLimited(retry_after=seconds))
    assert response.status_code == 429
    assert response["Retry-After"] == str(seconds)
    assert f"Please try again in {minutes}" in response.content.decode()


def test_server_error_page_is_static_and_in_both_languages():
    from rabta.core.pages import server_error

    body = server_error(None).content.decode()  # type: ignore[arg-type]
    assert "Something went wrong" in body and "کچھ غلط ہو گیا" in body
    assert "{%" not in body


@pytest.mark.parametrize(("language", "text"), [("en", "This form has expired"), ("ur", "اس فارم کی مدت ختم ہو گئی")])
def test_csrf_failure_is_explained_in_the_users_language(language, text):
    client = Client(enforce_csrf_checks=True)
    response = client.post(f"/{language}/complaints/track/", {"token": "x"})
    assert response.status_code == 403
    body = response.content.decode()
    assert text in body
    assert "not keeping cookies" in body or language == "ur"


def test_manifest_names_the_app_and_its_icons(client):
    response = client.get("/manifest.webmanifest")
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["display"] == "standalone" and manifest["scope"] == "/"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:  # each one a file the project serves
        assert finders.find(icon["src"].removeprefix(settings.STATIC_URL))


def test_service_worker_is_served_from_the_root_and_caches_the_shell_and_offline_pages(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    body = response.content.decode()
    assert '"/en/offline/"' in body and '"/ur/offline/"' in body
    assert "/static/rabta/site.css" in body


@pytest.mark.parametrize("language", ["en", "ur"])
def test_offline_page_exists_in_both_languages(client, language):
    response = client.get(f"/{language}/offline/")
    assert response.status_code == 200
    assert f'lang="{language}"' in response.content.decode()


def test_navigation_shows_each_role_its_pages(client, verified_client, citizen, officer_a):
    def nav() -> str:
        page = client.get("/en/").content.decode()
        return page[page.index('<nav class="site-nav"') : page.index("</nav>")]

    assert reverse("complaints:mine") not in nav() and reverse("complaints:lodge") in nav()
    client.force_login(citizen)
    assert reverse("complaints:mine") in nav()
    verified_client(officer_a)
    assert reverse("complaints:mine") not in nav() and reverse("directory:finder") in nav()


def test_pages_load_htmx_from_our_own_origin_only(client):
    body = client.get("/en/complaints/lodge/").content.decode()
    assert "/static/vendor/htmx/htmx.min.js" in body
    assert "<script>" not in body and "style=" not in body


def test_a_rate_limited_page_answers_429_with_when_to_try_again(client, settings, world):
    settings.RABTA_RATE_LIMITS = {**settings.RABTA_RATE_LIMITS, "anonymous_tracking": {"address": "1/h"}}
    client.get("/en/complaints/track/", {"number": "RB-0000-0000-0"})
    response = client.get("/en/complaints/track/", {"number": "RB-0000-0000-0"})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Too many requests" in response.content.decode()
