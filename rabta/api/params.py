"""Bounded types for API inputs, so no number a client sends reaches a query it cannot fit.

An unbounded ``int`` parameter takes 10**30, which SQLite cannot bind ("Python int too large") and
PostgreSQL cannot compare with a bigint column: a 500 either way. Every integer the API takes is
one of these, or has bounds of its own (the OpenAPI test checks that each has a maximum).
"""

from __future__ import annotations

from typing import Annotated

from ninja import Schema
from ninja.pagination import PageNumberPagination as NinjaPageNumberPagination
from pydantic import Field

DB_INT_MAX = 2**63 - 1  # the largest bigint, the type of every id column
MAX_PAGE = 1_000_000  # far beyond any list's last page; keeps page * size within a bigint
MAX_PAGE_SIZE_ASKED = 10_000  # what a client may ask for; each list still clamps it to its own maximum

RowId = Annotated[int, Field(ge=1, le=DB_INT_MAX)]
# A number whose meaningful range a service checks (with its own error code): bounded here only to
# what a database column can hold, so the service's check, not the database, answers.
Int64 = Annotated[int, Field(ge=-DB_INT_MAX, le=DB_INT_MAX)]


class PageNumberPagination(NinjaPageNumberPagination):
    """ninja's page-number pagination with ``page`` and ``page_size`` bounded."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, le=MAX_PAGE_SIZE_ASKED)
