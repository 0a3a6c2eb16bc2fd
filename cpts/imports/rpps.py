"""Import of the RPPS / Annuaire Santé extracts (``|``-separated, one line per activity).

Two variants, told apart by their header (``../shared/data/rpps/README.md``): the public
*libre accès* extract ``PS_LibreAcces_Personne_activite`` and the *Pro Santé Connect* extract
(birth data, correspondence contact, ``Code rôle``; codes without labels).

Streaming and batched: the file is read line by line; every ~2,000 lines (ending at a person
boundary) the existing professionals and places of the batch are fetched in two queries, then
created or updated in bulk, in one transaction per batch. Idempotent: a second run with the
same file counts every line *unchanged* and writes nothing. A bad line is rejected with its
number and a French reason; the rest of the file is imported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
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
    bulk_insert,
    civility_label,
    clean_email,
    clean_phone,
    fit,
)
from cpts.models import PracticePlace, Professional
from sas_platform.geo import search_key
from sas_platform.identifiers import is_valid_rpps, normalize_insee_commune

FORMAT_RPPS = "rpps"
FORMAT_PSC = "psc"

# Canonical column → header spellings, compared through ``search_key`` (case, accents and
# punctuation ignored, so "(coord. Structure)" and "(coord. structure)" are the same).
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
_REQUIRED = ("id_type", "id_pp", "last_name", "profession_code")
_ALIASES = {search_key(spelling): name for name, spellings in _COLUMNS.items() for spelling in spellings}
_ADELI = re.compile(r"(\d{2}|2A|2B)\d{7}")
_MODES = frozenset(ExerciseMode.values)

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


@dataclass
class Header:
    file_format: str
    index: dict[str, int]
    width: int

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


@dataclass
class ParsedLine:
    line_no: int
    person_key: tuple[str, str]
    person: dict
    place_key: str | None = None
    place: dict = field(default_factory=dict)


class LineRejected(Exception):
    pass


def _person(row: dict[str, str], source: str) -> tuple[tuple[str, str], dict]:
    id_type = row.get("id_type", "")
    identifier = row.get("id_pp", "").upper()
    national = row.get("id_national", "").upper()
    if not identifier and len(national) > 1:
        identifier = national[1:]
    if id_type == IdentifierType.RPPS:
        if not (len(identifier) == 11 and identifier.isdigit()):
            raise LineRejected(f"identifiant RPPS « {identifier} » mal formé (11 chiffres attendus)")
        key_valid = is_valid_rpps(identifier)
    elif id_type == IdentifierType.ADELI:
        if not _ADELI.fullmatch(identifier):
            raise LineRejected(f"numéro ADELI « {identifier} » mal formé (9 caractères attendus)")
        key_valid = True
    else:
        raise LineRejected(f"type d'identifiant « {id_type} » inconnu (8 = RPPS, 0 = ADELI)")
    last_name = row.get("last_name", "")
    if not last_name:
        raise LineRejected("nom d'exercice manquant")
    first_name = row.get("first_name", "")
    profession_code = row.get("profession_code", "")
    specialty_code = row.get("specialty_code", "")
    civility = row.get("civility_ex_label", "") or civility_label(
        row.get("civility_ex_code", "") or row.get("civility_code", "")
    )
    person = {
        "identifier_key_valid": key_valid,
        "civility": civility,
        "last_name": last_name,
        "first_name": first_name,
        "profession_code": profession_code,
        "profession_label": row.get("profession_label", "") or PROFESSION_LABELS.get(profession_code, ""),
        "specialty_code": specialty_code,
        "specialty_label": row.get("specialty_label", "") or SPECIALTY_LABELS.get(specialty_code, ""),
        "search_name": search_key(f"{last_name} {first_name}"),
        "source": source,
    }
    return (id_type, identifier), fit(person, PROFESSIONAL_MAX)


def _place(row: dict[str, str], geography: Geography, structures: StructureIndex) -> tuple[str | None, dict]:
    technical_id = row.get("technical_id", "")
    siret, finess = row.get("siret", ""), row.get("finess", "")
    street_type = row.get("street_type_label", "") or row.get("street_type_code", "")
    address = " ".join(
        part
        for part in (
            row.get("street_number", "") + row.get("street_repeat", ""),
            street_type,
            row.get("street", ""),
        )
        if part
    )
    postal_code = row.get("postal_code", "")
    commune_code = normalize_insee_commune(row.get("commune", ""))
    name = row.get("company_name", "") or row.get("trade_name", "")
    if not (technical_id or siret or finess or address or postal_code or commune_code or name):
        return None, {}
    if commune_code:
        if commune_code not in geography.communes:
            raise LineRejected(f"code commune INSEE « {commune_code} » inconnu")
    else:
        cedex_city = row.get("cedex", "")[6:] if len(row.get("cedex", "")) > 6 else ""
        commune_code = geography.from_postal_code(postal_code, cedex_city) or ""
    latitude = longitude = None
    if commune_code:
        latitude, longitude, _ = geography.communes[commune_code]
    if technical_id:
        key = f"rpps:{technical_id}"
    elif siret or finess:
        key = f"rpps:siret:{siret}" if siret else f"rpps:finess:{finess}"
    else:
        key = "rpps:adr:" + search_key(f"{address} {postal_code} {commune_code} {name}")
    mode = row.get("mode", "")
    place = {
        "structure_id": structures.find(finess=finess, siret=siret),
        "name": name,
        "address": address,
        "postal_code": postal_code[:5],
        "commune_id": commune_code or None,
        "latitude": latitude,
        "longitude": longitude,
        "phone": clean_phone(row.get("phone", "") or row.get("phone2", "")),
        "email": clean_email(row.get("email", "")),
        "finess": finess,
        "siret": siret,
        "rpps_rang": technical_id,
        "exercise_mode": mode if mode in _MODES else ExerciseMode.UNKNOWN,
        "is_active": True,
    }
    return key[:120], fit(place, PLACE_MAX)


def _flush(batch: list[ParsedLine], stats: ImportStats) -> None:
    """Write one batch in one transaction: look-ups of existing rows (2 queries), inserts by
    COPY, updates by ``bulk_update`` (only rows that changed)."""
    if not batch:
        return
    now = timezone.now()
    people: dict[tuple[str, str], list[ParsedLine]] = {}
    for parsed in batch:
        people.setdefault(parsed.person_key, []).append(parsed)
    with transaction.atomic():
        # Both columns, so the unique index (identifier_type, identifier) serves the look-up.
        ids: dict[tuple[str, str], int] = {}
        changed_people: list[Professional] = []
        person_outcome: dict[tuple[str, str], str] = {}
        for pk, kind, identifier, *current in Professional.objects.filter(
            identifier_type__in={key[0] for key in people}, identifier__in={key[1] for key in people}
        ).values_list("pk", "identifier_type", "identifier", *PERSON_FIELDS):
            key = (kind, identifier)
            if key not in people:
                continue
            ids[key] = pk
            values = people[key][0].person
            if tuple(current) != tuple(values[name] for name in PERSON_FIELDS):
                changed_people.append(
                    Professional(pk=pk, updated_at=now, **{name: values[name] for name in PERSON_FIELDS})
                )
                person_outcome[key] = "updated"
            else:
                person_outcome[key] = "unchanged"
        new_people = [
            {
                "identifier_type": key[0],
                "identifier": key[1],
                "user_id": None,
                "created_at": now,
                "updated_at": now,
                **lines[0].person,
            }
            for key, lines in people.items()
            if key not in ids
        ]
        bulk_insert(Professional, new_people)
        if new_people:
            for kind, identifier, pk in Professional.objects.filter(
                identifier_type__in={row["identifier_type"] for row in new_people},
                identifier__in=[row["identifier"] for row in new_people],
            ).values_list("identifier_type", "identifier", "pk"):
                if (kind, identifier) not in ids:
                    ids[(kind, identifier)] = pk
                    person_outcome[(kind, identifier)] = "created"
        Professional.objects.bulk_update(
            changed_people, [*PERSON_FIELDS, "updated_at"], batch_size=BATCH_SIZE
        )

        existing_places = {
            (row[1], row[2]): (row[0], tuple(row[3:]))
            for row in PracticePlace.objects.filter(
                professional_id__in=list(ids.values()),
                source_key__in={parsed.place_key for parsed in batch if parsed.place_key},
            ).values_list("pk", "professional_id", "source_key", *PLACE_FIELDS)
        }
        new_places: list[dict] = []
        changed_places: list[PracticePlace] = []
        for key, lines in people.items():
            professional_id = ids[key]
            for position, parsed in enumerate(lines):
                outcome = person_outcome[key] if position == 0 else "unchanged"
                if parsed.place_key:
                    existing = existing_places.get((professional_id, parsed.place_key))
                    if existing is None:
                        new_places.append(
                            {
                                "professional_id": professional_id,
                                "source_key": parsed.place_key,
                                **parsed.place,
                            }
                        )
                        outcome = "created"
                    elif existing[1] != tuple(parsed.place[name] for name in PLACE_FIELDS):
                        changed_places.append(
                            PracticePlace(
                                pk=existing[0],
                                professional_id=professional_id,
                                source_key=parsed.place_key,
                                **parsed.place,
                            )
                        )
                        if outcome != "created":
                            outcome = "updated"
                stats.count(outcome)
        bulk_insert(PracticePlace, new_places)
        PracticePlace.objects.bulk_update(changed_places, list(PLACE_FIELDS), batch_size=BATCH_SIZE)


def rpps_import(*, path: Path | str, progress: ProgressCallback | None = None) -> ImportStats:
    """Import an RPPS or Pro Santé Connect extract (format read from the header).

    Raises :class:`~cpts.exceptions.ImportFileError` when the file cannot be read at all
    (empty, header not recognised); then nothing is written.
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
        batch: list[ParsedLine] = []
        seen: dict[tuple, int] = {}
        done = len(raw_header)
        for line_no, raw in enumerate(handle, start=2):
            done += len(raw)
            if not raw.strip():
                continue
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                stats.reject(line_no, "caractères illisibles : le fichier doit être encodé en UTF-8")
                continue
            fields = text.rstrip("\r\n").split("|")
            width = (
                len(fields) - 1 if fields[-1].strip() == "" and len(fields) > header.width else len(fields)
            )
            if width < header.width:
                stats.reject(line_no, f"ligne incomplète : {width} colonnes au lieu de {header.width}")
                continue
            if width > header.width:
                stats.reject(line_no, f"ligne mal formée : {width} colonnes au lieu de {header.width}")
                continue
            try:
                row = header.row(fields)
                person_key, person = _person(row, source)
                place_key, place = _place(row, geography, structures)
            except LineRejected as exc:
                stats.reject(line_no, str(exc))
                continue
            duplicate_key = (person_key, place_key or f"line:{line_no}")
            if duplicate_key in seen:
                stats.reject(
                    line_no,
                    f"activité en double : même professionnel et même lieu qu'à la ligne {seen[duplicate_key]}",
                )
                continue
            if len(batch) >= BATCH_SIZE and batch[-1].person_key != person_key:
                _flush(batch, stats)
                batch, seen = [], {}
                if progress:
                    progress(done, total)
            seen[duplicate_key] = line_no
            batch.append(ParsedLine(line_no, person_key, person, place_key, place))
        _flush(batch, stats)
    if progress:
        progress(total, total)
    return stats
