"""An officer audit's status and reason list their values (the database column is unchanged)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("accountability", "0003_content_types_and_events_follow")]

    operations = [
        migrations.AlterField(
            model_name="officeraudit",
            name="reason",
            field=models.CharField(
                choices=[("reopened", "Reopened by the complainant"), ("appealed", "Appealed by the complainant")],
                max_length=40,
            ),
        ),
        migrations.AlterField(
            model_name="officeraudit",
            name="status",
            field=models.CharField(choices=[("open", "Open"), ("closed", "Closed")], default="open", max_length=10),
        ),
    ]
