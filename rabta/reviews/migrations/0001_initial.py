"""The decision review, taken over from the complaints app in the migration state only: the table
(complaints_decisionreview, created by complaints 0002) already holds the rows. 0002 renames it."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("complaints", "0017_decision_review_moves_to_reviews"),
        ("directory", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="DecisionReview",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID"),
                        ),
                        ("reference", models.CharField(editable=False, max_length=16, unique=True)),
                        (
                            "decision_type",
                            models.CharField(
                                choices=[
                                    ("valuation", "Valuation"),
                                    ("classification", "Classification"),
                                    ("penalty", "Penalty"),
                                ],
                                max_length=16,
                            ),
                        ),
                        ("decision_reference", models.CharField(max_length=60)),
                        ("declaration_number", models.CharField(blank=True, max_length=40)),
                        ("decision_maker_rank", models.PositiveSmallIntegerField()),
                        ("reasons", models.TextField()),
                        ("due_at", models.DateTimeField()),
                        (
                            "result",
                            models.CharField(
                                blank=True,
                                choices=[("upheld", "Upheld"), ("varied", "Varied"), ("set_aside", "Set aside")],
                                max_length=10,
                            ),
                        ),
                        ("result_reasons", models.TextField(blank=True)),
                        ("decided_at", models.DateTimeField(blank=True, null=True)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "applicant",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="decision_reviews",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "decision_office",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="directory.office"
                            ),
                        ),
                        (
                            "reviewer",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "reviewer_post",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="directory.post",
                            ),
                        ),
                    ],
                    options={"db_table": "complaints_decisionreview"},
                ),
            ],
            database_operations=[],
        ),
    ]
