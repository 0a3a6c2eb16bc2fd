"""Parsing a searchset page into :class:`ParsedSlot` objects and its next link. Part of
:mod:`planning.connectors.fhir_parse`."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from planning.connectors.base import ParsedSlot, ParseResult, Rejection
from planning.connectors.fhir_parse.resolve import (
    DEFAULT_MODALITIES,
    MODALITIES,
    SERVICE_TYPE_EXTENSION,
    SLOT_TYPES,
    BundleError,
    Resolver,
    SlotRejected,
    codes_of,
    content_hash,
    parse_instant,
    practitioner_context,
    ref_key,
    slot_context_keys,
    structure_of,
    validated,
)


def _parsed_slot(
    raw: dict, resolver: Resolver, raw_hash: str, schedule_key: str, start: datetime | None
) -> ParsedSlot:
    """The slot resolved to its practitioner and structures; ``schedule_key`` is the first of its
    :func:`slot_context_keys`, ``start`` its start as parsed for the window check."""
    slot = validated(raw)
    if slot["status"] != "free":
        raise SlotRejected(f"Statut « {slot['status']} » : seuls les créneaux libres sont agrégés.")
    end = parse_instant(slot["end"])
    if start is None or end is None:
        raise SlotRejected("Début ou fin sans fuseau horaire.")
    if end <= start:
        raise SlotRejected("La fin du créneau précède son début.")
    national_id, address, postal_code, organization_id = practitioner_context(schedule_key, resolver)
    slot_types = [
        code
        for code in codes_of([{"coding": (slot.get("meta") or {}).get("security")}])
        if code in SLOT_TYPES
    ]
    service_types = slot.get("serviceType") or []
    modalities = [code for code in codes_of(service_types) if code in MODALITIES]
    reasons, structures = [], []
    for concept in service_types:
        if concept.get("text"):
            reasons.append(concept["text"])
        for extension in concept.get("extension") or []:
            if extension.get("url") == SERVICE_TYPE_EXTENSION and extension.get("valueReference") is not None:
                structures.append(
                    structure_of(ref_key(extension["valueReference"].get("reference")), resolver)
                )
    walk_in = "WALKIN" in codes_of([slot["appointmentType"]]) if slot.get("appointmentType") else False
    comment = (slot.get("comment") or "").strip()
    booking_url = comment if comment.startswith(("https://", "http://")) and len(comment) <= 500 else ""
    return ParsedSlot(
        external_id=slot["id"],
        national_id=national_id,
        start=start,
        end=end,
        slot_types=tuple(slot_types),
        modalities=tuple(modalities) or DEFAULT_MODALITIES,
        specialty_codes=tuple(codes_of(slot.get("specialty"))),
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
    resolver = Resolver(index)
    known = known_hashes or {}
    for raw in raw_slots:
        try:
            start = parse_instant(raw.get("start"))
            if start is not None and (
                (window_start is not None and start < window_start)
                or (window_end is not None and start > window_end)
            ):
                raise SlotRejected("Hors de la fenêtre demandée.")
            context_keys = slot_context_keys(raw, resolver)
            raw_hash = content_hash(raw, context_keys, resolver)
            if known.get(str(raw["id"])) == raw_hash:
                result.unchanged_ids.add(str(raw["id"]))
                continue
            result.slots.append(_parsed_slot(raw, resolver, raw_hash, context_keys[0], start))
        except SlotRejected as rejection:
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
    resolver = Resolver(index)
    hashes = {}
    for raw in raw_slots:
        try:
            hashes[str(raw["id"])] = content_hash(raw, slot_context_keys(raw, resolver), resolver)
        except SlotRejected:
            continue
    return hashes
