"""Parse a SAS IG searchset bundle (flows INT_R01 / INT_R04) into :class:`ParsedSlot` objects.

Pure functions, no database, no HTTP. Each resource is validated on its own with the FHIR R4B
models of ``fhir.resources`` (the guide is FHIR 4.0.1, NOTES.md), so one malformed resource is
rejected with its reason and the rest of the bundle is kept.

Resolution (DOMAIN.md §3.3, ``specifications_techniques-*-recherche_creneaux.md``):
Slot → Schedule → Practitioner (``urn:oid:1.2.250.1.71.4.2.1`` | ``8`` + RPPS) and PractitionerRole
(contained Location, organisation identifier); CPTS slots also Slot.serviceType extension →
HealthcareService → Organization (CPTS, category 604).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import datetime

from fhir.resources.R4B.healthcareservice import HealthcareService
from fhir.resources.R4B.organization import Organization
from fhir.resources.R4B.practitioner import Practitioner
from fhir.resources.R4B.practitionerrole import PractitionerRole
from fhir.resources.R4B.schedule import Schedule
from fhir.resources.R4B.slot import Slot
from pydantic import ValidationError

from planning.connectors import fhir_check
from planning.connectors.base import ParsedSlot, ParseResult, Rejection
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


def _canonical_md5(value) -> str:
    """MD5 hex digest of the canonical JSON of ``value``."""
    return hashlib.md5(_CANONICAL_JSON.encode(value).encode(), usedforsecurity=False).hexdigest()


class BundleError(Exception):
    """The whole answer is unusable (not JSON, not a searchset Bundle): the batch fails."""


class _Reject(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _validation_reason(exc: ValidationError) -> str:
    first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": str(exc)}
    where = ".".join(str(part) for part in first.get("loc", ())) or "ressource"
    return f"Ressource invalide ({where} : {first.get('msg', '')})."


def _ref_key(reference: str | None) -> str | None:
    """``"https://x/fhir/Schedule/1"`` or ``"Schedule/1"`` → ``"Schedule/1"``."""
    if not reference or not isinstance(reference, str):
        return None
    parts = reference.rstrip("/").split("/")
    return "/".join(parts[-2:]) if len(parts) >= 2 else None


def _parse_instant(value) -> datetime | None:
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
    raise _Reject(f"Practitioner/{practitioner.id} sans identifiant national (IDNPS).")


class _Resolver:
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
            found = self.digests[key] = _canonical_md5(self.index[key])
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
                _ref_key((actor or {}).get("reference")) for actor in schedule.get("actor") or []
            ]
        return found

    def raw(self, key: str | None) -> dict:
        if key is None or key not in self.index:
            raise _Reject(f"Référence introuvable dans la réponse : {key or '(vide)'}.")
        return self.index[key]

    def model(self, key: str | None):
        raw = self.raw(key)
        if key not in self.cache:
            model_cls = MODELS.get(key.split("/")[0])
            if model_cls is None:
                self.cache[key] = _Reject(f"Type de ressource non pris en charge : {key}.")
            else:
                try:
                    self.cache[key] = model_cls.model_validate(raw)
                except ValidationError as exc:
                    self.cache[key] = _Reject(f"{key} : {_validation_reason(exc)}")
        value = self.cache[key]
        if isinstance(value, _Reject):
            raise value
        return value


def _service_type_refs(raw_slot: dict) -> list[str | None]:
    refs = []
    concepts = raw_slot.get("serviceType")
    for concept in concepts if isinstance(concepts, list) else []:
        extensions = concept.get("extension") if isinstance(concept, dict) else None
        for extension in extensions if isinstance(extensions, list) else []:
            if isinstance(extension, dict) and extension.get("url") == SERVICE_TYPE_EXTENSION:
                refs.append(_ref_key(((extension or {}).get("valueReference") or {}).get("reference")))
    return refs


def _context_keys(raw_slot: dict, resolver: _Resolver) -> list[str]:
    """Keys of every resource this slot depends on (for its content hash); raises on a dangling one."""
    if not isinstance(raw_slot.get("schedule"), dict):
        _validated(raw_slot)  # raises with the validation's reason
        raise _Reject("Slot sans référence à son Schedule.")
    schedule_key = _ref_key(raw_slot["schedule"].get("reference"))
    resolver.raw(schedule_key)
    keys = [schedule_key, *resolver.schedule_actor_keys(schedule_key)]
    for hs_key in _service_type_refs(raw_slot):
        keys.append(hs_key)
        keys.append(_ref_key((resolver.raw(hs_key).get("providedBy") or {}).get("reference")))
    for key in keys:
        if key not in resolver.index:
            resolver.raw(key)  # raises
    return keys


def _content_hash(raw_slot: dict, keys: list[str], resolver: _Resolver) -> str:
    """MD5 of the slot's canonical JSON and of the digests of the resources it depends on (each
    included resource is serialised once per bundle, not once per slot)."""
    payload = _CANONICAL_JSON.encode(raw_slot) + "|" + resolver.joined_digest(keys)
    return hashlib.md5(payload.encode(), usedforsecurity=False).hexdigest()


def _place_of(role: PractitionerRole) -> tuple[str, str, str]:
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


def _structure_of(hs_key: str | None, resolver: _Resolver) -> dict:
    service = resolver.model(hs_key)
    org_key = _ref_key(service.providedBy.reference if service.providedBy else None)
    organization = resolver.model(org_key)
    identifier = next(
        (i.value for i in organization.identifier or [] if i.system == STRUCTURE_SYSTEM and i.value),
        next((i.value for i in organization.identifier or [] if i.value), ""),
    )
    phone = next((t.value for t in organization.telecom or [] if t.system == "phone" and t.value), "")
    return {"identifier": identifier, "name": organization.name or "", "phone": phone}


def _validated(raw: dict) -> dict:
    """The slot as a plain dict, valid FHIR R4: checked cheaply, or fully by ``fhir.resources``."""
    if not fhir_check.is_plain_slot(raw):
        try:
            Slot.model_validate(raw)
        except ValidationError as exc:
            raise _Reject(_validation_reason(exc)) from exc
    return raw


def _practitioner_context(schedule_key: str | None, resolver: _Resolver) -> tuple[str, str, str, str]:
    """(national id, address, postal code, organisation id) of a Schedule's actors, once per bundle."""
    found = resolver.contexts.get(schedule_key)
    if found is None:
        try:
            schedule = resolver.model(schedule_key)
            practitioner = role = None
            for actor in schedule.actor or []:
                key = _ref_key(actor.reference)
                kind = (key or "").split("/")[0]
                if kind == "Practitioner":
                    practitioner = resolver.model(key)
                elif kind == "PractitionerRole":
                    role = resolver.model(key)
                elif kind == "Location":
                    raise _Reject(
                        "Créneau d'un lieu fixe de consultation (SOS Médecins) : non pris en charge."
                    )
            if practitioner is None:
                raise _Reject(f"Schedule/{schedule.id} ne désigne aucun Practitioner.")
            address, postal_code, organization_id = _place_of(role) if role is not None else ("", "", "")
            found = (national_id_of(practitioner), address, postal_code, organization_id)
        except _Reject as rejection:
            found = rejection
        resolver.contexts[schedule_key] = found
    if isinstance(found, _Reject):
        raise found
    return found


def _codes(concepts) -> list[str]:
    codes = []
    for concept in concepts or []:
        for coding in concept.get("coding") or []:
            code = coding.get("code")
            if code and code not in codes:
                codes.append(code)
    return codes


def _parsed_slot(
    raw: dict, resolver: _Resolver, raw_hash: str, schedule_key: str, start: datetime | None
) -> ParsedSlot:
    """The slot resolved to its practitioner and structures; ``schedule_key`` is the first of its
    :func:`_context_keys`, ``start`` its start as parsed for the window check."""
    slot = _validated(raw)
    if slot["status"] != "free":
        raise _Reject(f"Statut « {slot['status']} » : seuls les créneaux libres sont agrégés.")
    end = _parse_instant(slot["end"])
    if start is None or end is None:
        raise _Reject("Début ou fin sans fuseau horaire.")
    if end <= start:
        raise _Reject("La fin du créneau précède son début.")
    national_id, address, postal_code, organization_id = _practitioner_context(schedule_key, resolver)
    slot_types = [
        code for code in _codes([{"coding": (slot.get("meta") or {}).get("security")}]) if code in SLOT_TYPES
    ]
    service_types = slot.get("serviceType") or []
    modalities = [code for code in _codes(service_types) if code in MODALITIES]
    reasons, structures = [], []
    for concept in service_types:
        if concept.get("text"):
            reasons.append(concept["text"])
        for extension in concept.get("extension") or []:
            if extension.get("url") == SERVICE_TYPE_EXTENSION and extension.get("valueReference") is not None:
                structures.append(
                    _structure_of(_ref_key(extension["valueReference"].get("reference")), resolver)
                )
    walk_in = "WALKIN" in _codes([slot["appointmentType"]]) if slot.get("appointmentType") else False
    comment = (slot.get("comment") or "").strip()
    booking_url = comment if comment.startswith(("https://", "http://")) and len(comment) <= 500 else ""
    return ParsedSlot(
        external_id=slot["id"],
        national_id=national_id,
        start=start,
        end=end,
        slot_types=tuple(slot_types),
        modalities=tuple(modalities) or DEFAULT_MODALITIES,
        specialty_codes=tuple(_codes(slot.get("specialty"))),
        reasons=tuple(reasons),
        bookable=not walk_in,
        booking_url=booking_url,
        address=address[:255],
        postal_code=postal_code,
        organization_id=organization_id,
        structures=tuple(structures),
        raw_hash=raw_hash,
    )


def next_link(payload: dict) -> str | None:
    for link in payload.get("link") or []:
        if isinstance(link, dict) and link.get("relation") == "next" and link.get("url"):
            return str(link["url"])
    return None


def parse_searchset(
    payload,
    *,
    window_start: datetime | None = None,
    window_end: datetime | None = None,
    known_hashes: Mapping[str, str] | None = None,
) -> ParseResult:
    """Parse one page. Slots whose content hash is in ``known_hashes`` (unchanged since the last
    run) are listed in ``unchanged_ids`` without being validated again."""
    if not isinstance(payload, dict) or payload.get("resourceType") != "Bundle":
        raise BundleError("La réponse n'est pas un Bundle FHIR.")
    if payload.get("type") != "searchset":
        raise BundleError(f"Bundle de type « {payload.get('type')} » au lieu de « searchset ».")
    entries = payload.get("entry") or []
    if not isinstance(entries, list):
        raise BundleError("Le Bundle n'a pas de liste d'entrées.")
    result = ParseResult(next_url=next_link(payload))
    index: dict[str, dict] = {}
    raw_slots: list[dict] = []
    seen: set[str] = set()
    for position, entry in enumerate(entries):
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(resource, dict) or not resource.get("resourceType") or not resource.get("id"):
            result.rejections.append(Rejection(f"entry[{position}]", "Entrée sans ressource identifiée."))
            continue
        key = f"{resource['resourceType']}/{resource['id']}"
        if resource["resourceType"] == "Slot":
            if key in seen:
                result.rejections.append(
                    Rejection(key, "Créneau en double dans la réponse (même identifiant).")
                )
                continue
            seen.add(key)
            raw_slots.append(resource)
        else:
            index.setdefault(key, resource)
    resolver = _Resolver(index)
    known = known_hashes or {}
    for raw in raw_slots:
        try:
            start = _parse_instant(raw.get("start"))
            if start is not None and (
                (window_start is not None and start < window_start)
                or (window_end is not None and start > window_end)
            ):
                raise _Reject("Hors de la fenêtre demandée.")
            context_keys = _context_keys(raw, resolver)
            raw_hash = _content_hash(raw, context_keys, resolver)
            if known.get(str(raw["id"])) == raw_hash:
                result.unchanged_ids.add(str(raw["id"]))
                continue
            result.slots.append(_parsed_slot(raw, resolver, raw_hash, context_keys[0], start))
        except _Reject as rejection:
            result.rejections.append(Rejection(f"Slot/{raw['id']}", rejection.reason))
    return result


def content_hashes(payload: dict) -> dict[str, str]:
    """Content hash of each resolvable Slot of a bundle, without validation (what a poll compares)."""
    index = {}
    raw_slots = []
    for entry in payload.get("entry") or []:
        resource = (entry or {}).get("resource") or {}
        if resource.get("resourceType") == "Slot":
            raw_slots.append(resource)
        elif resource.get("resourceType") and resource.get("id"):
            index.setdefault(f"{resource['resourceType']}/{resource['id']}", resource)
    resolver = _Resolver(index)
    hashes = {}
    for raw in raw_slots:
        try:
            hashes[str(raw["id"])] = _content_hash(raw, _context_keys(raw, resolver), resolver)
        except _Reject:
            continue
    return hashes
