"""Make core_event append-only in the database itself, so no client (not even a raw SQL console
used by a careless operator through the app's role) can rewrite history."""

from django.db import migrations

# rabta_events_locked() is registered on every Django connection (rabta.core.db); it answers 1
# unless the test profile's maintenance switch is on.
SQLITE_UP = [
    "CREATE TRIGGER core_event_no_update BEFORE UPDATE ON core_event WHEN rabta_events_locked() "
    "BEGIN SELECT RAISE(ABORT, 'core_event is append-only'); END;",
    "CREATE TRIGGER core_event_no_delete BEFORE DELETE ON core_event WHEN rabta_events_locked() "
    "BEGIN SELECT RAISE(ABORT, 'core_event is append-only'); END;",
]
SQLITE_DOWN = ["DROP TRIGGER IF EXISTS core_event_no_update;", "DROP TRIGGER IF EXISTS core_event_no_delete;"]

POSTGRES_UP = [
    """CREATE OR REPLACE FUNCTION core_event_append_only() RETURNS trigger AS $$
    BEGIN
      IF coalesce(current_setting('rabta.events_maintenance', true), '') = 'on' THEN
        RETURN COALESCE(NEW, OLD);
      END IF;
      RAISE EXCEPTION 'core_event is append-only';
    END; $$ LANGUAGE plpgsql;""",
    "CREATE TRIGGER core_event_no_update BEFORE UPDATE OR DELETE ON core_event "
    "FOR EACH ROW EXECUTE FUNCTION core_event_append_only();",
    # TRUNCATE bypasses row triggers; refuse it too.
    "CREATE TRIGGER core_event_no_truncate BEFORE TRUNCATE ON core_event "
    "FOR EACH STATEMENT EXECUTE FUNCTION core_event_append_only();",
]
POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS core_event_no_update ON core_event;",
    "DROP TRIGGER IF EXISTS core_event_no_truncate ON core_event;",
    "DROP FUNCTION IF EXISTS core_event_append_only();",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}),
        ),
    ]
