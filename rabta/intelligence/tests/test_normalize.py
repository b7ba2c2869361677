"""The normalisation folds script and spelling variants onto one form (generated variants)."""

import random

import pytest

from rabta.intelligence.normalize import normalise

URDU = ["پانی نہیں آ رہا", "کچرا اٹھایا نہیں گیا", "بجلی کی لوڈشیڈنگ", "سڑک ٹوٹی ہوئی ہے"]
ROMAN = ["pani nahi a raha", "kachra uthaya nahi gaya", "bijli ki loadshedding", "sarak tuti hui hai"]


def _urdu_variant(text: str, rng: random.Random) -> str:
    swaps = {"ی": ["ي", "ى"], "ک": ["ك"], "ہ": ["ه", "ۃ"]}
    out = []
    for char in text:
        if char in swaps and rng.random() < 0.7:
            char = rng.choice(swaps[char])
        out.append(char)
        if char.strip() and rng.random() < 0.2:
            out.append(rng.choice(["\u064e", "\u0650", "\u0651", "\u200c", "\u200b", "\u0640"]))
    return "".join(out)


def _roman_variant(text: str, rng: random.Random) -> str:
    out = text
    if rng.random() < 0.5:
        out = out.replace("a", "aa", 1)
    if rng.random() < 0.5:
        out = out.replace("i", "ee")
    if rng.random() < 0.5:
        out = out.replace("u", "oo")
    if rng.random() < 0.5:
        out = out.replace("k", "kh")
    if rng.random() < 0.5:
        out = out.replace("z", "zh")
    if rng.random() < 0.3:
        out = out.upper()
    return out


@pytest.mark.parametrize("seed", range(25))
def test_urdu_letter_variants_and_marks_fold_to_one_form(seed):
    rng = random.Random(seed)
    for text in URDU:
        assert normalise(_urdu_variant(text, rng)) == normalise(text)


@pytest.mark.parametrize("seed", range(25))
def test_roman_urdu_spelling_variants_fold_to_one_form(seed):
    rng = random.Random(seed)
    for text in ROMAN:
        assert normalise(_roman_variant(text, rng)) == normalise(text)


def test_different_words_stay_different():
    assert normalise("pani") != normalise("bijli")
    assert normalise("پانی") != normalise("بجلی")


def test_blank_and_symbol_only_text_is_empty():
    assert normalise("") == ""
    assert normalise(" \u200b\u200c !!! ۔۔ ") == ""


def test_digits_of_every_script_become_ascii():
    assert normalise("۱۲۳ ١٢٣ 123") == "123 123 123"
