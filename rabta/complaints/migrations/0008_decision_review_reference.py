# Decision reviews get a public reference (DR-XXXX-XXXX-C) so that the API never exposes their
# sequential id. Added nullable here, filled in 0009, made required and unique in 0010: schema
# and data changes stay in separate migrations (docs/migrations.md), and on PostgreSQL an ALTER
# after UPDATEs in the same transaction can fail on pending trigger events.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("complaints", "0007_standing_appeals_and_audit_findings")]

    operations = [
        migrations.AddField(
            model_name="decisionreview",
            name="reference",
            field=models.CharField(editable=False, max_length=16, null=True),
        ),
    ]
