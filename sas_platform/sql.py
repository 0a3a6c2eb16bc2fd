"""SQL helpers written once for every app (issue 10): model instances from raw rows, and the
set-based bulk writes on PostgreSQL (COPY, staging table, ``UPDATE ... FROM``)."""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS
from django.db.models.base import ModelState


def instance_from_row(model, prefix: str, columns: tuple[str, ...], row: dict):
    """A model instance from a row, as if fetched (other fields deferred, loaded on access).

    Built as unpickling does (``__new__`` and ``__dict__``): ``Model.__init__`` for 200 objects cost
    more than the search's SQL."""
    obj = model.__new__(model)
    obj._state = ModelState()
    obj._state.adding, obj._state.db = False, DEFAULT_DB_ALIAS
    obj.__dict__.update({name: row[f"{prefix}{name}"] for name in columns})
    return obj
