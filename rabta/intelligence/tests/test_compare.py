"""``rabta intelligence compare``: variants by cross-validation on four fifths, the fifth held out
only when asked, and clear refusals."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from rabta.intelligence.corpus import PHRASES, generated


@pytest.fixture
def labelled(tmp_path):
    pairs = generated(per_key=20, seed=2, phrases_by_key={k: PHRASES[k] for k in ("MUN-WATER", "ENG-BILL")})
    path = tmp_path / "train.jsonl"
    path.write_text("\n".join(json.dumps({"input": f"Narrative: {t}\nProduct:", "output": k}) for t, k in pairs))
    return path


def test_cv_then_holdout_print_one_line_per_variant(labelled):
    out = StringIO()
    call_command(
        "intelligence", "compare", "--file", str(labelled), "--variants", "base,complement_nb", "--json", stdout=out
    )
    lines = [json.loads(x) for x in out.getvalue().splitlines()]
    assert [(x["variant"], x["protocol"]) for x in lines] == [("base", "cv5"), ("complement_nb", "cv5")]
    assert all(0 <= x["macro_f1"] <= 1 and "macro_f1_sd" in x for x in lines)
    held = StringIO()
    call_command("intelligence", "compare", "--file", str(labelled), "--holdout", "--json", stdout=held)
    line = json.loads(held.getvalue())
    assert line["protocol"] == "holdout" and line["n_test"] + line["n_train"] <= 40


def test_unknown_variant_and_one_label_are_refused(labelled, tmp_path):
    with pytest.raises(CommandError, match="unknown nope"):
        call_command("intelligence", "compare", "--file", str(labelled), "--variants", "nope")
    one = tmp_path / "one.json"
    one.write_text(json.dumps([{"input": "a b c", "output": "x"}, {"input": "d e f", "output": "x"}]))
    with pytest.raises(CommandError, match="one label"):
        call_command("intelligence", "compare", "--file", str(one))
