"""Recurring problems: clusters of similar complaints per office, category and place, with the
rising ones flagged for oversight ("bottlenecks").

Within each (office, category, place) group of the reader's visible complaints of the last two
windows, complaints are clustered greedily by the character-trigram similarity the duplicate
finder uses (``rabta.intelligence.normalize``): a complaint joins the first cluster whose first
member it resembles at least ``SIMILARITY``, else starts one. A cluster is *recurring* with at least
``min_size`` complaints in the recent window, and *rising* when the recent window holds at least
twice the previous one's. Each is readable: its top terms and a few example complaints, scrubbed of
every identifier (the complainant's own and anything shaped like anyone's), whatever the
complainant's anonymity, so that no identity is shown, hidden complainants' least of all.

It reads at most ``COMPLAINTS_MAX`` of the newest complaints per call: enough for an office's or a
district's month; a national picture at scale wants the same function in a background job.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from rabta.accounts.types import Actor
from rabta.intelligence.normalize import char_ngrams, ngram_similarity, normalise
from rabta.intelligence.permissions import require_recurring

SIMILARITY = 0.3
COMPLAINTS_MAX = 5000
EXAMPLES = 3
TERMS = 6
EXAMPLE_CHARS = 240
DAYS_MAX = 365
# Words too common to say what a cluster is about (English and Roman Urdu, after normalise()).
_STOP_WORDS = (
    "the a an and or of to in on for is are was were it this that our my we i has have not no from with at by be "
    "been since please sir kindly ka ki ke ko se hai hain mein me ne aur nahi nahin ho raha rahi ye yeh vo us "
    "hamare mere meri mera کا کی کے کو سے ہے ہیں میں نے اور نہیں ہو رہا رہی یہ وہ ہمارے میرے"
)
# "complainant": what privacy's scrub puts in place of a hidden complainant's name.
STOP = frozenset(normalise(word) for word in _STOP_WORDS.split(" ")) | {"complainant"}
_WORD = re.compile(r"[^\W\d_]{3,}")


@dataclass(frozen=True)
class ClusterInput:
    pk: int
    created: datetime
    body: str  # what an office reads: the office copy when the complainant is hidden
    group: tuple[Any, ...]  # (office, category, place): clusters never cross groups


@dataclass
class Found:
    group: tuple[Any, ...]
    recent: int = 0
    previous: int = 0
    rising: bool = False
    terms: list[str] = field(default_factory=list)
    example_ids: list[int] = field(default_factory=list)  # newest first
    _seed: frozenset[str] = field(default=frozenset(), repr=False)
    _ids: list[int] = field(default_factory=list, repr=False)
    _words: Counter[str] = field(default_factory=Counter, repr=False)


def clusters_find(rows: Sequence[ClusterInput], *, recent_from: datetime, min_size: int) -> list[Found]:
    """The recurring clusters of ``rows`` (oldest first), rising ones first, then the largest: within
    each group a complaint joins the first cluster whose first member it resembles at least
    ``SIMILARITY``, else starts one; recurring with at least ``min_size`` from ``recent_from`` on,
    rising when those are at least twice the window before."""
    groups: dict[tuple[Any, ...], list[Found]] = {}
    for row in rows:
        grams = char_ngrams(row.body)
        clusters = groups.setdefault(row.group, [])
        home = next((c for c in clusters if ngram_similarity(grams, c._seed) >= SIMILARITY), None)
        if home is None:
            home = Found(group=row.group, _seed=grams)
            clusters.append(home)
        if row.created >= recent_from:
            home.recent += 1
        else:
            home.previous += 1
        home._ids.append(row.pk)
        # Terms as written (lower case), not in their lossy matching form ("vater" for "water").
        home._words.update(w for w in _WORD.findall(row.body.casefold()) if normalise(w) not in STOP)
    found = [c for clusters in groups.values() for c in clusters if c.recent >= min_size]
    for cluster in found:
        cluster.rising = cluster.recent >= 2 * cluster.previous
        cluster.terms = [w for w, _n in cluster._words.most_common(TERMS)]
        cluster.example_ids = list(reversed(cluster._ids[-EXAMPLES:]))
    found.sort(key=lambda c: (not c.rising, -c.recent, tuple(str(part) for part in c.group)))
    return found


@dataclass
class Cluster:
    office: str
    category: str
    place: str
    recent: int = 0
    previous: int = 0
    rising: bool = False
    terms: list[str] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)


def recurring_problems(*, user: Actor, days: int = 30, min_size: int = 3) -> list[Cluster]:
    """The recurring clusters among the complaints ``user`` sees, rising ones first, then the
    largest, computed now. Oversight only (``Forbidden`` otherwise)."""
    from rabta.complaints.models import Complaint
    from rabta.complaints.privacy import scrub_for_person

    require_recurring(user)
    days = max(1, min(int(days), DAYS_MAX))
    now = timezone.now()
    recent_from, previous_from = now - timedelta(days=days), now - timedelta(days=2 * days)
    rows = (
        Complaint.objects.visible_to(user)
        .filter(created_at__gte=previous_from)
        .order_by("-created_at")
        .values_list(
            "id",
            "created_at",
            "subject",
            "text_for_office",
            "text",
            "current_office__code",
            "category__code",
            "jurisdiction__code",
        )[:COMPLAINTS_MAX]
    )
    # Only the office copy (scrubbed when the complainant is hidden) or the subject and text are
    # compared; examples are scrubbed again below for everyone.
    inputs = [
        ClusterInput(
            pk=pk,
            created=created,
            body=office_copy or f"{subject}\n{text}",
            group=(office or "", category or "", place or ""),
        )
        for pk, created, subject, office_copy, text, office, category, place in reversed(list(rows))
    ]
    found = clusters_find(inputs, recent_from=recent_from, min_size=min_size)
    wanted = {pk for c in found for pk in c.example_ids}
    people = {
        c.pk: c
        for c in Complaint.objects.filter(pk__in=wanted)
        .select_related("complainant")
        .only("id", "subject", "text", "text_for_office", "complainant")
    }
    out = []
    for found_one in found:
        office, category, place = found_one.group
        cluster = Cluster(
            office=office,
            category=category,
            place=place,
            recent=found_one.recent,
            previous=found_one.previous,
            rising=found_one.rising,
            terms=found_one.terms,
        )
        for pk in found_one.example_ids:
            complaint = people[pk]
            body = complaint.text_for_office or f"{complaint.subject}\n{complaint.text}"
            cluster.examples.append(short(scrub_for_person(body, complaint.complainant)))
        out.append(cluster)
    return out


def short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EXAMPLE_CHARS else text[: EXAMPLE_CHARS - 1] + "…"


def cluster_out(cluster: Cluster) -> dict[str, Any]:
    return {
        "office": cluster.office,
        "category": cluster.category,
        "place": cluster.place,
        "recent": cluster.recent,
        "previous": cluster.previous,
        "rising": cluster.rising,
        "terms": cluster.terms,
        "examples": cluster.examples,
    }
