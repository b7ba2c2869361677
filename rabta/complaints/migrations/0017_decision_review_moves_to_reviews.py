"""Decision reviews move to their own app (rabta.reviews): the model leaves the complaints state
only. The table and every row stay where they are; reviews 0001 takes the model over in its state
and 0002 renames the table, so nothing is copied and nothing is lost."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("complaints", "0016_idempotency_fingerprint")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="DecisionReview")],
            database_operations=[],
        ),
    ]
