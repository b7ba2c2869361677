"""The taken-over tables get this app's names (``accountability_*``). A rename keeps every row,
key, index and constraint; foreign keys into the tables follow them."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("accountability", "0001_initial")]

    operations = [
        migrations.AlterModelTable(name="complainantstanding", table=None),
        migrations.AlterModelTable(name="officeraudit", table=None),
        migrations.AlterModelTable(name="responsibilityrating", table=None),
    ]
