"""Training the category model that suggestions use (``rabta intelligence train``).

Two sources, by category key (``rabta.intelligence.suggest.category_key``):

- the generated complaints of ``rabta.intelligence.corpus`` (every seeded category, three scripts),
  so that a fresh deployment suggests something;
- the deployment's own history: closed complaints whose category was confirmed by their
  resolution (relief granted or partial relief: the office that held the category acted on it).
  What an office reads is what the model learns from: the office copy of a hidden complainant's
  text (scrubbed of their identifiers), so no identity reaches the model's vocabulary.

The figures kept with the model are honest about where they come from: on history, a time-ordered
split (the newest fifth held out); on generated text only, a held-out fifth of *phrases* (a phrase
seen in training never appears in the test), which still says little about real complaints.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rabta.intelligence.classifier import Model, metrics, model_save, model_train
from rabta.intelligence.corpus import PHRASES, generated
from rabta.intelligence.suggest import category_key

HISTORY_MAX = 200_000  # the newest confirmed complaints read for training
HISTORY_MIN_FOR_FIGURES = 50  # fewer than this: the figures are from generated text


def history_rows(*, limit: int = HISTORY_MAX) -> list[tuple[str, str, datetime]]:
    """``(text, key, created)`` of closed complaints whose category their resolution confirmed, oldest first."""
    from rabta.complaints.choices import Outcome, Status
    from rabta.complaints.models import Complaint

    rows = (
        Complaint.objects.filter(status=Status.CLOSED, outcome__in=[Outcome.RELIEF_GRANTED, Outcome.PARTIAL_RELIEF])
        .order_by("-id")
        .values_list(
            "subject", "text", "text_for_office", "category__code", "category__department__code", "created_at"
        )[:limit]
    )
    out = []
    for subject, text, office_text, code, department_code, created in rows:
        body = office_text or f"{subject}\n{text}"
        out.append((body, category_key(code, department_code), created))
    return sorted(out, key=lambda row: row[2])


def _phrase_split(seed: int) -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    rng = random.Random(seed)
    train: dict[str, tuple[str, ...]] = {}
    test: dict[str, tuple[str, ...]] = {}
    for key, phrases in sorted(PHRASES.items()):
        shuffled = list(phrases)
        rng.shuffle(shuffled)
        cut = max(1, len(shuffled) // 5)
        test[key], train[key] = tuple(shuffled[:cut]), tuple(shuffled[cut:])
    return train, test


def suggest_model_build(*, use_history: bool = True, per_key: int = 40, seed: int = 12) -> tuple[Model, dict[str, Any]]:
    """The model and its manifest's extra fields (sources, counts, figures, version)."""
    synthetic = generated(per_key=per_key, seed=seed)
    history = history_rows() if use_history else []
    texts: list[str] = [t for t, _ in synthetic] + [t for t, _k, _c in history]
    keys: list[str] = [k for _, k in synthetic] + [k for _t, k, _c in history]
    if len(history) >= HISTORY_MIN_FOR_FIGURES:
        cut = int(len(history) * 0.8)
        train_h, test_h = history[:cut], history[cut:]
        probe = model_train(
            [t for t, _ in synthetic] + [t for t, _k, _c in train_h],
            [k for _, k in synthetic] + [k for _t, k, _c in train_h],
        )
        figures = metrics(probe, [t for t, _k, _c in test_h], [k for _t, k, _c in test_h])
        figures["split"] = "history, time-ordered: newest fifth held out"
    else:
        train_p, test_p = _phrase_split(seed)
        probe = model_train(*_columns(generated(per_key=per_key, seed=seed, phrases_by_key=train_p)))
        figures = metrics(
            probe, *_columns(generated(per_key=max(5, per_key // 4), seed=seed + 1, phrases_by_key=test_p))
        )
        figures["split"] = "generated text only, a fifth of the phrases held out (says little about real complaints)"
    model = model_train(texts, keys)
    now = datetime.now(UTC)
    extra = {
        "version": now.strftime("%Y%m%dT%H%M%SZ"),
        "trained_at": now.isoformat(),
        "sources": {"generated": len(synthetic), "history": len(history)},
        "metrics": figures,
        "labels_kind": "category_key",
    }
    return model, extra


def _columns(pairs: Sequence[tuple[str, str]]) -> tuple[list[str], list[str]]:
    return [t for t, _ in pairs], [k for _, k in pairs]


def suggest_model_train(*, path: Path, use_history: bool = True, per_key: int = 40, seed: int = 12) -> dict[str, Any]:
    """Train and save the model at ``path`` (``path.npz`` and ``path.json``); returns the manifest.
    The files are written beside the old ones and moved into place, so a serving process never
    reads half a model (the manifest last: its hash names the new data)."""
    model, extra = suggest_model_build(use_history=use_history, per_key=per_key, seed=seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = path.with_name(f".{path.name}.new")
    manifest = model_save(model, staging, extra=extra)
    Path(f"{staging}.npz").replace(f"{path}.npz")
    Path(f"{staging}.json").replace(f"{path}.json")
    return manifest
