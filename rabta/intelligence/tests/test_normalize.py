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


# --- Generated inputs ---------------------------------------------------------------------------
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from rabta.intelligence.abuse import WORDS, abusive_terms  # noqa: E402

MIXED = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0x20, max_codepoint=0x7E),
        st.characters(min_codepoint=0x0600, max_codepoint=0x06FF),
        st.sampled_from(["\u200b", "\u200c", "\u200d", "\u200f", "\ufeff", "é", "ß", "Ａ", "\n", "\t"]),
    ),
    max_size=200,
)


@settings(max_examples=300, deadline=None)
@given(MIXED)
def test_normalising_twice_is_normalising_once(text):
    once = normalise(text)
    assert normalise(once) == once
    assert once == once.strip() and "  " not in once and once == once.casefold()


@settings(max_examples=200, deadline=None)
@given(MIXED, st.integers(min_value=0, max_value=200), st.sampled_from(["\u200b", "\u200c", "\u200d", "\ufeff"]))
def test_invisible_characters_anywhere_change_nothing(text, at, invisible):
    at = min(at, len(text))
    assert normalise(text[:at] + invisible + text[at:]) == normalise(text)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(sorted(WORDS)), MIXED.filter(lambda s: not abusive_terms(s)), st.booleans())
def test_a_listed_word_is_found_in_any_case_and_surrounding_text(word, around, upper):
    shown = word.upper() if upper else word
    assert word in abusive_terms(f"{around} {shown} {around}")


def test_words_with_an_everyday_meaning_in_complaints_are_not_abuse():
    for text in ("Stray kutte bite children", "the chor stole the meter", "Scunthorpe", "آوارہ کتے", "idiotic delays"):
        assert abusive_terms(text) == []
