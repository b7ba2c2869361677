"""``tariff``: searching the integrated tariff (issue 18): ``tariff_search_p95_ms``.

The whole HS 2022 tree is imported from the shared data (``rabta tariff import-hs``'s service), the
demo's national lines are added, and every code is given an Urdu description (the shipped Urdu
titles cover sections and chapters; below them each code gets its chapter's Urdu title followed by
its heading's, so that the tree is searchable, and as large, in both languages). Then the public
search endpoint is asked a fixed mix of English words, partial words, Urdu words and code prefixes,
one client, sequentially, through gunicorn; the selector alone is timed too.
"""

from __future__ import annotations

import http.client
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from bench.figures import Figure
from bench.loadgen import percentile_ms

if TYPE_CHECKING:
    from bench.run import Context

GOAL_MS = 50.0
WARMUP_ROUNDS = 40
ROUNDS = 600
QUERIES = [
    "horse",
    "live anim",
    "milk powd",
    "laptop",
    "smartphones value",
    "cotton yarn",
    "steel tube",
    "frozen fish",
    "wheat",
    "rice",
    "motor cars",
    "television",
    "8471",
    "8517.13",
    "0402",
    "6204.62",
    "اسمارٹ فون",
    "چاول",
    "کپاس",
    "لوہا",
    "ٹیلی ویژن",
    "قالین",
    "ادویات",
    "کمپیوٹر",
]


def _shared_data() -> Path:
    from django.conf import settings

    return Path(os.environ.get("RABTA_SHARED_DATA_DIR", settings.RABTA_SHARED_DATA_DIR))


def tariff_load() -> dict[str, int]:
    from django.db import connection, transaction

    from bench.complaints_api import NotAvailable
    from rabta.tariff.demo import demo_load, hs_files
    from rabta.tariff.models import TariffCode
    from rabta.tariff.search_text import search_text_for

    if hs_files(_shared_data()) is None:
        raise NotAvailable(f"the HS files are not under {_shared_data()} (set RABTA_SHARED_DATA_DIR)")
    demo_load(shared_data=_shared_data())
    titles = dict(TariffCode.objects.filter(level__lte=4).values_list("code", "description_ur"))
    codes = list(TariffCode.objects.filter(description_ur=""))
    for code in codes:
        code.description_ur = " ".join(filter(None, (titles.get(code.code[:2]), titles.get(code.code[:4]))))
        code.search_text = search_text_for(
            code=code.code, description=code.description, description_ur=code.description_ur
        )
    with transaction.atomic():
        TariffCode.objects.bulk_update(codes, ["description_ur", "search_text"], batch_size=1000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE tariff_tariffcode")
    return {"codes": TariffCode.objects.count(), "urdu_filled": len(codes)}


def tariff_benchmark(ctx: Context) -> list[Figure]:
    from bench.run import say
    from rabta.tariff.selectors import search_backend, tariff_search

    began = time.monotonic()
    loaded = tariff_load()
    say(f"   tariff: {loaded} in {time.monotonic() - began:.1f} s")
    selector_times: list[float] = []
    hits: dict[str, int] = {}
    for i in range(WARMUP_ROUNDS + ROUNDS):
        query = QUERIES[i % len(QUERIES)]
        t0 = time.perf_counter()
        found = tariff_search(query)
        took = time.perf_counter() - t0
        if i >= WARMUP_ROUNDS:
            selector_times.append(took)
            hits[query] = len(found)
    http_times: list[float] = []
    statuses: dict[int, int] = {}
    with ctx.server("tariff") as server:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        for i in range(WARMUP_ROUNDS + ROUNDS):
            path = "/api/tariff/search?" + urlencode({"q": QUERIES[i % len(QUERIES)]})
            t0 = time.perf_counter()
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            took = time.perf_counter() - t0
            if i >= WARMUP_ROUNDS:
                http_times.append(took)
                statuses[response.status] = statuses.get(response.status, 0) + 1
        conn.close()
    bad = {k: v for k, v in statuses.items() if not 200 <= k < 300}
    shape = (
        f"{ROUNDS} searches (after {WARMUP_ROUNDS} warm-up) cycling {len(QUERIES)} queries (English words and "
        f"partial words, Urdu words, code prefixes; up to 50 results each) over {loaded['codes']:,} codes, every one "
        f"with English and Urdu descriptions; PostgreSQL path: {search_backend()}"
    )
    return [
        Figure(
            name="tariff_search_p95_ms",
            value=percentile_ms(http_times, 95),
            unit="ms",
            goal=f"< {GOAL_MS:.0f} ms",
            notes=f"GET /api/tariff/search?q=..., anonymous, one client, sequential, through gunicorn and the full "
            f"middleware stack{'; NON-2xx responses: ' + str(bad) if bad else ''}; {shape}",
            details={"statuses": {str(k): v for k, v in statuses.items()}, "results_per_query": hits},
        ),
        Figure(name="tariff_search_p50_ms", value=percentile_ms(http_times, 50), unit="ms", notes="same requests"),
        Figure(
            name="tariff_search_selector_p95_ms",
            value=percentile_ms(selector_times, 95),
            unit="ms",
            goal=f"< {GOAL_MS:.0f} ms",
            notes="rabta.tariff.selectors.tariff_search(q) evaluated to a list, in-process (no HTTP, no JSON)",
        ),
    ]
