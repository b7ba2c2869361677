"""The reference data every submission reads, kept in each process (see rabta.core.memo).

Categories, places and their parents, routing rules, the department offices that catch what no
rule routes, and deadline policies change a few times a month, through the admin or the
directory's services; intake reads them on every submission. Each process keeps what it has read
and drops all of it when any of these models is saved or deleted anywhere (signals below), so an
administrator's change applies to the very next submission, in every process.

An unknown category or place code is looked up in the database (and kept if found), so one
created by a bulk load, which sends no signal, is found at once. Instances handed out are copies,
so that a caller that changes one cannot change what the next request reads.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any, TypeVar

from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from rabta.complaints.models import Category, DeadlinePolicy, RoutingRule
from rabta.core.memo import VersionedMemo
from rabta.directory.models import Department, Jurisdiction, Office

MEMO = VersionedMemo("complaints-reference")
MAX_PLACE_DEPTH = 8  # country > province > division > district > tehsil ... with room to spare

M = TypeVar("M", bound=Model)


@receiver([post_save, post_delete], sender=Category)
@receiver([post_save, post_delete], sender=RoutingRule)
@receiver([post_save, post_delete], sender=DeadlinePolicy)
@receiver([post_save, post_delete], sender=Jurisdiction)
@receiver([post_save, post_delete], sender=Office)
@receiver([post_save, post_delete], sender=Department)
def _reference_changed(sender: type[Model], using: str | None = None, **kwargs: Any) -> None:
    MEMO.changed(using=using)


@receiver(m2m_changed, sender=Office.serves.through)
def _office_places_changed(sender: type[Model], using: str | None = None, **kwargs: Any) -> None:
    # The further places an office serves decide which complaints it may receive (see office_covers).
    MEMO.changed(using=using)


def _copy(instance: M) -> M:
    return copy.copy(instance)


class Reference:
    """One look at the memo: the shared version is checked once, when it is made, so a submission
    pays one cache read for all its look-ups. Make a new one per operation; never keep one.

    Small tables are read whole at first use (a few hundred categories and places, the routing rules,
    the deadline policies), so a process is warm after a handful of submissions, not after one per
    category and place; offices, thousands, are read one department at a time."""

    def __init__(self) -> None:
        self._data = MEMO.data()

    def _table(self, key: str, load: Callable[[], Any]) -> Any:
        if key not in self._data:
            self._data[key] = load()
        return self._data[key]

    def category(self, code: str) -> Category | None:
        """The category with its department attached (active or not: the caller decides)."""
        by_code: dict[str, Category] = self._table(
            "categories", lambda: {c.code: c for c in Category.objects.select_related("department")}
        )
        found = by_code.get(code)
        if found is None:  # created since (bulk loads send no signal), or no such category
            found = Category.objects.select_related("department").filter(code=code).first()
            if found is None:
                return None  # not kept: unknown codes must not fill the memory
            by_code[code] = found
        return _copy(found)

    def _places(self, *, reread: bool = False) -> tuple[dict[str, Jurisdiction], dict[int, int | None]]:
        def load() -> tuple[dict[str, Jurisdiction], dict[int, int | None]]:
            places = list(Jurisdiction.objects.all())
            return {j.code: j for j in places}, {j.pk: j.parent_id for j in places}

        if reread:
            self._data.pop("places", None)
        places: tuple[dict[str, Jurisdiction], dict[int, int | None]] = self._table("places", load)
        return places

    def jurisdiction(self, code: str) -> Jurisdiction | None:
        by_code = self._places()[0]
        if code not in by_code and Jurisdiction.objects.filter(code=code).exists():
            # Created since (bulk loads send no signal): read the places again, not this one alone,
            # for its parents may be new too and place_chain must reach them all.
            by_code = self._places(reread=True)[0]
        found = by_code.get(code)
        return None if found is None else copy.copy(found)

    def place_chain(self, jurisdiction_id: int) -> list[int]:
        """The place and its ancestors, nearest first; a place unknown here (created since) makes
        them all read again, once."""
        for reread in (False, True):
            parents = self._places(reread=reread)[1]
            chain: list[int] = []
            current: int | None = jurisdiction_id
            while current in parents and len(chain) < MAX_PLACE_DEPTH:
                chain.append(current)
                current = parents[current]
            if current is None or len(chain) == MAX_PLACE_DEPTH:
                return chain
        # No such place even in the database: the chain ends at the unknown id, as given.
        return chain if current is None else [*chain, current]

    def routing_rules(self, category_id: int) -> list[RoutingRule]:
        """The category's active rules to active offices, each with its office attached (shared
        instances: read them, copy what you keep)."""

        def load() -> dict[int, list[RoutingRule]]:
            by_category: dict[int, list[RoutingRule]] = {}
            for rule in RoutingRule.objects.filter(active=True, office__is_active=True).select_related("office"):
                by_category.setdefault(rule.category_id, []).append(rule)
            return by_category

        rules: dict[int, list[RoutingRule]] = self._table("rules", load)
        return rules.get(category_id, [])

    def _office_places(self) -> dict[int, frozenset[int]]:
        """The further places each office serves (``Office.serves``), by office id. Read whole: only
        offices with places beyond their main one have rows."""

        def load() -> dict[int, frozenset[int]]:
            places: dict[int, set[int]] = {}
            for office_id, place_id in Office.serves.through.objects.values_list("office_id", "jurisdiction_id"):
                places.setdefault(office_id, set()).add(place_id)
            return {office_id: frozenset(ids) for office_id, ids in places.items()}

        served: dict[int, frozenset[int]] = self._table("office_places", load)
        return served

    def office_covers(self, office: Office, chain: list[int]) -> int | None:
        """How near the office's jurisdiction is to the place whose ``chain`` (the place and its
        ancestors, nearest first) is given: the index in the chain of the nearest place the office
        serves (its main place or one of ``serves``, each with everything below it), or None when
        the office does not serve the place at all. A complaint only ever reaches an office that
        covers its place: a Punjab office never receives a complaint about Sindh."""
        return _distance(office, {place: index for index, place in enumerate(chain)}, self._office_places())

    def department_office(self, department_id: int, chain: list[int]) -> Office | None:
        """Where a category with no matching rule goes: the department's active office whose
        jurisdiction covers the place most closely (a district office before the division's, the
        division's before the province's head office); where several cover it equally, the senior
        (shallower), then older one. None when no office of the department serves the place: the
        complaint is then refused, never sent to some other government's office."""
        offices: list[Office] = self._table(
            f"offices:{department_id}",
            lambda: list(Office.objects.filter(department_id=department_id, is_active=True).order_by("depth", "id")),
        )
        index = {place: position for position, place in enumerate(chain)}
        served = self._office_places()
        best: Office | None = None
        best_key: tuple[int, int, int] | None = None
        for office in offices:
            distance = _distance(office, index, served)
            if distance is None:
                continue
            key = (distance, office.depth, office.pk)
            if best_key is None or key < best_key:
                best, best_key = office, key
        return None if best is None else _copy(best)

    def deadline_policy(self, *, category_id: int | None, office_id: int | None, priority: str) -> DeadlinePolicy:
        """Most specific policy first: category and office and priority, then fewer parts; the
        built-in defaults when none matches (ties: the oldest policy)."""
        policies: list[DeadlinePolicy] = self._table("policies", lambda: list(DeadlinePolicy.objects.order_by("id")))
        best: DeadlinePolicy | None = None
        best_score = -1
        for policy in policies:
            # A blank part matches anything: a policy for one priority only, for every category.
            if (
                policy.category_id not in (None, category_id)
                or policy.office_id not in (None, office_id)
                or policy.priority not in ("", priority)
            ):
                continue
            score = (4 if policy.category_id else 0) + (2 if policy.office_id else 0) + (1 if policy.priority else 0)
            if score > best_score:
                best, best_score = policy, score
        return _copy(best) if best is not None else DeadlinePolicy()


def _distance(office: Office, chain_index: dict[int, int], served: dict[int, frozenset[int]]) -> int | None:
    """The position in the place's chain of the nearest place ``office`` serves, or None."""
    found = chain_index.get(office.jurisdiction_id)
    for place in served.get(office.pk, ()):
        position = chain_index.get(place)
        if position is not None and (found is None or position < found):
            found = position
    return found


def reference() -> Reference:
    return Reference()
