"""TOTP keys are stored encrypted with the identity-number keys; the column never holds a key in clear."""

from __future__ import annotations

import base64
import binascii
import random

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import override_settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from rabta.accounts.services import totp_current_code, totp_device_confirm, totp_device_create
from rabta.core.config import generate_secrets

pytestmark = pytest.mark.django_db


def _stored_key(device_id: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT key FROM otp_totp_totpdevice WHERE id = %s", [device_id])
        return cursor.fetchone()[0]


def _assert_not_clear(stored: str, hex_key: str) -> None:
    assert hex_key.lower() not in stored.lower()
    assert base64.b32encode(binascii.unhexlify(hex_key)).decode().rstrip("=") not in stored
    assert stored.startswith("gAAAAA")  # a Fernet token


@pytest.mark.parametrize("seed", range(3))
def test_the_stored_key_is_a_fernet_token_and_the_device_still_verifies(citizen, seed):
    rng = random.Random(seed)
    hex_key = rng.randbytes(rng.choice([10, 20, 32, 40])).hex()
    device = totp_device_create(user=citizen, key=hex_key)
    _assert_not_clear(_stored_key(device.pk), hex_key)

    reloaded = TOTPDevice.objects.get(pk=device.pk)
    assert reloaded.key == hex_key
    totp_device_confirm(device=reloaded, token=totp_current_code(reloaded))  # verify_token saves last_t
    _assert_not_clear(_stored_key(device.pk), hex_key)
    assert TOTPDevice.objects.get(pk=device.pk).confirmed


def test_a_generated_key_is_encrypted_too(citizen):
    device = totp_device_create(user=citizen)
    _assert_not_clear(_stored_key(device.pk), TOTPDevice.objects.get(pk=device.pk).key)


def test_keys_follow_the_field_key_rotation(citizen, settings):
    device = totp_device_create(user=citizen)
    hex_key = TOTPDevice.objects.get(pk=device.pk).key
    new_key = generate_secrets()["RABTA_FIELD_ENCRYPTION_KEYS"]
    with override_settings(RABTA_FIELD_ENCRYPTION_KEYS=[new_key, *settings.RABTA_FIELD_ENCRYPTION_KEYS]):
        assert TOTPDevice.objects.get(pk=device.pk).key == hex_key  # the old key still decrypts


def test_no_migration_is_needed_for_django_otp():
    from django.core.management import call_command

    call_command("makemigrations", "otp_totp", "accounts", check=True, dry_run=True)


@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_keys_stored_in_clear_and_reverses(citizen):
    hex_keys = [random.Random(n).randbytes(20).hex() for n in range(3)]
    for n, hex_key in enumerate(hex_keys):
        device = TOTPDevice.objects.create(user=citizen, name=f"legacy {n}")
        with connection.cursor() as cursor:  # as django-otp stored it before
            cursor.execute("UPDATE otp_totp_totpdevice SET key = %s WHERE id = %s", [hex_key, device.pk])
    ids = list(TOTPDevice.objects.order_by("pk").values_list("pk", flat=True))
    # Rows in clear are still readable until the migration runs.
    assert [TOTPDevice.objects.get(pk=pk).key for pk in ids] == hex_keys

    # Found by name, not number: migrations are renumbered when branches merge.
    nodes = MigrationExecutor(connection).loader.graph.nodes
    widen = next(node for node in nodes if node[0] == "accounts" and node[1].endswith("_totp_key_column_wide"))
    encrypt = next(node for node in nodes if node[0] == "accounts" and node[1].endswith("_totp_keys_encrypt"))
    executor = MigrationExecutor(connection)
    executor.migrate([widen])
    executor = MigrationExecutor(connection)
    executor.migrate([encrypt])
    for pk, hex_key in zip(ids, hex_keys, strict=True):
        _assert_not_clear(_stored_key(pk), hex_key)
        assert TOTPDevice.objects.get(pk=pk).key == hex_key

    executor = MigrationExecutor(connection)
    executor.migrate([widen])
    assert [_stored_key(pk) for pk in ids] == hex_keys
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert all(_stored_key(pk).startswith("gAAAAA") for pk in ids)
