# escalation_notify claims WHERE notified_at IS NULL ORDER BY id: a partial index, holding only the
# escalations not yet told. Built after 0012 has marked the past ones, so it starts (nearly) empty.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("complaints", "0012_mark_past_escalations_notified")]

    operations = [
        migrations.AddIndex(
            model_name="escalation",
            index=models.Index(
                condition=models.Q(("notified_at__isnull", True)), fields=["id"], name="cmp_escalation_unnotified_idx"
            ),
        ),
    ]
