"""``lane_decision_p99_ms`` and ``batch_scoring_rows_per_s``: the risk engine, in process.

Set-up: a model trained on the KCS 2020 file (``RABTA_SHARED_DATA_DIR/customs/kcs``; generated rows
when it is absent), approved and activated as in production; three officer rules (a watch list of
importers, an item-level value rule, a profile rule) and the default selectivity rates. Declarations
are filed through customs (each one already decided once by ``lane_assign``).

* ``lane_decision_p99_ms``: ``rabta.risk.services.lanes.lane_select`` on one filed declaration at a
  time, rules + model + random selection + top-up count, the LaneDecision row written, each call in
  its own transaction (rolled back so the table does not grow): the 99th percentile of the calls.
* ``batch_scoring_rows_per_s``: ``ModelScorer.score_frame`` on the KCS 2021 Q1 rows (repeated to
  200,000; 50,000 quick): features built from the artefact's spec and the LightGBM prediction, one
  thread.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import time
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from bench.figures import Figure, not_measured

if TYPE_CHECKING:
    from bench.run import Context

GOAL_P99_MS = 5.0
GOAL_ROWS_PER_S = 100_000


class _Rollback(Exception):
    pass


def _kcs_dir() -> Path | None:
    from django.conf import settings

    folder = Path(settings.RABTA_SHARED_DATA_DIR) / "customs" / "kcs"
    return folder if (folder / "df_syn_train_eng.csv").exists() else None


def risk_benchmark(ctx: Context) -> list[Figure]:
    import polars as pl
    from django.db import connection, transaction

    from bench.run import say
    from rabta.customs.choices import PartyKind
    from rabta.customs.models import Declaration
    from rabta.customs.services.declarations import DeclarationInput, ItemInput, declaration_file
    from rabta.customs.services.parties import PartyRef
    from rabta.directory.models import Office
    from rabta.risk.choices import WatchListKind
    from rabta.risk.learning.backtest import read_kcs
    from rabta.risk.models import RiskModel
    from rabta.risk.scoring import scorer_for
    from rabta.risk.services.lanes import lane_select, random_source
    from rabta.risk.services.models import model_activate, model_approve, model_train
    from rabta.risk.services.rules import RuleInput, rule_create, watchlist_save
    from rabta.risk.tests.learning.test_backtest import generated
    from rabta.risk.valuation import value_bands_rebuild

    quick = ctx.args.scale != "full"
    folder = _kcs_dir()
    if folder is not None:
        train = read_kcs([folder / "df_syn_train_eng.csv"])
        test = read_kcs([folder / "df_syn_valid_eng.csv"])
        source = "KCS 2020 (train) and 2021 Q1 (scored)"
    else:
        train, test = generated(20_000, 1, dt.date(2020, 1, 1)), generated(5_000, 2, dt.date(2021, 1, 1))
        source = "generated rows (the KCS files were not found)"
    t0 = time.perf_counter()
    model = model_train(actor=None, start=dt.date(2020, 1, 1), end=dt.date(2020, 12, 31), frame=train)
    model_approve(actor=None, model=model)
    model = model_activate(actor=None, model=RiskModel.objects.get(pk=model.pk))
    say(f"   model v{model.version} trained on {model.rows:,} rows in {time.perf_counter() - t0:.1f} s ({source})")

    collectorate = Office.objects.filter(level="collectorate", is_active=True).order_by("code").first()
    figures: list[Figure] = []
    if collectorate is None:
        figures.append(not_measured("lane_decision_p99_ms", "ms", "no collectorate in the directory"))
    else:
        watchlist_save(actor=None, name="bench-importers", kind=WatchListKind.PARTY, entries=["3520212-5"])
        for name, condition, lane in (
            ("bench watch list", 'importer in watchlist("bench-importers")', "red"),
            ("bench cheap TVs", 'hs4 == "8528" and value_per_kg < 2000', "yellow"),
            ("bench risky code", 'profile("code+origin") > 0.5 and profile_count("code+origin") >= 20', "yellow"),
        ):
            rule_create(
                actor=None, data=RuleInput(name=name, condition=condition, lane=lane, valid_from=dt.date(2020, 1, 1))
            )
        count = 200 if quick else 1000
        rng = random.Random(11)
        numbers = []
        today = dt.date.today()
        with random_source(random.Random(5)):
            for n in range(count):
                number = f"BENCH-RISK-{n}"
                if not Declaration.objects.filter(number=number).exists():
                    items = [
                        ItemInput(
                            item_number=i + 1,
                            tariff_code=rng.choice(["85287219", "30049099", "87032390", "61091000"]),
                            description="bench goods",
                            origin_country=rng.choice(["CN", "AE", "DE", "IN"]),
                            departure_country="AE",
                            quantity=Decimal(rng.randint(1, 500)),
                            unit="NMB",
                            net_mass_kg=Decimal(rng.randint(1, 5000)),
                            customs_value=Decimal(rng.randint(1000, 10_000_000)),
                        )
                        for i in range(rng.randint(1, 5))
                    ]
                    declaration_file(
                        actor=None,
                        data=DeclarationInput(
                            number=number,
                            declared_on=today,
                            collectorate=collectorate.code,
                            importer=PartyRef(kind=PartyKind.TRADER, identifier=f"{4210000 + n % 300}-{n % 10}"),
                            items=items,
                        ),
                    )
                numbers.append(number)
        # Value control's bands from the filed declarations (16 code × origin groups), so that every
        # decision also checks its items' unit values against them.
        bands = value_bands_rebuild(actor=None).counts.get("bands", 0)
        declarations = list(Declaration.objects.filter(number__in=numbers))
        timings, cpu, queries, value_found = [], [], [], 0
        executed = [0]

        def counted(execute, sql, params, many, context):
            executed[0] += 1  # statements sent through a cursor (not BEGIN/ROLLBACK)
            return execute(sql, params, many, context)

        with random_source(random.Random(6)), connection.execute_wrapper(counted):
            for declaration in declarations * (3 if quick else 5):
                began, began_cpu, before = time.perf_counter(), time.process_time(), executed[0]
                try:
                    with transaction.atomic():
                        decision = lane_select(declaration=declaration)
                        timings.append((time.perf_counter() - began) * 1000)
                        cpu.append((time.process_time() - began_cpu) * 1000)
                        queries.append(executed[0] - before)
                        value_found += bool(decision.value_findings)
                        raise _Rollback
                except _Rollback:
                    pass
        warm = len(declarations) // 10  # the first calls warm caches (compiled rules, model)
        timings, cpu, queries = sorted(timings[warm:]), sorted(cpu[warm:]), queries[warm:]
        p99 = timings[int(len(timings) * 0.99) - 1]
        figures.append(
            Figure(
                name="lane_decision_p99_ms",
                value=round(p99, 3),
                unit="ms",
                goal=f"< {GOAL_P99_MS}",
                notes=f"{len(timings):,} calls of lane_select over {len(declarations)} filed declarations of 1 to 5 "
                f"items: 3 rules (watch list, value per kg, profile), value control against {bands} bands, "
                f"model v{model.version} ({source}), random selection and the top-up count, LaneDecision written "
                "then rolled back; first tenth of calls dropped; rules, lists, profiles, bands and model kept in "
                f"process; {statistics.mean(queries):.2f} statements per decision (counted with an execute wrapper; "
                "the benchmark's own BEGIN/ROLLBACK not counted)",
                details={
                    "p50_ms": round(statistics.median(timings), 3),
                    "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 3),
                    "calls": len(timings),
                    "queries_per_decision": round(statistics.mean(queries), 3),
                    "queries_max": max(queries),
                    "cpu_ms_p50": round(statistics.median(cpu), 3),
                    "cpu_ms_p99": round(cpu[int(len(cpu) * 0.99) - 1], 3),
                    "decisions_with_value_findings": value_found,
                },
            )
        )

    scorer = scorer_for(model)
    target = 50_000 if quick else 200_000
    repeats = max(1, -(-target // test.height))
    frame = pl.concat([test] * repeats).head(target)
    scorer.score_frame(frame.head(1000))  # warm
    began = time.perf_counter()
    scores = scorer.score_frame(frame)
    took = time.perf_counter() - began
    figures.append(
        Figure(
            name="batch_scoring_rows_per_s",
            value=round(len(scores) / took),
            unit="rows/s",
            goal=f">= {GOAL_ROWS_PER_S:,}",
            notes=f"ModelScorer.score_frame on {len(scores):,} rows ({source}, repeated), features from the "
            f"artefact's spec and LightGBM's prediction on one thread, in {took:.2f} s",
            details={"seconds": round(took, 3), "rows": len(scores)},
        )
    )
    return figures
