"""A complaint written with no connection is kept on the device and sent exactly once when the
connection returns (rabta/static/rabta/drafts.js, the service worker of rabta/templates/core/sw.js).
The network is cut in the browser itself (Playwright's offline emulation)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from rabta.complaints.models import Complaint
from tests.browser.test_complaint_pages import _checked, _sign_in, water  # noqa: F401 (water: a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("water")]


def _write(page, subject: str) -> None:
    page.fill("input[name=subject]", subject)
    page.fill("textarea[name=text]", "No water in Gulberg since Monday.")
    page.select_option("select[name=category]", "PB-MUN-WATER")
    page.select_option("select[name=jurisdiction]", "PK-PB-LHR")
    page.click("#draft-form button[type=submit]")


@pytest.mark.parametrize("language", ["en", "ur"])
def test_a_draft_written_offline_is_sent_once_when_the_connection_returns(page, axe_violations, citizen, language):
    _sign_in(page, language, citizen)
    page.goto(f"/{language}/complaints/waiting/")
    page.evaluate("async () => { await navigator.serviceWorker.ready; }")
    page.reload()  # now controlled by the worker, which has kept the page
    page.context.set_offline(True)
    try:
        # Given no connection, the lodge page is answered with the form that keeps a draft.
        page.goto(f"/{language}/complaints/lodge/")
        page.wait_for_selector("#draft-form")
        assert page.locator("html").get_attribute("lang") == language
        _write(page, "No water for a week")
        expect(page.locator("#waiting-list li")).to_have_count(1)
        expect(page.locator("#draft-status")).not_to_be_empty()
        _checked(page, axe_violations, f"waiting-offline-{language}")
        assert Complaint.objects.count() == 0
    finally:
        page.context.set_offline(False)

    # When the connection returns, it is sent, and the page says so with the tracking number.
    expect(page.locator("#sent-list li")).to_have_count(1, timeout=15000)
    complaint = Complaint.objects.get()
    assert complaint.complainant_id == citizen.pk and complaint.jurisdiction.code == "PK-PB-LHR"
    assert complaint.subject == "No water for a week" and complaint.language == language
    expect(page.locator("#sent-list")).to_contain_text(complaint.tracking_number)
    expect(page.locator("#waiting-list li")).to_have_count(0)
    _checked(page, axe_violations, f"waiting-sent-{language}")

    # Coming back to the page (the address was the lodge page's) does not send it again.
    page.goto(f"/{language}/complaints/waiting/")
    expect(page.locator("#sent-list")).to_contain_text(complaint.tracking_number)
    page.wait_for_load_state("networkidle")
    assert Complaint.objects.count() == 1
    page.click(f"#sent-list a:has-text('{complaint.tracking_number}')")
    page.wait_for_url(f"**/{language}/complaints/{complaint.tracking_number}/")


def test_a_send_whose_answer_is_lost_is_retried_with_the_same_key_and_lodges_once(browser, live_server, citizen):
    """The request reaches the server but its answer never reaches the page (the connection drops):
    the draft stays waiting, the next try sends the same Idempotency-Key, and the server answers
    with the complaint already lodged."""
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, base_url=live_server.url, service_workers="block"
    )
    page = context.new_page()
    keys: list[str] = []

    def answer_lost(route):
        keys.append(route.request.headers["idempotency-key"])
        route.fetch()  # the server lodges it...
        route.abort("internetdisconnected")  # ...and the answer is lost

    try:
        _sign_in(page, "en", citizen)
        page.goto("/en/complaints/waiting/")
        page.route("**/api/complaints", answer_lost, times=1)
        _write(page, "Lost answer")
        expect(page.locator("#waiting-list li")).to_have_count(1)
        expect(page.locator("#waiting-list")).to_contain_text("tried again")
        assert Complaint.objects.count() == 1

        page.route(
            "**/api/complaints",
            lambda route: (keys.append(route.request.headers["idempotency-key"]), route.fallback()),
        )
        page.reload()  # a new visit tries the waiting draft again
        expect(page.locator("#sent-list li")).to_have_count(1)
        complaint = Complaint.objects.get()
        expect(page.locator("#sent-list")).to_contain_text(complaint.tracking_number)
        assert len(keys) == 2 and keys[0] == keys[1]
    finally:
        context.close()
