"""Screenshots of the main pages for a human to look at (not an assertion of looks).

Run: `.venv/bin/pytest tests/browser/test_screenshots.py -m browser -p no:randomly`
PNGs go to $RABTA_SCREENSHOTS, default `var/screenshots/` (ignored by git).
"""

import os
from pathlib import Path

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"phone": (360, 740), "desktop": (1280, 900)}
PAGES = {"home": "/{lang}/", "login": "/{lang}/accounts/login/", "register": "/{lang}/accounts/register/"}
PAGES["404"] = "/{lang}/no-such-page/"
PAGES.update(lodge="/{lang}/complaints/lodge/", track="/{lang}/complaints/track/", offline="/{lang}/offline/")


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("lang", ["en", "ur"])
def test_screenshots(browser, live_server, lang, size):
    call_command("compile_translations")
    out = Path(os.environ.get("RABTA_SCREENSHOTS", "var/screenshots"))
    out.mkdir(parents=True, exist_ok=True)
    width, height = SIZES[size]
    context = browser.new_context(viewport={"width": width, "height": height}, base_url=live_server.url)
    tab = context.new_page()
    try:
        for name, path in PAGES.items():
            tab.goto(path.format(lang=lang))
            assert tab.locator("html").get_attribute("lang") == lang
            # A page wider than the screen is the one layout fault a screenshot can hide.
            assert tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), name
            tab.screenshot(path=str(out / f"{name}-{lang}-{size}.png"), full_page=True)
    finally:
        context.close()
