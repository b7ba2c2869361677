"""Generated spellings of one identifier: what a person, a phone keyboard or an attacker may type
for the same email address or phone number. Every spelling here must normalise to the original."""

from __future__ import annotations

import random

import phonenumbers

URDU_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
ARABIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"
FULLWIDTH_DIGITS = "０１２３４５６７８９"
# Invisible or blank characters people paste along with an identifier.
BLANKS = [" ", "  ", "\t", "\u00a0", "\u200b", "\u200e", "\u2009", "\u3000"]


def _fullwidth(ch: str) -> str:
    return chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch


def _mathematical(ch: str) -> str:
    # MATHEMATICAL BOLD small letters fold to ASCII under NFKC.
    return chr(0x1D41A + ord(ch) - ord("a")) if "a" <= ch <= "z" else ch


def email_spelling(rng: random.Random, email: str) -> str:
    out = []
    for ch in email:
        roll = rng.random()
        if roll < 0.35:
            ch = ch.upper()
        elif roll < 0.45:
            ch = _fullwidth(ch)
        elif roll < 0.5:
            ch = _mathematical(ch.lower())
        out.append(ch)
        if rng.random() < 0.1:
            out.append(rng.choice(BLANKS))
    return rng.choice([*BLANKS, ""]) + "".join(out) + rng.choice([*BLANKS, ""])


def phone_spelling(rng: random.Random, e164: str) -> str:
    """``e164`` is a Pakistani mobile number, +923XXXXXXXXX."""
    national = e164[3:]  # 3XXXXXXXXX
    prefix = rng.choice(["+92", "0092", "92", "0", "+92 ", "0092 ", "(+92) ", "+92-", "+92 (0)"])
    groups = [national[:3], national[3:]] if rng.random() < 0.5 else [national[:3], national[3:6], national[6:]]
    separator = rng.choice([" ", "-", "", ".", " - "])
    body = separator.join(groups)
    if rng.random() < 0.2:
        body = f"({groups[0]}) " + separator.join(groups[1:])
    text = prefix + body
    digits = rng.choice(["0123456789", URDU_DIGITS, ARABIC_DIGITS, FULLWIDTH_DIGITS, "0123456789"])
    text = "".join(digits[int(ch)] if ch.isdigit() and ch.isascii() else ch for ch in text)
    return rng.choice(["", " ", "\u200e"]) + text + rng.choice(["", " "])


LATIN_NAMES = ["Sana", "Iqbal", "Kamran", "Akhtar", "Ayesha", "Bilal", "Farah", "Hamza", "Zainab", "Usman"]
URDU_NAMES = ["ثناء", "اقبال", "کامران", "اختر", "عائشہ", "بلال", "فرح", "حمزہ", "زینب", "عثمان"]


def random_name(rng: random.Random) -> str:
    pool = rng.choice([LATIN_NAMES, URDU_NAMES])
    return " ".join(rng.sample(pool, rng.choice([2, 2, 3])))


def random_mobile(rng: random.Random) -> str:
    """A valid Pakistani mobile number in E.164."""
    while True:
        number = f"+923{rng.randrange(50):02d}{rng.randrange(10**7):07d}"
        if phonenumbers.is_valid_number(phonenumbers.parse(number)):
            return number
