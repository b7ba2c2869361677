"""The vocabulary is typed: error codes and event kinds are enum members, statuses are classes.

mypy refuses a bare string where ``event_build`` wants an ``EventKind`` or ``DomainError`` an
``ErrorCode``; these checks hold the rest of the rule, which a type checker cannot see or which a
``str`` would slip past (an f-string is a ``str`` too):

(a) no string literal or f-string as an event's ``kind=``, as the code of a ``DomainError`` (or of
    any subclass, the first argument or ``code=``), or as the code of ``.for_field(``;
(b) no ``status_code=`` passed to an error: the class says what failed, ``rabta.api.errors`` says
    which status that is;
(c) every model field holding a status or a kind has ``choices`` (read from the app registry);
(d) settings are declared once: no ``getattr(settings, "RABTA_...", default)`` outside
    ``rabta/core/config.py`` and ``rabta/settings.py``.

Each check runs on a small source with the fault it looks for, first, so the test can fail.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.apps import apps
from django.db import models

from rabta.core.errors import ErrorCode

RABTA = Path(__file__).resolve().parents[2]

SETTINGS_MODULES = frozenset({"core/config.py", "settings.py"})
EVENT_WRITERS = frozenset({"event_build", "event_record"})


def _modules() -> Iterator[tuple[str, str]]:
    for path in sorted(RABTA.rglob("*.py")):
        relative = path.relative_to(RABTA).as_posix()
        parts = set(relative.split("/"))
        if parts & {"tests", "migrations", "testing"}:
            continue
        yield relative, path.read_text()


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _is_bare(node: ast.expr | None) -> bool:
    return isinstance(node, ast.JoinedStr) or (isinstance(node, ast.Constant) and isinstance(node.value, str))


@dataclass
class ErrorClasses:
    """Every subclass of DomainError defined in the sources, and the name of its first parameter
    (``code`` for most; ``message`` for NotFound, RateLimited, InvalidTransition...)."""

    first_param: dict[str, str]

    @classmethod
    def from_sources(cls, sources: list[tuple[str, str]]) -> ErrorClasses:
        bases: dict[str, list[str]] = {}
        own_first: dict[str, str | None] = {}
        for _relative, source in sources:
            for node in ast.walk(ast.parse(source)):
                if isinstance(node, ast.ClassDef):
                    bases[node.name] = [_name(base) for base in node.bases]
                    init = next(
                        (item for item in node.body if isinstance(item, ast.FunctionDef) and item.name == "__init__"),
                        None,
                    )
                    params = [arg.arg for arg in init.args.args[1:]] if init else []
                    kwonly = [arg.arg for arg in init.args.kwonlyargs] if init else []
                    own_first[node.name] = (
                        (params[0] if params else "*" + (kwonly[0] if kwonly else "")) if init else None
                    )
        errors = {"DomainError"}
        changed = True
        while changed:
            changed = False
            for name, parents in bases.items():
                if name not in errors and errors.intersection(parents):
                    errors.add(name)
                    changed = True

        def first(name: str) -> str:
            if own_first.get(name) is not None:
                return own_first[name] or ""
            parent = next((base for base in bases.get(name, []) if base in errors), None)
            return first(parent) if parent else "code"

        return cls({name: first(name) for name in errors})


def vocabulary_faults(relative: str, source: str, errors: ErrorClasses) -> list[str]:
    """Checks (a), (b) and (d) over one module's source: one line per fault, naming where it is."""
    faults: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        where = f"{relative}:{node.lineno}"
        called = _name(node.func)
        keywords = {keyword.arg: keyword.value for keyword in node.keywords if keyword.arg}
        if called in EVENT_WRITERS and _is_bare(keywords.get("kind")):
            faults.append(f"{where}: {called}(kind=...) takes an EventKind member, not a string")
        is_error = called in errors.first_param
        is_for_field = called in {"for_field", "for_fields"} and isinstance(node.func, ast.Attribute)
        if is_error:
            code = keywords.get("code")
            if code is None and errors.first_param[called] == "code" and node.args:
                code = node.args[0]
            if _is_bare(code):
                faults.append(f"{where}: {called}(...) takes an ErrorCode member as its code, not a string")
        if is_for_field and called == "for_field":
            code = keywords.get("code", node.args[1] if len(node.args) > 1 else None)
            if _is_bare(code):
                faults.append(f"{where}: .for_field(field, code, ...) takes an ErrorCode member, not a string")
        if (is_error or is_for_field) and "status_code" in keywords:
            faults.append(f"{where}: status_code= passed to {called}: raise the class that says what failed")
        if (
            called == "getattr"
            and relative not in SETTINGS_MODULES
            and len(node.args) >= 2
            and _name(node.args[0]) == "settings"
            and isinstance(node.args[1], ast.Constant)
            and str(node.args[1].value).startswith("RABTA_")
        ):
            faults.append(f"{where}: {node.args[1].value} is read with a default: declare it in rabta/settings.py")
    return faults


SOURCES = list(_modules())
ERRORS = ErrorClasses.from_sources(SOURCES)

FAULTY = """
def service(actor, direction):
    event_record(kind="complaints.thing_done", subject=x, actor=actor)
    event_build(kind=f"complaints.message_{direction}", subject=x)
    raise DomainError("some_code", "A message.")
    raise Conflict(code="some_code", message="A message.")
    raise DomainError.for_field("field", "some_code", "A message.")
    raise Forbidden.for_field("field", code=f"{direction}_code", message="A message.")
    raise DomainError(ComplaintsError.NOT_ALLOWED, "A message.", status_code=409)
    cap = getattr(settings, "RABTA_SOMETHING", 3)
"""
CLEAN = """
def service(actor):
    event_record(kind=ComplaintsEvent.SUBMITTED, subject=x, actor=actor)
    raise NotFound("A message is not a code.")
    raise InvalidTransition("A message.", code=ComplaintsError.TRANSITION_NOT_ALLOWED)
    raise Conflict(ComplaintsError.CLOCK_NOT_PAUSED, "A message.")
    raise DomainError.for_field("field", ComplaintsError.REASON_REQUIRED, "A message.")
    cap = settings.RABTA_MAX_TRANSFERS
"""


def test_the_checker_finds_every_kind_of_bare_vocabulary_in_a_planted_source():
    faults = vocabulary_faults("complaints/services/planted.py", FAULTY, ERRORS)
    assert len(faults) == 8, "\n".join(faults)
    assert [fault.split(": ", 1)[0] for fault in faults] == [
        f"complaints/services/planted.py:{n}" for n in range(3, 11)
    ]
    assert vocabulary_faults("complaints/services/planted.py", CLEAN, ERRORS) == []


def test_the_checker_knows_the_error_classes_and_which_take_a_message_first():
    assert {"DomainError", "Conflict", "Forbidden", "NotFound", "InvalidTransition", "RateLimited"} <= set(
        ERRORS.first_param
    )
    assert ERRORS.first_param["Conflict"] == "code"
    assert ERRORS.first_param["NotFound"] == "message"
    assert ERRORS.first_param["MalformedBody"] == "message"


def test_no_module_passes_a_bare_kind_or_code_a_status_or_reads_a_setting_with_a_default():
    faults = [fault for relative, source in SOURCES for fault in vocabulary_faults(relative, source, ERRORS)]
    assert faults == []


# (c) A field that holds one of a few values says which: the admin, the API and the database read
# the same list. Integer levels (escalation steps) are counts, not a vocabulary.
VOCABULARY_FIELD_NAMES = frozenset(
    {"status", "state", "kind", "level", "language", "channel", "direction", "outcome", "decision", "lane", "finding"}
)
OPEN_VOCABULARY = {
    # The audit trail of every domain: kinds are typed EventKind members where they are written, and
    # the states are each subject's own; no single list of choices belongs to core.
    ("core.Event", "kind"),
    ("core.Event", "from_state"),
    ("core.Event", "to_state"),
    # Lanes are configuration (settings.RABTA_CUSTOMS_LANES, docs/customs.md), checked by lane_assign.
    ("customs.Declaration", "lane"),
    ("risk.RiskRule", "lane"),
    ("risk.LaneDecision", "lane"),
    ("customs.ClearanceRollup", "lane"),
}


def fields_without_choices(models_to_check: list[type[models.Model]]) -> list[str]:
    missing = []
    for model in models_to_check:
        for field in model._meta.get_fields():
            name = getattr(field, "name", "")
            last = name.rsplit("_", 1)[-1]
            holds_a_vocabulary = name in VOCABULARY_FIELD_NAMES or last in VOCABULARY_FIELD_NAMES
            if (
                isinstance(field, models.CharField)
                and holds_a_vocabulary
                and not field.choices
                and (model._meta.label, name) not in OPEN_VOCABULARY
            ):
                missing.append(f"{model._meta.label}.{name}")
    return missing


def test_the_field_checker_flags_a_status_without_choices():
    class Planted(models.Model):  # noqa: DJ008 (a planted model, never shown)
        status = models.CharField(max_length=10)
        review_state = models.CharField(max_length=10)
        kind = models.CharField(max_length=10, choices=[("a", "A")])
        name = models.CharField(max_length=10)

        class Meta:
            app_label = "core"

    try:
        assert fields_without_choices([Planted]) == ["core.Planted.status", "core.Planted.review_state"]
    finally:
        apps.all_models["core"].pop("planted", None)
        apps.clear_cache()


def test_every_field_holding_a_status_or_a_kind_has_choices():
    ours = [model for model in apps.get_models() if model.__module__.startswith("rabta.")]
    assert fields_without_choices(ours) == []


def _error_enums() -> list[type[ErrorCode]]:
    found: list[type[ErrorCode]] = []
    pending = list(ErrorCode.__subclasses__())
    while pending:
        enum = pending.pop()
        found.append(enum)
        pending.extend(enum.__subclasses__())
    return found


@pytest.mark.parametrize("enum", _error_enums(), ids=lambda enum: enum.__name__)
def test_each_error_code_value_is_one_member_of_its_app(enum):
    # A repeated value makes the second name a silent alias of the first: two rules, one code.
    aliases = sorted(name for name, member in enum.__members__.items() if member.name != name)
    assert aliases == []


def test_every_app_error_enum_is_an_error_code():
    from rabta.accounts.errors import AccountsError
    from rabta.complaints.errors import ComplaintsError
    from rabta.directory.errors import DirectoryError

    assert {AccountsError, ComplaintsError, DirectoryError} <= set(_error_enums())


def test_feedback_already_given_is_raised_only_by_feedback():
    users = []
    for relative, source in SOURCES:
        tree = ast.parse(source)
        for function in ast.walk(tree):
            if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                for node in ast.walk(function):
                    if isinstance(node, ast.Attribute) and node.attr == "FEEDBACK_ALREADY_GIVEN":
                        users.append((relative, function.name))
    assert users and all(name.startswith("feedback_") for _relative, name in users), users
