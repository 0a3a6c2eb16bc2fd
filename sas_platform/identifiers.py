"""French identifiers: normalisers and validators (DOMAIN.md §1 glossary).

Each ``normalize_*`` returns the canonical form (digits only, upper case) without judging it;
each ``validate_*`` raises :class:`django.core.exceptions.ValidationError` with a French
message, and is usable as a model or form field validator. ``is_valid_*`` returns a bool.
Checksums come from python-stdnum (Luhn, SIRET, NIR).
"""

from __future__ import annotations

import re
import uuid

import phonenumbers
from django.core.exceptions import ValidationError
from stdnum import luhn
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fr import nir as stdnum_nir
from stdnum.fr import siret as stdnum_siret

_SEPARATORS = re.compile(r"[\s.\-/]")


def _compact(value: object) -> str:
    return _SEPARATORS.sub("", str(value or "")).upper()


# --- National identifier of a professional (IDNPS) -------------------------------------------
#: The national identifier (``urn:oid:1.2.250.1.71.4.2.1``, sas-ig "IDNPS") is a type prefix then the
#: number: ``8`` + RPPS (11 digits) or ``0`` + ADELI (9 characters). Written once, here.
RPPS_PREFIX = "8"
ADELI_PREFIX = "0"


def national_id_of_rpps(rpps: str) -> str:
    """``8`` + RPPS."""
    return f"{RPPS_PREFIX}{rpps}"


def national_id_normalize(value: object) -> str:
    """A national identifier as sas-ig writes it: a bare 11-digit RPPS gets its ``8``; anything else
    is returned stripped, unjudged (``10003384327`` → ``810003384327``)."""
    text = str(value or "").strip()
    if len(text) == 11 and text.isdigit():
        return national_id_of_rpps(text)
    return text


def rpps_of_national_id(value: object) -> str:
    """The RPPS of ``8`` + RPPS (12 characters); any other value stripped, unchanged."""
    text = str(value or "").strip()
    return text[1:] if len(text) == 12 and text.startswith(RPPS_PREFIX) else text


def national_id_split(value: object, *, strict: bool = True) -> tuple[str, str] | None:
    """``(type, number)`` of a national identifier, ``None`` when it is not one.

    ``8`` + 11 digits → (``8``, RPPS); a bare 11-digit RPPS → (``8``, RPPS); ``0`` + 9 characters →
    (``0``, ADELI). With ``strict=False`` (a search by identifier, where an unknown number simply
    finds nothing) any ``8`` or ``0`` followed by letters or digits is split without checking its
    length, as given (no upper-casing)."""
    text = str(value or "").strip()
    if len(text) == 11 and text.isdigit():
        return RPPS_PREFIX, text
    if not strict:
        if len(text) >= 2 and text[0] in (RPPS_PREFIX, ADELI_PREFIX) and text[1:].isalnum():
            return text[0], text[1:]
        return None
    text = text.upper()
    if len(text) == 12 and text.startswith(RPPS_PREFIX) and text[1:].isdigit():
        return RPPS_PREFIX, text[1:]
    if len(text) == 10 and text.startswith(ADELI_PREFIX):
        return ADELI_PREFIX, text[1:]
    return None


# --- RPPS -----------------------------------------------------------------------------------
def normalize_rpps(value: object) -> str:
    """Digits of an RPPS, dropping the national-identifier prefix ``8`` (``8`` + 11 digits)."""
    compact = _compact(value)
    if len(compact) == 12 and compact.startswith(RPPS_PREFIX):
        compact = compact[1:]
    return compact


def rpps_format_ok(value: str) -> bool:
    return len(value) == 11 and value.isdigit()


def is_valid_rpps(value: object) -> bool:
    """11 digits whose Luhn key is right (e.g. ``10000000001`` is not; ``10003384327`` is)."""
    rpps = normalize_rpps(value)
    return rpps_format_ok(rpps) and luhn.is_valid(rpps)


def validate_rpps(value: object) -> None:
    rpps = normalize_rpps(value)
    if not rpps_format_ok(rpps):
        raise ValidationError("Le numéro RPPS doit comporter 11 chiffres.", code="rpps_format")
    if not luhn.is_valid(rpps):
        raise ValidationError(
            "Le numéro RPPS %(value)s est invalide (clé de contrôle incorrecte).",
            code="rpps_key",
            params={"value": rpps},
        )


# --- ADELI ----------------------------------------------------------------------------------
def normalize_adeli(value: object) -> str:
    """Digits of an ADELI number, dropping the national-identifier prefix ``0`` (10 digits)."""
    compact = _compact(value)
    if len(compact) == 10 and compact.startswith(ADELI_PREFIX):
        compact = compact[1:]
    return compact


def validate_adeli(value: object) -> None:
    """ADELI: 9 characters, digits, the first two being a département (``2A``/``2B`` allowed)."""
    adeli = normalize_adeli(value)
    if not re.fullmatch(r"(\d{2}|2A|2B)\d{7}", adeli):
        raise ValidationError("Le numéro ADELI doit comporter 9 chiffres.", code="adeli_format")


# --- FINESS ---------------------------------------------------------------------------------
def normalize_finess(value: object) -> str:
    return _compact(value)


def validate_finess(value: object) -> None:
    """FINESS: 9 characters, a département code (2 digits, ``2A``, ``2B``) then 7 digits."""
    finess = normalize_finess(value)
    if not re.fullmatch(r"(\d{2}|2A|2B)\d{7}", finess):
        raise ValidationError(
            "Le numéro FINESS doit comporter 9 caractères (département puis 7 chiffres).",
            code="finess_format",
        )


# --- SIRET ----------------------------------------------------------------------------------
def normalize_siret(value: object) -> str:
    return _compact(value)


def validate_siret(value: object) -> None:
    """SIRET: 14 digits with a Luhn key (La Poste's exception handled by python-stdnum)."""
    siret = normalize_siret(value)
    if not (len(siret) == 14 and siret.isdigit()):
        raise ValidationError("Le numéro SIRET doit comporter 14 chiffres.", code="siret_format")
    try:
        stdnum_siret.validate(siret)
    except StdnumError as exc:
        raise ValidationError(
            "Le numéro SIRET %(value)s est invalide (clé de contrôle incorrecte).",
            code="siret_key",
            params={"value": siret},
        ) from exc


# --- NIR (numéro de sécurité sociale) -------------------------------------------------------
def validate_nir(value: object) -> None:
    """NIR: 13 characters and a 2-digit key (python-stdnum). Collect it only when needed (§8)."""
    try:
        stdnum_nir.validate(_compact(value))
    except StdnumError as exc:
        raise ValidationError("Le numéro de sécurité sociale est invalide.", code="nir_invalid") from exc


# --- INSEE commune code ---------------------------------------------------------------------
_INSEE = re.compile(r"(\d{2}|2A|2B)\d{3}")


def normalize_insee_commune(value: object) -> str:
    """Upper case, and left-pad lost zeros (spreadsheets turn ``01001`` into ``1001``)."""
    compact = _compact(value)
    if compact.isdigit() and 1 <= len(compact) < 5:
        compact = compact.zfill(5)
    return compact


def validate_insee_commune(value: object) -> None:
    """INSEE commune code: 5 characters; Corsica uses ``2A``/``2B``; overseas ``97x``."""
    code = normalize_insee_commune(value)
    if not _INSEE.fullmatch(code) or code.startswith("20") or code.startswith("00"):
        raise ValidationError(
            "Le code commune INSEE %(value)s est invalide (5 caractères, par ex. 13055 ou 2A004).",
            code="insee_format",
            params={"value": code},
        )


def departement_of_insee(code: str) -> str:
    """Département code of an INSEE commune code (3 digits overseas: ``97411`` → ``974``)."""
    return code[:3] if code.startswith("97") else code[:2]


# --- Phone ----------------------------------------------------------------------------------
def normalize_phone(value: object) -> str:
    """E.164 form of a French (or international) number, e.g. ``04 91 00 00 00`` → ``+33491000000``."""
    number = _parse_phone(value)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_phone_national(value: object) -> str:
    """``+33491000000`` → ``04 91 00 00 00``."""
    number = _parse_phone(value)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


def validate_phone(value: object) -> None:
    _parse_phone(value)


# Overseas départements and collectivities share the national 0 prefix but have their own
# country codes: ``0262 12 34 56`` (La Réunion) is ``+262 262 12 34 56``, not ``+33 262...``.
_OVERSEAS_REGIONS = ("RE", "YT", "GP", "MQ", "GF", "PM", "BL", "MF")


def _parse_phone(value: object) -> phonenumbers.PhoneNumber:
    text = str(value or "").strip()
    invalid = ValidationError(
        "Le numéro de téléphone %(value)s est invalide.", code="phone_invalid", params={"value": text}
    )
    try:
        number = phonenumbers.parse(text, "FR")
    except phonenumbers.NumberParseException as exc:
        raise invalid from exc
    if phonenumbers.is_valid_number(number):
        return number
    if not text.startswith("+"):
        for region in _OVERSEAS_REGIONS:
            overseas = phonenumbers.parse(text, region)
            if phonenumbers.is_valid_number(overseas):
                return overseas
    raise invalid


# --- Identifiers the SAS assigns ------------------------------------------------------------
#: Assigning authority of the SAS technical identifier (sas-ig gestion_regulateur: ``INTRN``).
SAS_TECHNICAL_SYSTEM = "urn:oid:1.2.250.1.213.3.6"
#: Namespace of this platform's technical identifiers (a deployment may set its own in settings).
SAS_TECHNICAL_NAMESPACE = uuid.UUID("6f1c2a52-8d0e-5b7e-9a43-13b5a5c0e013")


def sas_technical_id(user_pk: int, namespace: uuid.UUID | None = None) -> str:
    """The SAS technical identifier of a user without a known national one: a UUID derived from the
    account (stable, the same at every editor, never reused for another account of this platform)."""
    return str(uuid.uuid5(namespace or SAS_TECHNICAL_NAMESPACE, f"user:{user_pk}"))
