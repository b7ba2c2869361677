"""Urdu ships complete: every catalogue entry translated, pages right-to-left, links keep the language."""

from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command

CATALOGUES = sorted(Path(settings.BASE_DIR).glob("**/locale/ur/LC_MESSAGES/django.po"))


def test_there_is_an_urdu_catalogue():
    assert Path(settings.BASE_DIR, "locale/ur/LC_MESSAGES/django.po") in CATALOGUES


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(settings.BASE_DIR)))
def test_no_urdu_entry_is_empty_or_fuzzy(path):
    catalogue = polib.pofile(str(path))
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert untranslated == [] and fuzzy == []


@pytest.mark.django_db
def test_home_page_in_urdu_is_right_to_left_and_translated(client):
    call_command("compile_translations")
    body = client.get("/ur/").content.decode()
    assert '<html lang="ur" dir="rtl">' in body
    assert "آپ کی شکایت، درست دفتر تک، حل ہونے تک" in body
    assert "Your complaint, to the right office" not in body


@pytest.mark.django_db
def test_language_switch_links_to_the_same_page_in_the_other_language(client):
    body = client.get("/en/accounts/login/?next=/en/accounts/me/").content.decode()
    assert 'href="/ur/accounts/login/?next=/en/accounts/me/"' in body
    body = client.get("/ur/accounts/login/").content.decode()
    assert 'href="/en/accounts/login/"' in body


@pytest.mark.django_db
def test_validation_messages_are_translated(client):
    call_command("compile_translations")
    response = client.post(
        "/ur/accounts/register/",
        {
            "complainant_type": "citizen",
            "full_name": "ع",
            "email": "u@example.pk",
            "password": "a-long-unusual-passphrase",
            "language": "ur",
            "document_type": "cnic",
            "document_number": "123",
        },
    )
    assert "میں 13 ہندسے ہونے چاہئیں" in response.content.decode()
