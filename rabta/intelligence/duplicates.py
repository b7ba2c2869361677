"""Measuring the likely-duplicate similarity on labelled 311 rows (``rabta intelligence duplicates-eval``).

A row is a complaint with its time, its *group* (the intake's candidate bound: same type and same
place) and its text. A row closed as a duplicate is a labelled positive. Each row is compared, with
``duplicate_score`` (the function intake uses), against the earlier rows of its group, newest
``CANDIDATES`` first (as intake does); it is *suggested* when one of them scores ≥ the threshold.
Precision = labelled positives among suggested rows; recall = suggested rows among labelled positives.
Coordinates are never used (Boston's rows often carry a default point)."""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from rabta.intelligence.normalize import char_ngrams, duplicate_score, ngram_similarity

CANDIDATES = 50  # as intake's DUPLICATE_CANDIDATES
THRESHOLD = 0.5  # as intake's DUPLICATE_SIMILARITY (a test holds them equal)


@dataclass(frozen=True)
class Row:
    created: datetime
    group: tuple[str, ...]
    text: str
    duplicate: bool


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
