"""Reads of the directory. Selectors own the query shape (joins, ordering, limits)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from rabta.directory.choices import JurisdictionKind
from rabta.directory.models import Department, Government, Jurisdiction, Office

SEARCH_LIMIT_MAX = 200


def office_queryset() -> QuerySet[Office]:
    """Offices with what every list shows (department, government, jurisdiction) joined in."""
    return Office.objects.select_related("department__government", "jurisdiction", "parent")


def office_search(
    *,
    query: str = "",
    government: Government | None = None,
    department: Department | None = None,
    jurisdiction: Jurisdiction | None = None,
    level: str | None = None,
    active_only: bool = True,
    limit: int | None = 50,
) -> QuerySet[Office]:
    """Offices whose name or code contains every word of ``query`` (case-insensitive), narrowed by
    government, department, level and place. A place matches the offices serving it or anywhere
    below it (searching "Punjab" finds district offices in Lahore). ``limit=None`` leaves the
    slicing to the caller (the paginated API)."""
    qs = office_queryset()
    for word in query.split():
        qs = qs.filter(Q(name__icontains=word) | Q(code__icontains=word) | Q(name_ur__icontains=word))
    if government is not None:
        qs = qs.filter(department__government=government)
    if department is not None:
        qs = qs.filter(department=department)
    if level:
        qs = qs.filter(level=level)
    if jurisdiction is not None:
        qs = qs.filter(jurisdiction_id__in=jurisdiction_descendant_ids(jurisdiction))
    if active_only:
        qs = qs.filter(is_active=True)
    qs = qs.order_by("depth", "name", "pk")
    if limit is not None:
        qs = qs[: min(limit, SEARCH_LIMIT_MAX)]
    return qs


def office_subtree(office: Office) -> QuerySet[Office]:
    """The office and every office below it (one prefix scan on the indexed path)."""
    return (
        Office.objects.subtree_of(office)
        .select_related("department__government", "jurisdiction", "parent")
        .order_by("path")
    )


def office_reporting_line(office: Office) -> list[Office]:
    """The offices above ``office``, nearest first: the chain escalations climb."""
    ids = office.ancestor_ids()
    by_id = office_queryset().in_bulk(ids)
    return [by_id[pk] for pk in reversed(ids) if pk in by_id]


def jurisdiction_descendant_ids(jurisdiction: Jurisdiction) -> list[int]:
    """``jurisdiction`` and every place below it. The tree has a few hundred rows, so one query and
    a walk in memory beat a recursive SQL query in clarity and speed."""
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in Jurisdiction.objects.values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    found, stack = [], [jurisdiction.pk]
    while stack:
        pk = stack.pop()
        found.append(pk)
        stack.extend(children.get(pk, []))
    return found


@dataclass
class JurisdictionNode:
    jurisdiction: Jurisdiction
    children: list[JurisdictionNode] = field(default_factory=list)


def jurisdiction_tree() -> list[JurisdictionNode]:
    """All jurisdictions as a tree (roots first, children by name), in one query."""
    nodes = {j.pk: JurisdictionNode(j) for j in Jurisdiction.objects.order_by("name")}
    roots: list[JurisdictionNode] = []
    for node in nodes.values():
        parent_id = node.jurisdiction.parent_id
        if parent_id is None or parent_id not in nodes:
            roots.append(node)
        else:
            nodes[parent_id].children.append(node)
    return roots


def jurisdiction_list(*, kind: str | None = None, parent: Jurisdiction | None = None) -> QuerySet[Jurisdiction]:
    qs = Jurisdiction.objects.select_related("parent").order_by("code")
    if kind:
        qs = qs.filter(kind=kind)
    if parent is not None:
        qs = qs.filter(parent=parent)
    return qs


def offices_serving(jurisdiction: Jurisdiction) -> QuerySet[Office]:
    """Active offices that serve ``jurisdiction`` directly (as their main place or one of their
    further places), most local first. A district finds its district and tehsil offices; offices
    of the province above it are found by asking for the province."""
    return (
        office_queryset()
        .filter(Q(jurisdiction=jurisdiction) | Q(serves=jurisdiction), is_active=True)
        .distinct()
        .order_by("-depth", "name", "pk")
    )


def government_list() -> QuerySet[Government]:
    return Government.objects.select_related("jurisdiction").order_by("code")


def department_list(*, government: Government | None = None) -> QuerySet[Department]:
    qs = Department.objects.select_related("government").order_by("government__code", "name")
    if government is not None:
        qs = qs.filter(government=government)
    return qs


def districts_of(province: Jurisdiction) -> QuerySet[Jurisdiction]:
    """The districts of a province, directly below it or below one of its divisions, by name."""
    return Jurisdiction.objects.filter(
        Q(parent=province) | Q(parent__parent=province), kind=JurisdictionKind.DISTRICT
    ).order_by("name")
