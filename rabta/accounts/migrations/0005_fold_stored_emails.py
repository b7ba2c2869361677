"""Spell every stored email address as sign-in now looks it up (lower case, no spaces): accounts
made through Django's tooling kept the local part's case, and look-ups are now exact."""

import unicodedata

from django.db import migrations
from django.db.models.functions import Lower


def fold(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    # Registration always stored emails lower-cased and validated (so without blanks or compatibility
    # characters); only accounts made by Django's tooling kept upper case. Let the database find them.
    mixed_case = User.objects.exclude(email=None).exclude(email=Lower("email"))
    for user in mixed_case.only("pk", "email", "email_verified_at").iterator():
        folded = "".join(
            ch
            for ch in unicodedata.normalize("NFKC", user.email)
            if not ch.isspace() and unicodedata.category(ch) != "Cf"
        ).lower()
        if folded == user.email:
            continue
        if user.email_verified_at and User.objects.filter(email=folded, email_verified_at__isnull=False).exists():
            continue  # another verified holder already has this spelling: leave it for a person to look at
        User.objects.filter(pk=user.pk).update(email=folded)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_unique_only_verified_identifiers")]

    # Not reversible exactly (the old case is gone), and nothing needs it back: a no-op reverse.
    operations = [migrations.RunPython(fold, migrations.RunPython.noop)]
