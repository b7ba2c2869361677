"""Abusive language in a complaint's text: a short word list in English, Roman Urdu and Urdu
script, compared after :func:`rabta.intelligence.normalize.normalise` (so "HARAMI", "haraami" and
"h a r a m i"-free spellings with zero-width characters all meet the same entry).

It only finds words for a person to read (a ``MisuseSignal``): an angry complainant is not an
abusive one, and the list leaves out words with an everyday meaning in complaints ("chor", a thief,
is what corruption complaints are about; "kutta", a dog, is what stray-dog complaints are about).
Whole words and phrases only: "Scunthorpe" stays clean.
"""

from __future__ import annotations

from rabta.intelligence.normalize import normalise

# Insults and obscenities aimed at a person. Each entry is normalised at import, so the list may
# carry any common spelling.
_WORDS = (
    # English
    "idiot",
    "idiots",
    "moron",
    "morons",
    "bastard",
    "bastards",
    "bitch",
    "fuck",
    "fucking",
    "fucker",
    "motherfucker",
    "shit",
    "bullshit",
    "asshole",
    "scum",
    "imbecile",
    "son of a bitch",
    # Roman Urdu
    "harami",
    "haramzada",
    "haramzade",
    "kamina",
    "kamine",
    "kaminay",
    "kameena",
    "beghairat",
    "be ghairat",
    "begairat",
    "ullu ka pattha",
    "ullu ke patthe",
    "ullu ka patha",
    "ullu ke pathe",
    "badmash",
    "lanati",
    "lanti",
    "bhadva",
    "bhadwa",
    "bhosri",
    "gandu",
    "chutiya",
    "chutia",
    "madarchod",
    "behenchod",
    "bhenchod",
    "kanjar",
    "khabees",
    "zaleel",
    # Urdu script
    "حرامی",
    "حرامزادہ",
    "حرام زادہ",
    "حرام زادے",
    "کمینہ",
    "کمینے",
    "بے غیرت",
    "بےغیرت",
    "الو کا پٹھا",
    "الو کے پٹھے",
    "بدمعاش",
    "لعنتی",
    "بھڑوا",
    "کنجر",
    "خبیث",
    "ذلیل",
    "گانڈو",
    "چوتیا",
)
WORDS: frozenset[str] = frozenset(normalise(w) for w in _WORDS if normalise(w))
_LONGEST = max(len(w.split()) for w in WORDS)


def abusive_terms(text: str) -> list[str]:
    """The word-list entries found in ``text`` as whole words or phrases, normalised, in the order
    they first appear (each once); [] for clean or blank text."""
    words = normalise(text or "").split()
    found: list[str] = []
    for i in range(len(words)):
        for n in range(1, _LONGEST + 1):
            if i + n > len(words):
                break
            phrase = " ".join(words[i : i + n])
            if phrase in WORDS and phrase not in found:
                found.append(phrase)
    return found
