"""The declarations upload in a real browser on a 360-pixel phone, in English and Urdu: a customs
manager uploads a small CSV with a bad row, lands on the progress page while the job waits, and
watches it finish without a reload (the progressbar's aria-valuenow reaches 100, the counts and
the rejects' CSV link appear); axe-core on every page. The job runs in a background thread, as in
the embedded `make run`; a gate holds it until the page has shown it waiting."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from django.core.management import call_command

from conftest import make_user
from rabta.accounts.roles import Role
from rabta.customs.choices import ImportJobStatus
from rabta.customs.models import ImportJob
from rabta.customs.services import import_jobs
from rabta.customs.tests.services.test_imports import row, rows_csv
from tests.browser.test_complaint_pages import _checked
from tests.browser.test_office_pages import _as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _setup(tmp_path, settings):
    call_command("compile_translations")
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def gate(monkeypatch):
    """Dispatch runs the job in a thread (the embedded shape), once the test opens the gate."""
    opened = threading.Event()
    threads: list[threading.Thread] = []

    def dispatch(job_id: int) -> None:
        def later() -> None:
            opened.wait(60)
            import_jobs._run_in_thread(job_id)

        thread = threading.Thread(target=later, daemon=True)
        threads.append(thread)
        thread.start()

    monkeypatch.setattr(import_jobs, "import_job_dispatch", dispatch)
    yield opened
    opened.set()
    for thread in threads:
        thread.join(60)


@pytest.mark.parametrize("language", ["en", "ur"])
def test_a_customs_manager_uploads_a_file_and_watches_its_import_finish_on_a_phone(
    page, axe_violations, live_server, world, tmp_path, gate, language
):
    manager = make_user("cm@customs.gov.pk", "Customs Manager", (Role.CUSTOMS_MANAGER, world.collectorate, None))
    path = rows_csv(
        tmp_path / "declarations.csv",
        [
            row(),
            row(item_number="2"),
            row(declaration_number="D-2", origin_country="ZZ"),
            row(declaration_number="D-3"),
        ],
    )
    _as(page, manager, live_server)
    page.goto(f"/{language}/customs/imports/")
    _checked(page, axe_violations, f"customs-imports-{language}")
    page.select_option("select[name=file_format]", "csv")
    page.set_input_files("input[name=file]", str(path))
    page.click("#import-upload button[type=submit]")
    page.wait_for_selector("#import-job")
    bar = page.locator("[role=progressbar]")
    assert bar.get_attribute("aria-valuenow") == "0"
    assert ImportJob.objects.get().status == ImportJobStatus.QUEUED
    _checked(page, axe_violations, f"customs-import-queued-{language}")
    gate.set()  # the worker starts; the page must follow by itself
    page.wait_for_selector("[role=progressbar][aria-valuenow='100']", timeout=30_000)
    page.wait_for_selector("[data-field=rejects]:not([hidden])")
    assert page.locator("[data-field=imported]").inner_text() == "3"
    assert page.locator("[data-field=rejected]").inner_text() == "1"
    assert page.evaluate("document.querySelector('.import-bar-fill').style.width") == "100%"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    _checked(page, axe_violations, f"customs-import-finished-{language}")
    with page.expect_download() as download:
        page.click("[data-field=rejects] a")
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert "origin_country" in text and "country_unknown" in text
