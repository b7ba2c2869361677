"""Escalations written before 0011 count as told, at the moment they were made.

Under the old scheme each one's message was queued when the sweep's batch committed: almost all
were sent within moments, and the few lost then (a process killed, a broker down) are weeks or
months old now. Telling those complainants today that their complaint "was not resolved in time"
would be news long past its moment, and telling everyone again would be worse. ``created_at`` is
the best record there is of when the message went out.

Rabta had not been deployed when this was written, so on every real database it marks nothing; it
stays so that a database from before 0011 migrates correctly.

One UPDATE; self-contained, so that it does not change when the services do. Reversing leaves the
rows as they are: 0011's reversal drops the column."""

from django.db import migrations
from django.db.models import F


def mark_notified(apps, schema_editor):
    Escalation = apps.get_model("complaints", "Escalation")
    Escalation.objects.filter(notified_at__isnull=True).update(notified_at=F("created_at"))


class Migration(migrations.Migration):
    dependencies = [("complaints", "0011_escalation_notified_at")]

    operations = [migrations.RunPython(mark_notified, migrations.RunPython.noop)]
