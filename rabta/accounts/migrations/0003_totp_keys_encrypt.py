"""Encrypt the TOTP keys stored in clear before rabta.accounts.totp_keys (reversible: decrypts)."""

from django.db import migrations

from rabta.core import crypto


def _is_clear(value):
    return bool(value) and all(c in "0123456789abcdefABCDEF" for c in value)


def encrypt_keys(apps, schema_editor):
    # The historical model's field is django-otp's plain CharField: values are read and written raw.
    TOTPDevice = apps.get_model("otp_totp", "TOTPDevice")
    for device in TOTPDevice.objects.using(schema_editor.connection.alias).only("pk", "key").iterator():
        if _is_clear(device.key):
            TOTPDevice.objects.using(schema_editor.connection.alias).filter(pk=device.pk).update(
                key=crypto.encrypt(device.key)
            )


def decrypt_keys(apps, schema_editor):
    TOTPDevice = apps.get_model("otp_totp", "TOTPDevice")
    for device in TOTPDevice.objects.using(schema_editor.connection.alias).only("pk", "key").iterator():
        if device.key and not _is_clear(device.key):
            TOTPDevice.objects.using(schema_editor.connection.alias).filter(pk=device.pk).update(
                key=crypto.decrypt(device.key)
            )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_totp_key_column_wide")]

    operations = [migrations.RunPython(encrypt_keys, decrypt_keys)]
