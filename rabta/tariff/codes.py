"""Tariff codes as text: reading what people type (``8471.3010``, ``8471 30 10``), the prefixes a
code sits under, and the folding that lets a search match English or Urdu however it was typed."""

from __future__ import annotations

import re
import unicodedata

from rabta.tariff.choices import Level

CODE_LENGTHS = frozenset(int(level) for level in Level)
_SEPARATORS = re.compile(r"[\s.\-]")
_DIGITS = re.compile(r"[0-9]+")
# Arabic-script letters typed from Arabic or Persian keyboards, folded to the Urdu letters the
# descriptions are written with; and the short vowels and marks a search should not depend on.
_URDU_FOLD = str.maketrans(
    {"ي": "ی", "ى": "ی", "ئ": "ی", "ك": "ک", "ه": "ہ", "ة": "ہ", "ۀ": "ہ", "أ": "ا", "إ": "ا", "آ": "ا"}
)
_MARKS = re.compile("[\u064b-\u065f\u0670\u06d6-\u06ed\u200c\u200d\u200e\u200f]")
_NOT_WORD = re.compile(r"[^\w]+")


def code_clean(raw: str) -> str:
    """``raw`` without the separators people type inside a code, digits of any script (Urdu ``۸۴۷۱``)
    as ASCII; the result may still be malformed."""
    text = _SEPARATORS.sub("", str(raw or ""))[:40]
    return "".join(str(unicodedata.digit(char)) if char.isdecimal() else char for char in text)


def code_is_wellformed(code: str) -> bool:
    return bool(_DIGITS.fullmatch(code)) and len(code) in CODE_LENGTHS


def code_level(code: str) -> int:
    return len(code)


def code_parent(code: str) -> str | None:
    """The code one level up (``84713010`` → ``847130``), or None for a chapter."""
    lengths = sorted(length for length in CODE_LENGTHS if length < len(code))
    return code[: lengths[-1]] if lengths else None


def code_prefixes(code: str) -> list[str]:
    """The code and every code above it, chapter first (``847130`` → ``84``, ``8471``, ``847130``)."""
    return [code[:length] for length in sorted(CODE_LENGTHS) if length <= len(code)]


def code_display(code: str) -> str:
    """As the Pakistan Customs Tariff prints it: ``8471.3010``, ``8471.3010.0100``; HS codes unchanged."""
    if len(code) <= 6:
        return code
    rest = code[8:]
    return f"{code[:4]}.{code[4:8]}" + (f".{rest}" if rest else "")


def text_fold(text: str) -> str:
    """Lower case, compatibility forms, Urdu letter variants and marks folded, punctuation to
    single spaces: the same fold is applied to the stored search text and to the query."""
    folded = unicodedata.normalize("NFKC", text or "").casefold().translate(_URDU_FOLD)
    folded = _MARKS.sub("", folded)
    return " ".join(_NOT_WORD.sub(" ", folded).split())


def query_words(query: str) -> list[str]:
    return text_fold(query).split()
