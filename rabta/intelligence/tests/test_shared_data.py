"""The classifier on the shared CFPB complaints (skipped when the shared data folder is missing)."""

from pathlib import Path

import pytest

from rabta.intelligence.classifier import deduplicate, metrics, model_train, records_read

CFPB = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "complaints" / "cfpb_train.json"
CFPB = CFPB if CFPB.exists() else Path("/work/shared/data/complaints/cfpb_train.json")

pytestmark = pytest.mark.skipif(not CFPB.exists(), reason=f"shared data file missing: {CFPB}")


def test_cfpb_fixed_stratified_split():
    pairs = deduplicate(records_read(CFPB))
    assert len(pairs) == 669
    by_label: dict[str, list[str]] = {}
    for text, label in pairs:
        by_label.setdefault(label, []).append(text)
    train, test = [], []
    for label, texts in sorted(by_label.items()):  # every fifth of each label held out
        for i, text in enumerate(texts):
            (test if i % 5 == 0 else train).append((text, label))
    model = model_train([t for t, _ in train], [y for _, y in train])
    figures = metrics(model, [t for t, _ in test], [y for _, y in test])
    assert figures["top3"] >= 0.93 and figures["macro_f1"] >= 0.65
