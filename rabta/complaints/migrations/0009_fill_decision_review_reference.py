# Reviews filed before 0008 get their reference. Self-contained (the generator is copied, not
# imported) so that this migration does not change when the services do.

import secrets

from django.db import migrations

# The tracking-number alphabet: no 0/O, 1/I/L or U, so a reference read over the phone is unambiguous.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"


def reference_new():
    body = "".join(secrets.choice(ALPHABET) for _ in range(8))
    check = ALPHABET[sum((i + 1) * ALPHABET.index(c) for i, c in enumerate(body)) % len(ALPHABET)]
    return f"DR-{body[:4]}-{body[4:]}-{check}"


def fill(apps, schema_editor):
    DecisionReview = apps.get_model("complaints", "DecisionReview")
    taken = set(DecisionReview.objects.exclude(reference=None).values_list("reference", flat=True))
    # Ids first, then the UPDATEs: SQLite cannot update a table while a cursor over it is open.
    for pk in list(DecisionReview.objects.filter(reference=None).values_list("pk", flat=True)):
        reference = reference_new()
        while reference in taken:
            reference = reference_new()
        taken.add(reference)
        DecisionReview.objects.filter(pk=pk).update(reference=reference)


def unfill(apps, schema_editor):
    apps.get_model("complaints", "DecisionReview").objects.update(reference=None)


class Migration(migrations.Migration):
    dependencies = [("complaints", "0008_decision_review_reference")]

    operations = [migrations.RunPython(fill, unfill)]
