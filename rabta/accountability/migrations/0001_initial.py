"""The accountability models, taken over from ``rabta.complaints`` (``complaints/0018``) in the
migration state only: the tables exist already, under their old names, with their rows. The fields
are exactly what ``complaints`` had; ``0002`` renames the tables and ``0004`` adds the choices."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("complaints", "0018_accountability_moved_out"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ComplainantStanding",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID"),
                        ),
                        ("score", models.FloatField(default=0)),
                        (
                            "level",
                            models.CharField(
                                choices=[
                                    ("normal", "Normal"),
                                    ("warned", "Warned"),
                                    ("throttled", "Throttled"),
                                    ("suspended", "Suspended"),
                                ],
                                default="normal",
                                max_length=10,
                            ),
                        ),
                        ("appeal_text", models.TextField(blank=True)),
                        ("appeal_open", models.BooleanField(default=False)),
                        ("appeal_granted", models.BooleanField(blank=True, null=True)),
                        ("appeal_reasons", models.TextField(blank=True)),
                        ("appeal_decided_at", models.DateTimeField(blank=True, null=True)),
                        ("score_since", models.DateTimeField(blank=True, null=True)),
                        ("updated_at", models.DateTimeField()),
                        (
                            "user",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="standing",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={"db_table": "complaints_complainantstanding"},
                ),
                migrations.CreateModel(
                    name="OfficerAudit",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID"),
                        ),
                        ("reason", models.CharField(max_length=40)),
                        ("status", models.CharField(default="open", max_length=10)),
                        (
                            "finding",
                            models.CharField(
                                blank=True,
                                choices=[("sound", "The resolution was sound"), ("fault", "The officer was at fault")],
                                max_length=8,
                            ),
                        ),
                        ("notes", models.TextField(blank=True)),
                        ("closed_at", models.DateTimeField(blank=True, null=True)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "closed_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "complaint",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="officer_audits",
                                to="complaints.complaint",
                            ),
                        ),
                        (
                            "officer",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={"db_table": "complaints_officeraudit"},
                ),
                migrations.CreateModel(
                    name="ResponsibilityRating",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID"),
                        ),
                        (
                            "rating",
                            models.CharField(
                                choices=[
                                    ("genuine", "Genuine"),
                                    ("non_issue", "Non-issue"),
                                    ("misleading", "Misleading"),
                                    ("abusive", "Abusive"),
                                ],
                                max_length=12,
                            ),
                        ),
                        ("created_at", models.DateTimeField()),
                        (
                            "complaint",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="responsibility_rating",
                                to="complaints.complaint",
                            ),
                        ),
                        (
                            "rated_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={"db_table": "complaints_responsibilityrating"},
                ),
            ],
            database_operations=[],
        ),
    ]
