"""Measuring the likely-duplicate similarity on labelled 311 rows (``rabta intelligence duplicates-eval``).

A row is a complaint with its time, its *group* (the intake's candidate bound: same type and same
place) and its text. A row closed as a duplicate is a labelled positive. Each row is compared, with
``duplicate_score`` (the function intake uses), against the earlier rows of its group, newest
``CANDIDATES`` first (as intake does); it is *suggested* when one of them scores ≥ the threshold.
Precision = labelled positives among suggested rows; recall = suggested rows among labelled positives.
Coordinates are never used for scoring (Boston's rows often carry a default point).

The pairwise figures judge every (row, candidate) comparison, but a staff member sees a short
*ranked* list: :func:`rank_evaluate` asks, for each labelled duplicate whose original can be
located in the sample (:func:`original_of`: the latest earlier row of its group at the same place,
within ``ORIGINAL_WINDOW_DAYS``), whether that original is in the top 1, 3 and 5 of the ranking, and
its reciprocal rank (MRR). The 311 rows do not name the original, so the location rule stands in
for the label; it shares the address with the text compared, so it favours any ranking that reads
the address: the figures bound the measure, on very few located originals."""

from __future__ import annotations

import csv
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from rabta.intelligence.normalize import char_ngrams, duplicate_score, ngram_similarity

CANDIDATES = 50  # as intake's DUPLICATE_CANDIDATES
THRESHOLD = 0.5  # as intake's DUPLICATE_SIMILARITY (a test holds them equal)
ORIGINAL_WINDOW_DAYS = 30
TOP_K = (1, 3, 5)


@dataclass(frozen=True)
class Row:
    created: datetime
    group: tuple[str, ...]
    text: str
    duplicate: bool
    # Where, independently of the scoring: a normalised street address, else the exact point;
    # empty when the row has neither (it then has no locatable original).
    place: str = ""


def _place(address: str, *point: str) -> str:
    words = " ".join(address.upper().split())
    if words:
        return words
    return "@" + ",".join(point) if all(p.strip() for p in point) else ""


def nyc_rows(path: Path) -> list[Row]:
    """NYC 311: group = complaint type + borough; text = descriptor, location type and address;
    labelled when ``Resolution Description`` says the complaint is a duplicate."""
    with path.open(newline="", encoding="utf-8") as handle:
        return [
            Row(
                created=datetime.strptime(r["Created Date"], "%m/%d/%Y %I:%M:%S %p"),  # noqa: DTZ007 city local time; only differences within a file are used
                group=(r["Complaint Type"].strip(), r["Borough"].strip()),
                text=" ".join((r["Descriptor"], r["Location Type"], r["Incident Address"], r["Incident Zip"])),
                duplicate="duplicate" in r["Resolution Description"].lower(),
                place=_place(r["Incident Address"], r["X Coordinate (State Plane)"], r["Y Coordinate (State Plane)"]),
            )
            for r in csv.DictReader(handle)
        ]


def boston_rows(path: Path) -> list[Row]:
    """Boston 311: group = type + neighbourhood; text = case title and location;
    labelled when ``closure_reason`` says duplicate."""
    with path.open(newline="", encoding="utf-8") as handle:
        return [
            Row(
                created=datetime.strptime(r["open_dt"].strip(), "%Y-%m-%d %H:%M:%S"),  # noqa: DTZ007 city local time; only differences within a file are used
                group=(r["type"].strip(), r["neighborhood"].strip()),
                text=" ".join((r["case_title"], r["location"])),
                duplicate="duplicate" in r["closure_reason"].lower(),
                place=_place(r["location"]),
            )
            for r in csv.DictReader(handle)
        ]


def evaluate(rows: list[Row], threshold: float = THRESHOLD) -> dict[str, float | int | None]:
    """Precision and recall of the suggestion on ``rows`` (see the module docstring)."""
    earlier: dict[tuple[str, ...], list[tuple[datetime, frozenset[str]]]] = defaultdict(list)
    pairs = suggested = labelled = found = 0
    for row in sorted(rows, key=lambda r: r.created):
        mine = char_ngrams(row.text)
        group = earlier[row.group]
        hit = False
        for created, theirs in group[-CANDIDATES:]:
            pairs += 1
            age_days = (row.created - created).total_seconds() / 86400
            if duplicate_score(ngram_similarity(mine, theirs), age_days=age_days) >= threshold:
                hit = True
        group.append((row.created, mine))
        suggested += hit
        labelled += row.duplicate
        found += hit and row.duplicate
    return {
        "precision": round(found / suggested, 3) if suggested else None,
        "recall": round(found / labelled, 3) if labelled else None,
        "pairs": pairs,
        "threshold": threshold,
        "labelled": labelled,
        "suggested": suggested,
    }


# --- Ranking ---------------------------------------------------------------------------------------

# A scorer: (the row's grams, the candidates' grams newest first, their ages in days) -> a score each.
Scorer = Callable[[frozenset[str], Sequence[frozenset[str]], Sequence[float]], list[float]]


def jaccard_scores(mine: frozenset[str], theirs: Sequence[frozenset[str]], ages: Sequence[float]) -> list[float]:
    """What intake ranks by: character-trigram Jaccard, discounted by age (``duplicate_score``)."""
    return [duplicate_score(ngram_similarity(mine, t), age_days=a) for t, a in zip(theirs, ages, strict=True)]


def idf_scores(mine: frozenset[str], theirs: Sequence[frozenset[str]], ages: Sequence[float]) -> list[float]:
    """Cosine of the trigram sets weighted by their inverse frequency among the row and its
    candidates (so grams every candidate shares, "street", "entire building", count little),
    discounted by age as intake does. Needs nothing stored: the candidates are the corpus."""
    docs = [mine, *theirs]
    seen = Counter(g for d in docs for g in d)
    idf = {g: math.log((1 + len(docs)) / (1 + n)) + 1.0 for g, n in seen.items()}

    def norm(d: frozenset[str]) -> float:
        return math.sqrt(sum(idf[g] ** 2 for g in d))

    own = norm(mine)
    out = []
    for t, age in zip(theirs, ages, strict=True):
        both = own * norm(t)
        cosine = sum(idf[g] ** 2 for g in mine & t) / both if both else 0.0
        out.append(duplicate_score(cosine, age_days=age))
    return out


SCORERS: dict[str, Scorer] = {"jaccard": jaccard_scores, "idf": idf_scores}


def original_of(rows: Sequence[Row]) -> dict[int, int]:
    """For each labelled duplicate (an index into ``rows``, time-ordered), its located original:
    the latest earlier row of the same group at the same non-empty place, at most
    ``ORIGINAL_WINDOW_DAYS`` before. Duplicates with none are left out."""
    found: dict[int, int] = {}
    for i, row in enumerate(rows):
        if not row.duplicate or not row.place:
            continue
        for j in range(i - 1, -1, -1):
            other = rows[j]
            if (row.created - other.created).total_seconds() > ORIGINAL_WINDOW_DAYS * 86400:
                break
            if other.group == row.group and other.place == row.place:
                found[i] = j
                break
    return found


def rank_evaluate(rows: Sequence[Row], scorer: Scorer = jaccard_scores) -> dict[str, float | int | None]:
    """recall@1/3/5 and MRR of the located originals among each duplicate's candidates (the newest
    ``CANDIDATES`` earlier rows of its group, as intake reads them), ranked by ``scorer``, ties to
    the newer candidate. An original outside the candidates counts as not found (rank 0)."""
    ordered = sorted(rows, key=lambda r: r.created)
    originals = original_of(ordered)
    grams = [char_ngrams(r.text) for r in ordered]
    by_group: dict[tuple[str, ...], list[int]] = defaultdict(list)
    reciprocal: list[float] = []
    hits = dict.fromkeys(TOP_K, 0)
    for i, row in enumerate(ordered):
        if i in originals:
            candidates = by_group[row.group][-CANDIDATES:][::-1]  # newest first
            ages = [(row.created - ordered[j].created).total_seconds() / 86400 for j in candidates]
            scores = scorer(grams[i], [grams[j] for j in candidates], ages)
            ranking = [
                j
                for _s, _n, j in sorted(
                    zip(scores, range(len(candidates)), candidates, strict=True), key=lambda item: (-item[0], item[1])
                )
            ]
            rank = ranking.index(originals[i]) + 1 if originals[i] in ranking else 0
            reciprocal.append(1 / rank if rank else 0.0)
            for k in TOP_K:
                hits[k] += 0 < rank <= k
        by_group[row.group].append(i)
    n = len(reciprocal)
    figures: dict[str, float | int | None] = {
        "labelled": sum(r.duplicate for r in ordered),
        "located": n,
        "mrr": round(sum(reciprocal) / n, 3) if n else None,
    }
    figures.update({f"recall_at_{k}": round(hits[k] / n, 3) if n else None for k in TOP_K})
    return figures
