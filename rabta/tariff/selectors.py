"""Reads of the tariff. The public functions other domains call are

* :func:`tariff_in_force` — a code with the duties and measures that applied on a day;
* :func:`tariff_search` — codes by code prefix or words (English or Urdu, partial words);
* :func:`tariff_history` — every rate and measure that ever applied to a code;
* ``rabta.tariff.checks.tariff_check`` / ``tariff_check_batch`` — findings for declared items.

The tariff is public: there is no ``visible_to`` here except for proposals
(``rabta.tariff.permissions.changes_visible_to``).

Inheritance: a rate or measure set on a code applies to every code below it. For each duty, the
rate of the *lowest* code (the most specific) that has one in force wins; measures add up along
the line (a certificate on the heading and a permit on the national line both apply).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db import connection
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from rabta.core.errors import DomainError, NotFound
from rabta.tariff.choices import Duty, EnquiryStatus
from rabta.tariff.codes import code_clean, code_is_wellformed, code_prefixes, query_words
from rabta.tariff.errors import TariffError
from rabta.tariff.models import DutyRate, Enquiry, Measure, TariffChange, TariffCode

MAX_QUERY_WORDS = 8
MAX_QUERY_LENGTH = 200
SEARCH_LIMIT = 50
RESULT_FIELDS = ("code", "level", "description", "description_ur", "unit", "valid_from", "valid_to", "section__number")


@dataclass
class TariffInForce:
    """What applied to ``code`` on ``on``: the code (its own validity says whether it was in force),
    the line above it, one rate per duty (inherited ones marked by ``rate.code``), the measures."""

    code: TariffCode
    on: date
    in_force: bool
    ancestors: list[TariffCode]
    rates: list[DutyRate] = field(default_factory=list)
    measures: list[Measure] = field(default_factory=list)


def code_parse(raw: str, *, field_name: str = "code") -> str:
    """``raw`` as a stored code, or a 400 naming ``field_name`` (code ``code_malformed``)."""
    code = code_clean(raw)
    if not code_is_wellformed(code):
        raise DomainError.for_field(field_name, TariffError.CODE_MALFORMED, "A code has 2, 4, 6, 8, 10 or 12 digits.")
    return code


def code_get(raw: str) -> TariffCode:
    """The code, or 404; a malformed one is a 400."""
    found = TariffCode.objects.select_related("section", "parent").filter(code=code_parse(raw)).first()
    if found is None:
        raise NotFound(f"No tariff code {code_clean(raw)}.")
    return found


def _effective_rates(rates: list[DutyRate]) -> list[DutyRate]:
    best: dict[str, DutyRate] = {}
    for rate in rates:  # the longest code (most specific) wins per duty
        current = best.get(rate.duty)
        if current is None or len(rate.code.code) > len(current.code.code):
            best[rate.duty] = rate
    order = list(Duty.values)
    return sorted(best.values(), key=lambda rate: order.index(rate.duty))


def tariff_in_force(code: str | TariffCode, *, on: date) -> TariffInForce:
    """The duties and measures in force for ``code`` on ``on`` (three queries). Raises NotFound for
    an unknown code, a 400 for a malformed one."""
    row = code if isinstance(code, TariffCode) else code_get(code)
    prefixes = code_prefixes(row.code)
    ancestors = list(TariffCode.objects.filter(code__in=prefixes[:-1]).select_related("section").order_by("level"))
    rates = list(DutyRate.objects.in_force(on).filter(code__code__in=prefixes).select_related("code"))
    measures = list(
        Measure.objects.in_force(on)
        .filter(code__code__in=prefixes)
        .select_related("code")
        .order_by("direction", "kind")
    )
    in_force = row.valid_from <= on and (row.valid_to is None or row.valid_to >= on)
    return TariffInForce(row, on, in_force, ancestors, _effective_rates(rates), measures)


def code_children(code: TariffCode) -> list[TariffCode]:
    return list(TariffCode.objects.filter(parent=code).select_related("section").order_by("code"))


def tariff_history(code: TariffCode) -> tuple[list[DutyRate], list[Measure]]:
    """Every rate and measure ever set on ``code`` or a code above it, newest first."""
    prefixes = code_prefixes(code.code)
    rates = DutyRate.objects.filter(code__code__in=prefixes).select_related("code").order_by("duty", "-valid_from")
    measures = Measure.objects.filter(code__code__in=prefixes).select_related("code").order_by("-valid_from", "kind")
    return list(rates), list(measures)


def tariff_search(query: str, *, on: date | None = None, limit: int = SEARCH_LIMIT) -> list[TariffCode]:
    """Codes whose code starts with the query's digits, or whose English or Urdu description holds
    every word of the query (partial words too: ``comput`` finds computers). Digits with dots or
    spaces (``8471.30``) are read as a code prefix. Codes first, then shorter (higher) codes first.

    Every word becomes ``search_text LIKE '%word%'``: on PostgreSQL a trigram index answers it
    (migration 0002), on SQLite a scan of the tree does (docs/architecture.md)."""
    text = (query or "").strip()
    if not text:
        raise DomainError.for_field("q", TariffError.QUERY_EMPTY, "Type a code or some words.")
    if len(text) > MAX_QUERY_LENGTH:
        raise DomainError.for_field("q", TariffError.QUERY_TOO_LONG, f"At most {MAX_QUERY_LENGTH} characters.")
    # What a result shows, without the search text itself (the widest column) or the timestamps.
    codes = TariffCode.objects.select_related("section").only(*RESULT_FIELDS)
    if on is not None:
        codes = codes.in_force(on)
    as_code = code_clean(text)
    if as_code.isdigit():
        return list(codes.filter(code__startswith=as_code).order_by("level", "code")[:limit])
    words = query_words(text)
    if not words:
        raise DomainError.for_field("q", TariffError.QUERY_EMPTY, "Type a code or some words.")
    if len(words) > MAX_QUERY_WORDS:
        raise DomainError.for_field("q", TariffError.QUERY_TOO_LONG, f"At most {MAX_QUERY_WORDS} words.")
    condition = Q()
    for word in words:
        condition &= Q(search_text__contains=word)  # already folded to lower case on both sides
    matches: QuerySet[TariffCode] = codes.filter(condition)
    # National lines and subheadings are what a trader declares; headings and chapters orient.
    ranked = matches.annotate(
        rank=Case(When(level__gte=6, then=Value(0)), default=Value(1), output_field=IntegerField())
    ).order_by("rank", "code")
    return list(ranked[:limit])


def search_backend() -> str:
    """Which path :func:`tariff_search` takes on this connection (for the docs and the bench)."""
    return "trigram index" if connection.vendor == "postgresql" else "scan"


def change_list(*, user: object, status: str | None = None) -> QuerySet[TariffChange]:
    from rabta.tariff.permissions import changes_visible_to

    changes = changes_visible_to(user).select_related("proposed_by", "decided_by")
    return changes.filter(status=status) if status else changes


def enquiry_list(*, user: object, status: str | None = None) -> QuerySet[Enquiry]:
    """The enquiries ``user`` may read (answered ones for everyone), newest first."""
    from rabta.tariff.permissions import enquiries_visible_to

    enquiries = enquiries_visible_to(user).select_related("code")
    return enquiries.filter(status=status) if status else enquiries


def enquiry_queue(*, user: object) -> QuerySet[Enquiry]:
    """Unanswered questions, the one due first on top (only tariff officers get any)."""
    from rabta.tariff.permissions import may_edit

    if not may_edit(user):  # type: ignore[arg-type]
        return Enquiry.objects.none()
    return Enquiry.objects.filter(status=EnquiryStatus.ASKED).select_related("code").order_by("due_at")
