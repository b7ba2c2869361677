"""What names the moved models by their app follows them: the content types (so admin permissions,
the groups holding them and the admin's log survive) and the ``subject_type`` of their events
(``complaints.complainantstanding`` -> ``accountability.complainantstanding``...). Reversible.

``core_event`` is append-only behind a database trigger (``core/0002``). This migration is the kind
of maintenance the trigger leaves a door for, and it opens the door only around its own UPDATE, in
its own transaction: on PostgreSQL the ``rabta.events_maintenance`` setting, local to the
transaction; on SQLite the update trigger is set aside and put back exactly as it was (its SQL is
read from the schema first), since the switch the connection registers is not ours to flip.

Self-contained on purpose: it imports nothing from rabta, so it does what it did when it was
written, whatever the live code does later.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import migrations

MODELS = ("complainantstanding", "officeraudit", "responsibilityrating")


@contextmanager
def events_writable(connection: Any) -> Iterator[None]:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT coalesce(current_setting('rabta.events_maintenance', true), '')")
            previous = cursor.fetchone()[0]
            cursor.execute("SELECT set_config('rabta.events_maintenance', 'on', true)")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('rabta.events_maintenance', %s, true)", [previous])
    elif connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'core_event_no_update'")
            row = cursor.fetchone()
            if row is not None:
                cursor.execute("DROP TRIGGER core_event_no_update")
        try:
            yield
        finally:
            if row is not None:
                with connection.cursor() as cursor:
                    cursor.execute(row[0])
    else:  # pragma: no cover (Rabta runs on PostgreSQL and SQLite only)
        yield


def move(source: str, target: str):
    def run(apps: Any, schema_editor: Any) -> None:
        ContentType = apps.get_model("contenttypes", "ContentType")
        Event = apps.get_model("core", "Event")
        db = schema_editor.connection.alias
        for model in MODELS:
            # A fresh database has no content types yet (post_migrate makes them after the last
            # migration); one where both exist already keeps both rather than guess which to drop.
            if not ContentType.objects.using(db).filter(app_label=target, model=model).exists():
                ContentType.objects.using(db).filter(app_label=source, model=model).update(app_label=target)
        with events_writable(schema_editor.connection):
            for model in MODELS:
                Event.objects.using(db).filter(subject_type=f"{source}.{model}").update(
                    subject_type=f"{target}.{model}"
                )

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("accountability", "0002_tables_renamed"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0003_event_kind_plain_index"),
    ]

    operations = [
        migrations.RunPython(move("complaints", "accountability"), move("accountability", "complaints")),
    ]
