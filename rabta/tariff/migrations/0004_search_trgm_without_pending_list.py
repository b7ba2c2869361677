"""PostgreSQL only: the trigram index of the tariff search without GIN's pending list.

With ``fastupdate`` on (GIN's default) new and updated rows wait in an unsorted pending list until
a vacuum merges it, and every search reads that list whole: after ``rabta tariff import-hs`` (or
any bulk update of the descriptions) a search went from under a millisecond to 10-30 ms, and the
planner, costing the list, chose a scan of the whole tree instead of the index. The tariff
changes seldom and through a review step, so each write now updates the index at once; the list
left by earlier writes is merged here."""

from django.db import migrations

FORWARD = [
    "ALTER INDEX IF EXISTS tariffcode_search_trgm SET (fastupdate = off)",
    "SELECT gin_clean_pending_list('tariffcode_search_trgm'::regclass) "
    "WHERE to_regclass('tariffcode_search_trgm') IS NOT NULL",
]
BACKWARD = ["ALTER INDEX IF EXISTS tariffcode_search_trgm RESET (fastupdate)"]


def _postgres(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("tariff", "0003_enquiry")]

    operations = [migrations.RunPython(_postgres(FORWARD), _postgres(BACKWARD))]
