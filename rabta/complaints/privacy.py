"""What an office may read of a complainant who hid their identity from it.

Two kinds of text are removed before an office sees a hidden complainant's words:

* the complainant's own identifiers, in every spelling we can derive: each part of their name as
  written, in the other script (a table of common Urdu and Roman spellings, plus a phonetic key that
  both scripts reduce to), their email address and its user name, and every number on their account
  (phone, CNIC/NICOP/POC, passport, NTN) whatever the separators or digits used;
* anything that has the *shape* of an identifier, whoever it belongs to: identity, passport and tax
  numbers, phone numbers, email addresses and handles, and "my name is ..." introductions. A person
  hiding from the office often names a relative, or writes their number in a form we did not think
  of; removing the shape fails closed.

Matching is on whole words (a user called Ali keeps "quality" intact: a partial match both corrupts
the text and tells the officer the name). Scrubbing is applied at write time to the ``*_for_office``
copies, which are what office searches read; :func:`complaint_view` and :func:`office_text` are
the one place a reader's copy of complainant-written text, and the complainant's name, is chosen.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Any

import phonenumbers
from django.db.models import Q

from rabta.complaints.choices import HIDDEN_FROM_OFFICE, Anonymity, MessageDirection
from rabta.complaints.permissions import is_owner

COMPLAINANT = "[complainant]"  # the complainant's own name or identifier
REDACTED = "[removed]"  # something shaped like anyone's identifier

# Common names as Pakistanis write them in Roman and in Urdu script. Each line is one name: its Roman
# spellings, then "|", then its Urdu spellings. The phonetic key below catches spellings not listed
# for names of three consonants or more; the table is what makes short names (Ali, Umar, Sana) and
# irregular ones (Mohd, Ayesha) match across scripts.
_NAME_TABLE = """
muhammad mohammad mohammed muhammed mohamed mohamad mohd muhamad | محمد
ahmad ahmed ahmet | احمد
ali aly alee aali | علی
hassan hasan | حسن
hussain husain hussein husein hossain | حسین
umar omar umer omer | عمر
usman osman othman usmaan | عثمان
abubakar abubakr | ابوبکر
bilal bilaal | بلال
imran imraan | عمران
kamran kamraan | کامران
farhan | فرحان
faisal faysal feisal | فیصل
asif aasif | آصف عاصف
arif aarif | عارف
tariq tarik tareq | طارق
zahid | زاہد
khalid khaled | خالد
hamid hameed | حامد حمید
rashid rasheed | راشد رشید
saeed saeid sayeed | سعید
javed javaid jawed | جاوید
naveed navid | نوید
waseem wasim | وسیم
nadeem nadim | ندیم
kashif | کاشف
shahid | شاہد
sajid | ساجد
majid maajid | ماجد
amir aamir aamer amer | عامر امیر
yasir yasser yaser | یاسر
yousuf yusuf yousaf yusaf yousef | یوسف
ibrahim ebrahim | ابراہیم
ismail esmail | اسماعیل
ishaq ishaaq | اسحاق
idrees idris | ادریس
younis younas yunus yunis | یونس
zubair zubayr | زبیر
zain zayn | زین
hamza hamzah | حمزہ
saad | سعد
talha | طلحہ
abdullah abdulla | عبداللہ
abdul | عبدال عبد
rehman rahman rehmaan rahmaan | رحمان رحمن
raheem rahim | رحیم
kareem karim | کریم
haq haque | حق
rauf raoof | رؤف
qadir qader | قادر
nasir naseer nasser | ناصر نصیر
noor nur | نور
shah | شاہ
khan khaan | خان
malik | ملک
butt | بٹ
bhatti | بھٹی
chaudhry chaudhary choudhry chaudry chaudhri | چوہدری چودھری
qureshi qureishi kureshi | قریشی
siddiqui siddiqi sidiqui | صدیقی
sheikh shaikh shaykh | شیخ
syed sayed sayyid | سید
raza rizza reza | رضا
rizvi | رضوی
naqvi | نقوی
jafri jafferi jafary | جعفری
mirza | مرزا
awan | اعوان
baloch baluch | بلوچ
khattak | خٹک
yousafzai yusufzai | یوسفزئی
afridi | آفریدی
gill | گل
iqbal | اقبال
akbar | اکبر
asghar | اصغر
aslam | اسلم
akram | اکرم
anwar | انور
irfan | عرفان
nawaz | نواز
shahbaz | شہباز
sharif shareef | شریف
jamil jameel | جمیل
nabeel nabil | نبیل
adeel adil aadil | عادل عدیل
fahad fahd | فہد
danish | دانش
junaid | جنید
salman | سلمان
sohail suhail | سہیل
sultan | سلطان
waqas | وقاص
zeeshan | ذیشان
haris | حارث
owais uwais | اویس
ayesha aisha aysha ayisha aayesha ayeshah aesha aishah | عائشہ
fatima fatimah fatma faatima | فاطمہ
khadija khadijah | خدیجہ
zainab zaynab zenab | زینب
maryam mariam mariyam | مریم
amna aamna | آمنہ
sana sanaa | ثنا ثناء
hina heena | حنا
sadia saadia | سعدیہ
saba | صبا
nadia | نادیہ
rabia | رابعہ
samina | ثمینہ
shazia | شازیہ
naila | نائلہ
bushra | بشریٰ بشری
asma | اسما اسماء
uzma | عظمیٰ عظمی
farah | فرح
hira | حرا
iqra | اقرا اقراء
mehwish | مہوش
nazia | نازیہ
rubina | روبینہ
shabana | شبانہ
sumaira | سمیرا
tahira | طاہرہ
yasmin yasmeen | یاسمین
zara | زارا
bibi | بی بی بیبی
nida nidaa | ندا
huma | ہما
aliya aaliya alia | عالیہ
rida | ردا
sidra | سدرہ
amina aamina | امینہ
anam | انعم
aqsa | اقصیٰ اقصی
sara sarah | سارہ
hafsa | حفصہ
laiba | لائبہ
mahnoor | ماہنور
noreen | نورین
sobia | صوبیہ
nasreen nasrin | نسرین
ghazala | غزالہ
kiran | کرن
sadaf | صدف
zubaida | زبیدہ
rukhsana | رخسانہ
zahra | زہرا
ayaz | ایاز
aziz | عزیز
babar | بابر
ijaz ejaz | اعجاز
fahim faheem | فہیم
ghulam | غلام
habib | حبیب
haider hyder | حیدر
ilyas | الیاس
jawad | جواد
kamal | کمال
jamal | جمال
latif lateef | لطیف
mansoor mansur | منصور
qasim | قاسم
rafiq rafique | رفیق
riaz | ریاض
sadiq | صادق
sami | سمیع
shakeel shakil | شکیل
shoaib | شعیب
tahir | طاہر
waheed wahid | وحید
zafar | ظفر
zia | ضیاء ضیا
shabbir | شبیر
mehmood mahmood mahmud | محمود
akhtar | اختر
ashraf | اشرف
arshad | ارشد
asad | اسد
ahsan | احسن
abbas | عباس
uzair | عزیر
tanveer tanvir | تنویر
mustafa | مصطفیٰ مصطفی
saima | صائمہ
sonia | سونیا
amber ambar | عنبر
nimra | نمرہ
maira | مائرہ
mehak | مہک
areeba | اریبہ
sehar sahar | سحر
hareem | حریم
eman iman | ایمان
aleena alina | علینہ
hania | ہانیہ
rimsha | رمشا
ayan | ایان
rayyan rayan | ریان
ahad | احد
arham | ارحم
azan | اذان
hadi | ہادی
musa moosa | موسیٰ موسی
isa eesa | عیسیٰ عیسی
taha | طہٰ طہ
yahya | یحییٰ یحیی
zakir | ذاکر
sabir | صابر
naeem naim | نعیم
saleem salim | سلیم
kaleem kalim | کلیم
aleem alim | علیم
wasif | واصف
atif aatif | عاطف
begum | بیگم
parveen parvin | پروین
kausar kausir | کوثر
"""

# Words that share a phonetic key with a common name but are everyday words: only an exact spelling
# of the complainant's name removes them.
_COMMON_WORDS = frozenset(
    {
        *("hasn", "answer", "answers", "house", "houses", "mourn", "moron", "amount", "mention", "manner"),
        *("matter", "master", "sister", "brother", "mother", "father", "daughter", "order", "orders", "under"),
        *("number", "numbers", "water", "paper", "header", "leader", "reader", "harder", "holder", "hours"),
        *("address", "crash", "rather", "summer", "manner", "mister", "minister", "sooner", "senior"),
    }
)

# Arabic-script and Latin combining marks, and joiners: dropped before comparing words.
# Invisible characters someone may slip inside a name (A\u200bli): part of the word, then dropped.
_INVISIBLE = "\u200b-\u200f\u2060\ufeff\u00ad\u0640"  # zero-width and direction marks, soft hyphen, tatweel
_MARKS = f"\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0300-\u036f{_INVISIBLE}"
_WORD = re.compile(rf"(?:[^\W\d_]|[{_MARKS}])+")
_INVISIBLE_RE = re.compile(f"[{_INVISIBLE}]")
_FOLDED_LETTERS = str.maketrans(
    {
        # Arabic letter forms as Urdu writes them.
        "ي": "ی", "ى": "ی", "ك": "ک", "ه": "ہ", "ة": "ہ", "ۀ": "ہ", "ٱ": "ا",
        # Cyrillic and Greek letters that look Latin (Аli with a Cyrillic А), lower case.
        "а": "a", "в": "b", "е": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c", "т": "t",
        "у": "y", "х": "x", "і": "i", "ј": "j", "ѕ": "s", "һ": "h", "ԁ": "d", "ӏ": "l",
        "α": "a", "β": "b", "ε": "e", "ζ": "z", "η": "h", "ι": "i", "κ": "k", "μ": "m", "ν": "n", "ο": "o",
        "ρ": "p", "τ": "t", "υ": "y", "χ": "x",
    }
)  # fmt: skip


@lru_cache(maxsize=65536)  # words repeat: most of a text's words were folded before
def fold(word: str) -> str:
    """A word as compared: no marks, lower case, Arabic letter forms as Urdu writes them."""
    decomposed = unicodedata.normalize("NFKD", word)
    # Tatweel (ـ) only stretches a letter: علـی is علی.
    bare = "".join(c for c in _INVISIBLE_RE.sub("", decomposed) if not unicodedata.combining(c))
    return bare.casefold().translate(_FOLDED_LETTERS)


# The phonetic key: both scripts reduced to consonant classes, vowels and the half-vowels (w, y, و,
# ی) dropped after the first letter, doubled letters collapsed, a final h (Fatimah, شاہ) dropped.
_LATIN_DIGRAPHS = (("kh", "X"), ("gh", "G"), ("sh", "$"), ("ch", "C"), ("zh", "Z"), ("ph", "P"), ("ck", "K"))
_LATIN = {
    "b": "B", "p": "P", "t": "T", "d": "D", "j": "J", "k": "K", "q": "K", "c": "K", "g": "G", "x": "K",
    "s": "S", "z": "Z", "f": "F", "r": "R", "l": "L", "m": "M", "n": "N", "h": "H",
}  # fmt: skip
_URDU = {
    "ب": "B", "پ": "P", "ت": "T", "ٹ": "T", "ط": "T", "ث": "S", "س": "S", "ص": "S", "ج": "J", "چ": "C",
    "ح": "H", "ہ": "H", "خ": "X", "د": "D", "ڈ": "D", "ذ": "Z", "ز": "Z", "ض": "Z", "ظ": "Z", "ژ": "Z",
    "ر": "R", "ڑ": "R", "ش": "$", "غ": "G", "گ": "G", "ف": "F", "ق": "K", "ک": "K", "ل": "L", "م": "M",
    "ن": "N", "ں": "N",
}  # fmt: skip
_VOWEL_START = set("aeiouاآعءئ")
_HALF_VOWEL_START = {"w": "W", "v": "W", "و": "W", "y": "Y", "ی": "Y", "ے": "Y"}
_ASPIRATED_AFTER = set("bptdjkgr")  # bh, th, dh, jh ...: the h is aspiration, ھ in Urdu


@lru_cache(maxsize=65536)
def name_key(word: str) -> str:
    """The phonetic key of one word in either script: 'Hussain', 'Husain' and 'حسین' give 'HSN'."""
    w = fold(word)
    if not w:
        return ""
    first = w[0]
    head = "A" if first in _VOWEL_START else _HALF_VOWEL_START.get(first, "")
    classes: list[str] = []
    i = 0
    while i < len(w):
        pair = w[i : i + 2]
        digraph = next((code for latin, code in _LATIN_DIGRAPHS if pair == latin), None)
        if digraph:
            classes.append(digraph)
            i += 2
            continue
        c = w[i]
        if c == "h" and i and w[i - 1] in _ASPIRATED_AFTER:
            i += 1
            continue
        code = _LATIN.get(c) or _URDU.get(c)
        if code:
            classes.append(code)
        i += 1
    collapsed = [c for n, c in enumerate(classes) if not n or c != classes[n - 1]]
    if len(collapsed) > 1 and collapsed[-1] == "H" and w[-1] in "hہ":
        collapsed.pop()
    if head in ("W", "Y") and collapsed and collapsed[0] == head:
        collapsed = collapsed[1:]
    return head + "".join(collapsed)


def _key_is_distinctive(key: str) -> bool:
    consonants = key.lstrip("AWY")
    return len(consonants) >= 3


@lru_cache(maxsize=1)
def _table() -> dict[str, frozenset[str]]:
    """Every listed spelling → all spellings of that name, in both scripts."""
    groups: dict[str, frozenset[str]] = {}
    for line in _NAME_TABLE.strip().splitlines():
        roman, _, urdu = line.partition("|")
        spellings = frozenset(fold(s) for s in (*roman.split(), *urdu.split()))
        for spelling in spellings:
            groups[spelling] = groups.get(spelling, frozenset()) | spellings
    return groups


SAME_SCRIPT_SIMILARITY = 0.75  # Shahzeb/Shahzaib 0.8, Tamboly/Tamboli 0.86; header/Hyder 0.73, address/Idrees 0.62


def _script(word: str) -> str:
    return "latin" if word.isascii() else "other"


@dataclass
class NameMatcher:
    """Matches any word that is a spelling of one of a person's name parts: a listed or recorded
    spelling exactly, or a word with the same phonetic key. Within one script a key is not enough
    ("address" and "Idrees" share one): the word must also be spelled much like a known spelling.
    Across scripts the key decides, as that is all the two spellings share."""

    spellings: set[str] = field(default_factory=set)
    keys: dict[str, set[str]] = field(default_factory=dict)  # key -> the spellings that give it

    def add(self, name: str) -> None:
        parts = [fold(p) for p in _WORD.findall(name)]
        table = _table()
        for part in parts:
            if len(part) < 3 and part not in table:
                continue  # "ul", "ur", "e": joining particles, not names
            variants = table.get(part, frozenset()) | {part}
            self.spellings |= variants
            for variant in variants:
                key = name_key(variant)
                if _key_is_distinctive(key):
                    self.keys.setdefault(key, set()).add(variant)
        # Parts written together, in any order: "AliKhan", "KhanAli", "عبدالرحمن".
        for i, a in enumerate(parts):
            for b in parts[i + 1 :]:
                for left in table.get(a, frozenset()) | {a}:
                    for right in table.get(b, frozenset()) | {b}:
                        self.spellings |= {left + right, right + left}
        if len(parts) > 2:
            self.spellings.add("".join(parts))

    def matches(self, word: str) -> bool:
        folded = fold(word)
        if folded in self.spellings:
            return True
        if folded in _COMMON_WORDS or not self.keys:
            return False
        known = self.keys.get(name_key(folded))
        if not known:
            return False
        script = _script(folded)
        same_script = [spelling for spelling in known if _script(spelling) == script]
        return not same_script or any(
            SequenceMatcher(None, folded, spelling).ratio() >= SAME_SCRIPT_SIMILARITY for spelling in same_script
        )


# --- identifier shapes, whoever they belong to -------------------------------------------------

_SEP = "\\s\\-./()_*·+:\u2010-\u2015\u2212\u200b-\u200f\u2060\ufeff\u00ad"
# A comma joins digits only with none around it (35202,1234567,1), so "rooms 12, 14, 16" stays a list.
_DIGIT_RUN = re.compile(rf"\+?\d(?:(?:[{_SEP}]{{0,3}}|,)\d)*")
_PASSPORT = re.compile(r"(?<![^\W\d_])([a-z]{1,2})[\s\-]?\d{6,9}(?!\d)")
_EMAIL = re.compile(r"[\w.+%'-]*\s*@\s*[\w-]+(?:\s*\.\s*[\w-]+)*")
_EMAIL_SPELLED = re.compile(
    r"[\w.+%-]+\s*(?:[\[({<]\s*at\s*[\])}>]|\bat\b)\s*[\w-]+(?:\s*(?:[\[({<]\s*dot\s*[\])}>]|\bdot\b)\s*[\w-]+)+"
    # "ali at gmail.com": a spelled "at" with a plain dot needs a known ending, or "at home.then" would go.
    r"|[\w.+%-]+\s*(?:[\[({<]\s*at\s*[\])}>]|\bat\b)\s*[\w-]+(?:\.[\w-]+)*\.(?:com|pk|net|org|edu|gov|co|uk|io|info|me)\b"
)
_DATE = re.compile(r"(\d{1,4})[-./ ](\d{1,2})[-./ ](\d{1,4})")
_TIME = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?")
_DATE_TIME = re.compile(r"(?P<date>.+?)(?:,?\s+(?P<time>\d{1,2}:\d{2}(?::\d{2})?))?")
# 1,500,000 or 15,00,000 (lakh grouping): a count or an amount, not an identifier.
_GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+|\d{1,2}(?:,\d{2})*,\d{3}")
_CURRENCY_BEFORE = re.compile(r"(?:rs|pkr|rupees|usd|\$|€|£)\.?\s*$")
_CURRENCY_AFTER = re.compile(r"^\s*(?:/-|rs\b|pkr\b|rupees\b|روپے|روپیہ)")
# Someone introducing themselves or naming a relative: the following words are a name.
_INTRODUCTION = re.compile(
    r"(?:\bmy name is|\bname\s*:|\bi am|\bi'm|\bs/o|\bd/o|\bw/o|\bson of|\bdaughter of|\bwife of"
    r"|\bregards,?|\bsincerely,?|\bmera naam|میرا نام|ولد|بنت|زوجہ|منجانب)[\s:,-]*"
)
_URDU_STOP = {"ہے", "ہوں", "ہیں", "اور", "کا", "کی", "کے", "سے", "میں", "نے"}
_MONEY_MAX_DIGITS = 9  # an amount in the text; a phone (10+) or CNIC (13) is never taken for one
_IDENTIFIER_MIN_DIGITS = 7  # NTN has 7; any phone number at least that


@lru_cache(maxsize=4096)
def _fold_char(c: str) -> str:
    """One character as matched: digits of any script as ASCII digits, full-width and other
    compatibility forms as their plain letter, lower case. Always one character, so positions in
    the folded text are positions in the original."""
    value = unicodedata.decimal(c, None)
    if value is not None:
        return str(value)
    plain = unicodedata.normalize("NFKC", c)
    if len(plain) == 1:
        c = plain
    lower = c.lower()
    return lower if len(lower) == 1 else c


def _fold_text(text: str) -> str:
    return "".join(_fold_char(c) for c in text)


def _is_date(value: str) -> bool:
    match = _DATE.fullmatch(value)
    if not match:
        return False
    a, b, c = (int(g) for g in match.groups())
    return (1 <= b <= 12) and ((1 <= a <= 31 and c >= 1900) or (a >= 1900 and 1 <= c <= 31))


def _looks_like_date(run: str) -> bool:
    """A date, a date and time of day, or a time: 15-01-2024, 2024.01.15 10:30, 10:30:00."""
    if _TIME.fullmatch(run):
        return True
    match = _DATE_TIME.fullmatch(run)
    return match is not None and _is_date(match.group("date"))


def _looks_like_count(run: str, digits: str) -> bool:
    return len(digits) <= _MONEY_MAX_DIGITS and bool(_GROUPED.fullmatch(run))


def _is_money(folded: str, start: int, end: int, digits: str) -> bool:
    run = folded[start:end]
    if len(digits) > _MONEY_MAX_DIGITS or digits.startswith("0") or not (run.isdigit() or _GROUPED.fullmatch(run)):
        return False
    return bool(_CURRENCY_BEFORE.search(folded[max(0, start - 8) : start]) or _CURRENCY_AFTER.match(folded[end:]))


@dataclass(frozen=True)
class Identity:
    """What identifies one person: name matcher, the numbers on their account, their email."""

    names: NameMatcher
    numbers: frozenset[str]  # digits only: phone (national part), CNIC, NTN
    codes: frozenset[str]  # letters and digits: passport numbers
    emails: frozenset[str]
    handles: frozenset[str]  # the email's user name, when it is not an ordinary word


NOBODY = Identity(NameMatcher(), frozenset(), frozenset(), frozenset(), frozenset())


def _phone_forms(phone: str) -> set[str]:
    digits = re.sub(r"\D", "", phone)
    forms = {digits} if len(digits) >= _IDENTIFIER_MIN_DIGITS else set()
    try:
        parsed = phonenumbers.parse(phone if phone.startswith("+") else "+" + digits, None)
    except phonenumbers.NumberParseException:
        return forms  # an unparseable stored number still matches as the digits it has
    forms.add(str(parsed.national_number))
    return {f for f in forms if len(f) >= _IDENTIFIER_MIN_DIGITS}


def identity_of(person: Any) -> Identity:
    """The identifiers on ``person``'s account (a user, or None for nobody known)."""
    if person is None or (getattr(person, "pk", None) is None and not getattr(person, "full_name", "")):
        return NOBODY
    names = NameMatcher()
    if getattr(person, "full_name", ""):
        names.add(person.full_name)
    numbers: set[str] = set()
    codes: set[str] = set()
    if getattr(person, "phone", ""):
        numbers |= _phone_forms(person.phone)
    if getattr(person, "pk", None) is not None:
        from rabta.accounts.models import ComplainantProfile, IdentityDocument

        for doc in IdentityDocument.objects.filter(user_id=person.pk).only("number", "doc_type"):
            raw = re.sub(r"[\W_]", "", str(doc.number or "")).lower()
            if raw.isdigit():
                numbers.add(raw)
            elif raw:
                codes.add(raw)
        business = ComplainantProfile.objects.filter(user_id=person.pk).values_list("business_name", flat=True).first()
        if business:
            names.add(business)
    email = (getattr(person, "email", "") or "").lower()
    handles: set[str] = set()
    if email:
        local = email.split("@")[0]
        if len(local) >= 5 and not local.isalpha():
            handles.add(local)
    return Identity(
        names, frozenset(numbers), frozenset(codes), frozenset({email} if email else ()), frozenset(handles)
    )


def _spans(text: str, who: Identity) -> Iterator[tuple[int, int, bool]]:
    """(start, end, is the complainant's own) for everything to remove from ``text``."""
    folded = _fold_text(text)
    for pattern in (_EMAIL, _EMAIL_SPELLED) if "@" in folded else (_EMAIL_SPELLED,):
        for m in pattern.finditer(folded):
            own = any(e in re.sub(r"\s", "", m.group()) for e in who.emails)
            yield m.start(), m.end(), own
    for m in _PASSPORT.finditer(folded):
        if m.group(1) != "rs":
            yield m.start(), m.end(), re.sub(r"\W", "", m.group()) in who.codes
    for code in who.codes:
        spaced = f"[{_SEP}]{{0,3}}".join(re.escape(ch) for ch in code)
        for m in re.finditer(rf"(?<![a-z0-9]){spaced}(?![a-z0-9])", folded):
            yield m.start(), m.end(), True
    for m in _DIGIT_RUN.finditer(folded):
        start, end = m.span()
        while end > start and not folded[end - 1].isdigit():
            end -= 1
        run = folded[start:end]
        digits = re.sub(r"\D", "", run)
        own = any(n in digits for n in who.numbers)
        if own:
            yield start, end, True
        elif (
            len(digits) >= _IDENTIFIER_MIN_DIGITS
            and not _looks_like_date(run)
            and not _looks_like_count(run, digits)
            and not _is_money(folded, start, end, digits)
        ):
            yield start, end, False
    for handle in who.handles:
        for m in re.finditer(rf"(?<![\w.]){re.escape(handle)}(?![\w])", folded):
            yield m.start(), m.end(), True
    for m in _WORD.finditer(text):
        if who.names.matches(m.group()):
            yield m.start(), m.end(), True
    yield from _introduced_names(text, folded)


def _introduced_names(text: str, folded: str) -> Iterator[tuple[int, int, bool]]:
    for m in _INTRODUCTION.finditer(folded):
        position, taken = m.end(), 0
        for word in _WORD.finditer(text, position):
            between = text[position : word.start()]
            if between.strip(" \t") or taken == 3:
                break  # punctuation or a line break ends the name
            w = word.group()
            urdu = not w.isascii()
            if (urdu and w in _URDU_STOP) or (not urdu and not w[:1].isupper()):
                break
            yield word.start(), word.end(), False
            position, taken = word.end(), taken + 1


def _merge(spans: Iterable[tuple[int, int, bool]]) -> list[tuple[int, int, bool]]:
    merged: list[tuple[int, int, bool]] = []
    for start, end, own in sorted(spans):
        if merged and start <= merged[-1][1]:
            last = merged[-1]
            merged[-1] = (last[0], max(last[1], end), last[2] or own)
        else:
            merged.append((start, end, own))
    return merged


def scrub(text: str, who: Identity = NOBODY) -> str:
    """``text`` as an office may read it when its author is hidden from the office: every identifier
    of ``who`` and anything shaped like anyone's identifier replaced by a placeholder."""
    if not text:
        return text
    out = text
    for start, end, own in reversed(_merge(_spans(text, who))):
        out = out[:start] + (COMPLAINANT if own else REDACTED) + out[end:]
    return out


def scrub_for_person(text: str, person: Any) -> str:
    """:func:`scrub` for the account ``person`` (or nobody known, for None)."""
    return scrub(text, identity_of(person))


# Whose words an office reads only in a scrubbed copy (``*_for_office``): a complainant hidden from
# it, in their complaint and in what they write to it. Intake and message_post make the copies;
# office_copies_rescrub selects the same rows with these queries to bring them up to a newer scrubber.
COMPLAINTS_COPIED_FOR_OFFICE = Q(anonymity__in=HIDDEN_FROM_OFFICE)
MESSAGES_COPIED_FOR_OFFICE = Q(complaint__anonymity__in=HIDDEN_FROM_OFFICE, direction=MessageDirection.TO_OFFICE)


def message_for_office(*, complaint: Any, body: str, direction: str) -> str:
    """The office's copy of a message: what a hidden complainant writes to the office, scrubbed of
    their identity; anything else as written (an office's words to the complainant are not the
    complainant's, and a visible complainant's identity is not hidden)."""
    if direction == MessageDirection.TO_OFFICE and complaint.anonymity in HIDDEN_FROM_OFFICE:
        return scrub_for_person(body, complaint.complainant)
    return body


class IdentityMemo:
    """:func:`identity_of`, read once per person while a batch scrubs many of their texts. Cleared
    between batches, so memory stays bounded by one batch's people."""

    def __init__(self) -> None:
        self._known: dict[int | None, Identity] = {}

    def __call__(self, person: Any) -> Identity:
        key = getattr(person, "pk", None)
        if key not in self._known:
            self._known[key] = identity_of(person)
        return self._known[key]

    def clear(self) -> None:
        self._known.clear()


def complaint_view(complaint: Any, *, reader_id: int | None) -> dict[str, str | None]:
    """What identifies a complainant, as the reader with id ``reader_id`` may read it: the subject
    and text (the office's scrubbed copies unless the reader is the complainant) and the
    complainant's name (to the complainant, and to the office only when the complainant chose to
    hide their name from the public alone). Every reader of a complaint gets these from here."""
    own = is_owner(reader_id, complaint)
    hidden = complaint.identity_hidden_from_office
    show_name = own or (complaint.anonymity == Anonymity.NAME_HIDDEN_FROM_PUBLIC and complaint.complainant_id)
    return {
        "subject": office_text(
            own=complaint.subject, for_office=complaint.subject_for_office, hidden=hidden, office_reader=not own
        ),
        "text": office_text(
            own=complaint.text, for_office=complaint.text_for_office, hidden=hidden, office_reader=not own
        ),
        "complainant_name": complaint.complainant.full_name if show_name and complaint.complainant else None,
    }


def office_text(*, own: str, for_office: str, hidden: bool, office_reader: bool) -> str:
    """The one choice of which copy of complainant-written text a reader gets: the office's
    scrubbed copy whenever the complainant is hidden from an office reader."""
    return for_office if (hidden and office_reader) else own
