"""``rabta intelligence train``: a model from generated text and confirmed complaints, with its
figures, never learning a hidden complainant's identity."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from rabta.complaints.choices import Anonymity
from rabta.complaints.models import Complaint
from rabta.intelligence.corpus import PHRASES, generated
from rabta.intelligence.training import history_rows, suggest_model_train


def test_generated_complaints_cover_every_key_in_three_scripts():
    pairs = generated(per_key=10, seed=1)
    assert {k for _, k in pairs} == set(PHRASES)
    for key, phrases in PHRASES.items():
        joined = " ".join(phrases)
        assert any("\u0600" <= c <= "\u06ff" for c in joined), f"{key} has no Urdu-script phrase"
    assert generated(per_key=3, seed=5) == generated(per_key=3, seed=5)


@pytest.mark.django_db
def test_train_writes_a_model_with_its_figures_and_if_absent_keeps_it(tmp_path):
    path = tmp_path / "category"
    out = StringIO()
    call_command("intelligence", "train", "--out", str(path), "--per-key", "8", "--json", stdout=out)
    manifest = json.loads(out.getvalue())
    assert set(manifest["labels"]) == set(PHRASES)
    assert manifest["sources"] == {"generated": 8 * len(PHRASES), "history": 0}
    assert {"top1", "top3", "macro_f1", "n_test", "split"} <= set(manifest["metrics"])
    assert "phrases held out" in manifest["metrics"]["split"]
    before = Path(f"{path}.json").read_text()
    again = StringIO()
    call_command("intelligence", "train", "--out", str(path), "--if-absent", stdout=again)
    assert "kept" in again.getvalue() and Path(f"{path}.json").read_text() == before


def test_history_is_closed_confirmed_complaints_read_from_the_office_copy(submit, citizen):
    confirmed = submit(anonymity=Anonymity.IDENTITY_HIDDEN_FROM_OFFICE)
    submit(subject="Still open", text="no water at all")  # not closed: not learnt from
    Complaint.objects.filter(pk=confirmed.pk).update(status="closed", outcome="relief_granted")
    rows = history_rows()
    assert [(key) for _, key, _ in rows] == ["MUN-WATER"]
    text = rows[0][0]
    assert "Ayesha" not in text and "Khan" not in text  # the name the complainant wrote is scrubbed
    assert "water" in text


def test_a_model_with_history_counts_it(submit, tmp_path):
    done = submit()
    Complaint.objects.filter(pk=done.pk).update(status="closed", outcome="partial_relief")
    manifest = suggest_model_train(path=tmp_path / "m", per_key=5)
    assert manifest["sources"]["history"] == 1
