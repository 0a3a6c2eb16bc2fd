"""Resolving a searchset's resources around each Slot (Schedule, Practitioner, PractitionerRole,
HealthcareService, Organization) and the content hash of a slot. Part of
:mod:`planning.connectors.fhir_parse`."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

from fhir.resources.R4B.healthcareservice import HealthcareService
from fhir.resources.R4B.organization import Organization
from fhir.resources.R4B.practitioner import Practitioner
from fhir.resources.R4B.practitionerrole import PractitionerRole
from fhir.resources.R4B.schedule import Schedule
from fhir.resources.R4B.slot import Slot
from pydantic import ValidationError

from planning.connectors import fhir_check
from planning.enums import Modality, SlotType
from sas_platform.identifiers import national_id_normalize

SLOT_TYPES = frozenset(SlotType.values)
MODALITIES = frozenset(Modality.values)
DEFAULT_MODALITIES = (Modality.AMB.value,)

PRACTITIONER_SYSTEM = "urn:oid:1.2.250.1.71.4.2.1"
STRUCTURE_SYSTEM = "urn:oid:1.2.250.1.71.4.2.2"
SERVICE_TYPE_EXTENSION = "http://hl7.org/fhir/5.0/StructureDefinition/extension-Slot.serviceType"
MODELS = {
    "Schedule": Schedule,
    "Practitioner": Practitioner,
    "PractitionerRole": PractitionerRole,
    "HealthcareService": HealthcareService,
    "Organization": Organization,
}


#: ``json.dumps(value, sort_keys=True, default=str)``, the canonical JSON of the content hashes: same
#: output, with the encoder built once instead of once a call, and no check for circular references
#: (decoded JSON has none; the check only changes the error raised on a circular structure).
_CANONICAL_JSON = json.JSONEncoder(sort_keys=True, default=str, check_circular=False)


def canonical_md5(value) -> str:
    """MD5 hex digest of the canonical JSON of ``value``."""
    return hashlib.md5(_CANONICAL_JSON.encode(value).encode(), usedforsecurity=False).hexdigest()


class BundleError(Exception):
    """The whole answer is unusable (not JSON, not a searchset Bundle): the batch fails."""


class SlotRejected(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def validation_reason(exc: ValidationError) -> str:
    first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": str(exc)}
    where = ".".join(str(part) for part in first.get("loc", ())) or "ressource"
    return f"Ressource invalide ({where} : {first.get('msg', '')})."


def ref_key(reference: str | None) -> str | None:
    """``"https://x/fhir/Schedule/1"`` or ``"Schedule/1"`` → ``"Schedule/1"``."""
    if not reference or not isinstance(reference, str):
        return None
    parts = reference.rstrip("/").split("/")
    return "/".join(parts[-2:]) if len(parts) >= 2 else None


def parse_instant(value) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    return parsed if parsed.tzinfo else None


def national_id_of(practitioner: Practitioner) -> str:
    """``8`` + RPPS (or ``0`` + ADELI) from the IDNPS identifier; an unprefixed RPPS gets its ``8``."""
    for identifier in practitioner.identifier or []:
        value = (identifier.value or "").strip()
        if identifier.system == PRACTITIONER_SYSTEM and value:
            return national_id_normalize(value)
    raise SlotRejected(f"Practitioner/{practitioner.id} sans identifiant national (IDNPS).")


class Resolver:
    """Validated included resources of one bundle, each validated once.

    Everything cached here depends only on the included resources (Schedule, Practitioner,
    HealthcareService...), which do not change within a bundle, never on a Slot."""

    def __init__(self, index: dict[str, dict]) -> None:
        self.index = index
        self.cache: dict[str, object] = {}
        self.digests: dict[str, str] = {}
        self.contexts: dict[str, object] = {}
        self.actor_keys: dict[str, list[str | None]] = {}
        self.joined_digests: dict[tuple[str, ...], str] = {}

    def digest(self, key: str) -> str:
        """MD5 of one included resource's canonical JSON, computed once per bundle."""
        found = self.digests.get(key)
        if found is None:
            found = self.digests[key] = canonical_md5(self.index[key])
        return found

    def joined_digest(self, keys: list[str]) -> str:
        """``"|"``-joined digests of the resources ``keys``, once per bundle and list of keys
        (the slots of one Schedule share it)."""
        wanted = tuple(keys)
        found = self.joined_digests.get(wanted)
        if found is None:
            found = self.joined_digests[wanted] = "|".join(self.digest(key) for key in keys)
        return found

    def schedule_actor_keys(self, schedule_key: str) -> list[str | None]:
        """Keys of the actors of an included Schedule (not checked to be present), once per bundle."""
        found = self.actor_keys.get(schedule_key)
        if found is None:
            schedule = self.index[schedule_key]
            found = self.actor_keys[schedule_key] = [
                ref_key((actor or {}).get("reference")) for actor in schedule.get("actor") or []
            ]
        return found

    def raw(self, key: str | None) -> dict:
        if key is None or key not in self.index:
            raise SlotRejected(f"Référence introuvable dans la réponse : {key or '(vide)'}.")
        return self.index[key]

    def model(self, key: str | None):
        raw = self.raw(key)
        if key not in self.cache:
            model_cls = MODELS.get(key.split("/")[0])
            if model_cls is None:
                self.cache[key] = SlotRejected(f"Type de ressource non pris en charge : {key}.")
            else:
                try:
                    self.cache[key] = model_cls.model_validate(raw)
                except ValidationError as exc:
                    self.cache[key] = SlotRejected(f"{key} : {validation_reason(exc)}")
        value = self.cache[key]
        if isinstance(value, SlotRejected):
            raise value
        return value


def service_type_refs(raw_slot: dict) -> list[str | None]:
    refs = []
    concepts = raw_slot.get("serviceType")
    for concept in concepts if isinstance(concepts, list) else []:
        extensions = concept.get("extension") if isinstance(concept, dict) else None
        for extension in extensions if isinstance(extensions, list) else []:
            if isinstance(extension, dict) and extension.get("url") == SERVICE_TYPE_EXTENSION:
                refs.append(ref_key(((extension or {}).get("valueReference") or {}).get("reference")))
    return refs


def slot_context_keys(raw_slot: dict, resolver: Resolver) -> list[str]:
    """Keys of every resource this slot depends on (for its content hash); raises on a dangling one."""
    if not isinstance(raw_slot.get("schedule"), dict):
        validated(raw_slot)  # raises with the validation's reason
        raise SlotRejected("Slot sans référence à son Schedule.")
    schedule_key = ref_key(raw_slot["schedule"].get("reference"))
    resolver.raw(schedule_key)
    keys = [schedule_key, *resolver.schedule_actor_keys(schedule_key)]
    for hs_key in service_type_refs(raw_slot):
        keys.append(hs_key)
        keys.append(ref_key((resolver.raw(hs_key).get("providedBy") or {}).get("reference")))
    for key in keys:
        if key not in resolver.index:
            resolver.raw(key)  # raises
    return keys


def content_hash(raw_slot: dict, keys: list[str], resolver: Resolver) -> str:
    """MD5 of the slot's canonical JSON and of the digests of the resources it depends on (each
    included resource is serialised once per bundle, not once per slot)."""
    payload = _CANONICAL_JSON.encode(raw_slot) + "|" + resolver.joined_digest(keys)
    return hashlib.md5(payload.encode(), usedforsecurity=False).hexdigest()


def place_of(role: PractitionerRole) -> tuple[str, str, str]:
    """(address, postal code, organisation identifier) of a PractitionerRole and its contained Location."""
    address = postal_code = ""
    wanted = {(ref.reference or "").lstrip("#") for ref in role.location or []}
    for contained in role.contained or []:
        if contained.get_resource_type() == "Location" and (not wanted or contained.id in wanted):
            if contained.address is not None:
                lines = " ".join(contained.address.line or [])
                address = " ".join(
                    part for part in (lines, contained.address.postalCode, contained.address.city) if part
                )
                postal_code = contained.address.postalCode or ""
            break
    organization_id = ""
    if role.organization is not None and role.organization.identifier is not None:
        organization_id = role.organization.identifier.value or ""
    return address, postal_code, organization_id


def structure_of(hs_key: str | None, resolver: Resolver) -> dict:
    service = resolver.model(hs_key)
    org_key = ref_key(service.providedBy.reference if service.providedBy else None)
    organization = resolver.model(org_key)
    identifier = next(
        (i.value for i in organization.identifier or [] if i.system == STRUCTURE_SYSTEM and i.value),
        next((i.value for i in organization.identifier or [] if i.value), ""),
    )
    phone = next((t.value for t in organization.telecom or [] if t.system == "phone" and t.value), "")
    return {"identifier": identifier, "name": organization.name or "", "phone": phone}


def validated(raw: dict) -> dict:
    """The slot as a plain dict, valid FHIR R4: checked cheaply, or fully by ``fhir.resources``."""
    if not fhir_check.is_plain_slot(raw):
        try:
            Slot.model_validate(raw)
        except ValidationError as exc:
            raise SlotRejected(validation_reason(exc)) from exc
    return raw


def practitioner_context(schedule_key: str | None, resolver: Resolver) -> tuple[str, str, str, str]:
    """(national id, address, postal code, organisation id) of a Schedule's actors, once per bundle."""
    found = resolver.contexts.get(schedule_key)
    if found is None:
        try:
            schedule = resolver.model(schedule_key)
            practitioner = role = None
            for actor in schedule.actor or []:
                key = ref_key(actor.reference)
                kind = (key or "").split("/")[0]
                if kind == "Practitioner":
                    practitioner = resolver.model(key)
                elif kind == "PractitionerRole":
                    role = resolver.model(key)
                elif kind == "Location":
                    raise SlotRejected(
                        "Créneau d'un lieu fixe de consultation (SOS Médecins) : non pris en charge."
                    )
            if practitioner is None:
                raise SlotRejected(f"Schedule/{schedule.id} ne désigne aucun Practitioner.")
            address, postal_code, organization_id = place_of(role) if role is not None else ("", "", "")
            found = (national_id_of(practitioner), address, postal_code, organization_id)
        except SlotRejected as rejection:
            found = rejection
        resolver.contexts[schedule_key] = found
    if isinstance(found, SlotRejected):
        raise found
    return found


def codes_of(concepts) -> list[str]:
    codes = []
    for concept in concepts or []:
        for coding in concept.get("coding") or []:
            code = coding.get("code")
            if code and code not in codes:
                codes.append(code)
    return codes
