"""Every string the pages show has an Urdu translation: the catalogue is checked against the
strings extracted from the templates and the code behind the pages (not only against itself, as
test_i18n does), so a new string without its translation fails here."""

from __future__ import annotations

import shutil
from pathlib import Path

import polib
import pytest
from django.core.management import call_command

# The templates and the apps whose code renders the public and complainant pages.
PAGE_SOURCES = ("templates", "complaints", "core")


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext (xgettext) is not installed")
def test_every_string_of_the_pages_is_translated_into_urdu(tmp_path, settings, monkeypatch):
    root = Path(settings.BASE_DIR)
    for part in PAGE_SOURCES:
        shutil.copytree(
            root / part,
            tmp_path / "rabta" / part,
            ignore=shutil.ignore_patterns("tests", "migrations", "__pycache__", "locale"),
        )
    (tmp_path / "locale").mkdir()
    settings.LOCALE_PATHS = [tmp_path / "locale"]  # makemessages writes here, never to the real catalogue
    monkeypatch.chdir(tmp_path)
    call_command("makemessages", locale=["ur"], verbosity=0)
    extracted = polib.pofile(str(tmp_path / "locale" / "ur" / "LC_MESSAGES" / "django.po"))
    # Django merges the project's catalogue with every app's: a page's string may be in any of them.
    catalogues = [root / "locale" / "ur" / "LC_MESSAGES" / "django.po", *root.glob("*/locale/ur/LC_MESSAGES/django.po")]
    translated = {
        (entry.msgctxt, entry.msgid)
        for path in catalogues
        for entry in polib.pofile(str(path))
        if entry.translated() and not entry.fuzzy
    }
    missing = [entry.msgid for entry in extracted if (entry.msgctxt, entry.msgid) not in translated]
    assert missing == []
