"""Parse a SAS IG searchset bundle (flows INT_R01 / INT_R04) into :class:`ParsedSlot` objects.

Pure functions, no database, no HTTP. Each resource is validated on its own with the FHIR R4B
models of ``fhir.resources`` (the guide is FHIR 4.0.1, NOTES.md), so one malformed resource is
rejected with its reason and the rest of the bundle is kept.

Resolution (DOMAIN.md §3.3, ``specifications_techniques-*-recherche_creneaux.md``):
Slot → Schedule → Practitioner (``urn:oid:1.2.250.1.71.4.2.1`` | ``8`` + RPPS) and PractitionerRole
(contained Location, organisation identifier); CPTS slots also Slot.serviceType extension →
HealthcareService → Organization (CPTS, category 604).

A package: ``resolve`` (the resources around a Slot, its content hash), ``slots`` (a page into
parsed slots).
"""

from planning.connectors.fhir_parse.resolve import (
    MODELS,
    PRACTITIONER_SYSTEM,
    STRUCTURE_SYSTEM,
    BundleError,
    national_id_of,
)
from planning.connectors.fhir_parse.slots import content_hashes, next_link, parse_searchset

__all__ = [
    "MODELS",
    "PRACTITIONER_SYSTEM",
    "STRUCTURE_SYSTEM",
    "BundleError",
    "content_hashes",
    "national_id_of",
    "next_link",
    "parse_searchset",
]
