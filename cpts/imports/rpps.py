"""Import of the RPPS / Annuaire Santé extracts (``|``-separated, one line per activity).

Two variants, told apart by their header (``../shared/data/rpps/README.md``): the public
*libre accès* extract ``PS_LibreAcces_Personne_activite`` and the *Pro Santé Connect* extract
(birth data, correspondence contact, ``Code rôle``; codes without labels).

Streaming and batched: the file is read line by line; every ~2,000 lines (ending at a person
boundary) the batch is written in one transaction. Idempotent: a second run with the same file
counts every line *unchanged* and writes nothing. A bad line is rejected with its number and a
French reason; the rest of the file is imported.

Throughput (``bench/results/cpts_import.md``): the header is compiled once into one
``itemgetter`` giving the known columns in a fixed order; a person's fields are parsed once
for their consecutive lines; rows are plain tuples compared with what the database holds
(no model instances). On PostgreSQL, a batch costs at most: one look-up of its people
(``= ANY(array)``), one of their places, COPY of new rows (ids drawn from the sequence
beforehand) and, for changed rows, COPY into a temporary table + one ``UPDATE ... FROM``.
Other databases (the SQLite demo) go through the ORM's bulk operations.

``full=True`` (``import_rpps --full``): the file is a *complete* extract; the RPPS places
it no longer lists (a professional who left, or one of their activities that ended) are marked
inactive, never deleted. A professional with a rejected line keeps their places as they are.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from functools import lru_cache
from operator import itemgetter
from pathlib import Path
from queue import Full, Queue

from django.db import connection, transaction
from django.utils import timezone

from cpts.enums import DataSource, ExerciseMode, IdentifierType
from cpts.exceptions import ImportFileError
from cpts.imports.common import (
    BATCH_SIZE,
    PLACE_MAX,
    PROFESSION_LABELS,
    PROFESSIONAL_MAX,
    SPECIALTY_LABELS,
    Geography,
    ImportStats,
    ProgressCallback,
    StructureIndex,
    civility_label,
    clean_email,
    clean_phone,
)
from cpts.models import PracticePlace, Professional
from sas_platform.geo import search_key
from sas_platform.identifiers import normalize_insee_commune

FORMAT_RPPS = "rpps"
FORMAT_PSC = "psc"
#: Lines created from which the import refreshes the tables' statistics at its end (PostgreSQL).
ANALYZE_AFTER = 10_000
#: Places written by this importer (``source_key`` prefix); ``--full`` only touches these.
PLACE_KEY_PREFIX = "rpps:"

# Canonical column → header spellings, compared through ``search_key`` (case, accents and
# punctuation ignored, so "(coord. Structure)" and "(coord. structure)" are the same).
# The order is the order of the tuple a line is read into (see ``_read``).
_COLUMNS: dict[str, tuple[str, ...]] = {
    "id_type": ("Type d'identifiant PP",),
    "id_pp": ("Identifiant PP",),
    "id_national": ("Identification nationale PP",),
    "civility_ex_code": ("Code civilité d'exercice",),
    "civility_ex_label": ("Libellé civilité d'exercice",),
    "civility_code": ("Code civilité",),
    "last_name": ("Nom d'exercice",),
    "first_name": ("Prénom d'exercice",),
    "profession_code": ("Code profession",),
    "profession_label": ("Libellé profession",),
    "specialty_code": ("Code savoir-faire",),
    "specialty_label": ("Libellé savoir-faire",),
    "mode": ("Code mode exercice",),
    "siret": ("Numéro SIRET site",),
    "finess": ("Numéro FINESS site",),
    "technical_id": ("Identifiant technique de la structure",),
    "company_name": ("Raison sociale site",),
    "trade_name": ("Enseigne commerciale site",),
    "street_number": ("Numéro Voie (coord. structure)",),
    "street_repeat": ("Indice répétition voie (coord. structure)",),
    "street_type_code": ("Code type de voie (coord. structure)",),
    "street_type_label": ("Libellé type de voie (coord. structure)",),
    "street": ("Libellé Voie (coord. structure)",),
    "postal_code": ("Code postal (coord. structure)",),
    "commune": ("Code commune (coord. structure)",),
    "cedex": ("Bureau cedex (coord. structure)",),
    "phone": ("Téléphone (coord. structure)",),
    "phone2": ("Téléphone 2 (coord. structure)",),
    "email": ("Adresse e-mail (coord. structure)",),
    "role_code": ("Code rôle",),
    "birth_date": ("Date de naissance",),
}
_CANONICAL = tuple(_COLUMNS)
#: The first 12 canonical columns describe the person (the rest, the place of activity).
_PERSON_WIDTH = 12
_REQUIRED = ("id_type", "id_pp", "last_name", "profession_code")
_ALIASES = {search_key(spelling): name for name, spellings in _COLUMNS.items() for spelling in spellings}
_ADELI = re.compile(r"(\d{2}|2A|2B)\d{7}")
_MODES = frozenset(ExerciseMode.values)
_RPPS, _ADELI_TYPE = str(IdentifierType.RPPS), str(IdentifierType.ADELI)

PERSON_FIELDS = (
    "identifier_key_valid",
    "civility",
    "last_name",
    "first_name",
    "profession_code",
    "profession_label",
    "specialty_code",
    "specialty_label",
    "search_name",
)
PLACE_FIELDS = (
    "structure_id",
    "name",
    "address",
    "postal_code",
    "commune_id",
    "latitude",
    "longitude",
    "phone",
    "email",
    "finess",
    "siret",
    "rpps_rang",
    "exercise_mode",
    "is_active",
)
_P = PROFESSIONAL_MAX
_L = PLACE_MAX


class Header:
    """The columns of an extract, compiled once: :meth:`values` reads a line's known columns
    (stripped) into a tuple in ``_CANONICAL`` order, ``""`` for columns the file lacks."""

    def __init__(self, file_format: str, index: dict[str, int], width: int) -> None:
        self.file_format = file_format
        self.index = index
        self.width = width
        # -1: the "" appended to every line by ``values``, for the columns this file lacks.
        self._get = itemgetter(*(index.get(name, -1) for name in _CANONICAL))

    def values(self, fields: list[str]) -> tuple[str, ...]:
        fields.append("")
        return tuple(map(str.strip, self._get(fields)))

    def row(self, fields: list[str]) -> dict[str, str]:
        """The line's known columns by canonical name, stripped (absent columns: missing key)."""
        return {
            name: fields[position].strip() for name, position in self.index.items() if position < len(fields)
        }


def header_parse(line: str) -> Header:
    """Map the header's columns; tell the libre-accès extract from the Pro Santé Connect one."""
    names = line.rstrip("\r\n").split("|")
    index: dict[str, int] = {}
    for position, raw in enumerate(names):
        canonical = _ALIASES.get(search_key(raw))
        if canonical and canonical not in index:
            index[canonical] = position
    missing = [_COLUMNS[name][0] for name in _REQUIRED if name not in index]
    if missing:
        raise ImportFileError(
            "En-tête non reconnu : colonnes manquantes : " + ", ".join(missing) + ". "
            "Attendu : l'extraction RPPS « PS_LibreAcces_Personne_activite » ou l'extraction Pro Santé Connect.",
            code="import_header_unknown",
        )
    file_format = FORMAT_PSC if ("role_code" in index or "birth_date" in index) else FORMAT_RPPS
    width = len(names) - 1 if names and names[-1].strip() == "" else len(names)
    return Header(file_format=file_format, index=index, width=width)


class LineRejected(Exception):
    pass


#: A digit → the sum of the digits of its double (Luhn), as a translation table.
_DOUBLED = str.maketrans("0123456789", "0246813579")


def luhn_ok(digits: str) -> bool:
    """Luhn key of a string of digits (the RPPS key), in C-level string operations."""
    return sum(map(int, digits[-1::-2] + digits[-2::-2].translate(_DOUBLED))) % 10 == 0


_ASCII_NOISE = re.compile(r"[^a-z0-9]+")
_SAINTS = {"st": "saint", "ste": "sainte"}


@lru_cache(maxsize=8192)
def _name_key(text: str) -> str:
    """:func:`sas_platform.geo.search_key`, with a fast path for plain ASCII (most names) and a
    bounded cache (names repeat across an extract)."""
    if not text.isascii():
        return search_key(text)
    return " ".join(_SAINTS.get(word, word) for word in _ASCII_NOISE.sub(" ", text.lower()).split())


def _person(values: tuple[str, ...]) -> tuple[tuple[str, str], tuple]:
    """(identifier type, identifier) and the ``PERSON_FIELDS`` of a line."""
    (
        id_type,
        identifier,
        national,
        civility_ex_code,
        civility_ex_label,
        civility_code,
        last_name,
        first_name,
        profession_code,
        profession_label,
        specialty_code,
        specialty_label,
    ) = values[:_PERSON_WIDTH]
    identifier = identifier.upper()
    if not identifier and len(national) > 1:
        identifier = national[1:].upper()
    if id_type == _RPPS:
        if not (len(identifier) == 11 and identifier.isdigit()):
            raise LineRejected(f"identifiant RPPS « {identifier} » mal formé (11 chiffres attendus)")
        key_valid = luhn_ok(identifier)
    elif id_type == _ADELI_TYPE:
        if not _ADELI.fullmatch(identifier):
            raise LineRejected(f"numéro ADELI « {identifier} » mal formé (9 caractères attendus)")
        key_valid = True
    else:
        raise LineRejected(f"type d'identifiant « {id_type} » inconnu (8 = RPPS, 0 = ADELI)")
    if not last_name:
        raise LineRejected("nom d'exercice manquant")
    civility = civility_ex_label or civility_label(civility_ex_code or civility_code)
    person = (
        key_valid,
        civility[: _P["civility"]],
        last_name[: _P["last_name"]],
        first_name[: _P["first_name"]],
        profession_code[: _P["profession_code"]],
        (profession_label or PROFESSION_LABELS.get(profession_code, ""))[: _P["profession_label"]],
        specialty_code[: _P["specialty_code"]],
        (specialty_label or SPECIALTY_LABELS.get(specialty_code, ""))[: _P["specialty_label"]],
        _name_key(f"{last_name} {first_name}")[: _P["search_name"]],
    )
    return (id_type, identifier), person


def _place(
    values: tuple[str, ...], geography: Geography, structures: StructureIndex
) -> tuple[str | None, tuple]:
    """The place's ``source_key`` and its ``PLACE_FIELDS`` (``None, ()`` for a line without a place)."""
    (
        mode,
        siret,
        finess,
        technical_id,
        company_name,
        trade_name,
        street_number,
        street_repeat,
        street_type_code,
        street_type_label,
        street,
        postal_code,
        commune_code,
        cedex,
        phone,
        phone2,
        email,
    ) = values[_PERSON_WIDTH:29]
    street_type = street_type_label or street_type_code
    number = street_number + street_repeat
    address = " ".join(part for part in (number, street_type, street) if part)
    name = company_name or trade_name
    communes = geography.communes
    if commune_code and commune_code not in communes:
        commune_code = normalize_insee_commune(commune_code)  # "1001" (a spreadsheet's) → "01001"
    if not (technical_id or siret or finess or address or postal_code or commune_code or name):
        return None, ()
    if commune_code:
        if commune_code not in communes:
            raise LineRejected(f"code commune INSEE « {commune_code} » inconnu")
    else:
        cedex_city = cedex[6:] if len(cedex) > 6 else ""
        commune_code = geography.from_postal_code(postal_code, cedex_city) or ""
    latitude = longitude = None
    if commune_code:
        latitude, longitude, _ = communes[commune_code]
    if technical_id:
        key = PLACE_KEY_PREFIX + technical_id
    elif siret or finess:
        key = f"rpps:siret:{siret}" if siret else f"rpps:finess:{finess}"
    else:
        key = "rpps:adr:" + search_key(f"{address} {postal_code} {commune_code} {name}")
    phone = phone or phone2
    if phone and not phone.isdigit():
        phone = clean_phone(phone)
    place = (
        structures.find(finess=finess, siret=siret),
        name[: _L["name"]],
        address[: _L["address"]],
        postal_code[:5],
        commune_code or None,
        latitude,
        longitude,
        phone[: _L["phone"]],
        clean_email(email)[: _L["email"]] if email else "",
        finess[: _L["finess"]],
        siret[: _L["siret"]],
        technical_id[: _L["rpps_rang"]],
        mode if mode in _MODES else ExerciseMode.UNKNOWN,
        True,
    )
    return key[:120], place


# --- Writing a batch ---------------------------------------------------------------------------
# Raw SQL below (``noqa: S608``): table and column names come from the models' metadata,
# quoted; values always go as parameters or through COPY.
def _pg() -> bool:
    return connection.vendor == "postgresql"


def _columns(model, names) -> list[str]:
    return [model._meta.get_field(name.removesuffix("_id")).column for name in names]


_PG_TYPES = {
    "bigint": "int8",
    "integer": "int4",
    "smallint": "int2",
    "double precision": "float8",
    "timestamp with time zone": "timestamptz",
    "boolean": "bool",
}


def _copy_types(model, names) -> list[str]:
    """PostgreSQL type names of the columns, so COPY skips guessing each value's type."""
    types = []
    for name in names:
        field = model._meta.get_field(name.removesuffix("_id"))
        db_type = (field.target_field if field.is_relation else field).db_type(connection).split("(")[0]
        types.append(_PG_TYPES.get(db_type, db_type))
    return types


def _copy(cursor, table: str, columns: list[str], rows, types: list[str] | None = None) -> None:
    quote = connection.ops.quote_name
    sql = f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
    with cursor.cursor.copy(sql) as copy:
        if types:
            copy.set_types(types)
        write = copy.write_row
        for row in rows:
            write(row)


# Look-ups walk the batch's keys (``unnest``) and fetch each one through the unique index
# (``JOIN LATERAL`` with ``OFFSET 0``, which keeps the planner from flattening it into a join:
# one index probe per key, whatever the statistics say). Right after a big
# import the statistics are stale, and ``= ANY(array)`` or a plain join may be planned as a scan of
# the whole table per batch (up to ~1 s each).
def _fetch_people(cursor, keys: list[tuple[str, str]]) -> list[tuple]:
    """(pk, type, identifier, *PERSON_FIELDS) of the professionals with these (type, identifier)."""
    if _pg():
        quote = connection.ops.quote_name
        columns = ", ".join(
            f"p.{quote(c)}"
            for c in _columns(Professional, ("id", "identifier_type", "identifier", *PERSON_FIELDS))
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
    if _pg():
        quote = connection.ops.quote_name
        columns = ", ".join(
            f"p.{quote(c)}"
            for c in _columns(PracticePlace, ("id", "professional_id", "source_key", *PLACE_FIELDS))
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
    if _pg():
        table = Professional._meta.db_table
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, len(rows)]
        )
        pks = [pk for (pk,) in cursor.fetchall()]
        names = ("id", "identifier_type", "identifier", *PERSON_FIELDS, "source", "created_at", "updated_at")
        _copy(
            cursor,
            table,
            _columns(Professional, names),
            ((pk, *row, source, now, now) for pk, row in zip(pks, rows, strict=True)),
            _copy_types(Professional, names),
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
    if _pg():
        _copy(
            cursor,
            PracticePlace._meta.db_table,
            _columns(PracticePlace, names),
            rows,
            _copy_types(PracticePlace, names),
        )
        return
    PracticePlace.objects.bulk_create(
        [PracticePlace(**dict(zip(names, row, strict=True))) for row in rows], batch_size=BATCH_SIZE
    )


def _update(cursor, model, names: tuple[str, ...], rows: list[tuple]) -> None:
    """Set ``names`` from ``(pk, *values)`` rows: COPY into a temporary table, then one
    ``UPDATE ... FROM`` (PostgreSQL); ``bulk_update`` elsewhere."""
    if not rows:
        return
    if not _pg():
        model.objects.bulk_update(
            [model(pk=row[0], **dict(zip(names, row[1:], strict=True))) for row in rows],
            list(names),
            batch_size=BATCH_SIZE,
        )
        return
    quote = connection.ops.quote_name
    table, temp = model._meta.db_table, f"{model._meta.db_table}_import"
    columns = _columns(model, ("id", *names))
    cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{quote(temp)}")
    cursor.execute(
        f"CREATE TEMPORARY TABLE {quote(temp)} ON COMMIT DROP AS "  # noqa: S608
        f"SELECT {', '.join(quote(c) for c in columns)} FROM {quote(table)} WITH NO DATA"
    )
    _copy(cursor, temp, columns, rows, _copy_types(model, ("id", *names)))
    assignments = ", ".join(f"{quote(c)} = s.{quote(c)}" for c in columns[1:])
    cursor.execute(f"UPDATE {quote(table)} AS t SET {assignments} FROM {quote(temp)} AS s WHERE t.id = s.id")  # noqa: S608


class _Batch:
    """Lines waiting to be written: the people (first line wins) and the places, as tuples."""

    __slots__ = ("lines", "people")

    def __init__(self) -> None:
        self.people: dict[tuple[str, str], tuple] = {}
        #: (person key, place key or None, place tuple)
        self.lines: list[tuple[tuple[str, str], str | None, tuple]] = []


def _flush(batch: _Batch, stats: ImportStats, source: str, seen: _Seen | None) -> None:
    """Write one batch in one transaction; only rows that differ from the database are written."""
    if not batch.lines:
        return
    now = timezone.now()
    people = batch.people
    with transaction.atomic(), connection.cursor() as cursor:
        if _pg():
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


class _Seen:
    """``--full``: the RPPS places listed by the file, to mark the others inactive at the end.

    PostgreSQL: a temporary table filled by COPY batch after batch (memory stays flat); other
    databases: a set in memory. Professionals with a rejected line are kept apart (``uncertain``).
    """

    TABLE = "cpts_import_seen_places"

    def __init__(self) -> None:
        self.places: list[tuple[int, str]] = []
        self.kept: set[tuple[int, str]] = set()
        self.uncertain: set[tuple[str, str]] = set()
        if _pg():
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{self.TABLE}")
                cursor.execute(
                    f"CREATE TEMPORARY TABLE {self.TABLE} (professional_id bigint, source_key varchar(120))"
                )

    def flush(self, cursor) -> None:
        if _pg():
            _copy(cursor, self.TABLE, ["professional_id", "source_key"], self.places, ["int8", "varchar"])
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
        if not _pg():
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
        if _pg():
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{self.TABLE}")


def _uncertain_key(fields: list[str], header: Header) -> tuple[str, str] | None:
    """The person of a rejected line, when it can still be read (``--full`` keeps their places)."""
    position_type, position_id = header.index.get("id_type"), header.index.get("id_pp")
    if position_type is None or position_id is None or max(position_type, position_id) >= len(fields):
        return None
    identifier = fields[position_id].strip().upper()
    return (fields[position_type].strip(), identifier) if identifier else None


def rpps_import(
    *, path: Path | str, progress: ProgressCallback | None = None, full: bool = False
) -> ImportStats:
    """Import an RPPS or Pro Santé Connect extract (format read from the header).

    ``full``: the file is a complete extract; active RPPS places it does not list are marked
    inactive (``stats.deactivated``), except those of a professional with a rejected line.
    Raises :class:`~cpts.exceptions.ImportFileError` when the file cannot be read at all
    (empty, header not recognised); then nothing is written.

    The file is parsed in a second thread, one batch ahead of the writes (which wait on
    PostgreSQL, the GIL released): parsing and writing overlap; at most 2 batches wait.
    """
    path = Path(path)
    total = path.stat().st_size
    stats = ImportStats()
    with path.open("rb") as handle:
        raw_header = handle.readline()
        if not raw_header.strip():
            raise ImportFileError("Le fichier est vide.", code="import_file_empty")
        try:
            header = header_parse(raw_header.decode("utf-8-sig"))
        except UnicodeDecodeError as exc:
            raise ImportFileError(
                "En-tête illisible : le fichier doit être encodé en UTF-8.", code="import_encoding"
            ) from exc
        stats.file_format = header.file_format
        source = DataSource.PSC if header.file_format == FORMAT_PSC else DataSource.RPPS
        geography, structures = Geography(), StructureIndex()
        seen = _Seen() if full else None
        # Each thread counts in its own report: rejections while parsing, outcomes while writing.
        parsed, written = ImportStats(), ImportStats()
        try:
            batches = _parse(
                handle,
                header,
                geography,
                structures,
                parsed,
                seen.uncertain if seen else None,
                len(raw_header),
            )
            for batch, done in _ahead(batches):
                _flush(batch, written, source, seen)
                if progress:
                    progress(done, total)
            if seen is not None:
                stats.deactivated = seen.deactivate_missing()
            if written.created >= ANALYZE_AFTER and _pg():
                # Fresh statistics for the directory's searches (autovacuum would take a while).
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE cpts_professional, cpts_practiceplace")
        finally:
            if seen is not None:
                seen.close()
    stats.read = parsed.read + written.read
    stats.created, stats.updated, stats.unchanged = written.created, written.updated, written.unchanged
    stats.rejected, stats.rejections = parsed.rejected, parsed.rejections
    if progress:
        progress(total, total)
    return stats


class _Failed:
    def __init__(self, error: BaseException) -> None:
        self.error = error


def _ahead(items: Iterator, depth: int = 2) -> Iterator:
    """Iterate ``items`` in a thread, up to ``depth`` items ahead of the consumer (bounded memory).
    An error in the thread is raised here; if the consumer stops, the thread stops too."""
    queue: Queue = Queue(maxsize=depth)
    stop = threading.Event()

    def put(item) -> bool:
        """Queue ``item`` unless the consumer has stopped (then ``False``)."""
        while not stop.is_set():
            try:
                queue.put(item, timeout=0.1)
                return True
            except Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put(item):
                    return
            put(None)
        except BaseException as error:  # handed over to the consumer, raised there
            put(_Failed(error))

    thread = threading.Thread(target=produce, name="rpps-parse", daemon=True)
    thread.start()
    try:
        while (item := queue.get()) is not None:
            if isinstance(item, _Failed):
                raise item.error
            yield item
    finally:
        stop.set()
        thread.join()


def _parse(handle, header, geography, structures, stats, uncertain, done) -> Iterator[tuple[_Batch, int]]:
    """Batches of valid lines (ending at a person boundary) and the bytes read so far; rejected
    lines go to ``stats``, and with ``--full`` their person (when readable) to ``uncertain``.
    Touches no database (it runs in a thread)."""
    batch = _Batch()
    duplicates: dict[tuple, int] = {}
    width = header.width
    read_values = header.values
    last_person_raw: tuple | None = None
    person_key: tuple[str, str] = ("", "")
    person: tuple = ()
    for line_no, raw in enumerate(handle, start=2):
        done += len(raw)
        if not raw.strip():
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            stats.reject(line_no, "caractères illisibles : le fichier doit être encodé en UTF-8")
            if uncertain is not None and (key := _uncertain_key(raw.decode("latin-1").split("|"), header)):
                uncertain.add(key)
            continue
        fields = text.rstrip("\r\n").split("|")
        count = len(fields) - 1 if len(fields) > width and fields[-1].strip() == "" else len(fields)
        if count != width:
            if count < width:
                stats.reject(line_no, f"ligne incomplète : {count} colonnes au lieu de {width}")
            else:
                stats.reject(line_no, f"ligne mal formée : {count} colonnes au lieu de {width}")
            if uncertain is not None and (key := _uncertain_key(fields, header)):
                uncertain.add(key)
            continue
        values = read_values(fields)
        try:
            person_raw = values[:_PERSON_WIDTH]
            if person_raw != last_person_raw:  # a person's lines follow each other: parse once
                last_person_raw = None
                person_key, person = _person(values)
                last_person_raw = person_raw
            place_key, place = _place(values, geography, structures)
        except LineRejected as exc:
            stats.reject(line_no, str(exc))
            if uncertain is not None and (key := _uncertain_key(fields, header)):
                uncertain.add(key)
            continue
        duplicate_key = (person_key, place_key or line_no)
        if duplicate_key in duplicates:
            stats.reject(
                line_no,
                f"activité en double : même professionnel et même lieu qu'à la ligne {duplicates[duplicate_key]}",
            )
            continue
        if len(batch.lines) >= BATCH_SIZE and batch.lines[-1][0] != person_key:
            yield batch, done
            batch, duplicates = _Batch(), {}
        duplicates[duplicate_key] = line_no
        batch.people.setdefault(person_key, person)
        batch.lines.append((person_key, place_key, place))
    if batch.lines:
        yield batch, done
