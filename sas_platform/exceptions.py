"""Application errors: one hierarchy, rendered by the API's one exception handler (STYLE.md 8).

Services raise these with a French message for people and a stable code for machines.
"""

from __future__ import annotations


class ApplicationError(Exception):
    """A rule of the domain refused the operation."""

    status_code = 400
    default_code = "application_error"

    def __init__(self, message: str, *, code: str | None = None, extra: dict | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.extra = extra or {}


class NotFoundError(ApplicationError):
    status_code = 404
    default_code = "not_found"


class PermissionDeniedError(ApplicationError):
    status_code = 403
    default_code = "permission_denied"


class ConflictError(ApplicationError):
    """The state changed meanwhile (e.g. a slot already taken)."""

    status_code = 409
    default_code = "conflict"
