"""Machine-readable error codes of the directory."""

from __future__ import annotations

from rabta.core.errors import ErrorCode


class DirectoryError(ErrorCode):
    FILE_NOT_FOUND = "file_not_found"
    MISSING_COLUMN = "missing_column"
    REQUIRED = "required"
    INVALID_CODE = "invalid_code"
    INVALID_CHOICE = "invalid_choice"
    DUPLICATE_CODE = "duplicate_code"
    UNKNOWN_PARENT = "unknown_parent"
    UNKNOWN_REFERENCE = "unknown_reference"
    OFFICE_MOVE_CYCLE = "office_move_cycle"
    OFFICE_INACTIVE = "office_inactive"
    OFFICE_ACTIVE = "office_active"
    OFFICE_PARENT_INACTIVE = "office_parent_inactive"
    OFFICE_HAS_ACTIVE_CHILDREN = "office_has_active_children"
    INVALID_FILTER = "invalid_filter"
