"""The whole journey of issue 9 in one real browser, on a 360-pixel phone, in English and in Urdu:
a complainant registers and confirms the code sent to them, lodges a complaint with a photo (the
identity hidden from the office), the officer of the routed office acknowledges and replies, the
complainant answers, the officer resolves, the complainant is not satisfied and appeals, and the
supervisor above decides the appeal. An officer of another office gets 404 for it, and no staff page
on the way shows the complainant's name or email. axe-core runs on every page visited."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from rabta.complaints.choices import Status
from rabta.complaints.models import Appeal, Attachment, Complaint
from tests.browser.test_complainant_pages import _png
from tests.browser.test_complaint_pages import _checked, water  # noqa: F401 (water: a fixture)
from tests.browser.test_office_pages import _as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("water")]

NAME, EMAIL = "Shazia Parveen", "shazia.parveen@example.pk"


def _private(page) -> None:
    html = page.content()
    for secret in (*NAME.split(), EMAIL):
        assert secret not in html, secret


@pytest.mark.parametrize("language", ["en", "ur"])
def test_register_lodge_work_answer_resolve_appeal_decide(
    page, browser, live_server, axe_violations, officer_a, supervisor_a, officer_b, language
):
    # The complainant registers and confirms the emailed code.
    page.goto(f"/{language}/accounts/register/")
    _checked(page, axe_violations, f"journey-register-{language}")
    page.check("input[name=complainant_type][value=citizen]")
    page.fill("input[name=full_name]", NAME)
    page.fill("input[name=email]", EMAIL)
    page.fill("input[name=password]", "a-long-unusual-passphrase-91")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url(f"**/{language}/accounts/verify/**")
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)
    page.fill("input[name=code]", code)
    page.locator("form:has(input[name=code]) button[type=submit]").click()
    page.wait_for_url(f"**/{language}/accounts/me/")

    # ... lodges in steps, hiding their identity from the office, with a photo at the review step.
    page.goto(f"/{language}/complaints/lodge/")
    page.check("input[name=kind][value=complaint]")
    page.fill("input[name=subject]", "Sewage overflowing")
    page.fill("textarea[name=text]", f"{NAME} here: sewage overflows in Model Town, write to {EMAIL}.")
    page.click("button[value=next]")
    page.check("input[name=category][value=PB-MUN-WATER]")
    page.click("button[value=next]")
    page.select_option("select[name=province]", "PK-PB")
    page.wait_for_selector("select[name=district] option[value=PK-PB-LHR]", state="attached")
    page.select_option("select[name=district]", "PK-PB-LHR")
    page.click("button[value=next]")
    page.check("input[name=anonymity][value=identity_hidden_from_office]")
    page.click("button[value=next]")
    page.wait_for_selector("button[value=submit]")
    page.set_input_files("input[name=file]", files=[{"name": "drain.png", "mimeType": "image/png", "buffer": _png()}])
    page.click("button[value=submit]")
    page.wait_for_url(f"**/{language}/complaints/RB-*/")
    complaint = Complaint.objects.get()
    assert complaint.current_office_id == officer_a.role_assignments.get().office_id
    assert Attachment.objects.filter(complaint=complaint).count() == 1
    number = complaint.tracking_number
    complainant_cookies = page.context.cookies()

    # The officer of the routed office acknowledges and replies, never seeing who it is.
    office = browser.new_context(viewport={"width": 360, "height": 740}, base_url=live_server.url)
    staff = office.new_page()
    _as(staff, officer_a, live_server)
    staff.goto(f"/{language}/complaints/office/{number}/")
    staff.wait_for_selector("form#acknowledge")
    _private(staff)
    staff.locator("form#acknowledge button[type=submit]").click()
    staff.wait_for_selector("form#resolve")
    staff.fill("textarea[name=message-body]", "Which street exactly?")
    staff.locator("form#message button[type=submit]").click()
    staff.wait_for_selector("text=Which street exactly?")
    _checked(staff, axe_violations, f"journey-office-{language}")

    # The complainant answers.
    page.context.add_cookies(complainant_cookies)
    page.goto(f"/{language}/complaints/{number}/")
    page.wait_for_selector("text=Which street exactly?")
    page.fill("form#message textarea[name=body]", "Block C, street 4.")
    page.locator("form#message button[type=submit]").click()
    page.wait_for_selector("text=Block C, street 4.")
    _checked(page, axe_violations, f"journey-answer-{language}")

    # The officer reads the answer (scrubbed of nothing the complainant did not write) and resolves.
    staff.goto(f"/{language}/complaints/office/{number}/")
    staff.wait_for_selector("text=Block C, street 4.")
    _private(staff)
    staff.fill("textarea[name=resolve-reasons]", "The drain was cleared.")
    staff.check("input[name=resolve-outcome][value=partial_relief]")
    staff.locator("form#resolve button[type=submit]").click()
    staff.wait_for_selector("form#note")
    assert Complaint.objects.get(pk=complaint.pk).status == Status.RESOLVED

    # The complainant is not satisfied, and appeals.
    page.goto(f"/{language}/complaints/{number}/")
    page.check("form#feedback input[name=satisfied][value=no]")
    page.check("form#feedback input[name=rating][value='2']")
    page.locator("form#feedback button[type=submit]").click()
    page.wait_for_selector("form#appeal")
    page.fill("form#appeal textarea[name=appeal-reason]", "It overflows again every evening.")
    page.locator("form#appeal button[type=submit]").click()
    page.wait_for_load_state()
    assert Complaint.objects.get(pk=complaint.pk).status == Status.APPEALED
    _checked(page, axe_violations, f"journey-appealed-{language}")

    # The supervisor above decides the appeal; the officer of another office cannot see the complaint.
    _as(staff, supervisor_a, live_server)
    staff.goto(f"/{language}/complaints/office/{number}/")
    staff.wait_for_selector("form#decide_appeal")
    _private(staff)
    _checked(staff, axe_violations, f"journey-decide-{language}")
    staff.check("input[name=decide_appeal-decision][value=relief_granted]")
    staff.fill("textarea[name=decide_appeal-reasons]", "The drain needs replacing, not clearing.")
    staff.locator("form#decide_appeal button[type=submit]").click()
    staff.wait_for_load_state()
    appeal = Appeal.objects.get(complaint=complaint)
    assert appeal.decision == "relief_granted"
    assert Complaint.objects.get(pk=complaint.pk).status != Status.APPEALED
    _as(staff, officer_b, live_server)
    assert staff.goto(f"/{language}/complaints/office/{number}/").status == 404
    office.close()
