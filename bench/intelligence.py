"""``intelligence``: category suggestions while typing (issue 12): ``category_suggest_p95_ms``.

The seeded category tree is added to the benchmark's directory, and the category model is trained
as ``make run`` trains it (``rabta intelligence train``: generated complaints in English, Roman
Urdu and Urdu) into the server's data directory. Then the public endpoint is asked a fixed mix of
texts as they are typed (prefixes of complaints in the three scripts), each with a district, so
that every suggestion is routed (the real routing, on an unsaved complaint); one client,
sequentially, through gunicorn. The function alone is timed too.
"""

from __future__ import annotations

import http.client
import json
import time
from typing import TYPE_CHECKING

from bench.figures import Figure
from bench.loadgen import percentile_ms

if TYPE_CHECKING:
    from bench.run import Context

GOAL_MS = 50.0
WARMUP_ROUNDS = 40
ROUNDS = 600
TEXTS = [
    "There has been no water supply in our street for seven days",
    "Garbage has not been collected from our area for two weeks and it smells",
    "The teacher of class five has not come to school for a month",
    "electricity bill is too high, meter reading wrong",
    "The clerk at the office demanded a bribe to process my file",
    "my passport has not been delivered after",
    "hamare mohalle mein paani nahi aa raha do hafte se",
    "bijli ghanton se band hai transformer jal gaya",
    "thanay wale FIR darj nahi kar rahe",
    "patwari fard jaari nahi kar raha",
    "پانی کی فراہمی بند ہے کئی دنوں سے",
    "کوڑا کرکٹ نہیں اٹھایا گیا",
    "اسپتال میں دوائیں دستیاب نہیں",
    "میرے مقدمے کی تفتیش مہینوں سے رکی ہوئی ہے",
    "container clear nahi ho raha port par",
]


def _typed(text: str, i: int) -> str:
    """The text as it stands part-way through typing: a third, two thirds or all of it."""
    return text[: max(8, len(text) * (1 + i % 3) // 3)]


def intelligence_benchmark(ctx: Context) -> list[Figure]:
    from django.conf import settings

    from bench.run import say
    from rabta.complaints.seed import complaint_categories_seed
    from rabta.directory.models import Jurisdiction
    from rabta.intelligence.suggest import category_suggest, model_forget
    from rabta.intelligence.training import suggest_model_train

    began = time.monotonic()
    created = complaint_categories_seed()
    path = ctx.data_dir / "intelligence" / "category"  # where the server's settings look (RABTA_DATA_DIR)
    manifest = suggest_model_train(path=path, use_history=False)
    settings.RABTA_INTELLIGENCE_MODEL = path
    model_forget()
    districts = list(Jurisdiction.objects.filter(kind="district").order_by("code").values_list("code", flat=True))
    say(
        f"   intelligence: {created} categories, model {manifest['version']} ({len(manifest['labels'])} labels), "
        f"{len(districts)} districts, in {time.monotonic() - began:.1f} s"
    )

    def body(i: int) -> dict[str, str]:
        return {"text": _typed(TEXTS[i % len(TEXTS)], i // len(TEXTS)), "place": districts[(i * 7) % len(districts)]}

    selector_times: list[float] = []
    routed = 0
    for i in range(WARMUP_ROUNDS + ROUNDS):
        t0 = time.perf_counter()
        found = category_suggest(**body(i))
        took = time.perf_counter() - t0
        if i >= WARMUP_ROUNDS:
            selector_times.append(took)
            routed += sum(1 for s in found.suggestions if s.office_code)
    http_times: list[float] = []
    statuses: dict[int, int] = {}
    with ctx.server("intelligence") as server:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        for i in range(WARMUP_ROUNDS + ROUNDS):
            payload = json.dumps(body(i))
            t0 = time.perf_counter()
            conn.request(
                "POST", "/api/intelligence/suggest", body=payload, headers={"Content-Type": "application/json"}
            )
            response = conn.getresponse()
            response.read()
            took = time.perf_counter() - t0
            if i >= WARMUP_ROUNDS:
                http_times.append(took)
                statuses[response.status] = statuses.get(response.status, 0) + 1
        conn.close()
    bad = {k: v for k, v in statuses.items() if not 200 <= k < 300}
    shape = (
        f"{ROUNDS} suggestions (after {WARMUP_ROUNDS} warm-up) cycling {len(TEXTS)} texts cut as typed (a third, two "
        f"thirds, all; English, Roman Urdu, Urdu) over {len(districts)} districts; top 3 each, each routed; "
        f"model of {len(manifest['labels'])} category keys; {routed} suggestions routed to an office in-process"
    )
    return [
        Figure(
            name="category_suggest_p95_ms",
            value=percentile_ms(http_times, 95),
            unit="ms",
            goal=f"< {GOAL_MS:.0f} ms",
            notes=f"POST /api/intelligence/suggest, anonymous, one client, sequential, through gunicorn and the full "
            f"middleware stack (rate limit counted){'; NON-2xx responses: ' + str(bad) if bad else ''}; {shape}",
            details={"statuses": {str(k): v for k, v in statuses.items()}},
        ),
        Figure(name="category_suggest_p50_ms", value=percentile_ms(http_times, 50), unit="ms", notes="same requests"),
        Figure(
            name="category_suggest_selector_p95_ms",
            value=percentile_ms(selector_times, 95),
            unit="ms",
            goal=f"< {GOAL_MS:.0f} ms",
            notes="rabta.intelligence.suggest.category_suggest(text, place), in-process (no HTTP, no JSON)",
        ),
    ]
