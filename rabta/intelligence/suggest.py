"""Suggested categories (and so offices) for the text a complainant is typing.

The trained model (``rabta intelligence train``, kept at ``settings.RABTA_INTELLIGENCE_MODEL``) is
loaded once per process and kept; the manifest's modification time is looked at on each call, so a
retrained model is picked up without a restart, and a file whose hash does not match its manifest
is refused once (logged) and never used: no model means no suggestion, never an error to the user.

The model's labels are *category keys*: a category code without its province prefix
(``MUN-WATER`` for ``PB-MUN-WATER``), one label for one kind of problem wherever it happens. A
suggestion turns the key into the category of the place's own government and asks the real routing
(``rabta.complaints.services.routing.route_for``) which office it would go to, on an unsaved
complaint: nothing is created, nothing is written. Without a place the category is named, and the
office is left for when the place is known.

It only ever suggests: the complainant chooses the category.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from rabta.core.errors import DomainError
from rabta.core.textinput import text_problem
from rabta.intelligence.classifier import Model, model_load
from rabta.intelligence.errors import IntelligenceError
from rabta.intelligence.normalize import normalise

log = logging.getLogger(__name__)

TOP_MAX = 5
TEXT_MAX_CHARS = 5000  # as a complaint's text (rabta.core.textinput.FREE_TEXT_MAX_LENGTH)
LABELS_MEMO_KEY = "intelligence:category-keys"


def category_key(code: str, department_code: str) -> str:
    """The key of a category: its code without the prefix its department's code starts with
    (``PB-MUN-WATER`` of department ``PB-LG`` → ``MUN-WATER``); federal codes (``OVS-REMIT`` of
    ``FED-OPHRD``) stay as they are."""
    prefix = department_code.partition("-")[0]
    return code[len(prefix) + 1 :] if prefix and code.startswith(f"{prefix}-") else code


# --- The model, once per process ------------------------------------------------------------------


@dataclass
class _Loaded:
    stamp: tuple[int, int] | None
    model: Model | None


_lock = threading.Lock()
_loaded: dict[str, _Loaded] = {}


def model_path() -> Path:
    return Path(settings.RABTA_INTELLIGENCE_MODEL)


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        info = Path(f"{path}.json").stat()
    except OSError:
        return None
    return info.st_mtime_ns, info.st_size


def current_model() -> Model | None:
    """The process's model, loaded at first use and again when its manifest changes; None when
    there is none or it was refused (a hash that does not match, a file that cannot be read)."""
    path = model_path()
    stamp = _stamp(path)
    known = _loaded.get(str(path))
    if known is not None and known.stamp == stamp:
        return known.model
    with _lock:
        known = _loaded.get(str(path))
        if known is not None and known.stamp == stamp:
            return known.model
        model: Model | None = None
        if stamp is not None:
            try:
                model = model_load(path)
                model.probabilities(["warm"])  # builds the vocabularies' look-up tables now, not in a request
            except (DomainError, OSError, ValueError, KeyError) as error:
                log.warning("intelligence: category model at %s not used: %s", path, error)
                model = None
        _loaded[str(path)] = _Loaded(stamp=stamp, model=model)
        return model


def model_forget() -> None:
    """Drop the kept model (tests; a process that replaced the file within one mtime tick)."""
    with _lock:
        _loaded.clear()


# --- Category keys → categories -------------------------------------------------------------------


@dataclass(frozen=True)
class KeyedCategory:
    code: str
    name: str
    name_ur: str
    parent_name: str
    parent_name_ur: str
    department_name: str
    department_name_ur: str
    government_place_id: int
    is_customs: bool


def _categories_by_key() -> dict[str, list[KeyedCategory]]:
    """Active categories by key, kept with the complaints reference memo (dropped with it whenever
    a category, department or place changes)."""
    from rabta.complaints.models import Category
    from rabta.complaints.reference import MEMO

    data = MEMO.data()
    found: dict[str, list[KeyedCategory]] | None = data.get(LABELS_MEMO_KEY)
    if found is None:
        found = {}
        rows = Category.objects.filter(active=True).select_related("department__government", "parent")
        for category in rows.order_by("code"):
            parent = category.parent
            found.setdefault(category_key(category.code, category.department.code), []).append(
                KeyedCategory(
                    code=category.code,
                    name=category.name,
                    name_ur=category.name_ur,
                    parent_name=parent.name if parent else "",
                    parent_name_ur=parent.name_ur if parent else "",
                    department_name=category.department.name,
                    department_name_ur=category.department.name_ur,
                    government_place_id=category.department.government.jurisdiction_id,
                    is_customs=category.is_customs,
                )
            )
        data[LABELS_MEMO_KEY] = found
    return found


# --- The suggestion ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    key: str
    score: float
    category: str | None  # the category's code, when the place (or a single government) decides it
    name: str
    parent_name: str
    department_name: str
    office_code: str | None
    office_name: str | None
    routing: str  # how the office was chosen, or why there is none


@dataclass(frozen=True)
class Suggestions:
    suggestions: list[Suggestion]
    model_version: str | None
    min_confidence: float


def _checked_text(text: Any) -> str:
    value = "" if text is None else str(text)
    problem = text_problem(value, max_length=TEXT_MAX_CHARS, multiline=True)
    if problem is not None:
        code, message = problem
        raise DomainError.for_field("text", code, message)
    if not value.strip():
        raise DomainError.for_field("text", IntelligenceError.TEXT_EMPTY, _("There is no text to suggest from."))
    return value


def _checked_language(language: str | None) -> str:
    known = {code for code, _name in settings.LANGUAGES}
    if language in (None, ""):
        return settings.LANGUAGE_CODE
    if language not in known:
        raise DomainError.for_field(
            "language",
            IntelligenceError.LANGUAGE_UNKNOWN,
            _("Unknown language %(language)s: use one of %(known)s.")
            % {"language": str(language)[:20], "known": ", ".join(sorted(known))},
        )
    return str(language)


def category_suggest(*, text: Any, place: str | None = None, language: str | None = None, top: int = 3) -> Suggestions:
    """The ``top`` categories the model finds likeliest for ``text`` (at least the configured
    confidence each), best first, each with the office the routing would send it to for ``place``
    (a jurisdiction code). Bad input is a ``DomainError`` naming the field: ``text`` empty, too
    long or holding a control character; ``place`` unknown; ``language`` not offered. No model, or
    text with no letters, gives no suggestion."""
    from rabta.complaints.models import Complaint
    from rabta.complaints.reference import reference
    from rabta.complaints.services.routing import route_for

    value = _checked_text(text)
    lang = _checked_language(language)
    top = max(1, min(int(top), TOP_MAX))
    ref = reference()
    jurisdiction = None
    if place:
        jurisdiction = ref.jurisdiction(str(place))
        if jurisdiction is None:
            raise DomainError.for_field(
                "place",
                IntelligenceError.PLACE_UNKNOWN,
                _("There is no place with the code %(code)s.") % {"code": place},
            )
    threshold = float(settings.RABTA_INTELLIGENCE_MIN_CONFIDENCE)
    model = current_model()
    version = str(model.manifest.get("version")) if model is not None else None
    cleaned = normalise(value)
    if model is None or not cleaned:
        return Suggestions(suggestions=[], model_version=version, min_confidence=threshold)
    probs = model.probabilities([cleaned])[0]
    by_key = _categories_by_key()
    chain = ref.place_chain(jurisdiction.pk) if jurisdiction is not None else []
    out: list[Suggestion] = []
    for index in probs.argsort()[::-1]:
        score = float(probs[index])
        if score < threshold or len(out) >= top:
            break
        key = model.labels[index]
        candidates = by_key.get(key, [])
        if jurisdiction is not None:
            candidates = [c for c in candidates if c.government_place_id in chain]
        if not candidates:
            continue  # no such category (any more), or none of the place's governments has it
        chosen = candidates[0] if jurisdiction is not None or len(candidates) == 1 else None
        shown = chosen or candidates[0]
        urdu = lang == "ur"
        name = (urdu and shown.name_ur) or shown.name
        parent = (urdu and shown.parent_name_ur) or shown.parent_name
        department = (urdu and shown.department_name_ur) or shown.department_name
        office_code = office_name = None
        routing = "place_needed"
        if chosen is not None and jurisdiction is not None:
            category = ref.category(chosen.code)
            if category is not None:
                try:
                    office, _rule, routing = route_for(Complaint(category=category, jurisdiction=jurisdiction), ref=ref)
                    office_code, office_name = office.code, (urdu and office.name_ur) or office.name
                except DomainError:
                    routing = "no_office_for_place"
        out.append(
            Suggestion(
                key=key,
                score=round(score, 4),
                category=chosen.code if chosen else None,
                name=name,
                parent_name=parent,
                department_name=department,
                office_code=office_code,
                office_name=office_name,
                routing=routing,
            )
        )
    return Suggestions(suggestions=out, model_version=version, min_confidence=threshold)
