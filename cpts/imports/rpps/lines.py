"""Reading an RPPS / Pro Santé Connect extract: its header, and each line into a person and a
place as plain tuples (no database). Part of :mod:`cpts.imports.rpps`."""

from __future__ import annotations

import re
from functools import lru_cache
from operator import itemgetter

from cpts.enums import ExerciseMode, IdentifierType
from cpts.exceptions import ImportFileError
from cpts.imports.common import (
    PLACE_MAX,
    PROFESSION_LABELS,
    PROFESSIONAL_MAX,
    SPECIALTY_LABELS,
    Geography,
    StructureIndex,
    civility_label,
    clean_email,
    clean_phone,
)
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
PERSON_WIDTH = 12
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


def person_values(values: tuple[str, ...]) -> tuple[tuple[str, str], tuple]:
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
    ) = values[:PERSON_WIDTH]
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


def place_values(
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
    ) = values[PERSON_WIDTH:29]
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
