"""SQL functions that work on both databases of the platform: PostgreSQL (production, tests) and
SQLite (the embedded default of ``make run``; issue 9: "whatever needs PostgreSQL-only SQL gets a
portable path that gives the same figures").

- :class:`Percentile`: ``PERCENTILE_CONT(fraction) WITHIN GROUP (ORDER BY x)`` on PostgreSQL; on
  SQLite the aggregate ``sas_percentile_cont(x, fraction)``, written in Python with the same
  definition (:func:`percentile_cont`) and registered on every SQLite connection
  (:func:`register_sqlite_functions`, from ``SasPlatformConfig.ready``). Same query, same figures;
  ``FILTER (WHERE ...)`` works on both (SQLite ≥ 3.30).
- :class:`EpochSeconds`: the seconds of a difference of two datetimes (``EXTRACT(EPOCH FROM ...)``
  on PostgreSQL; Django's ``django_timestamp_diff`` gives microseconds on SQLite).
"""

from __future__ import annotations

import math

from django.db.models import Aggregate, FloatField, Func

SQLITE_PERCENTILE = "sas_percentile_cont"


def percentile_cont(values, fraction: float) -> float | None:
    """PostgreSQL's ``percentile_cont``: the value at ``fraction`` of the sorted non-null values,
    linearly interpolated between the two nearest ranks (position ``fraction * (n - 1)``); ``None``
    when there is no value. ``[10, 20, 30, 40]`` at 0.5 → 25.0, at 0.9 → 37.0."""
    ordered = sorted(float(v) for v in values if v is not None)
    if not ordered:
        return None
    if not 0 <= fraction <= 1:
        raise ValueError(f"fraction hors de [0, 1] : {fraction}")
    position = fraction * (len(ordered) - 1)
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (position - low) * (ordered[high] - ordered[low])


class _SqlitePercentile:
    """The ``sas_percentile_cont(value, fraction)`` aggregate of SQLite connections."""

    def __init__(self) -> None:
        self.values: list[float] = []
        self.fraction = 0.5

    def step(self, value, fraction) -> None:
        self.fraction = fraction
        if value is not None:
            self.values.append(value)

    def finalize(self) -> float | None:
        return percentile_cont(self.values, self.fraction)


def register_sqlite_functions(sender, connection, **kwargs) -> None:
    """``connection_created`` receiver: add the platform's aggregates to a new SQLite connection."""
    if connection.vendor == "sqlite":
        connection.connection.create_aggregate(SQLITE_PERCENTILE, 2, _SqlitePercentile)


class Percentile(Aggregate):
    """The continuous percentile ``fraction`` of ``expression`` (see the module's docstring)."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, fraction: float, **extra):
        super().__init__(expression, fraction=float(fraction), **extra)

    def as_sqlite(self, compiler, connection, **extra_context):
        clone = self.copy()  # the template through attributes: ``Aggregate.as_sql`` wraps it in FILTER
        clone.function = SQLITE_PERCENTILE
        clone.template = "%(function)s(%(expressions)s, %(fraction)s)"
        return clone.as_sql(compiler, connection, **extra_context)


class EpochSeconds(Func):
    """Seconds of a ``DateTimeField - DateTimeField`` difference, as a float."""

    template = "EXTRACT(EPOCH FROM %(expressions)s)"
    output_field = FloatField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template="((%(expressions)s) / 1000000.0)", **extra_context)
