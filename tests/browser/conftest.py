"""Real-browser tests: Debian's Chromium driven by Playwright (never a browser Playwright downloads).

Skipped, with the reason, where /usr/bin/chromium is not installed; `.ci/run` installs it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("RABTA_CHROMIUM", "/usr/bin/chromium")
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
# Playwright's sync API runs an event loop in this thread; Django's ORM guard would refuse the
# test's own database calls otherwise.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    if Path(CHROMIUM).exists() or shutil.which("chromium"):
        return
    skip = pytest.mark.skip(reason=f"Chromium not installed at {CHROMIUM} (apt-get install chromium; CI installs it)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport={"width": 360, "height": 740}, base_url=live_server.url)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def axe_violations():
    def run(page, impacts=("serious", "critical")):
        # Evaluated through the browser's debugging protocol, not added as an inline <script>, which
        # the Content-Security-Policy rightly refuses.
        page.evaluate(AXE.read_text() + "\n;undefined")
        result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        return [
            {
                "id": violation["id"],
                "impact": violation["impact"],
                "nodes": [n["target"] for n in violation["nodes"]][:3],
            }
            for violation in result["violations"]
            if violation["impact"] in impacts
        ]

    return run
