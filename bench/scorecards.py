"""``scorecards``: the roll-ups' fold and the live grievance dashboard (issue 11):
``rollup_apply_events_per_s``, ``scorecard_national_p95_ms``, ``scorecard_drilldown_p95_ms`` and
``live_update_latency_ms``.

The load: complaint events written straight into ``core_event`` (submitted, routed, then resolved,
rated, some reopened), for complaints spread over the directory's offices and categories, over the
last 90 days. They are not written through the complaint services (that path is ``intake``'s
figure): the fold reads only the events, so its cost is set by them. The complaint rows are absent,
so the complainant groups are empty (one read less than a real fold makes).

``rollup_apply_events_per_s``: the events folded per second by ``rollup_fold_all`` (batches of
``FOLD_BATCH``, one upsert per roll-up table per batch on PostgreSQL), from an empty cursor.

``scorecard_national_p95_ms`` / ``scorecard_drilldown_p95_ms``: p95 of the selectors behind
``/api/scorecards/nation/pk`` and ``/api/scorecards/government/<code>`` (the busiest government),
in-process, over the last 90 days.

``live_update_latency_ms``: a complaint's move commits (a resolution event, as the service writes
it); a poller that does what each poll of ``/api/scorecards/live`` does (``rollup_fold_live``, then
the live ETag) every second, as rabta/static/rabta/live.js does, sees the new tag after this long.

``live_dashboard_clients`` is not measured here yet (see the report of issue 11).
"""

from __future__ import annotations

import random
import statistics
import threading
import time
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from bench.figures import Figure, calls_p95_ms

if TYPE_CHECKING:
    from bench.run import Context

GOAL_CARD_MS = 100
GOAL_LIVE_MS = 2000
REPEATS = 30
POLL_S = 1.0
SUBJECT_BASE = 10**12  # synthetic complaint ids, far from any real one


def _events(complaints: int, rng: random.Random) -> list[Any]:
    from django.utils import timezone

    from rabta.complaints.events import ComplaintsEvent
    from rabta.complaints.models import Category
    from rabta.core.models import Event
    from rabta.directory.models import Department, Office

    offices = list(Office.objects.values_list("code", flat=True))
    categories = list(Category.objects.values_list("code", flat=True))
    if not categories:  # the bench directory holds offices only: a handful of categories
        department = Department.objects.order_by("pk").first()
        if department is None:
            raise RuntimeError("the bench directory has no departments")
        Category.objects.bulk_create(
            [Category(department=department, code=f"bench-{n}", name=f"Bench category {n}") for n in range(12)]
        )
        categories = list(Category.objects.values_list("code", flat=True))
    if not offices:
        raise RuntimeError("the bench directory has no offices")
    now = timezone.now() - timedelta(minutes=5)
    rows = []

    def add(kind: str, pk: int, at: Any, data: dict[str, Any]) -> None:
        rows.append(
            Event(occurred_at=at, kind=kind, subject_type="complaints.complaint", subject_id=str(pk), data=data)
        )

    for n in range(complaints):
        pk = SUBJECT_BASE + n
        at = now - timedelta(days=rng.uniform(1, 89))
        add(ComplaintsEvent.SUBMITTED, pk, at, {"category": rng.choice(categories)})
        add(ComplaintsEvent.ROUTED, pk, at, {"office": rng.choice(offices)})
        if rng.random() < 0.8:
            done = min(now, at + timedelta(days=rng.expovariate(1 / 6)))
            add(ComplaintsEvent.RESOLVED, pk, done, {"resolve_due_at": (at + timedelta(days=15)).isoformat()})
            if rng.random() < 0.5:
                kind = ComplaintsEvent.CLOSED_CONFIRMED if rng.random() < 0.45 else ComplaintsEvent.FEEDBACK_GIVEN
                add(kind, pk, done + timedelta(hours=1), {})
    rows.sort(key=lambda event: event.occurred_at)
    return rows


def _live_latency(moves: int, first_subject: int) -> list[float]:
    from rabta.complaints.events import ComplaintsEvent
    from rabta.core.live import live_etag
    from rabta.core.models import Event
    from rabta.scorecards.services import LIVE_TOPIC, rollup_fold_live

    seen: dict[str, float] = {}
    stop = threading.Event()

    def poll() -> None:
        tag = live_etag([LIVE_TOPIC], "bench")
        while not stop.is_set():
            rollup_fold_live()
            now = live_etag([LIVE_TOPIC], "bench")
            if now != tag:
                seen[now] = time.perf_counter()
                tag = now
            stop.wait(POLL_S)

    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    latencies = []
    rng = random.Random(11)
    for index in range(moves):
        time.sleep(rng.uniform(0.3, 1.7))
        from django.db import transaction
        from django.utils import timezone

        with transaction.atomic():
            Event.objects.create(
                occurred_at=timezone.now(),
                kind=ComplaintsEvent.RESOLVED,
                subject_type="complaints.complaint",
                subject_id=str(first_subject + index),
                data={},
            )
        committed = time.perf_counter()
        deadline = committed + 10
        before = set(seen)
        while set(seen) == before and time.perf_counter() < deadline:
            time.sleep(0.01)
        new = [seen[tag] for tag in set(seen) - before]
        if new:
            latencies.append((min(new) - committed) * 1000)
    stop.set()
    poller.join()
    return latencies


def scorecards_benchmark(ctx: Context) -> list[Figure]:
    from django.conf import settings
    from django.core.cache import cache
    from django.db.models import Count

    from bench.run import say
    from rabta.core.models import Event
    from rabta.scorecards import selectors
    from rabta.scorecards.models import DailyRollup, UnitRollup
    from rabta.scorecards.services import rollup_fold_all

    complaints = 200_000 if ctx.args.scale == "full" else 20_000
    rng = random.Random(11)
    began = time.perf_counter()
    events = _events(complaints, rng)
    Event.objects.bulk_create(events, batch_size=5000)
    say(f"   wrote {len(events):,} complaint events in {time.perf_counter() - began:.1f} s")
    from rabta.scorecards.models import ComplaintTrack, FoldCursor, GroupRollup

    # The cursor at 0 and the tables empty, whatever ran before.
    for model in (DailyRollup, UnitRollup, GroupRollup, ComplaintTrack):
        model.objects.all().delete()
    FoldCursor.objects.filter(pk=1).update(last_event_id=0)
    t0 = time.perf_counter()
    folded = rollup_fold_all(settle=timedelta(minutes=1))
    took = time.perf_counter() - t0
    rate = round(folded / took) if took else None
    say(f"   folded {folded:,} events in {took:.1f} s")
    busiest = (
        UnitRollup.objects.filter(level="government").values("unit_id").annotate(n=Count("id")).order_by("-n").first()
    )
    from rabta.directory.models import Government

    government = (
        Government.objects.filter(pk=busiest["unit_id"]).values_list("code", flat=True).first() if busiest else None
    )
    calls = {"national": lambda: selectors.scorecard(level="nation", code=selectors.NATION_ID)}
    if government:
        calls["drilldown"] = lambda: selectors.scorecard(level="government", code=government)
    times = calls_p95_ms(calls, repeats=REPEATS)
    cache.clear()
    latencies = sorted(_live_latency(16 if ctx.args.scale == "full" else 8, SUBJECT_BASE))
    live_p95 = round(latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))], 1) if latencies else None
    backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    rows = {"daily": DailyRollup.objects.count(), "unit": UnitRollup.objects.count()}
    return [
        Figure(
            name="rollup_apply_events_per_s",
            value=rate,
            unit="events/s",
            notes=f"{folded:,} events of {complaints:,} complaints folded from an empty cursor in {took:.1f} s "
            f"(roll-up rows {rows}); events written into core_event, not through the services",
        ),
        Figure(
            name="scorecard_national_p95_ms",
            value=times.get("national"),
            unit="ms",
            goal=f"< {GOAL_CARD_MS}",
            notes=f"p95 of {REPEATS} in-process selectors.scorecard(nation), last 90 days, {complaints:,} complaints",
        ),
        Figure(
            name="scorecard_drilldown_p95_ms",
            value=times.get("drilldown"),
            unit="ms",
            goal=f"< {GOAL_CARD_MS}",
            notes=f"p95 of {REPEATS} in-process selectors.scorecard(government {government})",
        ),
        Figure(
            name="live_update_latency_ms",
            value=live_p95,
            unit="ms",
            goal=f"< {GOAL_LIVE_MS}",
            notes=f"p95 over {len(latencies)} moves: from the event's commit to a poller (every {POLL_S:.0f} s, "
            f"fold then ETag, as each poll of /api/scorecards/live) seeing the new tag; cache {backend}; "
            f"mean {statistics.mean(latencies):.0f} ms"
            if latencies
            else "no move was seen",
            details={"latencies_ms": [round(x) for x in latencies]},
        ),
    ]
