"""Reading Annuaire Santé FHIR resources (no database): the file, identifiers, contacts and
addresses. Part of :mod:`cpts.imports.fhir`."""

from __future__ import annotations

import json
from pathlib import Path

from fhir.resources.R4B.organization import Organization as FhirOrganization
from fhir.resources.R4B.practitioner import Practitioner as FhirPractitioner
from fhir.resources.R4B.practitionerrole import PractitionerRole as FhirPractitionerRole
from pydantic import ValidationError as PydanticValidationError

from cpts.enums import StructureKind
from cpts.exceptions import ImportFileError
from cpts.imports.common import (
    Geography,
    ImportStats,
    clean_email,
    clean_phone,
)
from sas_platform.identifiers import national_id_split

FORMAT_FHIR = "fhir"
PRACTITIONER_OID = "urn:oid:1.2.250.1.71.4.2.1"  # 8 + RPPS, 0 + ADELI
STRUCTURE_OID = "urn:oid:1.2.250.1.71.4.2.2"  # 1 + FINESS, 3 + SIRET, 4 + RPPS-rang
RESOURCE_MODELS = {
    "Organization": FhirOrganization,
    "Practitioner": FhirPractitioner,
    "PractitionerRole": FhirPractitionerRole,
}
RESOURCE_ORDER = ("Organization", "Practitioner", "PractitionerRole")
#: TRE_R66 catégories d'établissement used by the IG (DOMAIN.md §3.3: CPTS = 604).
CATEGORY_KINDS = {"604": StructureKind.CPTS, "603": StructureKind.MSP, "124": StructureKind.CDS}


class ResourceRejected(Exception):
    pass


def read_resources(path: Path, stats: ImportStats) -> list[tuple[int, dict]]:
    """(position, resource) pairs: entry number in a Bundle, line number in NDJSON."""
    text = path.read_bytes()
    try:
        document = json.loads(text.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ImportFileError("Le fichier doit être encodé en UTF-8.", code="import_encoding") from exc
    except (json.JSONDecodeError, RecursionError):
        document = None
    if isinstance(document, dict):
        if document.get("resourceType") == "Bundle":
            return [
                (position, entry.get("resource") if isinstance(entry, dict) else None)
                for position, entry in enumerate(document.get("entry") or [], start=1)
            ]
        if "resourceType" in document:
            return [(1, document)]
        raise ImportFileError(
            "Le fichier JSON n'est ni un Bundle ni une ressource FHIR.", code="import_fhir_unknown"
        )
    resources = []
    for line_no, line in enumerate(text.decode("utf-8-sig").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            resources.append((line_no, json.loads(line)))
        except json.JSONDecodeError as exc:
            stats.reject(line_no, f"JSON invalide : {exc.msg} (colonne {exc.colno})")
        except RecursionError:  # nested too deeply (issue 13)
            stats.reject(line_no, "JSON invalide : imbrication trop profonde")
    if not resources and not stats.rejected:
        raise ImportFileError("Le fichier ne contient aucune ressource FHIR.", code="import_file_empty")
    return resources


def validation_reason(exc: PydanticValidationError) -> str:
    first = exc.errors()[0]
    where = ".".join(str(part) for part in first.get("loc", ()) if part != "__root__")
    return f"{where or 'ressource'} : {first.get('msg', 'invalide')}"


def codings(concepts) -> list:
    return [coding for concept in concepts or [] for coding in (concept.coding or [])]


def national_id(value: str) -> tuple[str, str]:
    found = national_id_split(value)
    if found is None:
        shown = (value or "").strip().upper()
        raise ResourceRejected(f"identifiant national « {shown} » mal formé (8 + RPPS ou 0 + ADELI attendu)")
    return found


def practitioner_id(resource) -> tuple[str, str]:
    for identifier in resource.identifier or []:
        codes = {c.code for c in codings([identifier.type])} if identifier.type else set()
        if identifier.system == PRACTITIONER_OID or codes & {"IDNPS", "RPPS", "ADELI"}:
            return national_id(identifier.value)
    raise ResourceRejected("aucun identifiant national (RPPS ou ADELI)")


def structure_ids(value: str) -> dict[str, str]:
    """``1`` + FINESS, ``3`` + SIRET, ``4`` + RPPS-rang (DOMAIN.md §3.3)."""
    value = (value or "").strip()
    if value[:1] == "1" and len(value) == 10:
        return {"finess": value[1:]}
    if value[:1] == "3" and len(value) == 15:
        return {"siret": value[1:]}
    if value[:1] == "4" and len(value) > 1:
        return {"rpps_rang": value[1:]}
    if len(value) == 14 and value.isdigit():
        return {"siret": value}
    if len(value) == 9:
        return {"finess": value}
    return {}


def telecom(contacts) -> tuple[str, str]:
    phone = next((clean_phone(c.value) for c in contacts or [] if c.system == "phone" and c.value), "")
    email = next((clean_email(c.value) for c in contacts or [] if c.system == "email" and c.value), "")
    return phone, email


def address_of(address, geography: Geography) -> dict:
    if address is None:
        return {"address": "", "postal_code": "", "commune_id": None, "latitude": None, "longitude": None}
    postal_code = (address.postalCode or "").strip()
    commune = geography.from_postal_code(postal_code, address.city or "")
    latitude = longitude = None
    if commune:
        latitude, longitude, _ = geography.communes[commune]
    return {
        "address": " ".join(address.line or []),
        "postal_code": postal_code[:5],
        "commune_id": commune,
        "latitude": latitude,
        "longitude": longitude,
    }
