# Complaints lodged before 0004 showed the office their raw subject even when the complainant's
# identity was hidden from it. Fill the scrubbed subject; where the submitter is no longer known
# (fully anonymous), the subject cannot be scrubbed and is withheld from the office instead.

import re

from django.db import migrations

HIDDEN = ("identity_hidden_from_office", "fully_anonymous")
WITHHELD = "(subject withheld)"
BATCH = 1000
_PLACEHOLDER = "[complainant]"


def _scrub_identity(text, person):
    """rabta.complaints.services.messages.scrub_identity as it was when this migration was written,
    copied so that a later change to the live function does not change what this migration does."""
    if person is None:
        return text
    needles = []
    if person.full_name:
        needles.append(person.full_name)
        needles += [part for part in re.split(r"\s+", person.full_name) if len(part) >= 3]
    if person.email:
        needles.append(person.email)
    if person.phone:
        digits = person.phone.lstrip("+")
        needles += [person.phone, digits]
        if digits.startswith("92"):
            local = digits[2:]
            # As people write it: 03001234567, 0300 1234567, 0300-1234567.
            needles += ["0" + local, f"0{local[:3]} {local[3:]}", f"0{local[:3]}-{local[3:]}", local]
    for needle in sorted(set(needles), key=len, reverse=True):
        text = re.sub(re.escape(needle), _PLACEHOLDER, text, flags=re.IGNORECASE)
    return text


def fill(apps, schema_editor):
    Complaint = apps.get_model("complaints", "Complaint")
    rows = Complaint.objects.filter(anonymity__in=HIDDEN, subject_for_office="").select_related("complainant")
    for complaint in rows.iterator(chunk_size=BATCH):
        person = complaint.complainant
        scrubbed = _scrub_identity(complaint.subject, person)[:200] if person is not None else WITHHELD
        Complaint.objects.filter(pk=complaint.pk).update(subject_for_office=scrubbed)


def unfill(apps, schema_editor):
    apps.get_model("complaints", "Complaint").objects.update(subject_for_office="")


class Migration(migrations.Migration):
    dependencies = [("complaints", "0004_subject_for_office")]

    operations = [migrations.RunPython(fill, unfill)]
