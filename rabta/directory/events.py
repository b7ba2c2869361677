"""The directory's event kinds. Values are stored in ``Event.kind`` and never change."""

from __future__ import annotations

from rabta.core.events import EventKind


class DirectoryEvent(EventKind):
    JURISDICTIONS_LOADED = "directory.jurisdictions_loaded"
    GOVERNMENTS_LOADED = "directory.governments_loaded"
    OFFICE_CREATED = "directory.office_created"
    OFFICE_MOVED = "directory.office_moved"
    OFFICE_DEACTIVATED = "directory.office_deactivated"
    OFFICE_ACTIVATED = "directory.office_activated"
    DEMO_LOADED = "directory.demo_loaded"
