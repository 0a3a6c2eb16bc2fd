"""FHIR R4 (4.0.1) resources of the slots the platform owns, shaped like the SAS IG examples
(``Bundle-ExampleBundlePSIndiv.json``: profiles BundleAgregateur, FrSlotAgregateur,
FrScheduleAgregateur, FrPractitionerAgregateur, FrPractitionerRoleExerciceAgregateur with a
contained FrLocationAgregateur). Pure functions: no database access beyond the loaded objects.

Identifiers of the resources (FHIR ids, ``[A-Za-z0-9.-]{1,64}``):

- ``Slot/<slot pk>``;
- ``Schedule/plateforme-<professional pk>-<place pk>`` (one agenda per professional and place);
- ``Practitioner/ps-<professional pk>``;
- ``PractitionerRole/exercice-<professional pk>-<place pk>`` (its Location is contained: ``#lieu``).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError

from planning.models import Slot
from sas_platform.identifiers import normalize_phone

PROFILE = "http://sas.fr/fhir/StructureDefinition/"
SLOT_TYPE_SYSTEM = "https://mos.esante.gouv.fr/NOS/TRE_R314-TypeCreneau/FHIR/TRE-R314-TypeCreneau"
ACT_CODE_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
SPECIALTY_SYSTEM = "https://mos.esante.gouv.fr/NOS/TRE_R38-SpecialiteOrdinale/FHIR/TRE-R38-SpecialiteOrdinale"
APPOINTMENT_TYPE_SYSTEM = "http://terminology.hl7.org/CodeSystem/v2-0276"
PRACTITIONER_SYSTEM = "urn:oid:1.2.250.1.71.4.2.1"
STRUCTURE_SYSTEM = "urn:oid:1.2.250.1.71.4.2.2"
V2_0203 = "http://interopsante.org/fhir/CodeSystem/fr-v2-0203"
LOCATION_TYPE_SYSTEM = "http://interopsante.org/fhir/CodeSystem/fr-location-identifier-type"
# CPTS slots (INT_R04, ``Bundle-ExampleBundleCPTS1.json``): the Slot names a HealthcareService of the
# CPTS in a serviceType extension (category 604 of TRE_R66), which points to the CPTS Organization.
IG_PROFILE = "https://interop.esante.gouv.fr/ig/fhir/sas/StructureDefinition/"
SERVICE_TYPE_EXTENSION = "http://hl7.org/fhir/5.0/StructureDefinition/extension-Slot.serviceType"
CATEGORY_SYSTEM = (
    "https://mos.esante.gouv.fr/NOS/TRE_R66-CategorieEtablissement/FHIR/TRE-R66-CategorieEtablissement"
)
CPTS_CATEGORY = "604"
FR_CORE_V2_0203 = "https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-v2-0203"
PARIS = ZoneInfo("Europe/Paris")


def fhir_instant(moment: datetime) -> str:
    """``YYYY-MM-DDThh:mm:ss.SSS+hh:mm`` in Paris local time with its offset, as the guide's
    FrSlotAgregateur wants (a SHALL; DOMAIN.md §3.3): milliseconds, never microseconds (a block
    split into N patients may give a start with microseconds: they are truncated)."""
    local = moment.astimezone(PARIS)
    offset = local.strftime("%z")
    return f"{local:%Y-%m-%dT%H:%M:%S}.{local.microsecond // 1000:03d}{offset[:3]}:{offset[3:]}"


def place_identifier_system(base_url: str) -> str:
    """The system of the Location's internal identifier (``INTRN``): the guide's examples use the
    editor's own OID; the platform names its places under its configured public URL
    (``FHIR_PLACE_IDENTIFIER_SYSTEM``), by default under its FHIR base URL."""
    return getattr(settings, "FHIR_PLACE_IDENTIFIER_SYSTEM", "") or f"{base_url}/lieux-d-exercice"


def structure_identifier(place) -> str:
    """IDNST of the practice's structure (DOMAIN.md §3.3, identifier prefixes): ``1`` + FINESS, else
    ``3`` + SIRET, else ``4`` + RPPS-rang (the liberal cabinet), else empty (the guide's
    PractitionerRole ``organization.identifier``)."""
    if place is None:
        return ""
    for prefix, value in (("1", place.finess), ("3", place.siret), ("4", place.rpps_rang)):
        if value and value.strip():
            return f"{prefix}{value.strip()}"
    return ""


def _phone(place) -> str:
    """The place's phone in E.164 (``+33…``, ``+262…``), or empty when absent or unreadable."""
    if place is None or not place.phone:
        return ""
    try:
        return normalize_phone(place.phone)
    except ValidationError:
        return ""


def _schedule_id(slot: Slot) -> str:
    return f"plateforme-{slot.professional_id}-{slot.place_id or 0}"


def _role_id(slot: Slot) -> str:
    return f"exercice-{slot.professional_id}-{slot.place_id or 0}"


def _practitioner_id(slot: Slot) -> str:
    return f"ps-{slot.professional_id}"


def _cpts_structures(slot: Slot) -> list[dict]:
    """The platform's own structures a slot is offered through (CPTS vacations: entries with an id)."""
    return [entry for entry in (slot.structures or []) if "CPTS" in slot.slot_types and entry.get("id")]


def _service_id(structure: dict) -> str:
    return f"cpts-{structure['id']}"


def _organization_id(structure: dict) -> str:
    return f"structure-{structure['id']}"


def healthcare_service_resource(structure: dict) -> dict:
    return {
        "resourceType": "HealthcareService",
        "id": _service_id(structure),
        "meta": {"profile": [f"{IG_PROFILE}sas-cpts-healthcareservice-aggregator"]},
        "providedBy": {"reference": f"Organization/{_organization_id(structure)}"},
    }


def organization_resource(structure: dict) -> dict:
    """The CPTS (FrOrganizationAgregateurCPTS): ``1`` + FINESS or ``3`` + SIRET, name, phone."""
    resource = {
        "resourceType": "Organization",
        "id": _organization_id(structure),
        "meta": {"profile": [f"{IG_PROFILE}sas-cpts-organization-aggregator"]},
        "name": structure.get("name") or "",
    }
    if structure.get("identifier"):
        resource["identifier"] = [
            {
                "type": {"coding": [{"system": FR_CORE_V2_0203, "code": "IDNST"}]},
                "system": STRUCTURE_SYSTEM,
                "value": structure["identifier"],
            }
        ]
    if structure.get("phone"):
        resource["telecom"] = [{"system": "phone", "value": structure["phone"]}]
    return resource


def slot_resource(slot: Slot, *, booking_url: str) -> dict:
    """A FrSlotAgregateur: slot types in ``meta.security``, modalities in ``serviceType``,
    specialties, ROUTINE or WALKIN, the booking page on the platform in ``comment``."""
    specialties = [code for code in (slot.specialty_codes or "").split("|") if code] or (
        [slot.specialty_code] if slot.specialty_code else []
    )
    resource = {
        "resourceType": "Slot",
        "id": str(slot.pk),
        "meta": {
            "profile": [f"{PROFILE}FrSlotAgregateur"],
            "security": [{"system": SLOT_TYPE_SYSTEM, "code": code} for code in slot.slot_types],
        },
        "serviceType": [{"coding": [{"system": ACT_CODE_SYSTEM, "code": code}]} for code in slot.modalities],
        "specialty": [{"coding": [{"system": SPECIALTY_SYSTEM, "code": code}]} for code in specialties],
        "appointmentType": {
            "coding": [{"system": APPOINTMENT_TYPE_SYSTEM, "code": "ROUTINE" if slot.bookable else "WALKIN"}]
        },
        "schedule": {"reference": f"Schedule/{_schedule_id(slot)}"},
        "status": "free",
        "start": fhir_instant(slot.start),
        "end": fhir_instant(slot.end),
        "comment": booking_url,
    }
    for structure in _cpts_structures(slot):
        resource["meta"]["profile"] = [f"{IG_PROFILE}sas-cpts-slot-aggregator"]
        resource["serviceType"].append(
            {
                "extension": [
                    {
                        "url": SERVICE_TYPE_EXTENSION,
                        "valueReference": {"reference": f"HealthcareService/{_service_id(structure)}"},
                    }
                ],
                "coding": [{"system": CATEGORY_SYSTEM, "code": CPTS_CATEGORY}],
            }
        )
    for key in ("serviceType", "specialty"):
        if not resource[key]:
            del resource[key]
    if not resource["meta"]["security"]:
        del resource["meta"]["security"]
    return resource


def schedule_resource(slot: Slot) -> dict:
    return {
        "resourceType": "Schedule",
        "id": _schedule_id(slot),
        "meta": {"profile": [f"{PROFILE}FrScheduleAgregateur"]},
        "actor": [
            {"reference": f"Practitioner/{_practitioner_id(slot)}"},
            {"reference": f"PractitionerRole/{_role_id(slot)}"},
        ],
    }


def practitioner_resource(slot: Slot) -> dict:
    professional = slot.professional
    name = {"family": professional.last_name.upper()} if professional.last_name else {}
    if professional.first_name:
        name["given"] = [professional.first_name]
    resource = {
        "resourceType": "Practitioner",
        "id": _practitioner_id(slot),
        "meta": {"profile": [f"{PROFILE}FrPractitionerAgregateur"]},
        "identifier": [
            {
                "type": {"coding": [{"system": V2_0203, "code": "IDNPS"}]},
                "system": PRACTITIONER_SYSTEM,
                "value": professional.national_id,
            }
        ],
    }
    if name:
        resource["name"] = [name]
    return resource


def practitioner_role_resource(slot: Slot, *, place_system: str) -> dict:
    """The practice of the professional at the slot's place, its Location contained (address line,
    city, postal code), the place's phone and its structure identifier (:func:`structure_identifier`)."""
    place = slot.place
    address: dict = {}
    if place is not None:
        line = place.address or place.name or slot.address
        if line:
            address["line"] = [line]
        if place.commune_id and place.commune is not None:
            address["city"] = place.commune.name
        if place.postal_code:
            address["postalCode"] = place.postal_code
    elif slot.address:
        address["line"] = [slot.address]
    location = {
        "resourceType": "Location",
        "id": "lieu",
        "meta": {"profile": [f"{PROFILE}FrLocationAgregateur"]},
        "identifier": [
            {
                "type": {"coding": [{"system": LOCATION_TYPE_SYSTEM, "code": "INTRN"}]},
                "system": place_system,
                "value": str(slot.place_id or 0),
            }
        ],
    }
    if address:
        location["address"] = address
    resource = {
        "resourceType": "PractitionerRole",
        "id": _role_id(slot),
        "meta": {"profile": [f"{PROFILE}FrPractitionerRoleExerciceAgregateur"]},
        "contained": [location],
        "practitioner": {"reference": f"Practitioner/{_practitioner_id(slot)}"},
        "location": [{"reference": "#lieu"}],
    }
    phone = _phone(place)
    if phone:
        resource["telecom"] = [{"system": "phone", "value": phone}]
    structure_id = structure_identifier(place)
    if structure_id:
        resource["organization"] = {
            "identifier": {
                "type": {"coding": [{"system": V2_0203, "code": "IDNST"}]},
                "system": STRUCTURE_SYSTEM,
                "value": structure_id,
            }
        }
    return resource


def searchset_bundle(
    slots: list[Slot],
    *,
    base_url: str,
    booking_url_of,
    self_url: str,
    next_url: str | None,
    total: int,
    include_schedule: bool,
    include_actors: bool,
    include_services: bool = False,
    include_organizations: bool = False,
) -> dict:
    """A BundleAgregateur searchset: each Slot (``match``), then, once each, its Schedule and the
    Schedule's actors (``include``), as in the guide's example."""
    entries: list[dict] = []
    included: set[str] = set()
    place_system = place_identifier_system(base_url)

    def include(resource: dict) -> None:
        key = f"{resource['resourceType']}/{resource['id']}"
        if key not in included:
            included.add(key)
            entries.append(
                {"fullUrl": f"{base_url}/{key}", "resource": resource, "search": {"mode": "include"}}
            )

    for slot in slots:
        entries.append(
            {
                "fullUrl": f"{base_url}/Slot/{slot.pk}",
                "resource": slot_resource(slot, booking_url=booking_url_of(slot)),
                "search": {"mode": "match"},
            }
        )
        if include_schedule:
            include(schedule_resource(slot))
            if include_actors:
                include(practitioner_resource(slot))
                include(practitioner_role_resource(slot, place_system=place_system))
        if include_services:
            for structure in _cpts_structures(slot):
                include(healthcare_service_resource(structure))
                if include_organizations:
                    include(organization_resource(structure))
    links = [{"relation": "self", "url": self_url}]
    if next_url:
        links.append({"relation": "next", "url": next_url})
    return {
        "resourceType": "Bundle",
        "id": str(uuid.uuid4()),
        "meta": {"profile": [f"{PROFILE}BundleAgregateur"]},
        "type": "searchset",
        "total": total,
        "link": links,
        "entry": entries,
    }
