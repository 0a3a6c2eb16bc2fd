"""Query-string filters of the API, read once: an unknown value is refused, never ignored.

Issue 13, finding 11: ``?status=inconnu`` used to answer the whole list as if no filter had been
given; a client with a typo then believes it got what it asked for. Each helper returns ``None``
when the parameter is absent or empty, the parsed value when it is valid, and raises a 400
(``ApplicationError``, code ``invalid_filter``) naming the parameter and the accepted values.
"""

from __future__ import annotations

from collections.abc import Iterable

from sas_platform.exceptions import ApplicationError


def choice_param(request, name: str, choices: Iterable) -> str | None:
    """``request.query_params[name]`` if it is one of ``choices`` (values of a TextChoices)."""
    value = request.query_params.get(name)
    if value in (None, ""):
        return None
    allowed = [str(choice) for choice in choices]
    if value not in allowed:
        raise ApplicationError(
            f"Valeur inconnue pour le filtre « {name} » : « {value} ». "
            f"Valeurs acceptées : {', '.join(allowed)}.",
            code="invalid_filter",
            extra={"fields": {name: [f"Valeurs acceptées : {', '.join(allowed)}."]}},
        )
    return value


def int_param(request, name: str) -> int | None:
    """``request.query_params[name]`` as a positive integer (an identifier)."""
    value = request.query_params.get(name)
    if value in (None, ""):
        return None
    if not value.isdigit():
        raise ApplicationError(
            f"Le filtre « {name} » attend un identifiant numérique, pas « {value} ».",
            code="invalid_filter",
            extra={"fields": {name: ["Identifiant numérique attendu."]}},
        )
    return int(value)
