import base64

import pytest
from django.db import connection

from rabta.core import crypto
from rabta.core.crypto import DecryptionFailed, check_key_canary
from rabta.core.models import KeyCanary

OTHER_KEY = base64.urlsafe_b64encode(b"another-32-byte-key-for-testing!").decode()


def test_round_trip_and_randomised_tokens():
    token_a, token_b = crypto.encrypt("35202-1234567-1"), crypto.encrypt("35202-1234567-1")
    assert token_a != token_b  # tokens differ, so equality look-ups need the keyed hash
    assert crypto.decrypt(token_a) == crypto.decrypt(token_b) == "35202-1234567-1"


def test_lookup_hash_is_keyed_and_namespaced(settings):
    first = crypto.lookup_hash("+923001234567", purpose="phone")
    assert first == crypto.lookup_hash("+923001234567", purpose="phone")
    assert first != crypto.lookup_hash("+923001234567", purpose="nadra")
    settings.RABTA_LOOKUP_HASH_KEY = "a-completely-different-key"
    assert crypto.lookup_hash("+923001234567", purpose="phone") != first


def test_wrong_key_fails_loudly_naming_the_setting(settings):
    token = crypto.encrypt("secret")
    settings.RABTA_FIELD_ENCRYPTION_KEYS = [OTHER_KEY]
    with pytest.raises(DecryptionFailed, match="RABTA_FIELD_ENCRYPTION_KEYS"):
        crypto.decrypt(token)


def test_rotation_new_key_first_old_key_still_reads(settings):
    old_token = crypto.encrypt("old value")
    settings.RABTA_FIELD_ENCRYPTION_KEYS = [OTHER_KEY, *settings.RABTA_FIELD_ENCRYPTION_KEYS]
    assert crypto.decrypt(old_token) == "old value"
    new_token = crypto.encrypt("new value")
    settings.RABTA_FIELD_ENCRYPTION_KEYS = [OTHER_KEY]
    assert crypto.decrypt(new_token) == "new value"


def test_reading_an_encrypted_column_with_a_wrong_key_raises(citizen, settings):
    from rabta.accounts.models import User

    citizen.phone = "+923001234567"
    citizen.save(update_fields=["phone"])
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM accounts_user WHERE id = %s", [citizen.pk])
        assert "923001234567" not in cursor.fetchone()[0]
    settings.RABTA_FIELD_ENCRYPTION_KEYS = [OTHER_KEY]
    with pytest.raises(DecryptionFailed):
        User.objects.get(pk=citizen.pk)


@pytest.mark.django_db
def test_key_canary_stops_readiness_with_a_wrong_key(client, settings):
    check_key_canary()
    assert KeyCanary.objects.count() == 1
    assert client.get("/readyz").status_code == 200
    settings.RABTA_FIELD_ENCRYPTION_KEYS = [OTHER_KEY]
    with pytest.raises(DecryptionFailed):
        check_key_canary()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["encryption_keys"] == "wrong key"


@pytest.mark.django_db
def test_system_check_reports_a_wrong_key(settings):
    from rabta.core.checks import encryption_key_reads_stored_data

    check_key_canary()
    settings.RABTA_FIELD_ENCRYPTION_KEYS = [OTHER_KEY]
    messages = encryption_key_reads_stored_data(None, databases=["default"])
    assert [message.id for message in messages] == ["rabta.E002"]
