"""The classifier on generated complaints: it learns, suggests, refuses bad input, and its
pickle-free artefacts round-trip and refuse tampering."""

import json
import random
from pathlib import Path

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from sklearn.feature_extraction.text import TfidfVectorizer

from rabta.core.errors import DomainError
from rabta.intelligence.classifier import (
    MAX_TEXT_CHARS,
    Block,
    model_load,
    model_save,
    model_train,
    records_read,
    unwrap,
)
from rabta.intelligence.errors import IntelligenceError

WORDS = {
    "water": ["pani", "nalka", "pipe", "leak", "پانی", "نلکا", "supply", "tanki"],
    "power": ["bijli", "transformer", "loadshedding", "بجلی", "meter", "wire", "voltage"],
    "roads": ["sarak", "pothole", "gadha", "سڑک", "tuti", "road", "bridge"],
}
FILLER = ["hamare", "mohalla", "mein", "kai", "din", "se", "please", "jaldi", "ہمارے", "محلے"]


def generated(n: int, seed: int) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        label = list(WORDS)[i % len(WORDS)]
        words = rng.sample(WORDS[label], 3) + rng.sample(FILLER, 4)
        rng.shuffle(words)
        out.append((" ".join(words), label))
    return out


@pytest.fixture(scope="module")
def model():
    pairs = generated(90, seed=1)
    return model_train([t for t, _ in pairs], [y for _, y in pairs])


def test_it_learns_generated_categories(model):
    held_out = generated(30, seed=2)
    right = sum(model.suggest(text)[0][0] == label for text, label in held_out)
    assert right >= 27


def test_spelling_and_script_variants_get_the_same_first_suggestion(model):
    assert model.suggest("PAANI ka nalkaa leak")[0][0] == "water"
    assert model.suggest("بجلي کا ميٹر")[0][0] == "power"


def test_suggestions_are_ordered_probabilities_and_respect_the_confidence(model):
    got = model.suggest("pani pipe leak", top=3)
    assert got[0][0] == "water"
    assert [p for _, p in got] == sorted((p for _, p in got), reverse=True)
    assert model.suggest("pani pipe leak", min_confidence=1.01) == []


@pytest.mark.parametrize("text", ["", "   ", "\u200b\u200c", "!!! ۔۔"])
def test_empty_text_is_a_clear_error(model, text):
    with pytest.raises(DomainError) as error:
        model.suggest(text)
    assert error.value.fields["text"][0]["code"] == IntelligenceError.TEXT_EMPTY


def test_too_long_text_is_a_clear_error(model):
    with pytest.raises(DomainError) as error:
        model.suggest("pani " * (MAX_TEXT_CHARS // 4))
    assert error.value.fields["text"][0]["code"] == IntelligenceError.TEXT_TOO_LONG


def test_mixed_script_and_unknown_words_do_not_crash(model):
    for text in ["پانی water 水 💧", "zzzz qqqq", "١٢٣"]:
        assert len(model.suggest(text)) <= 3


def test_one_label_is_a_clear_error():
    with pytest.raises(DomainError) as error:
        model_train(["pani", "nalka"], ["water", "water"])
    assert error.value.code == IntelligenceError.ONE_LABEL


def test_no_texts_is_a_clear_error():
    with pytest.raises(DomainError) as error:
        model_train(["", "  "], ["a", "b"])
    assert error.value.code == IntelligenceError.NO_TRAINING_DATA


def test_two_labels_work():
    pairs = [p for p in generated(60, seed=3) if p[1] != "roads"]
    two = model_train([t for t, _ in pairs], [y for _, y in pairs])
    assert two.suggest("bijli transformer")[0][0] == "power"


def test_stored_features_match_scikit_learn():
    texts = ["pani nahi a raha", "bijli ka meter", "سڑک ٹوٹی"]
    vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, lowercase=False)
    expected = vec.fit_transform(texts).toarray()
    terms = [""] * len(vec.vocabulary_)
    for term, index in vec.vocabulary_.items():
        terms[index] = term
    block = Block(terms=terms, idf=vec.idf_, analyzer="char_wb", ngram=(2, 5))
    assert np.allclose(block.transform(texts).toarray(), expected)


def test_artefacts_round_trip_without_pickle(model, tmp_path):
    manifest = model_save(model, tmp_path / "m", extra={"metrics": {"top1": 1.0}})
    assert manifest["labels"] == model.labels
    loaded = model_load(tmp_path / "m")
    text = "pani ki tanki leak"
    assert loaded.suggest(text) == model.suggest(text)
    np.load(tmp_path / "m.npz", allow_pickle=False).close()


def test_a_tampered_artefact_is_refused(model, tmp_path):
    model_save(model, tmp_path / "m")
    data = bytearray((tmp_path / "m.npz").read_bytes())
    data[-30] ^= 0xFF
    (tmp_path / "m.npz").write_bytes(bytes(data))
    with pytest.raises(DomainError) as error:
        model_load(tmp_path / "m")
    assert error.value.code == IntelligenceError.ARTEFACT_TAMPERED


def test_records_are_read_from_json_array_and_json_lines(tmp_path):
    (tmp_path / "a.json").write_text(json.dumps([{"input": "Narrative: pani leak\nProduct:\n", "output": "w"}]))
    (tmp_path / "b.jsonl").write_text('{"input": "bijli", "output": "p"}\n{"input": "sarak", "output": "r"}\n')
    assert records_read(tmp_path / "a.json") == [("pani leak", "w")]
    assert records_read(tmp_path / "b.jsonl") == [("bijli", "p"), ("sarak", "r")]
    assert unwrap("Narrative: x y\nProduct:") == "x y"


def _write(path: Path, pairs):
    path.write_text("\n".join(json.dumps({"input": f"Narrative: {t}\nProduct:\n", "output": y}) for t, y in pairs))


def test_backtest_command_prints_the_figures(tmp_path, capsys):
    train, test = generated(90, seed=4), generated(30, seed=5)
    _write(tmp_path / "train.jsonl", train + train[:5])
    _write(tmp_path / "test.jsonl", test + train[:2])
    call_command(
        "intelligence",
        "backtest",
        "--train",
        str(tmp_path / "train.jsonl"),
        "--test",
        str(tmp_path / "test.jsonl"),
        "--json",
        "--save",
        str(tmp_path / "model"),
    )
    figures = json.loads(capsys.readouterr().out)
    assert {"top1", "top3", "macro_f1", "n_test"} <= set(figures)
    assert figures["n_leaked"] == 2 and figures["n_test"] <= 30
    assert figures["top3"] == 1.0 and figures["macro_f1"] >= 0.9
    assert model_load(tmp_path / "model").manifest["metrics"]["n_test"] == figures["n_test"]


def test_backtest_command_refuses_a_bad_file(tmp_path):
    (tmp_path / "bad.json").write_text('[{"text": 1}]')
    with pytest.raises(CommandError, match="lacks 'input'"):
        call_command(
            "intelligence", "backtest", "--train", str(tmp_path / "bad.json"), "--test", str(tmp_path / "bad.json")
        )


def test_probabilities_block_by_block_equal_the_stacked_product(model):
    texts = ["pani ki tanki leak", "bijli ka transformer jal gaya", "سڑک ٹوٹی ہوئی ہے", "zzz"]
    scores = np.asarray(model._features(texts) @ model.coef.T) + model.intercept
    expected = np.exp(scores - scores.max(axis=1, keepdims=True))
    expected /= expected.sum(axis=1, keepdims=True)
    assert np.allclose(model.probabilities(texts), expected)
