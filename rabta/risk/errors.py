"""The machine-readable codes of the risk domain (stored and answered values never change)."""

from rabta.core.errors import ErrorCode


class RiskError(ErrorCode):
    NOT_ALLOWED = "not_allowed"
