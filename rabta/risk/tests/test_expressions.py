"""The rule language: what parses, what is refused (with line, column and code), and what holds."""

from __future__ import annotations

import keyword

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rabta.risk import expressions
from rabta.risk.errors import RiskError


class Env:
    def __init__(self, lists=None, profiles=None):
        self.lists = lists or {}
        self.profiles = profiles or {}

    def watchlist(self, name):
        return self.lists.get(name, expressions.WatchSet(frozenset()))

    def profile(self, key, value):
        return self.profiles.get((key, value), (0.0, 0))


ITEMS = [
    {"code": "85287200", "origin": "CN", "value_per_kg": 500.0, "importer": "h1", "regime": "import", "@importer": "7"},
    {"code": "30049099", "origin": "IN", "value_per_kg": 20.0, "importer": "h1", "regime": "import", "@importer": "7"},
]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('origin == "CN" and value_per_kg > 100', True),
        ('origin == "IN" and value_per_kg > 100', False),  # no single item holds both
        ('startswith(code, "3004")', True),
        ('origin in ["PK", "AF"]', False),
        ('not (regime == "export")', True),
        ("value_per_kg * 2 >= 1000", True),
        ('code in watchlist("tv")', True),
        ('importer in watchlist("bad")', False),
        ('profile("importer") > 0.5', True),
        ('contains(regime, "PORT")', True),
        ("10 < value_per_kg < 30", True),
    ],
)
def test_conditions_hold_when_any_item_satisfies_them(source, expected):
    env = Env(
        lists={
            "tv": expressions.WatchSet(frozenset({"8528"}), prefix=True),
            "bad": expressions.WatchSet(frozenset({"h2"})),
        },
        profiles={("importer", "7"): (0.8, 12)},
    )
    assert expressions.parse(source).holds(ITEMS, env) is expected


@pytest.mark.parametrize(
    ("source", "code", "line", "column"),
    [
        ('origin == "CN" and', RiskError.RULE_SYNTAX, 1, 1),
        ('origin == "CN" and colour == "red"', RiskError.RULE_UNKNOWN_FIELD, 1, 20),
        ('__import__("os").system("true")', RiskError.RULE_UNKNOWN_FUNCTION, 1, 1),
        ("origin.upper() == 'CN'", RiskError.RULE_UNKNOWN_FUNCTION, 1, 1),
        ("[x for x in origin]", RiskError.RULE_NODE_NOT_ALLOWED, 1, 1),
        ('origin == "CN"\n  or value > "x"', RiskError.RULE_TYPE_MISMATCH, 2, 14),
        ('code in watchlist("nope")', RiskError.RULE_UNKNOWN_WATCHLIST, 1, 19),
        ('profile("colour") > 0.1', RiskError.RULE_UNKNOWN_PROFILE, 1, 9),
        ("value_per_kg + 1", RiskError.RULE_NOT_BOOLEAN, 1, 1),
        ("", RiskError.RULE_EMPTY, 1, 1),
        ("lambda: 1", RiskError.RULE_NODE_NOT_ALLOWED, 1, 1),
    ],
)
def test_refused_conditions_name_their_position_and_code(source, code, line, column):
    with pytest.raises(expressions.RuleSyntaxError) as caught:
        expressions.parse(f"({source})" if "\n" in source else source, watchlists=frozenset({"tv"}))
    assert caught.value.code == code
    assert (caught.value.line, caught.value.column) == (line, column + ("\n" in source and caught.value.line == 1))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_any_text_either_parses_or_is_refused_with_a_position(source):
    try:
        condition = expressions.parse(source, watchlists=frozenset())
    except expressions.RuleSyntaxError as exc:
        assert exc.line >= 1 and exc.column >= 1 and isinstance(exc.code, RiskError)
    else:
        condition.holds(ITEMS, Env())  # evaluates without raising


@settings(max_examples=100, deadline=None)
@given(
    st.sampled_from(sorted(expressions.FIELDS)),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=12),
)
def test_only_known_fields_are_accepted(known, other):
    expressions.parse(f"{known} == {known}")
    if other not in expressions.FIELDS and not keyword.iskeyword(other):
        with pytest.raises(expressions.RuleSyntaxError) as caught:
            expressions.parse(f"{other} == 1")
        assert caught.value.code == RiskError.RULE_UNKNOWN_FIELD
