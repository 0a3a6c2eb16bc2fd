"""Import of Annuaire Santé FHIR resources: Practitioner, PractitionerRole, Organization.

Input: a JSON Bundle (as the Annuaire Santé API and the SAS IG examples give), a single
resource, or NDJSON (one resource per line, read as a stream). Each resource is validated on
its own with ``fhir.resources.R4B`` (the IG is FHIR 4.0.1, NOTES.md) and written in its own
savepoint: one bad resource never sinks the bundle. Organizations are imported first, then
Practitioners, then PractitionerRoles (which point to both). Ids ``8`` + RPPS with a wrong
Luhn key (the IG examples carry such keys) are kept and flagged, never dropped.
"""

from cpts.imports.fhir.importer import fhir_import
from cpts.imports.fhir.resources import FORMAT_FHIR, PRACTITIONER_OID, STRUCTURE_OID, ResourceRejected

__all__ = ["FORMAT_FHIR", "PRACTITIONER_OID", "STRUCTURE_OID", "ResourceRejected", "fhir_import"]
