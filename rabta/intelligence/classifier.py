"""The complaint classifier: character n-gram and word TF-IDF (sublinear tf) over normalised text,
and a linear model (multinomial logistic regression, class-weighted) giving a probability per label.

Training uses scikit-learn; prediction needs only numpy and the stored arrays, so a model can be
saved without pickle (:func:`model_save`: ``numpy.savez`` with ``allow_pickle=False`` and a JSON
manifest holding the file's sha256, the labels, metrics, version and training window) and a file
whose hash does not match its manifest is refused (:func:`model_load`).

It only ever suggests: the caller shows the top labels above a confidence, a person decides.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from rabta.core.errors import DomainError
from rabta.intelligence.errors import IntelligenceError
from rabta.intelligence.normalize import normalise

FORMAT_VERSION = 1
MAX_TEXT_CHARS = 20_000
# The feature blocks: (name, analyzer, ngram range, min_df, max_df). Character n-grams (across word
# boundaries, so that they also carry short word pairs) cope with spelling variants and both
# scripts; words carry the vocabulary. A term must appear in two texts at least (one-off typos and
# numbers add weights that only fit the training set); a word in most texts says nothing.
# Chosen by 5-fold cross-validation on the training part only of a seeded split of cfpb_train.json
# (docs/intelligence.md); the linear model below likewise.
BLOCKS: tuple[tuple[str, str, tuple[int, int], int, float], ...] = (
    ("char", "char", (3, 6), 2, 1.0),
    ("word", "word", (1, 2), 2, 0.8),
)
CHAR_FEATURES_MAX = 200_000  # the most frequent character n-grams kept: bounds the model's size
C_DEFAULT = 10.0
# Labels are weighed inversely to their frequency, so a rare category is not drowned by a common
# one (macro-F1 counts every category alike).
CLASS_WEIGHT = "balanced"


def text_check(text: str) -> str:
    """The normalised text, or a clear error: empty (nothing to classify) or too long."""
    if text is None or not str(text).strip():
        raise DomainError.for_field("text", IntelligenceError.TEXT_EMPTY, "There is no text to classify.")
    if len(text) > MAX_TEXT_CHARS:
        raise DomainError.for_field(
            "text", IntelligenceError.TEXT_TOO_LONG, f"The text is longer than {MAX_TEXT_CHARS} characters."
        )
    cleaned = normalise(text)
    if not cleaned:
        raise DomainError.for_field("text", IntelligenceError.TEXT_EMPTY, "The text has no letters or digits.")
    return cleaned


@dataclass
class Block:
    terms: list[str]
    idf: np.ndarray
    analyzer: str
    ngram: tuple[int, int]
    _counter: CountVectorizer | None = field(default=None, repr=False)

    def transform(self, texts: Sequence[str]) -> Any:
        if self._counter is None:
            self._counter = CountVectorizer(
                analyzer=self.analyzer, ngram_range=self.ngram, vocabulary=self.terms, lowercase=False
            )
        # The arithmetic on the CSR arrays themselves: scipy's element-wise operations cost more
        # than the counting for the one short text a suggestion classifies (see category_suggest_p95_ms).
        counts = self._counter.transform(texts)
        data = counts.data.astype(np.float64)
        data = (1.0 + np.log(data)) * self.idf[counts.indices]  # sublinear tf × idf, as TfidfVectorizer
        rows = np.repeat(np.arange(counts.shape[0]), np.diff(counts.indptr))
        norms = np.sqrt(np.bincount(rows, weights=data * data, minlength=counts.shape[0]))
        norms[norms == 0] = 1.0
        return csr_matrix((data / norms[rows], counts.indices, counts.indptr), shape=counts.shape)


@dataclass
class Model:
    labels: list[str]
    blocks: list[Block]
    coef: np.ndarray
    intercept: np.ndarray
    manifest: dict[str, Any] = field(default_factory=dict)

    def _features(self, texts: Sequence[str]) -> Any:
        from scipy.sparse import hstack

        return hstack([block.transform(texts) for block in self.blocks]).tocsr()

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """One row of label probabilities per (already normalised) text."""
        # Block by block against its slice of the weights: the same sum as one product with the
        # stacked features, without building the stacked matrix.
        scores = np.tile(self.intercept, (len(texts), 1))
        start = 0
        for block in self.blocks:
            end = start + len(block.terms)
            scores += np.asarray(block.transform(texts) @ self.coef[:, start:end].T)
            start = end
        scores -= scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        return exp / exp.sum(axis=1, keepdims=True)

    def suggest(self, text: str, *, top: int = 3, min_confidence: float = 0.0) -> list[tuple[str, float]]:
        """The ``top`` labels with their probability, best first, leaving out those below
        ``min_confidence``; an empty list when nothing is confident enough. Raises a clear
        ``DomainError`` for empty or over-long text."""
        probs = self.probabilities([text_check(text)])[0]
        order = np.argsort(-probs)[:top]
        return [(self.labels[i], round(float(probs[i]), 4)) for i in order if probs[i] >= min_confidence]


def model_train(texts: Sequence[str], labels: Sequence[str], *, c: float = C_DEFAULT) -> Model:
    """A model trained on raw ``texts`` (normalised here) and their ``labels``. At least two
    distinct labels are needed; empty texts are left out."""
    pairs = [(normalise(t), str(y)) for t, y in zip(texts, labels, strict=True) if t and normalise(t)]
    if not pairs:
        raise DomainError(IntelligenceError.NO_TRAINING_DATA, "There are no texts to train on.")
    distinct = sorted({y for _, y in pairs})
    if len(distinct) < 2:
        raise DomainError(
            IntelligenceError.ONE_LABEL,
            f"The training data has one label only ({distinct[0]!r}): a classifier needs at least two.",
        )
    xs = [t for t, _ in pairs]
    ys = [y for _, y in pairs]
    blocks, matrices = [], []
    from scipy.sparse import hstack

    for name, analyzer, ngram, min_df, max_df in BLOCKS:
        matrix = None
        # A tiny training set may have no term in two texts: then every term counts.
        for low, high in ((min_df, max_df), (1, 1.0)):
            vec = TfidfVectorizer(
                analyzer=analyzer,
                ngram_range=ngram,
                sublinear_tf=True,
                lowercase=False,
                min_df=low,
                max_df=high,
                max_features=CHAR_FEATURES_MAX if name == "char" else None,
            )
            try:
                matrix = vec.fit_transform(xs)
                break
            except ValueError:  # "After pruning, no terms remain"
                continue
        if matrix is None:
            raise DomainError(IntelligenceError.NO_TRAINING_DATA, "The texts have no terms to learn from.")
        matrices.append(matrix)
        terms = [""] * len(vec.vocabulary_)
        for term, index in vec.vocabulary_.items():
            terms[index] = term
        blocks.append(Block(terms=terms, idf=vec.idf_.astype(np.float64), analyzer=analyzer, ngram=ngram))
    features = hstack(matrices).tocsr()
    linear = LogisticRegression(C=c, max_iter=3000, class_weight=CLASS_WEIGHT)
    linear.fit(features, ys)
    coef = np.asarray(linear.coef_, dtype=np.float64)
    intercept = np.asarray(linear.intercept_, dtype=np.float64)
    if len(linear.classes_) == 2:  # binary: sklearn keeps one row; make it two for the softmax
        coef = np.vstack([-coef[0] / 2, coef[0] / 2])
        intercept = np.array([-intercept[0] / 2, intercept[0] / 2])
    return Model(labels=[str(c) for c in linear.classes_], blocks=blocks, coef=coef, intercept=intercept)


def metrics(model: Model, texts: Sequence[str], labels: Sequence[str]) -> dict[str, Any]:
    """top-1 and top-3 accuracy and macro-F1 on ``texts`` (raw) against ``labels``."""
    from sklearn.metrics import f1_score

    kept = [(normalise(t), str(y)) for t, y in zip(texts, labels, strict=True) if t and normalise(t)]
    if not kept:
        return {"top1": None, "top3": None, "macro_f1": None, "n_test": 0}
    probs = model.probabilities([t for t, _ in kept])
    truth = [y for _, y in kept]
    order = np.argsort(-probs, axis=1)
    predicted = [model.labels[row[0]] for row in order]
    top3 = [y in {model.labels[i] for i in row[:3]} for y, row in zip(truth, order, strict=True)]
    return {
        "top1": round(float(np.mean([p == y for p, y in zip(predicted, truth, strict=True)])), 4),
        "top3": round(float(np.mean(top3)), 4),
        "macro_f1": round(float(f1_score(truth, predicted, average="macro", zero_division=0)), 4),
        "n_test": len(kept),
    }


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def model_save(model: Model, path: Path, *, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """Writes ``path`` + ``.npz`` (arrays only, no pickle) and ``path`` + ``.json`` (the manifest)."""
    arrays: dict[str, np.ndarray] = {
        "labels": np.array(model.labels, dtype=np.str_),
        "coef": model.coef,
        "intercept": model.intercept,
    }
    for i, block in enumerate(model.blocks):
        arrays[f"terms_{i}"] = np.array(block.terms, dtype=np.str_)
        arrays[f"idf_{i}"] = block.idf
    data = Path(f"{path}.npz")
    with data.open("wb") as out:
        np.savez(out, allow_pickle=False, **arrays)
    manifest = {
        "format_version": FORMAT_VERSION,
        "sha256": _sha256(data),
        "labels": model.labels,
        "blocks": [{"analyzer": b.analyzer, "ngram": list(b.ngram)} for b in model.blocks],
        **(extra or {}),
    }
    Path(f"{path}.json").write_text(json.dumps(manifest, indent=2, sort_keys=True), encoding="utf-8")
    model.manifest = manifest
    return manifest


def model_load(path: Path) -> Model:
    """The model saved at ``path``; refuses a data file whose sha256 is not the manifest's."""
    manifest = json.loads(Path(f"{path}.json").read_text(encoding="utf-8"))
    data = Path(f"{path}.npz")
    if manifest.get("format_version") != FORMAT_VERSION or _sha256(data) != manifest.get("sha256"):
        raise DomainError(
            IntelligenceError.ARTEFACT_TAMPERED, f"{data}: its sha256 does not match its manifest; not loaded."
        )
    with np.load(data, allow_pickle=False) as arrays:
        blocks = [
            Block(
                terms=[str(t) for t in arrays[f"terms_{i}"]],
                idf=np.asarray(arrays[f"idf_{i}"]),
                analyzer=str(spec["analyzer"]),
                ngram=(int(spec["ngram"][0]), int(spec["ngram"][1])),
            )
            for i, spec in enumerate(manifest["blocks"])
        ]
        return Model(
            labels=[str(x) for x in arrays["labels"]],
            blocks=blocks,
            coef=np.asarray(arrays["coef"]),
            intercept=np.asarray(arrays["intercept"]),
            manifest=manifest,
        )


def records_read(path: Path) -> list[tuple[str, str]]:
    """``(text, label)`` pairs from a JSON array or JSON Lines file of ``{"input", "output"}``
    objects. An ``input`` wrapped as ``Narrative: ...\\nProduct:`` is unwrapped."""
    raw = Path(path).read_text(encoding="utf-8").strip()
    try:
        items: Iterable[Any] = (
            json.loads(raw) if raw.startswith("[") else [json.loads(x) for x in raw.splitlines() if x.strip()]
        )
    except json.JSONDecodeError as error:
        raise DomainError(IntelligenceError.BAD_TRAINING_FILE, f"{path}: not JSON or JSON Lines ({error}).") from None
    pairs = []
    for n, item in enumerate(items, 1):
        if not isinstance(item, dict) or "input" not in item or "output" not in item:
            raise DomainError(IntelligenceError.BAD_TRAINING_FILE, f"{path}: record {n} lacks 'input' or 'output'.")
        pairs.append((unwrap(str(item["input"])), str(item["output"]).strip()))
    return pairs


def unwrap(text: str) -> str:
    text = text.strip()
    if text.startswith("Narrative:"):
        text = text[len("Narrative:") :]
    if text.rstrip().endswith("Product:"):
        text = text.rstrip()[: -len("Product:")]
    return text.strip()


def deduplicate(pairs: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """One record per normalised text (the first one's label)."""
    seen: set[str] = set()
    out = []
    for text, label in pairs:
        key = normalise(text)
        if key and key not in seen:
            seen.add(key)
            out.append((text, label))
    return out
