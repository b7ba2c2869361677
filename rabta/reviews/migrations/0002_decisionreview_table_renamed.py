"""The table takes the app's name (reviews_decisionreview), as every other table does. A rename:
rows, ids, constraints and indexes go with it. Reversible (back to complaints_decisionreview)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("reviews", "0001_initial")]

    operations = [migrations.AlterModelTable(name="decisionreview", table=None)]
