"""The officer rules' condition language: a small, safe subset of Python expressions.

A rule's condition is parsed with :mod:`ast` and accepted only if every node is on a short whitelist
(boolean logic, comparisons, arithmetic, constants, lists of constants, known field names and a few
known functions); it is then compiled into plain closures. Nothing is ever passed to ``eval``; there is
no attribute access, subscript, lambda, comprehension or call of anything but the functions below.

Fields are those of the declaration and of one item (``FIELDS``); a condition that names an item
field holds for the declaration when it holds for any of its items. Functions:

* ``watchlist("name")`` — a watch list, used on the right of ``in`` / ``not in``
  (``importer in watchlist("high-risk-importers")``, ``code in watchlist("pharma")``: a code list
  entry matches every code it is a prefix of);
* ``profile("importer")``, ``profile("code+origin")`` — the smoothed historical hit rate of the
  declaration's (or item's) importer, declarant, code, origin, office or a pair (``ProfileKey``);
  ``profile_count(...)`` — how many examinations that rate rests on;
* ``startswith(field, "8528")`` and ``contains(field, "text")`` (case-insensitive).

A condition that cannot be parsed, or names an unknown field, function, watch list or profile, is
refused with the line and column of the fault (:class:`RuleSyntaxError`).
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from rabta.risk.choices import ProfileKey
from rabta.risk.errors import RiskError

MAX_LENGTH = 2000
MAX_NODES = 200

# name -> (type, level). Types: "str", "num", "party". Level: declaration or item.
FIELDS: dict[str, tuple[str, str]] = {
    "regime": ("str", "declaration"),
    "office": ("str", "declaration"),
    "station": ("str", "declaration"),
    "transport_mode": ("str", "declaration"),
    "declaration_type": ("str", "declaration"),
    "currency": ("str", "declaration"),
    "importer": ("party", "declaration"),
    "declarant": ("party", "declaration"),
    "seller": ("party", "declaration"),
    "seller_country": ("str", "declaration"),
    "item_count": ("num", "declaration"),
    "total_value": ("num", "declaration"),
    "month": ("num", "declaration"),
    "code": ("str", "item"),
    "hs2": ("str", "item"),
    "hs4": ("str", "item"),
    "hs6": ("str", "item"),
    "description": ("str", "item"),
    "origin": ("str", "item"),
    "departure": ("str", "item"),
    "unit": ("str", "item"),
    "quantity": ("num", "item"),
    "net_mass": ("num", "item"),
    "value": ("num", "item"),
    "value_per_kg": ("num", "item"),
    "value_per_unit": ("num", "item"),
    "duty_rate": ("num", "item"),
}
FUNCTIONS = ("watchlist", "profile", "profile_count", "startswith", "contains")

_COMPARE: dict[type[ast.cmpop], Callable[[Any, Any], bool]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
}
_ARITH: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}


class RuleSyntaxError(ValueError):
    """A condition refused at save; ``line`` and ``column`` are 1-based, ``code`` says which fault."""

    def __init__(self, message: str, *, line: int, column: int, code: RiskError) -> None:
        super().__init__(f"{message} (line {line}, column {column})")
        self.message, self.line, self.column, self.code = message, line, column, code


class Environment(Protocol):
    """What a condition reads besides the facts: watch lists and risk profiles."""

    def watchlist(self, name: str) -> WatchSet: ...

    def profile(self, key: str, value: str) -> tuple[float, int]: ...


@dataclass(frozen=True)
class WatchSet:
    """A watch list's entries; a code list matches by prefix (``8528`` holds ``85287200``)."""

    entries: frozenset[str]
    prefix: bool = False

    def __contains__(self, value: object) -> bool:
        text = str(value or "")
        if not self.prefix:
            return text in self.entries
        return any(text[:n] in self.entries for n in range(2, len(text) + 1))


# The facts of one (declaration, item) pair: field name -> value; profile keys -> their value string.
Facts = Mapping[str, Any]
Evaluator = Callable[[Facts, Environment], Any]


@dataclass(frozen=True)
class Condition:
    """A parsed, compiled condition. ``fields`` are the field names it reads, ``watchlists`` the
    watch lists, ``profiles`` the profile keys; ``per_item`` when it reads an item field."""

    source: str
    evaluate: Evaluator
    fields: frozenset[str]
    watchlists: frozenset[str]
    profiles: frozenset[str]
    per_item: bool

    def holds(self, facts_per_item: Sequence[Facts], env: Environment) -> bool:
        rows = facts_per_item if self.per_item else facts_per_item[:1]
        return any(bool(self.evaluate(row, env)) for row in rows)


@dataclass
class _Compiler:
    source: str
    known_watchlists: frozenset[str] | None
    fields: set[str] = field(default_factory=set)
    watchlists: set[str] = field(default_factory=set)
    profiles: set[str] = field(default_factory=set)

    def fail(self, node: ast.AST, message: str, code: RiskError) -> RuleSyntaxError:
        return RuleSyntaxError(
            message, line=getattr(node, "lineno", 1), column=getattr(node, "col_offset", 0) + 1, code=code
        )

    def string_argument(self, node: ast.Call, what: str) -> str:
        if len(node.args) != 1 or node.keywords or not isinstance(node.args[0], ast.Constant):
            raise self.fail(node, f"{what}() takes one quoted name.", RiskError.RULE_FUNCTION_ARGUMENTS)
        value = node.args[0].value
        if not isinstance(value, str):
            raise self.fail(node.args[0], f"{what}() takes one quoted name.", RiskError.RULE_FUNCTION_ARGUMENTS)
        return value

    def compile(self, node: ast.AST) -> tuple[Evaluator, str]:
        """The node's evaluator and its type ("str", "num", "bool", "party", "list", "watch")."""
        if isinstance(node, ast.BoolOp):
            parts = [self.compile(value)[0] for value in node.values]
            if isinstance(node.op, ast.And):
                return (lambda f, e: all(p(f, e) for p in parts)), "bool"
            return (lambda f, e: any(p(f, e) for p in parts)), "bool"
        if isinstance(node, ast.UnaryOp):
            inner, kind = self.compile(node.operand)
            if isinstance(node.op, ast.Not):
                return (lambda f, e: not inner(f, e)), "bool"
            if isinstance(node.op, ast.USub) and kind == "num":
                return (lambda f, e: _neg(inner(f, e))), "num"
            raise self.fail(node, "This operator is not allowed here.", RiskError.RULE_NODE_NOT_ALLOWED)
        if isinstance(node, ast.BinOp):
            op = _ARITH.get(type(node.op))
            left, lk = self.compile(node.left)
            right, rk = self.compile(node.right)
            if op is None or lk != "num" or rk != "num":
                raise self.fail(node, "Arithmetic (+ - * /) is on numbers only.", RiskError.RULE_TYPE_MISMATCH)
            return (lambda f, e: _arith(op, left(f, e), right(f, e))), "num"
        if isinstance(node, ast.Compare):
            return self.compare(node), "bool"
        if isinstance(node, ast.Constant):
            value = node.value
            if isinstance(value, bool):
                return (lambda f, e: value), "bool"
            if isinstance(value, int | float):
                return (lambda f, e: value), "num"
            if isinstance(value, str):
                return (lambda f, e: value), "str"
            raise self.fail(
                node, "Only numbers, quoted text, True and False are allowed.", RiskError.RULE_NODE_NOT_ALLOWED
            )
        if isinstance(node, ast.List | ast.Tuple | ast.Set):
            values = []
            for element in node.elts:
                if not isinstance(element, ast.Constant) or not isinstance(element.value, str | int | float):
                    raise self.fail(
                        element, "A list holds quoted text or numbers only.", RiskError.RULE_NODE_NOT_ALLOWED
                    )
                values.append(element.value)
            frozen = frozenset(values)
            return (lambda f, e: frozen), "list"
        if isinstance(node, ast.Name):
            if node.id in ("True", "False"):
                flag = node.id == "True"
                return (lambda f, e: flag), "bool"
            if node.id not in FIELDS:
                raise self.fail(node, f"Unknown field {node.id!r}.", RiskError.RULE_UNKNOWN_FIELD)
            self.fields.add(node.id)
            name = node.id
            return (lambda f, e: f.get(name)), FIELDS[name][0]
        if isinstance(node, ast.Call):
            return self.call(node)
        raise self.fail(node, f"{type(node).__name__} is not allowed in a rule.", RiskError.RULE_NODE_NOT_ALLOWED)

    def call(self, node: ast.Call) -> tuple[Evaluator, str]:
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
            raise self.fail(
                node, "Unknown function; use " + ", ".join(FUNCTIONS) + ".", RiskError.RULE_UNKNOWN_FUNCTION
            )
        name = node.func.id
        if name == "watchlist":
            listed = self.string_argument(node, name)
            if self.known_watchlists is not None and listed not in self.known_watchlists:
                raise self.fail(node.args[0], f"There is no watch list {listed!r}.", RiskError.RULE_UNKNOWN_WATCHLIST)
            self.watchlists.add(listed)
            return (lambda f, e: e.watchlist(listed)), "watch"
        if name in ("profile", "profile_count"):
            key = self.string_argument(node, name)
            if key not in ProfileKey.values:
                raise self.fail(
                    node.args[0],
                    "Unknown profile; use " + ", ".join(ProfileKey.values) + ".",
                    RiskError.RULE_UNKNOWN_PROFILE,
                )
            self.profiles.add(key)
            index = 0 if name == "profile" else 1
            return (lambda f, e: e.profile(key, str(f.get(f"@{key}", "")))[index]), "num"
        if len(node.args) != 2 or node.keywords:
            raise self.fail(node, f"{name}() takes a field and quoted text.", RiskError.RULE_FUNCTION_ARGUMENTS)
        subject, sk = self.compile(node.args[0])
        text, tk = self.compile(node.args[1])
        if sk != "str" or tk != "str":
            raise self.fail(node, f"{name}() takes a text field and quoted text.", RiskError.RULE_TYPE_MISMATCH)
        if name == "startswith":
            return (lambda f, e: str(subject(f, e) or "").startswith(str(text(f, e)))), "bool"
        return (lambda f, e: str(text(f, e)).casefold() in str(subject(f, e) or "").casefold()), "bool"

    def compare(self, node: ast.Compare) -> Evaluator:
        steps: list[Evaluator] = []
        left, lk = self.compile(node.left)
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            right, rk = self.compile(comparator)
            if isinstance(op, ast.In | ast.NotIn):
                if rk not in ("list", "watch"):
                    raise self.fail(
                        comparator, "After 'in' comes a list or watchlist(...).", RiskError.RULE_TYPE_MISMATCH
                    )
                negate = isinstance(op, ast.NotIn)
                steps.append(_member(left, right, negate))
            else:
                fn = _COMPARE.get(type(op))
                if fn is None:
                    raise self.fail(node, "This comparison is not allowed.", RiskError.RULE_NODE_NOT_ALLOWED)
                if {lk, rk} & {"list", "watch"} or (
                    lk != rk and {lk, rk} != {"party", "str"} and "bool" not in (lk, rk)
                ):
                    raise self.fail(comparator, f"Cannot compare {lk} with {rk}.", RiskError.RULE_TYPE_MISMATCH)
                steps.append(_ordered(fn, left, right))
            left, lk = right, rk
        return lambda f, e: all(step(f, e) for step in steps)


def _neg(value: Any) -> Any:
    return None if value is None else -value


def _arith(op: Callable[[Any, Any], Any], a: Any, b: Any) -> Any:
    if a is None or b is None:
        return None
    try:
        return op(a, b)
    except ZeroDivisionError:
        return None


def _member(left: Evaluator, right: Evaluator, negate: bool) -> Evaluator:
    return lambda f, e: (left(f, e) in right(f, e)) != negate


def _ordered(fn: Callable[[Any, Any], bool], left: Evaluator, right: Evaluator) -> Evaluator:
    def step(f: Facts, e: Environment) -> bool:
        a, b = left(f, e), right(f, e)
        if a is None or b is None:  # an absent value satisfies no comparison (and no error)
            return False
        return fn(a, b)

    return step


def parse(source: str, *, watchlists: frozenset[str] | None = None) -> Condition:
    """Parse and compile ``source``; refuse it with the position of the fault. ``watchlists`` are the
    names that exist (``None``: do not check, for conditions already saved)."""
    if not source.strip():
        raise RuleSyntaxError("Write a condition.", line=1, column=1, code=RiskError.RULE_EMPTY)
    if len(source) > MAX_LENGTH:
        raise RuleSyntaxError(
            f"A condition is at most {MAX_LENGTH} characters.",
            line=1,
            column=MAX_LENGTH + 1,
            code=RiskError.RULE_TOO_LONG,
        )
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as exc:
        raise RuleSyntaxError(
            exc.msg or "Not a valid condition.",
            line=exc.lineno or 1,
            column=exc.offset or 1,
            code=RiskError.RULE_SYNTAX,
        ) from None
    if sum(1 for _ in ast.walk(tree)) > MAX_NODES:
        raise RuleSyntaxError("This condition is too long; split it.", line=1, column=1, code=RiskError.RULE_TOO_LONG)
    compiler = _Compiler(source, watchlists)
    evaluate, kind = compiler.compile(tree.body)
    if kind != "bool":
        raise compiler.fail(
            tree.body, "A condition must be true or false (compare the value).", RiskError.RULE_NOT_BOOLEAN
        )
    per_item = any(FIELDS[name][1] == "item" for name in compiler.fields) or any(
        key in ("code", "origin", "importer+code", "code+origin") for key in compiler.profiles
    )
    return Condition(
        source=source,
        evaluate=evaluate,
        fields=frozenset(compiler.fields),
        watchlists=frozenset(compiler.watchlists),
        profiles=frozenset(compiler.profiles),
        per_item=per_item,
    )
