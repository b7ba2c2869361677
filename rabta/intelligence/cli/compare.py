"""``rabta intelligence compare --file FILE [--variants a,b] [--holdout] [--json]``.

Compares classifier variants honestly on one labelled file (``{"input", "output"}`` records, as the
back-test reads): the records are de-duplicated on their normalised text, a stratified fifth is set
aside (``random_state=12``) and never looked at while choosing, and each variant is measured by
5-fold stratified cross-validation on the other four fifths. ``--holdout`` then trains the named
variants on those four fifths and measures them once on the fifth set aside: run it for the
variant chosen, after choosing, not to choose.

scikit-learn pipelines are used as they are (this is for comparing, nothing is saved); the shipped
classifier is ``base`` (``classifier.model_train``'s features and model).
"""

from __future__ import annotations

import json
from argparse import ArgumentParser
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

import numpy as np
from django.core.management.base import CommandError

from rabta.core.errors import DomainError
from rabta.intelligence.classifier import deduplicate, records_read
from rabta.intelligence.normalize import normalise

HELP = "Compare classifier variants: 5-fold CV on four fifths, a fifth held out for the end."
SEED = 12


def _features(char: tuple[int, int] | None = (2, 5), word: tuple[int, int] | None = (1, 2)) -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import make_union

    parts = []
    if char:
        parts.append(TfidfVectorizer(analyzer="char_wb", ngram_range=char, sublinear_tf=True, lowercase=False))
    if word:
        parts.append(TfidfVectorizer(analyzer="word", ngram_range=word, sublinear_tf=True, lowercase=False))
    return make_union(*parts)


def _variants() -> dict[str, Callable[[], Any]]:
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.ensemble import VotingClassifier
    from sklearn.linear_model import LogisticRegression, SGDClassifier
    from sklearn.naive_bayes import ComplementNB
    from sklearn.pipeline import make_pipeline
    from sklearn.svm import LinearSVC

    def lr(c: float, balanced: bool = False) -> Any:
        return LogisticRegression(C=c, max_iter=3000, class_weight="balanced" if balanced else None)

    return {
        "base": lambda: make_pipeline(_features(), lr(20)),
        "balanced": lambda: make_pipeline(_features(), lr(20, True)),
        "balanced_c100": lambda: make_pipeline(_features(), lr(100, True)),
        "words13": lambda: make_pipeline(_features(char=None, word=(1, 3)), lr(50, True)),
        "chars36": lambda: make_pipeline(_features(char=(3, 6)), lr(30, True)),
        "svm_calibrated": lambda: make_pipeline(
            _features(), CalibratedClassifierCV(LinearSVC(C=0.5, class_weight="balanced"), cv=3)
        ),
        "complement_nb": lambda: make_pipeline(_features(char=None), ComplementNB(alpha=0.3)),
        "lr_nb_ensemble": lambda: VotingClassifier(
            [
                ("lr", make_pipeline(_features(), lr(20, True))),
                ("nb", make_pipeline(_features(char=None), ComplementNB(alpha=0.3))),
            ],
            voting="soft",
        ),
        "sgd_huber": lambda: make_pipeline(
            _features(),
            SGDClassifier(loss="modified_huber", alpha=1e-4, class_weight="balanced", max_iter=50, random_state=0),
        ),
    }


def _score(model: Any, texts: np.ndarray, truth: np.ndarray) -> dict[str, float]:
    from sklearn.metrics import f1_score

    probs = model.predict_proba(texts)
    classes = model.classes_
    order = np.argsort(-probs, axis=1)
    predicted = classes[order[:, 0]]
    return {
        "top1": float(np.mean(predicted == truth)),
        "top3": float(np.mean([t in classes[row[:3]] for t, row in zip(truth, order, strict=True)])),
        "macro_f1": float(f1_score(truth, predicted, average="macro")),
    }


def add_arguments(parser: ArgumentParser) -> None:
    parser.add_argument("--file", required=True, type=Path)
    parser.add_argument("--variants", default="base", help="comma-separated; 'all' for every one")
    parser.add_argument("--holdout", action="store_true", help="measure once on the fifth set aside")
    parser.add_argument("--json", action="store_true")


def run(options: dict[str, Any], stdout: TextIO, stderr: TextIO) -> None:
    from sklearn.model_selection import StratifiedKFold, train_test_split

    variants = _variants()
    names = list(variants) if options["variants"] == "all" else options["variants"].split(",")
    unknown = [n for n in names if n not in variants]
    if unknown:
        raise CommandError(f"--variants: unknown {', '.join(unknown)}; known: {', '.join(variants)}")
    try:
        pairs = deduplicate(records_read(options["file"]))
    except (DomainError, OSError) as error:
        raise CommandError(str(error)) from None
    texts = np.array([normalise(t) for t, _ in pairs])
    labels = np.array([y for _, y in pairs])
    if len(set(labels)) < 2:
        raise CommandError("the file has one label only: nothing to compare")
    dev_x, hold_x, dev_y, hold_y = train_test_split(texts, labels, test_size=0.2, stratify=labels, random_state=SEED)
    for name in names:
        if options["holdout"]:
            model = variants[name]()
            model.fit(dev_x, dev_y)
            figures = _score(model, hold_x, hold_y) | {"n_test": len(hold_y), "n_train": len(dev_y)}
            protocol = "holdout"
        else:
            folds = []
            for train, test in StratifiedKFold(5, shuffle=True, random_state=SEED).split(dev_x, dev_y):
                model = variants[name]()
                model.fit(dev_x[train], dev_y[train])
                folds.append(_score(model, dev_x[test], dev_y[test]))
            figures = {k: float(np.mean([f[k] for f in folds])) for k in folds[0]}
            figures |= {f"{k}_sd": float(np.std([f[k] for f in folds])) for k in ("top1", "top3", "macro_f1")}
            figures["n_dev"] = len(dev_y)
            protocol = "cv5"
        figures = {k: round(v, 4) if isinstance(v, float) else v for k, v in figures.items()}
        line = {"variant": name, "protocol": protocol, **figures}
        stdout.write(
            (json.dumps(line, sort_keys=True) if options["json"] else " ".join(f"{k}={v}" for k, v in line.items()))
            + "\n"
        )
        stdout.flush()
