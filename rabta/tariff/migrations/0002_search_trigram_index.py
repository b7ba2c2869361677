"""PostgreSQL only: a trigram index on TariffCode.search_text, which serves the tariff search's
``search_text LIKE '%word%'`` (every word of the query, partial words included) without a scan of
the whole tree. SQLite has no such index and scans the tree (about 7,000 HS rows plus the national
lines), which its LIKE does in a few milliseconds; see docs/architecture.md."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

FORWARD = "CREATE INDEX IF NOT EXISTS tariffcode_search_trgm ON tariff_tariffcode USING gin (search_text gin_trgm_ops)"
BACKWARD = "DROP INDEX IF EXISTS tariffcode_search_trgm"


def _postgres(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("tariff", "0001_initial")]

    operations = [
        TrigramExtension(),  # a no-op on SQLite
        migrations.RunPython(_postgres(FORWARD), _postgres(BACKWARD)),
    ]
