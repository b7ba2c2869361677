# Complaints lodged before 0004 showed the office their raw subject even when the complainant's
# identity was hidden from it. Fill the scrubbed subject; where the submitter is no longer known
# (fully anonymous), the subject cannot be scrubbed and is withheld from the office instead.

from django.db import migrations

HIDDEN = ("identity_hidden_from_office", "fully_anonymous")
WITHHELD = "(subject withheld)"
BATCH = 1000


def fill(apps, schema_editor):
    from rabta.complaints.services.messages import scrub_identity

    Complaint = apps.get_model("complaints", "Complaint")
    rows = Complaint.objects.filter(anonymity__in=HIDDEN, subject_for_office="").select_related("complainant")
    for complaint in rows.iterator(chunk_size=BATCH):
        person = complaint.complainant
        scrubbed = scrub_identity(complaint.subject, person)[:200] if person is not None else WITHHELD
        Complaint.objects.filter(pk=complaint.pk).update(subject_for_office=scrubbed)


def unfill(apps, schema_editor):
    apps.get_model("complaints", "Complaint").objects.update(subject_for_office="")


class Migration(migrations.Migration):
    dependencies = [("complaints", "0004_subject_for_office")]

    operations = [migrations.RunPython(fill, unfill)]
