"""``declaration_import_rows_per_s``: the bulk import of generated declaration items with full
validation (``rabta customs import --format csv``'s service), from the file on disk to the rows
committed in PostgreSQL, in-process.

The file is generated with Polars: 1,000,000 items (full scale; 50,000 quick) in declarations of
five items, spread over the directory's collectorates, 5,000 importers, 800 clearing agents and
3,000 foreign sellers, a year of dates; 1 % of the rows carry an unknown country of origin, so
the reject path is in the figure too. Rows per second = rows in the file (imported + rejected) /
seconds the import took, up to its last chunk's commit. The dashboard's roll-ups of the new
declarations are then folded (``imports_fold_pending``, which the import runs itself by default):
that is timed apart, in the notes and details, with the rate counting both. A second run of the
same file follows (it must import nothing); its time is in the notes.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from bench.figures import Figure

if TYPE_CHECKING:
    from bench.run import Context

GOAL_ROWS_PER_S = 50_000
ITEMS_PER_DECLARATION = 5
COUNTRIES = ["CN", "AE", "DE", "US", "JP", "TR", "IN", "GB", "MY", "TH", "ID", "VN", "KR", "IT", "FR"]


def declaration_items(count: int, collectorates: list[str], path: Path) -> Path:
    import polars as pl

    from rabta.customs.services.imports import COLUMNS

    i = pl.int_range(0, count, dtype=pl.Int64, eager=True).alias("i")
    frame = pl.DataFrame(i).with_columns(
        (pl.col("i") // ITEMS_PER_DECLARATION).alias("d"),
        pl.col("i").hash(7).alias("h"),
    )
    frame = frame.with_columns(pl.col("d").hash(11).alias("dh"))

    def pick(values: list[str], seed: str) -> pl.Expr:
        return pl.col(seed).mod(len(values)).replace_strict(dict(enumerate(values)), return_dtype=pl.String)

    def money(cents: pl.Expr) -> pl.Expr:
        return (cents // 100).cast(pl.String) + "." + (cents % 100).cast(pl.String).str.zfill(2)

    value = pl.col("h") % 100_000_000 + 100
    out = frame.select(
        (pl.lit("BENCH-") + pl.col("d").cast(pl.String)).alias("declaration_number"),
        (pl.col("i") % ITEMS_PER_DECLARATION + 1).cast(pl.String).alias("item_number"),
        (pl.date(2025, 1, 1) + pl.duration(days=pl.col("d") % 365)).cast(pl.String).alias("declared_on"),
        pl.lit("import").alias("regime"),
        pl.lit("HC").alias("declaration_type"),
        pick(collectorates, "dh").alias("collectorate"),
        pl.lit("").alias("station"),
        pl.lit("1").alias("transport_mode"),
        pl.lit("USD").alias("currency"),
        pl.lit("278.5").alias("exchange_rate"),
        ((pl.col("dh") % 5000 + 1_000_000).cast(pl.String) + "-" + (pl.col("dh") % 10).cast(pl.String)).alias(
            "importer_ntn"
        ),
        (pl.lit("CHAL-") + (pl.col("dh") % 800).cast(pl.String)).alias("declarant_licence"),
        (pl.lit("Seller ") + (pl.col("dh") % 3000).cast(pl.String)).alias("seller_name"),
        pick(COUNTRIES, "dh").alias("seller_country"),
        (pl.col("h") % 90_000_000 + 10_000_000).cast(pl.String).alias("tariff_code"),
        (pl.lit("Goods of code ") + (pl.col("h") % 9000).cast(pl.String)).alias("description"),
        pl.when(pl.col("h") % 100 == 0).then(pl.lit("ZZ")).otherwise(pick(COUNTRIES, "h")).alias("origin_country"),
        pick(COUNTRIES, "dh").alias("departure_country"),
        (pl.col("h") % 10_000 + 1).cast(pl.String).alias("quantity"),
        pl.lit("NMB").alias("unit"),
        money(pl.col("h") % 10_000_000).alias("net_mass_kg"),
        money(value).alias("customs_value"),
        money(value // 5).alias("duty_assessed"),
        money(value * 17 // 100).alias("taxes_assessed"),
    )
    assert out.columns == COLUMNS
    out.write_csv(path)
    return path


def declarations_benchmark(ctx: Context) -> list[Figure]:
    from django.db import connection

    from bench.run import say
    from rabta.customs.models import Declaration, DeclarationItem
    from rabta.customs.services.imports import LOAD_WORKERS, declarations_import, imports_fold_pending
    from rabta.directory.models import Office

    count = 1_000_000 if ctx.args.scale == "full" else 50_000
    collectorates = list(Office.objects.filter(level="collectorate", is_active=True).values_list("code", flat=True))
    folder = Path(tempfile.mkdtemp(prefix="rabta-bench-declarations-", dir=ctx.data_dir))
    t0 = time.perf_counter()
    path = declaration_items(count, collectorates, folder / "declarations.csv")
    say(f"   generated {count:,} items ({path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - t0:.1f} s")
    load_before = [round(x, 2) for x in os.getloadavg()]
    began, cpu_began = time.perf_counter(), time.process_time()
    result = declarations_import(path=path, file_format="csv", fold=False)
    took, cpu = time.perf_counter() - began, time.process_time() - cpu_began
    rows = result.imported + result.rejected
    say(f"   imported {result.imported:,}, rejected {result.rejected:,} in {took:.1f} s")
    began = time.perf_counter()
    folded = imports_fold_pending()
    took_fold = time.perf_counter() - began
    say(f"   folded {folded:,} events into the dashboard's roll-ups in {took_fold:.1f} s")
    began = time.perf_counter()
    again = declarations_import(path=path, file_format="csv")
    took_again = time.perf_counter() - began
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE customs_declaration; ANALYZE customs_declarationitem")
    return [
        Figure(
            name="declaration_import_rows_per_s",
            value=round(rows / took),
            unit="rows/s",
            goal=f">= {GOAL_ROWS_PER_S:,}",
            notes=f"{rows:,} generated items ({count // ITEMS_PER_DECLARATION:,} declarations, 1 % with an unknown "
            f"country) through rabta.customs.services.imports.declarations_import (csv, full validation, COPY over "
            f"{LOAD_WORKERS} connections) in "
            f"{took:.1f} s; then the dashboard roll-up fold of its {folded:,} events took {took_fold:.1f} s "
            f"({round(rows / (took + took_fold)):,} rows/s counting both); a second run of the file imported "
            f"{again.imported} and skipped "
            f"{again.skipped_existing:,} in {took_again:.1f} s",
            details={
                "imported": result.imported,
                "rejected": result.rejected,
                "seconds": round(took, 2),
                # The machine is shared: the 1, 5 and 15-minute load averages around the import.
                "load_average_before": load_before,
                "load_average_after": [round(x, 2) for x in os.getloadavg()],
                # CPU seconds of this process (every thread; the database server's own are not in it).
                "client_cpu_seconds": round(cpu, 2),
                "fold_seconds": round(took_fold, 2),
                "fold_events": folded,
                "rows_per_s_with_fold": round(rows / (took + took_fold)),
                "rerun_seconds": round(took_again, 2),
                "rerun_imported": again.imported,
                "declarations_in_table": Declaration.objects.count(),
                "items_in_table": DeclarationItem.objects.count(),
            },
        )
    ]
