"""Bulk-loading a Django model's table with PostgreSQL ``COPY FROM STDIN`` (psycopg ``cursor.copy``).

Column values come from a per-row generator for the columns that vary, and from each field's
default (prepared for the database once, not per row) for the others, so the loader keeps working
when the model gains a column with a default.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

RowFn = Callable[[int], dict[str, Any]]

NO_VALUE = object()


def constant_for(field: Any, connection: Any) -> Any:
    """A column's value for rows the generator says nothing about: its default, else NULL."""
    if field.has_default():
        return field.get_db_prep_save(field.get_default(), connection)
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        from django.utils import timezone

        return timezone.now()
    if field.null:
        return None
    if field.get_internal_type() in {"CharField", "TextField", "SlugField", "EmailField"}:
        return ""
    raise ValueError(f"{field.model.__name__}.{field.name}: no default and not nullable; the generator must set it")


def copy_rows(*, model: Any, rows: int, row_fn: RowFn, progress: Callable[[int], None] | None = None) -> dict[str, Any]:
    """COPY ``rows`` rows made by ``row_fn(i)`` (a dict of attname -> database-ready value).

    Elsewhere than PostgreSQL (the bench's own tests on SQLite) the same rows go in through the
    ORM's ``bulk_create``: slower, and never what the harness measures (it refuses other databases)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return _insert_rows(model=model, rows=rows, row_fn=row_fn)
    fields = [
        f for f in model._meta.concrete_fields if not (f.primary_key and f.get_internal_type().endswith("AutoField"))
    ]
    sample = row_fn(0)
    unknown = set(sample) - {f.attname for f in fields}
    if unknown:
        raise ValueError(f"{model.__name__}: the generator sets columns the model does not have: {sorted(unknown)}")
    varying = [f for f in fields if f.attname in sample]
    constant = [f for f in fields if f.attname not in sample]
    constants = tuple(constant_for(f, connection) for f in constant)
    columns = [f.column for f in varying] + [f.column for f in constant]
    names = [f.attname for f in varying]
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    statement = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({quoted}) FROM STDIN"
    connection.ensure_connection()
    began = time.perf_counter()
    with connection.connection.cursor() as cursor, cursor.copy(statement) as copy:
        for i in range(rows):
            row = row_fn(i)
            copy.write_row(tuple(row[name] for name in names) + constants)
            if progress is not None and i % 50_000 == 0:
                progress(i)
    connection.connection.commit() if not connection.get_autocommit() else None
    copied = time.perf_counter() - began
    began = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    analyzed = time.perf_counter() - began
    return {
        "copy_s": round(copied, 2),
        "analyze_s": round(analyzed, 2),
        "columns": columns,
        "constant_columns": [f.column for f in constant],
    }


def _insert_rows(*, model: Any, rows: int, row_fn: RowFn, batch_size: int = 2000) -> dict[str, Any]:
    began = time.perf_counter()
    for start in range(0, rows, batch_size):
        model.objects.bulk_create([model(**row_fn(i)) for i in range(start, min(start + batch_size, rows))])
    return {"copy_s": round(time.perf_counter() - began, 2), "analyze_s": 0.0, "method": "bulk_create (tests only)"}


def sequence_reset(model: Any) -> None:
    """Move the id sequence past the copied rows so later inserts do not collide."""
    from django.core.management.color import no_style
    from django.db import connection

    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), [model]):
            cursor.execute(statement)


def cycle(values: list[Any]) -> Iterator[Any]:
    while True:
        yield from values
