# Every review now has its reference (0009): make it required and unique. The unique index also
# serves the API's look-up, WHERE reference = %s.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("complaints", "0009_fill_decision_review_reference")]

    operations = [
        migrations.AlterField(
            model_name="decisionreview",
            name="reference",
            field=models.CharField(editable=False, max_length=16, unique=True),
        ),
    ]
