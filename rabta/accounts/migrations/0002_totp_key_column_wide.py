"""Widen django-otp's TOTP key column on PostgreSQL so it holds a Fernet token (rabta.accounts.totp_keys).

SQLite does not enforce VARCHAR lengths, so there is nothing to do there. The model state is left as
django-otp declares it (max_length=80): the width is a storage detail of the encryption.
"""

from django.db import migrations

TABLE = "otp_totp_totpdevice"


def widen(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f'ALTER TABLE {TABLE} ALTER COLUMN "key" TYPE varchar(255)')


def narrow(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # Only valid once 0003 has been reversed (the keys are hex again).
        schema_editor.execute(f'ALTER TABLE {TABLE} ALTER COLUMN "key" TYPE varchar(80)')


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("otp_totp", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(widen, narrow)]
