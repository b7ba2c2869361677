"""Every string the customs staff pages show has its Urdu translation in the app's catalogue
(rabta/customs/locale), checked against the strings extracted from the templates and the code
behind the pages, as rabta/core/tests/test_i18n_pages.py does for the project's catalogue."""

from __future__ import annotations

import shutil
from pathlib import Path

import polib
import pytest
from django.core.management import call_command

CUSTOMS = Path(__file__).resolve().parents[1]
# What the pages render: their templates, views, forms, navigation and the choices they display.
PAGE_MODULES = ("views.py", "forms.py", "navigation.py", "choices.py")


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext (xgettext) is not installed")
def test_every_string_of_the_customs_pages_is_translated_into_urdu(tmp_path, monkeypatch):
    shutil.copytree(CUSTOMS / "templates", tmp_path / "templates")
    for module in PAGE_MODULES:
        shutil.copy(CUSTOMS / module, tmp_path / module)
    (tmp_path / "locale").mkdir()
    monkeypatch.chdir(tmp_path)
    call_command("makemessages", locale=["ur"], verbosity=0)
    extracted = polib.pofile(str(tmp_path / "locale" / "ur" / "LC_MESSAGES" / "django.po"))
    catalogue = polib.pofile(str(CUSTOMS / "locale" / "ur" / "LC_MESSAGES" / "django.po"))
    translated = {(e.msgctxt, e.msgid) for e in catalogue if e.translated() and not e.fuzzy}
    assert len(extracted) > 50
    assert [e.msgid for e in extracted if (e.msgctxt, e.msgid) not in translated] == []
