"""Responsibility ratings, complainant standings and officer audits now belong to
``rabta.accountability``. This app forgets them in its migration state only: the tables and
their rows stay where they are, and ``accountability/0001_initial`` takes them over
(``accountability/0002`` then renames them)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("complaints", "0017_decision_review_moves_to_reviews")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="officeraudit", name="closed_by"),
                migrations.RemoveField(model_name="officeraudit", name="complaint"),
                migrations.RemoveField(model_name="officeraudit", name="officer"),
                migrations.RemoveField(model_name="responsibilityrating", name="complaint"),
                migrations.RemoveField(model_name="responsibilityrating", name="rated_by"),
                migrations.DeleteModel(name="ComplainantStanding"),
                migrations.DeleteModel(name="OfficerAudit"),
                migrations.DeleteModel(name="ResponsibilityRating"),
            ],
            database_operations=[],
        ),
    ]
