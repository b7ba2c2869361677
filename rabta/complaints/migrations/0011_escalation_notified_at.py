# Escalation.notified_at: the durable record that the complainant was told (escalation_notify).
# A nullable column with no default: a catalogue change only, whatever the table's size. The rows
# already there are filled by 0012, and only then is the partial index built (0013), so that it is
# built over the few rows still to tell instead of over every past escalation.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("complaints", "0010_decision_review_reference_required")]

    operations = [
        migrations.AddField(
            model_name="escalation",
            name="notified_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
