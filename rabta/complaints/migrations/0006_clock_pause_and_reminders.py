"""Reminders before deadlines and the clock that pauses while the office waits for the complainant.

Open complaints already lodged get their next reminder moment: for each deadline the office still
owes, a day before it, if that moment is still ahead (reminders that would have gone out before
this release are not sent late). Three UPDATEs, one per deadline, each keeping the earliest
moment; self-contained so that it does not change when the services do."""

from datetime import timedelta

from django.conf import settings
from django.db import migrations, models
from django.db.models import F, Q
from django.utils import timezone

OPEN = ("routed", "acknowledged", "in_progress", "reopened")
LEAD = timedelta(days=1)


def fill_next_reminder(apps, schema_editor):
    Complaint = apps.get_model("complaints", "Complaint")
    now = timezone.now()
    running = Complaint.objects.filter(status__in=OPEN, clock_paused_at__isnull=True)
    for due, owed in (
        ("acknowledge_due_at", Q(acknowledged_at__isnull=True)),
        ("interim_due_at", Q()),
        ("resolve_due_at", Q()),
    ):
        moment = F(due) - LEAD
        running.filter(owed, **{f"{due}__gt": now + LEAD}).filter(
            Q(next_reminder_at__isnull=True) | Q(next_reminder_at__gt=moment)
        ).update(next_reminder_at=moment)


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0005_fill_subject_for_office"),
        ("directory", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="complaint",
            name="next_reminder_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddIndex(
            model_name="complaint",
            index=models.Index(
                condition=models.Q(("next_reminder_at__isnull", False)),
                fields=["next_reminder_at"],
                name="cmp_reminder_due_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="complaint",
            index=models.Index(
                condition=models.Q(("clock_paused_at__isnull", False)),
                fields=["clock_paused_at"],
                name="cmp_clock_paused_idx",
            ),
        ),
        migrations.RunPython(fill_next_reminder, migrations.RunPython.noop, elidable=True),
    ]
