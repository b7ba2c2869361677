"""Every string the directory shows has an Urdu translation in its catalogue."""

from __future__ import annotations

import re
from pathlib import Path

import polib

APP = Path(__file__).resolve().parents[1]
TEMPLATES = APP.parent / "templates" / "directory"
PATTERNS = [
    re.compile(r'\{% translate "([^"]+)"'),
    re.compile(r"\{% translate '([^']+)'"),
    re.compile(r'\b_\("([^"]+)"\)'),
]


def msgids():
    found = set()
    for path in [*TEMPLATES.glob("*.html"), *APP.glob("*.py")]:
        text = path.read_text(encoding="utf-8")
        for pattern in PATTERNS:
            found.update(pattern.findall(text))
    return found


def test_every_directory_string_has_an_urdu_translation():
    catalogue = polib.pofile(str(APP / "locale" / "ur" / "LC_MESSAGES" / "django.po"))
    translated = {entry.msgid for entry in catalogue if entry.msgstr or entry.msgstr_plural}
    wanted = msgids()
    assert len(wanted) > 40
    assert wanted - translated == set()
