"""The upserts of `planning`'s ingestion (:func:`planning.services.ingest.slots_ingest`): what a run
saw is sorted against what is stored, then written set-based on PostgreSQL (a bare COPY for new
slots) or through the ORM elsewhere. Both return (created, updated, gone)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from functools import lru_cache
from typing import NamedTuple

from django.db import connection

from planning.enums import SlotStatus
from planning.models import AgendaSource, Slot, SourceCoverage
from sas_platform.sql import copy_rows, update_from_rows

CHUNK = 2000


def _chunks(items: list, size: int = CHUNK) -> Iterable[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


#: The columns a source writes on a slot, in the order of the rows built by :func:`_rows_to_upsert`.
CONTENT_COLUMNS = (
    "professional_id",
    "place_id",
    "start",
    "end",
    "slot_types",
    "modalities",
    "type_mask",
    "modality_mask",
    "specialty_code",
    "specialty_codes",
    "reasons",
    "structures",
    "address",
    "latitude",
    "longitude",
    "departement_code",
    "bookable",
    "booking_url",
    "content_hash",
)
_JSON_COLUMNS = frozenset({"slot_types", "modalities", "reasons", "structures"})
_HASH = CONTENT_COLUMNS.index("content_hash")


def _q(column: str) -> str:
    return f'"{column}"'


_SQL = {
    # Ingestions of one source are serialised in the database too (the poll also holds a cache lock).
    "lock": "SELECT pg_advisory_xact_lock(hashtext('planning_slot_ingest'), %(source)s)",
    "any": 'SELECT EXISTS (SELECT 1 FROM {table} WHERE "source_id" = %(source)s)',
    "existing": """
SELECT "external_id", "id", "content_hash", "status", "professional_id" FROM {table}
 WHERE "source_id" = %(source)s AND "external_id" = ANY(%(ids)s)
""",
    # What ``update_from_rows`` sets besides the content of a changed slot (``t``: the stored slot).
    "changed_also": """"last_seen_at" = %(now)s,
       "status" = CASE WHEN t."status" = 'gone' THEN 'free' ELSE t."status" END""",
    "stamp": """
UPDATE {table} SET "last_seen_at" = %(now)s
 WHERE "id" = ANY(%(ids)s) AND "status" <> 'gone' AND "last_seen_at" <> %(now)s
""",
    # Seen by this run: new and changed slots (stamped now), unchanged ones (``kept``, left out in
    # Python). The other free slots of fully answered professionals in the window have vanished.
    "gone_candidates": """
SELECT "id" FROM {table}
 WHERE "source_id" = %(source)s AND "professional_id" = ANY(%(complete)s)
   AND "start" >= %(start)s AND "start" <= %(end)s AND "status" = 'free' AND "last_seen_at" <> %(now)s
""",
    # Their last sighting is the previous complete answer covering them, if later than their own stamp.
    "gone": """
UPDATE {table} s SET "status" = 'gone',
       "last_seen_at" = GREATEST(s."last_seen_at", (
           SELECT c."seen_at" FROM {coverage} c
            WHERE c."source_id" = s."source_id" AND c."professional_id" = s."professional_id"
              AND s."start" >= c."window_start" AND s."start" <= c."window_end"))
 WHERE s."id" = ANY(%(ids)s) AND s."status" = 'free'
""",
}


@lru_cache(maxsize=1)
def _sql() -> dict[str, str]:
    """The statements of the PostgreSQL upsert (identifiers are this module's constants)."""
    names = {
        "table": Slot._meta.db_table,
        "coverage": SourceCoverage._meta.db_table,
    }
    return {key: template.format(**names) for key, template in _SQL.items()}


#: The columns of a new slot, in the order of the rows COPY'd by :func:`upsert_postgresql`.
NEW_COLUMNS = (
    "source_id",
    "external_id",
    *CONTENT_COLUMNS,
    "status",
    "hold_reference",
    "booking_reference",
    "first_seen_at",
    "last_seen_at",
)


def _content_encoder():
    """``encode(prefix, row, suffix)``: a tuple of ``CONTENT_COLUMNS`` values ready for COPY, JSON
    columns serialised once per distinct value (a few dozen per source), not once per slot."""
    json_indexes = [i for i, column in enumerate(CONTENT_COLUMNS) if column in _JSON_COLUMNS]
    dumps: dict = {}

    def as_json(value) -> str:
        key = value if not value or isinstance(value[0], str) else repr(value)
        text = dumps.get(key)
        if text is None:
            text = dumps[key] = json.dumps(list(value), ensure_ascii=False)
        return text

    def encode(prefix: tuple, row: tuple, suffix: tuple) -> tuple:
        values = list(row)
        for i in json_indexes:
            values[i] = as_json(values[i])
        return (*prefix, *values, *suffix)

    return encode


class _Seen(NamedTuple):
    """What a run saw, sorted against what is stored (:func:`_sort_seen`)."""

    new: list[str]  # external ids not stored yet
    changed: list[tuple[str, int, tuple]]  # (external id, pk, row): other hash, or gone and seen again
    kept: set[int]  # pks unchanged, of fully answered professionals: their coverage says they were seen
    stamp: list[int]  # pks unchanged, of professionals not answered in full: stamped one by one


def _sort_seen(
    rows: dict[str, tuple], skipped_ids: set[str], existing: dict[str, tuple], complete: set[int]
) -> _Seen:
    """Sort the parsed rows and the ids skipped as unchanged (by the connector, from their hash)
    against ``existing`` (external id → (pk, hash, status, professional id))."""
    seen = _Seen([], [], set(), [])

    def unchanged(stored: tuple) -> None:
        if stored[3] in complete:
            seen.kept.add(stored[0])
        else:
            seen.stamp.append(stored[0])

    for external_id, row in rows.items():
        stored = existing.get(external_id)
        if stored is None:
            seen.new.append(external_id)
        elif stored[1] != row[_HASH] or stored[2] == SlotStatus.GONE:
            seen.changed.append((external_id, stored[0], row))
        else:
            unchanged(stored)
    for external_id in skipped_ids:
        stored = existing.get(external_id)
        if stored is not None and stored[2] != SlotStatus.GONE:
            unchanged(stored)
    return seen


def upsert_postgresql(
    *,
    source: AgendaSource,
    rows: dict[str, tuple],
    skipped_ids: set[str],
    complete_ids: list[int],
    window_start: datetime,
    window_end: datetime,
    now: datetime,
) -> tuple[int, int, int]:
    """Set-based upsert on PostgreSQL, close to a bare COPY when slots are new:

    1. read the stored id, hash, status and professional of every slot seen (one index probe each;
       none when the source has no slot yet);
    2. ``COPY`` the new slots straight into ``planning_slot`` (no staging, no ``ON CONFLICT``: the
       source's ingestions are serialised by a transaction advisory lock; ``sas_platform.sql.copy_rows``);
    3. ``COPY`` the changed ones (other hash, or gone and seen again) into a temporary table and
       ``UPDATE ... FROM`` it (a gone slot seen again comes back free; ``sas_platform.sql.update_from_rows``,
       shared with the RPPS import);
    4. leave the unchanged ones alone when their professional was answered in full (the
       ``SourceCoverage`` written by :func:`slots_ingest` says they were seen), else stamp their
       ``last_seen_at``;
    5. mark gone the free slots of fully answered professionals in the window not seen by this run.

    Returns (created, updated, gone)."""
    sql = _sql()
    with connection.cursor() as cursor:
        cursor.execute(sql["lock"], {"source": source.pk})
        existing: dict[str, tuple] = {}  # external id → (pk, hash, status, professional)
        cursor.execute(sql["any"], {"source": source.pk})
        if cursor.fetchone()[0]:  # a source's first poll has nothing to look up
            cursor.execute(sql["existing"], {"source": source.pk, "ids": [*rows, *skipped_ids]})
            existing = {external_id: stored for external_id, *stored in cursor}
        new, changed, kept, stamp = _sort_seen(rows, skipped_ids, existing, set(complete_ids))
        if new:
            encode, tail = _content_encoder(), (SlotStatus.FREE, "", "", now, now)
            copy_rows(
                cursor,
                table=Slot._meta.db_table,
                columns=NEW_COLUMNS,
                rows=(encode((source.pk, external_id), rows[external_id], tail) for external_id in new),
            )
        updated = 0
        if changed:
            encode = _content_encoder()
            updated = update_from_rows(
                cursor,
                table=Slot._meta.db_table,
                columns=("id", *CONTENT_COLUMNS),
                rows=(encode((pk,), row, ()) for _, pk, row in changed),
                also=sql["changed_also"],
                params={"now": now},
            )
        if stamp:
            cursor.execute(sql["stamp"], {"ids": stamp, "now": now})
        gone = 0
        if complete_ids:
            cursor.execute(
                sql["gone_candidates"],
                {
                    "source": source.pk,
                    "complete": complete_ids,
                    "start": window_start,
                    "end": window_end,
                    "now": now,
                },
            )
            vanished = [pk for (pk,) in cursor if pk not in kept]
            if vanished:
                cursor.execute(sql["gone"], {"ids": vanished})
                gone = cursor.rowcount
    return len(new), updated, gone


def upsert_orm(
    *,
    source: AgendaSource,
    rows: dict[str, tuple],
    skipped_ids: set[str],
    complete_ids: list[int],
    window_start: datetime,
    window_end: datetime,
    now: datetime,
) -> tuple[int, int, int]:
    """The same upsert through the ORM (SQLite and other databases): read the existing rows, bulk
    create, bulk update, stamp the unchanged slots of professionals not answered in full, then mark
    the vanished slots gone. Returns (created, updated, gone)."""
    existing: dict[str, tuple[int, str, str, int]] = {}
    for chunk in _chunks([*rows, *skipped_ids]):
        for pk, external_id, content_hash, status, professional_id in Slot.objects.filter(
            source=source, external_id__in=chunk
        ).values_list("pk", "external_id", "content_hash", "status", "professional_id"):
            existing[external_id] = (pk, content_hash, status, professional_id)
    new, changed, kept, stamp = _sort_seen(rows, skipped_ids, existing, set(complete_ids))
    to_create = [
        Slot(
            source=source,
            external_id=external_id,
            first_seen_at=now,
            last_seen_at=now,
            **dict(zip(CONTENT_COLUMNS, rows[external_id], strict=True)),
        )
        for external_id in new
    ]
    to_update = [
        Slot(pk=pk, last_seen_at=now, **dict(zip(CONTENT_COLUMNS, row, strict=True)))
        for _, pk, row in changed
    ]
    revived = [pk for external_id, pk, _ in changed if existing[external_id][2] == SlotStatus.GONE]
    Slot.objects.bulk_create(to_create, batch_size=CHUNK)
    Slot.objects.bulk_update(to_update, [*CONTENT_COLUMNS, "last_seen_at"], batch_size=CHUNK)
    for chunk in _chunks(revived):
        Slot.objects.filter(pk__in=chunk, status=SlotStatus.GONE).update(status=SlotStatus.FREE)
    for chunk in _chunks(stamp):
        Slot.objects.filter(pk__in=chunk).exclude(status=SlotStatus.GONE).update(last_seen_at=now)
    if not complete_ids:
        return len(to_create), len(to_update), 0
    coverage = {
        c.professional_id: c
        for c in SourceCoverage.objects.filter(source=source, professional_id__in=complete_ids)
    }
    vanished = []
    for slot in Slot.objects.filter(
        source=source,
        status=SlotStatus.FREE,
        start__gte=window_start,
        start__lte=window_end,
        professional_id__in=complete_ids,
    ).only("pk", "professional_id", "start", "last_seen_at"):
        if slot.pk in kept or slot.last_seen_at == now:  # seen by this run
            continue
        covered = coverage.get(slot.professional_id)
        if covered and covered.window_start <= slot.start <= covered.window_end:
            slot.last_seen_at = max(slot.last_seen_at, covered.seen_at)
        slot.status = SlotStatus.GONE
        vanished.append(slot)
    Slot.objects.bulk_update(vanished, ["status", "last_seen_at"], batch_size=CHUNK)
    return len(to_create), len(to_update), len(vanished)
