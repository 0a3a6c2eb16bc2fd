"""Portable SQL functions (issue 9): the percentile gives the same figures on PostgreSQL
(``PERCENTILE_CONT``) and on SQLite (the Python aggregate registered on every connection).

Marked ``sqlite_crawl``: ``make test`` runs this module on both databases with the same expected
figures (side by side on the same data)."""

from __future__ import annotations

import pytest
from django.db import connection

from sas_platform.db_functions import SQLITE_PERCENTILE, percentile_cont

pytestmark = pytest.mark.sqlite_crawl

# (values, fraction, PostgreSQL's percentile_cont)
CASES = [
    ([10, 20, 30, 40], 0.5, 25.0),
    ([10, 20, 30, 40], 0.9, 37.0),
    ([40, 10, 30, 20], 0.9, 37.0),  # order of the rows does not matter
    ([5], 0.5, 5.0),
    ([5], 0.9, 5.0),
    ([1, 2], 0.0, 1.0),
    ([1, 2], 1.0, 2.0),
    ([3, 3, 9], 0.5, 3.0),
    ([3, 3, 9], 0.75, 6.0),
    ([1.5, 2.5, 100.0], 0.5, 2.5),
    ([7, None, 9], 0.5, 8.0),  # NULL is ignored
]


@pytest.mark.parametrize(("values", "fraction", "expected"), CASES)
def test_python_percentile_cont_worked_examples(values, fraction, expected):
    assert percentile_cont(values, fraction) == pytest.approx(expected)


def test_python_percentile_cont_without_values_and_bad_fraction():
    assert percentile_cont([], 0.5) is None
    assert percentile_cont([None], 0.5) is None
    with pytest.raises(ValueError, match="fraction"):
        percentile_cont([1], 1.5)


def _sql_percentile(values, fraction):
    """The database's own percentile over ``values`` (PostgreSQL's, or the SQLite aggregate)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT percentile_cont(%s) WITHIN GROUP (ORDER BY v) FROM unnest(%s::float8[]) AS t(v)",
                [fraction, values],
            )
        else:
            rows = " UNION ALL ".join(["SELECT %s AS v"] * len(values))
            cursor.execute(f"SELECT {SQLITE_PERCENTILE}(v, %s) FROM ({rows})", [fraction, *values])
        return cursor.fetchone()[0]


@pytest.mark.django_db
@pytest.mark.parametrize(("values", "fraction", "expected"), CASES)
def test_database_percentile_equals_the_python_one(values, fraction, expected):
    assert _sql_percentile(values, fraction) == pytest.approx(expected)
    assert _sql_percentile(values, fraction) == pytest.approx(percentile_cont(values, fraction))


@pytest.mark.django_db
def test_database_percentile_of_no_row_is_null():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY v) FROM unnest('{}'::float8[]) AS t(v)"
            )
        else:
            cursor.execute(f"SELECT {SQLITE_PERCENTILE}(v, 0.5) FROM (SELECT 1 AS v) WHERE v > 1")
        assert cursor.fetchone()[0] is None
