"""Helpers shared by the API views of `planning`."""

from __future__ import annotations

from sas_platform.exceptions import ApplicationError, PermissionDeniedError


def deny(message: str = "Vous n'avez pas le droit d'effectuer cette action.") -> PermissionDeniedError:
    return PermissionDeniedError(message)


def invalid(field: str, message: str) -> ApplicationError:
    return ApplicationError(message, code="invalid_search", extra={"fields": {field: [message]}})
