"""``wco_export_rows_per_s`` (issue 14): goods declarations streamed to a partner as WCO-shaped JSON
and XML, every field of the agreement, through ``rabta.exchange.services.exchange_export`` (the
same generator the API and ``rabta exchange export`` stream), written to /dev/null.

The load: 200,000 declarations of two items each from the partner's country (full scale; 10,000
quick), generated with bulk inserts in one month. The figure is declarations per second of the
slower of the two formats, including the log row written at the end."""

from __future__ import annotations

import os
import time
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from bench.figures import Figure

if TYPE_CHECKING:
    from bench.run import Context

BATCH = 5_000


def _load(declarations: int) -> dict[str, Any]:
    from django.db import transaction

    from rabta.customs.models import Declaration, DeclarationItem, Party
    from rabta.directory.models import Office

    collectorate = Office.objects.filter(level="collectorate").order_by("pk").first()
    if collectorate is None:
        raise RuntimeError("the bench directory has no collectorates")
    importer, _ = Party.objects.get_or_create(
        identifier_hash="bench-exchange-importer", defaults={"kind": "trader", "scheme": "external", "name": "Bench"}
    )
    began = time.perf_counter()
    made = 0
    while made < declarations:
        size = min(BATCH, declarations - made)
        with transaction.atomic():
            rows = Declaration.objects.bulk_create(
                Declaration(
                    number=f"BENCH-WCO-{made + n}",
                    declared_on=date(2026, 11, 1 + (made + n) % 28),
                    collectorate=collectorate,
                    importer=importer,
                    currency="USD",
                )
                for n in range(size)
            )
            DeclarationItem.objects.bulk_create(
                DeclarationItem(
                    declaration=row,
                    item_number=line,
                    tariff_code="85287200" if line == 1 else "85171300",
                    description="LED television sets" if line == 1 else "Smartphones",
                    origin_country="CN",
                    departure_country="CN",
                    quantity=Decimal(100),
                    unit="NMB",
                    net_mass_kg=Decimal("850.500"),
                    customs_value=Decimal("25000.00"),
                )
                for row in rows
                for line in (1, 2)
            )
        made += size
    return {"declarations": declarations, "items": 2 * declarations, "load_s": round(time.perf_counter() - began, 1)}


def exchange_benchmark(ctx: Context) -> list[Figure]:
    from bench.run import say
    from rabta.accounts.models import RoleAssignment, User
    from rabta.accounts.roles import Role
    from rabta.exchange import services
    from rabta.exchange.wco import DATASET_FIELDS

    count = 200_000 if ctx.args.scale == "full" else 10_000
    loaded = _load(count)
    say(f"   loaded {loaded}")
    officer = User.objects.create_user(email="bench.exchange@customs.gov.pk", password=None, full_name="Bench exchange")
    RoleAssignment.objects.create(user=officer, role=Role.EXCHANGE_OFFICER)
    agreement = services.agreement_create(
        actor=officer,
        kind="administration",
        partner_country="CN",
        partner_name="Bench partner",
        datasets=["declarations"],
        fields=[field.key for field in DATASET_FIELDS["declarations"]],
        valid_from=date(2026, 1, 1),
        status="active",
    )
    rates: dict[str, float] = {}
    sizes: dict[str, int] = {}
    for file_format in ("json", "xml"):
        export = services.exchange_export(
            actor=officer,
            agreement=agreement,
            file_format=file_format,
            period_from=date(2026, 11, 1),
            period_to=date(2026, 11, 30),
        )
        began = time.perf_counter()
        size = 0
        with open(os.devnull, "w", encoding="utf-8") as sink:
            for chunk in export.chunks:
                size += len(chunk)
                sink.write(chunk)
        took = time.perf_counter() - began
        assert export.log is not None and export.log.rows == count
        rates[file_format] = round(count / took, 1)
        sizes[file_format] = size
        say(f"   {file_format}: {rates[file_format]} rows/s ({size:,} characters)")
    slower = min(rates, key=lambda name: rates[name])
    return [
        Figure(
            name="wco_export_rows_per_s",
            value=rates[slower],
            unit="rows/s",
            notes=f"{count:,} declarations (2 items each, every field of the agreement) streamed by exchange_export "
            f"as WCO-shaped JSON and XML to /dev/null, log row included; the slower format: {slower}",
            details={"load": loaded, "rows_per_s": rates, "characters": sizes, "load_average": list(os.getloadavg())},
        )
    ]
