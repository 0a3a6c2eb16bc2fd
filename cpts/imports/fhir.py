"""Import of Annuaire Santé FHIR resources: Practitioner, PractitionerRole, Organization.

Input: a JSON Bundle (as the Annuaire Santé API and the SAS IG examples give), a single
resource, or NDJSON (one resource per line, read as a stream). Each resource is validated on
its own with ``fhir.resources.R4B`` (the IG is FHIR 4.0.1, NOTES.md) and written in its own
savepoint: one bad resource never sinks the bundle. Organizations are imported first, then
Practitioners, then PractitionerRoles (which point to both). Ids ``8`` + RPPS with a wrong
Luhn key (the IG examples carry such keys) are kept and flagged, never dropped.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils import timezone
from fhir.resources.R4B.organization import Organization as FhirOrganization
from fhir.resources.R4B.practitioner import Practitioner as FhirPractitioner
from fhir.resources.R4B.practitionerrole import PractitionerRole as FhirPractitionerRole
from pydantic import ValidationError as PydanticValidationError

from cpts.enums import DataSource, IdentifierType, StructureKind
from cpts.exceptions import ImportFileError
from cpts.imports.common import (
    PLACE_MAX,
    PROFESSION_LABELS,
    PROFESSIONAL_MAX,
    SPECIALTY_LABELS,
    STRUCTURE_MAX,
    Geography,
    ImportStats,
    ProgressCallback,
    StructureIndex,
    civility_label,
    clean_email,
    clean_phone,
    fit,
)
from cpts.imports.rpps import PLACE_FIELDS
from cpts.models import PracticePlace, Professional, Structure
from sas_platform.geo import search_key
from sas_platform.identifiers import departement_of_insee, is_valid_rpps
from sas_platform.models import Departement

FORMAT_FHIR = "fhir"
PRACTITIONER_OID = "urn:oid:1.2.250.1.71.4.2.1"  # 8 + RPPS, 0 + ADELI
STRUCTURE_OID = "urn:oid:1.2.250.1.71.4.2.2"  # 1 + FINESS, 3 + SIRET, 4 + RPPS-rang
_MODELS = {
    "Organization": FhirOrganization,
    "Practitioner": FhirPractitioner,
    "PractitionerRole": FhirPractitionerRole,
}
_ORDER = ("Organization", "Practitioner", "PractitionerRole")
#: TRE_R66 catégories d'établissement used by the IG (DOMAIN.md §3.3: CPTS = 604).
_CATEGORY_KINDS = {"604": StructureKind.CPTS, "603": StructureKind.MSP, "124": StructureKind.CDS}


class ResourceRejected(Exception):
    pass


def _read_resources(path: Path, stats: ImportStats) -> list[tuple[int, dict]]:
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


def _validation_reason(exc: PydanticValidationError) -> str:
    first = exc.errors()[0]
    where = ".".join(str(part) for part in first.get("loc", ()) if part != "__root__")
    return f"{where or 'ressource'} : {first.get('msg', 'invalide')}"


def _codings(concepts) -> list:
    return [coding for concept in concepts or [] for coding in (concept.coding or [])]


def _national_id(value: str) -> tuple[str, str]:
    value = (value or "").strip().upper()
    if len(value) == 12 and value.startswith("8") and value[1:].isdigit():
        return IdentifierType.RPPS, value[1:]
    if len(value) == 11 and value.isdigit():
        return IdentifierType.RPPS, value
    if len(value) == 10 and value.startswith("0"):
        return IdentifierType.ADELI, value[1:]
    raise ResourceRejected(f"identifiant national « {value} » mal formé (8 + RPPS ou 0 + ADELI attendu)")


def _practitioner_id(resource) -> tuple[str, str]:
    for identifier in resource.identifier or []:
        codes = {c.code for c in _codings([identifier.type])} if identifier.type else set()
        if identifier.system == PRACTITIONER_OID or codes & {"IDNPS", "RPPS", "ADELI"}:
            return _national_id(identifier.value)
    raise ResourceRejected("aucun identifiant national (RPPS ou ADELI)")


def _structure_ids(value: str) -> dict[str, str]:
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


def _telecom(contacts) -> tuple[str, str]:
    phone = next((clean_phone(c.value) for c in contacts or [] if c.system == "phone" and c.value), "")
    email = next((clean_email(c.value) for c in contacts or [] if c.system == "email" and c.value), "")
    return phone, email


def _address(address, geography: Geography) -> dict:
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


class _Importer:
    def __init__(self, stats: ImportStats) -> None:
        self.stats = stats
        self.geography = Geography()
        self.structures = StructureIndex()
        self.departements = set(Departement.objects.values_list("code", flat=True))
        self.practitioners: dict[str, tuple[str, str]] = {}  # resource id → national id
        self.seen: dict[tuple, int] = {}

    # -- Organization → Structure ----------------------------------------------------
    def organization(self, resource: FhirOrganization) -> str:
        ids: dict[str, str] = {}
        for identifier in resource.identifier or []:
            ids.update(_structure_ids(identifier.value))
        if not (ids.get("finess") or ids.get("siret")):
            raise ResourceRejected("aucun identifiant FINESS ou SIRET")
        kind = self._kind(resource)
        phone, email = _telecom(resource.telecom)
        address = _address((resource.address or [None])[0], self.geography)
        departement = None
        if ids.get("finess", "")[:2] in self.departements:
            departement = ids["finess"][:2]
        if ids.get("finess", "").startswith("97") and ids["finess"][:3] in self.departements:
            departement = ids["finess"][:3]
        if departement is None and address["commune_id"]:
            departement = departement_of_insee(address["commune_id"])
        values = fit(
            {
                "name": resource.name or "",
                "phone": phone,
                "email": email,
                "address": address["address"],
                "commune_id": address["commune_id"],
                "latitude": address["latitude"],
                "longitude": address["longitude"],
            },
            STRUCTURE_MAX,
        )
        structure = None
        if ids.get("finess"):
            structure = Structure.objects.filter(finess=ids["finess"]).first()
        if structure is None and ids.get("siret"):
            structure = Structure.objects.filter(siret=ids["siret"]).first()
        if structure is None:
            structure = Structure(
                kind=kind,
                finess=ids.get("finess", ""),
                siret=ids.get("siret", ""),
                departement_id=departement,
                source=DataSource.FHIR,
                **values,
            )
            structure.full_clean()
            structure.save()
            self.structures.by_finess.setdefault(structure.finess, structure.pk)
            self.structures.by_siret.setdefault(structure.siret, structure.pk)
            return "created"
        changed = [name for name, value in values.items() if getattr(structure, name) != value]
        if structure.departement_id is None and departement:
            structure.departement_id = departement
            changed.append("departement")
        if not changed:
            return "unchanged"
        for name in changed:
            if name != "departement":
                setattr(structure, name, values[name])
        structure.full_clean()
        structure.save(update_fields=changed)
        return "updated"

    @staticmethod
    def _kind(resource: FhirOrganization) -> str:
        for coding in _codings(resource.type):
            if coding.code in _CATEGORY_KINDS:
                return _CATEGORY_KINDS[coding.code]
        profiles = " ".join(resource.meta.profile or []) if resource.meta else ""
        name = search_key(resource.name or "")
        if "cpts" in profiles.lower() or name.startswith("cpts"):
            return StructureKind.CPTS
        if "sos" in profiles.lower() or "sos medecins" in name:
            return StructureKind.SOS
        if name.startswith("msp") or "maison de sante" in name:
            return StructureKind.MSP
        if "centre de sante" in name:
            return StructureKind.CDS
        return StructureKind.ETABLISSEMENT

    # -- Practitioner → Professional -------------------------------------------------
    def practitioner(self, resource: FhirPractitioner, position: int) -> str:
        key = _practitioner_id(resource)
        if key in self.seen:
            raise ResourceRejected(
                f"identifiant {key[0]}{key[1]} en double : déjà lu à l'entrée {self.seen[key]}"
            )
        self.seen[key] = position
        if resource.id:
            self.practitioners[resource.id] = key
        names = resource.name or []
        name = next((n for n in names if n.use in ("usual", "official")), names[0] if names else None)
        last_name = (name.family or "").strip() if name else ""
        if not last_name:
            raise ResourceRejected("nom de famille manquant")
        first_name = " ".join(name.given or []).strip() if name else ""
        values = {
            "identifier_key_valid": key[0] != IdentifierType.RPPS or is_valid_rpps(key[1]),
            "civility": civility_label((name.prefix or [""])[0]) if name else "",
            "last_name": last_name,
            "first_name": first_name,
            "search_name": search_key(f"{last_name} {first_name}"),
        }
        for coding in _codings([q.code for q in resource.qualification or []]):
            values.update(self._qualification(coding))
        return self._upsert_professional(key, fit(values, PROFESSIONAL_MAX))

    @staticmethod
    def _qualification(coding) -> dict:
        system = (coding.system or "").upper()
        if "G15" in system:
            return {
                "profession_code": coding.code or "",
                "profession_label": coding.display or PROFESSION_LABELS.get(coding.code or "", ""),
            }
        if "R38" in system:
            return {
                "specialty_code": coding.code or "",
                "specialty_label": coding.display or SPECIALTY_LABELS.get(coding.code or "", ""),
            }
        return {}

    def _upsert_professional(self, key: tuple[str, str], values: dict) -> str:
        now = timezone.now()
        professional = Professional.objects.filter(identifier_type=key[0], identifier=key[1]).first()
        if professional is None:
            Professional.objects.create(
                identifier_type=key[0],
                identifier=key[1],
                source=DataSource.FHIR,
                created_at=now,
                updated_at=now,
                **values,
            )
            return "created"
        changed = [name for name, value in values.items() if getattr(professional, name) != value]
        if not changed:
            return "unchanged"
        for name in changed:
            setattr(professional, name, values[name])
        professional.updated_at = now
        professional.save(update_fields=[*changed, "updated_at"])
        return "updated"

    # -- PractitionerRole → PracticePlace --------------------------------------------
    def practitioner_role(self, resource: FhirPractitionerRole) -> str:
        reference = resource.practitioner
        if reference is None:
            raise ResourceRejected("aucun praticien (practitioner) indiqué")
        key = None
        if reference.reference:
            key = self.practitioners.get(reference.reference.split("/")[-1])
        if key is None and reference.identifier is not None:
            key = _national_id(reference.identifier.value)
        if key is None:
            raise ResourceRejected(f"praticien « {reference.reference} » absent du fichier")
        professional = Professional.objects.filter(identifier_type=key[0], identifier=key[1]).first()
        if professional is None:
            raise ResourceRejected(f"praticien {key[0]}{key[1]} inconnu de l'annuaire")
        ids: dict[str, str] = {}
        if resource.organization is not None and resource.organization.identifier is not None:
            ids = _structure_ids(resource.organization.identifier.value)
        contained = {r.id: r for r in resource.contained or [] if r.get_resource_type() == "Location"}
        location = None
        for ref in resource.location or []:
            location = contained.get((ref.reference or "").lstrip("#")) or location
        address = _address(location.address if location else None, self.geography)
        if location is not None and location.position is not None:
            address["latitude"] = float(location.position.latitude)
            address["longitude"] = float(location.position.longitude)
        phone, email = _telecom(resource.telecom)
        place = fit(
            {
                "structure_id": self.structures.find(
                    finess=ids.get("finess", ""), siret=ids.get("siret", "")
                ),
                "name": (location.name or "") if location else "",
                **address,
                "phone": phone,
                "email": email,
                "finess": ids.get("finess", ""),
                "siret": ids.get("siret", ""),
                "rpps_rang": ids.get("rpps_rang", ""),
                "exercise_mode": "",
                "is_active": resource.active is not False,
            },
            PLACE_MAX,
        )
        source_key = f"fhir:{resource.id or search_key(place['address'] + ' ' + place['postal_code'])}"[:120]
        existing = PracticePlace.objects.filter(professional=professional, source_key=source_key).first()
        if existing is None:
            PracticePlace.objects.create(professional=professional, source_key=source_key, **place)
            return "created"
        changed = [name for name in PLACE_FIELDS if getattr(existing, name) != place[name]]
        if not changed:
            return "unchanged"
        for name in changed:
            setattr(existing, name, place[name])
        existing.save(update_fields=changed)
        return "updated"


def fhir_import(*, path: Path | str, progress: ProgressCallback | None = None) -> ImportStats:
    """Import the Practitioner, PractitionerRole and Organization resources of a file.

    Other resource types (Slot, Schedule, Location, HealthcareService...) are skipped and not
    counted. ``read`` counts the resources of the three types, plus unreadable entries.
    """
    stats = ImportStats(file_format=FORMAT_FHIR)
    resources = _read_resources(Path(path), stats)
    importer = _Importer(stats)
    relevant = []
    for position, data in resources:
        kind = data.get("resourceType") if isinstance(data, dict) else None
        if kind is None:
            stats.reject(position, "entrée sans ressource FHIR (resourceType manquant)")
        elif kind in _MODELS:
            relevant.append((_ORDER.index(kind), position, kind, data))
    relevant.sort(key=lambda item: (item[0], item[1]))
    total = len(relevant)
    for done, (_, position, kind, data) in enumerate(relevant, start=1):
        label = f"{kind}/{data.get('id', '?')}"
        try:
            resource = _MODELS[kind].model_validate(data)
        except PydanticValidationError as exc:
            stats.reject(position, f"{label} invalide : {_validation_reason(exc)}")
            continue
        try:
            with transaction.atomic():
                if kind == "Organization":
                    outcome = importer.organization(resource)
                elif kind == "Practitioner":
                    outcome = importer.practitioner(resource, position)
                else:
                    outcome = importer.practitioner_role(resource)
        except ResourceRejected as exc:
            stats.reject(position, f"{label} : {exc}")
            continue
        except DjangoValidationError as exc:
            stats.reject(position, f"{label} : " + " ; ".join(exc.messages))
            continue
        stats.count(outcome)
        if progress and (done % 200 == 0 or done == total):
            progress(done, total)
    return stats
