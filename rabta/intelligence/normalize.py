"""Transliteration-aware text normalisation for English, Urdu script and Roman Urdu.

The classifier and the duplicate finder compare *normalised* text, so that the same complaint
written with different letters or spellings lands on the same character n-grams:

- Urdu script: Arabic and Farsi forms of yeh (ي ى ئ → ی) and kaf (ك → ک), the heh forms
  (ه ۃ ة → ہ; ھ stays: it is aspiration), hamza on waw (ؤ → و), alef forms (أ إ آ ٱ → ا);
  diacritics (zabar, zer, pesh, tashdid, sukun, superscript alef) and tatweel removed; Arabic-Indic
  and Extended Arabic-Indic digits → ASCII; Urdu punctuation (۔ ، ؟) → space.
- Invisible characters: zero-width space/joiner/non-joiner, bidi marks and the BOM removed.
- Roman Urdu (and English) in Latin letters: NFKC, case folded, accents stripped, then spelling
  variants folded: doubled vowels (paani → pani, ghar = ghaar), ``kh`` → ``k``, ``zh`` → ``z``,
  ``gh`` → ``g``, ``ph`` → ``f``, ``w``/``v`` → ``v``, ``ee``/``i`` and ``oo``/``u`` alike, any letter
  repeated three or more times squeezed ("bohottt" → "bohot").

It is deliberately lossy: it is for matching, never for display.
"""

from __future__ import annotations

import re
import unicodedata

_URDU_MAP = str.maketrans(
    {
        "ي": "ی",
        "ى": "ی",
        "ئ": "ی",
        "ې": "ی",
        "ك": "ک",
        "ه": "ہ",
        "ۃ": "ہ",
        "ة": "ہ",
        "ۀ": "ہ",
        "ؤ": "و",
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "۔": " ",
        "،": " ",
        "؟": " ",
        "٬": " ",
        **{chr(0x0660 + i): str(i) for i in range(10)},
        **{chr(0x06F0 + i): str(i) for i in range(10)},
    }
)
# Diacritics (harakat, tanwin, shadda, sukun, superscript alef, Urdu marks) and tatweel.
_URDU_MARKS = re.compile("[\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\u00ad]")
_LATIN_FOLDS = (
    (re.compile(r"([a-z])\1{2,}"), r"\1"),  # bohottt → bohot
    (re.compile(r"ee|ii"), "i"),
    (re.compile(r"oo|uu"), "u"),
    (re.compile(r"aa"), "a"),
    (re.compile(r"kh"), "k"),
    (re.compile(r"zh"), "z"),
    (re.compile(r"gh"), "g"),
    (re.compile(r"ph"), "f"),
    (re.compile(r"w"), "v"),
    (re.compile(r"q"), "k"),
)
_SPACES = re.compile(r"[^\w]+|_")


def _strip_accents(text: str) -> str:
    """Latin accents off (é → e) without touching Urdu letters, whose marks are handled above."""
    out = []
    for char in unicodedata.normalize("NFD", text):
        if unicodedata.category(char) == "Mn" and not ("\u0600" <= char <= "\u06ff"):
            continue
        out.append(char)
    return unicodedata.normalize("NFC", "".join(out))


def normalise(text: str) -> str:
    """The matching form of ``text`` (see the module's docstring); "" for blank text."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE.sub("", text)
    text = text.translate(_URDU_MAP)
    text = _URDU_MARKS.sub("", text)
    text = _strip_accents(text).casefold()
    # Again until nothing changes, so that normalising twice gives the same text: one fold may make
    # another's letters ("eei" → "ii", "qh" → "kh"). Every fold but w → v and q → k shortens the
    # text, and those two apply once per letter, so this ends.
    previous = None
    while previous != text:
        previous = text
        for pattern, replacement in _LATIN_FOLDS:
            text = pattern.sub(replacement, text)
    return " ".join(_SPACES.sub(" ", text).split())


# --- Similarity for likely duplicates -------------------------------------------------------------
# Character trigrams of each normalised word (padded with a space at both ends, so that word starts
# and ends count), compared as sets. Spelling variants that survive ``normalise`` ("nahi"/"nahin")
# still share most of their trigrams, and the same measure works in any script.
NGRAM = 3
RECENCY_WEIGHT = 0.2  # at most this share of the score comes from being recent
RECENCY_HALF_LIFE_DAYS = 30.0


def char_ngrams(text: str, n: int = NGRAM) -> frozenset[str]:
    """The set of character n-grams of the normalised words of ``text`` (empty for blank text)."""
    grams: set[str] = set()
    for word in normalise(text).split():
        padded = f" {word} "
        if len(padded) <= n:
            grams.add(padded)
        else:
            grams.update(padded[i : i + n] for i in range(len(padded) - n + 1))
    return frozenset(grams)


def ngram_similarity(mine: frozenset[str], theirs: frozenset[str]) -> float:
    """Jaccard similarity of two n-gram sets, 0..1 (0 when either is empty)."""
    if not mine or not theirs:
        return 0.0
    return len(mine & theirs) / len(mine | theirs)


def duplicate_score(similarity: float, *, age_days: float) -> float:
    """Text similarity discounted by age: an earlier complaint filed today keeps the full score, one
    ``RECENCY_HALF_LIFE_DAYS`` old loses half of ``RECENCY_WEIGHT``; newer is likelier the same problem."""
    recency = 0.5 ** (max(age_days, 0.0) / RECENCY_HALF_LIFE_DAYS)
    return similarity * (1.0 - RECENCY_WEIGHT + RECENCY_WEIGHT * recency)
