"""Writing a batch of the RPPS import: rows compared with what the database holds, new ones COPY'd,
changed ones through a staging table (``sas_platform.sql``; the ORM elsewhere), and ``--full``'s
record of the places seen. Part of :mod:`cpts.imports.rpps`."""

from __future__ import annotations

from django.db import connection, transaction
from django.utils import timezone

from cpts.imports.common import (
    BATCH_SIZE,
    ImportStats,
)
from cpts.imports.rpps.lines import PERSON_FIELDS, PLACE_FIELDS, PLACE_KEY_PREFIX
from cpts.models import PracticePlace, Professional
from sas_platform.sql import copy_rows, copy_types, model_columns, update_from_rows


# Raw SQL below (``noqa: S608``): table and column names come from the models' metadata,
# quoted; values always go as parameters or through COPY.
def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


# Look-ups walk the batch's keys (``unnest``) and fetch each one through the unique index
# (``JOIN LATERAL`` with ``OFFSET 0``, which keeps the planner from flattening it into a join:
# one index probe per key, whatever the statistics say). Right after a big
# import the statistics are stale, and ``= ANY(array)`` or a plain join may be planned as a scan of
# the whole table per batch (up to ~1 s each).
def _fetch_people(cursor, keys: list[tuple[str, str]]) -> list[tuple]:
    """(pk, type, identifier, *PERSON_FIELDS) of the professionals with these (type, identifier)."""
    if is_postgresql():
        quote = connection.ops.quote_name
        columns = ", ".join(
            f"p.{quote(c)}"
            for c in model_columns(Professional, ("id", "identifier_type", "identifier", *PERSON_FIELDS))
        )
        cursor.execute(
            "SELECT f.* FROM unnest(%s::varchar[], %s::varchar[]) AS k(kind, identifier) "  # noqa: S608
            f"CROSS JOIN LATERAL (SELECT {columns} FROM {quote(Professional._meta.db_table)} AS p "
            "WHERE p.identifier_type = k.kind AND p.identifier = k.identifier OFFSET 0) AS f",
            [[key[0] for key in keys], [key[1] for key in keys]],
        )
        return cursor.fetchall()
    return list(
        Professional.objects.filter(identifier__in=[key[1] for key in keys]).values_list(
            "pk", "identifier_type", "identifier", *PERSON_FIELDS
        )
    )


def _fetch_places(cursor, professional_ids: list[int]) -> list[tuple]:
    """(pk, professional_id, source_key, *PLACE_FIELDS) of every place of these professionals."""
    if is_postgresql():
        quote = connection.ops.quote_name
        columns = ", ".join(
            f"p.{quote(c)}"
            for c in model_columns(PracticePlace, ("id", "professional_id", "source_key", *PLACE_FIELDS))
        )
        cursor.execute(
            "SELECT f.* FROM unnest(%s::bigint[]) AS k(id) "  # noqa: S608
            f"CROSS JOIN LATERAL (SELECT {columns} FROM {quote(PracticePlace._meta.db_table)} AS p "
            "WHERE p.professional_id = k.id OFFSET 0) AS f",
            [professional_ids],
        )
        return cursor.fetchall()
    return list(
        PracticePlace.objects.filter(professional_id__in=professional_ids).values_list(
            "pk", "professional_id", "source_key", *PLACE_FIELDS
        )
    )


def _insert_people(cursor, rows: list[tuple], source: str, now) -> dict[tuple[str, str], int]:
    """Insert ``(type, identifier, *PERSON_FIELDS)`` rows; their primary keys by (type, identifier)."""
    if not rows:
        return {}
    if is_postgresql():
        table = Professional._meta.db_table
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, len(rows)]
        )
        pks = [pk for (pk,) in cursor.fetchall()]
        names = ("id", "identifier_type", "identifier", *PERSON_FIELDS, "source", "created_at", "updated_at")
        copy_rows(
            cursor,
            table=table,
            columns=model_columns(Professional, names),
            rows=((pk, *row, source, now, now) for pk, row in zip(pks, rows, strict=True)),
            types=copy_types(Professional, names),
        )
        return {(row[0], row[1]): pk for pk, row in zip(pks, rows, strict=True)}
    Professional.objects.bulk_create(
        [
            Professional(
                identifier_type=row[0],
                identifier=row[1],
                source=source,
                created_at=now,
                updated_at=now,
                **dict(zip(PERSON_FIELDS, row[2:], strict=True)),
            )
            for row in rows
        ],
        batch_size=BATCH_SIZE,
    )
    wanted = {(row[0], row[1]) for row in rows}
    return {
        (kind, identifier): pk
        for pk, kind, identifier in Professional.objects.filter(
            identifier__in=[row[1] for row in rows]
        ).values_list("pk", "identifier_type", "identifier")
        if (kind, identifier) in wanted
    }


def _insert_places(cursor, rows: list[tuple]) -> None:
    """Insert ``(professional_id, source_key, *PLACE_FIELDS)`` rows."""
    if not rows:
        return
    names = ("professional_id", "source_key", *PLACE_FIELDS)
    if is_postgresql():
        copy_rows(
            cursor,
            table=PracticePlace._meta.db_table,
            columns=model_columns(PracticePlace, names),
            rows=rows,
            types=copy_types(PracticePlace, names),
        )
        return
    PracticePlace.objects.bulk_create(
        [PracticePlace(**dict(zip(names, row, strict=True))) for row in rows], batch_size=BATCH_SIZE
    )


def _update(cursor, model, names: tuple[str, ...], rows: list[tuple]) -> None:
    """Set ``names`` from ``(pk, *values)`` rows: COPY into a staging table, then one
    ``UPDATE ... FROM`` (PostgreSQL, :func:`sas_platform.sql.update_from_rows`); ``bulk_update``
    elsewhere."""
    if not rows:
        return
    if not is_postgresql():
        model.objects.bulk_update(
            [model(pk=row[0], **dict(zip(names, row[1:], strict=True))) for row in rows],
            list(names),
            batch_size=BATCH_SIZE,
        )
        return
    update_from_rows(
        cursor,
        table=model._meta.db_table,
        columns=model_columns(model, ("id", *names)),
        rows=rows,
        types=copy_types(model, ("id", *names)),
    )


class Batch:
    """Lines waiting to be written: the people (first line wins) and the places, as tuples."""

    __slots__ = ("lines", "people")

    def __init__(self) -> None:
        self.people: dict[tuple[str, str], tuple] = {}
        #: (person key, place key or None, place tuple)
        self.lines: list[tuple[tuple[str, str], str | None, tuple]] = []


def batch_write(batch: Batch, stats: ImportStats, source: str, seen: SeenPlaces | None) -> None:
    """Write one batch in one transaction; only rows that differ from the database are written."""
    if not batch.lines:
        return
    now = timezone.now()
    people = batch.people
    with transaction.atomic(), connection.cursor() as cursor:
        if is_postgresql():
            # The import is idempotent: should the server crash, re-running the file restores the
            # last batches, so a batch's commit need not wait for its WAL flush.
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
        ids: dict[tuple[str, str], int] = {}
        outcome: dict[tuple[str, str], str] = {}
        changed_people: list[tuple] = []
        for pk, kind, identifier, *current in _fetch_people(cursor, list(people)):
            key = (kind, identifier)
            values = people.get(key)
            if values is None:
                continue
            ids[key] = pk
            if tuple(current) != values:
                changed_people.append((pk, *values, now))
                outcome[key] = "updated"
            else:
                outcome[key] = "unchanged"
        existing_ids = list(ids.values())
        new_people = [(key[0], key[1], *values) for key, values in people.items() if key not in ids]
        for key, pk in _insert_people(cursor, new_people, source, now).items():
            ids[key] = pk
            outcome[key] = "created"
        _update(cursor, Professional, (*PERSON_FIELDS, "updated_at"), changed_people)

        existing_places = (
            {(row[1], row[2]): row for row in _fetch_places(cursor, existing_ids)} if existing_ids else {}
        )
        new_places: list[tuple] = []
        changed_places: list[tuple] = []
        counted: set[tuple[str, str]] = set()
        for person_key, place_key, place in batch.lines:
            professional_id = ids[person_key]
            if person_key in counted:
                result = "unchanged"
            else:
                counted.add(person_key)
                result = outcome[person_key]
            if place_key is not None:
                row = existing_places.get((professional_id, place_key))
                if row is None:
                    new_places.append((professional_id, place_key, *place))
                    result = "created"
                elif row[3:] != place:
                    changed_places.append((row[0], *place))
                    if result != "created":
                        result = "updated"
                if seen is not None:
                    seen.places.append((professional_id, place_key))
            stats.count(result)
        _insert_places(cursor, new_places)
        _update(cursor, PracticePlace, PLACE_FIELDS, changed_places)
        if seen is not None:
            seen.flush(cursor)


class SeenPlaces:
    """``--full``: the RPPS places listed by the file, to mark the others inactive at the end.

    PostgreSQL: a temporary table filled by COPY batch after batch (memory stays flat); other
    databases: a set in memory. Professionals with a rejected line are kept apart (``uncertain``).
    """

    TABLE = "cpts_import_seen_places"

    def __init__(self) -> None:
        self.places: list[tuple[int, str]] = []
        self.kept: set[tuple[int, str]] = set()
        self.uncertain: set[tuple[str, str]] = set()
        if is_postgresql():
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{self.TABLE}")
                cursor.execute(
                    f"CREATE TEMPORARY TABLE {self.TABLE} (professional_id bigint, source_key varchar(120))"
                )

    def flush(self, cursor) -> None:
        if is_postgresql():
            copy_rows(
                cursor,
                table=self.TABLE,
                columns=["professional_id", "source_key"],
                rows=self.places,
                types=["int8", "varchar"],
            )
        else:
            self.kept.update(self.places)
        self.places = []

    def deactivate_missing(self) -> int:
        """Mark inactive the active RPPS places the file did not list; their number."""
        uncertain_ids = [
            pk
            for pk, kind, identifier in Professional.objects.filter(
                identifier__in={key[1] for key in self.uncertain}
            ).values_list("pk", "identifier_type", "identifier")
            if (kind, identifier) in self.uncertain
        ]
        candidates = PracticePlace.objects.filter(
            is_active=True, source_key__startswith=PLACE_KEY_PREFIX
        ).exclude(professional_id__in=uncertain_ids)
        if not is_postgresql():
            missing = [
                pk
                for pk, professional_id, key in candidates.values_list("pk", "professional_id", "source_key")
                if (professional_id, key) not in self.kept
            ]
            return PracticePlace.objects.filter(pk__in=missing).update(is_active=False)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"CREATE INDEX ON {self.TABLE} (professional_id, source_key)")
            cursor.execute(f"ANALYZE {self.TABLE}")
            cursor.execute(
                "UPDATE cpts_practiceplace AS p SET is_active = false "  # noqa: S608
                "WHERE p.is_active AND p.source_key LIKE %s AND NOT (p.professional_id = ANY(%s)) "
                f"AND NOT EXISTS (SELECT 1 FROM {self.TABLE} AS s "
                "WHERE s.professional_id = p.professional_id AND s.source_key = p.source_key)",
                [PLACE_KEY_PREFIX + "%", uncertain_ids],
            )
            count = cursor.rowcount
        return count

    def close(self) -> None:
        if is_postgresql():
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{self.TABLE}")
