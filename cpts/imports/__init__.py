"""Directory importers (issue 3): RPPS / Pro Santé Connect extracts and Annuaire Santé FHIR."""

from cpts.imports.common import BATCH_SIZE, ImportStats
from cpts.imports.fhir import fhir_import
from cpts.imports.rpps import rpps_import
from cpts.imports.runs import import_run_create, import_run_create_from_upload, import_run_execute

__all__ = [
    "BATCH_SIZE",
    "ImportStats",
    "fhir_import",
    "import_run_create",
    "import_run_create_from_upload",
    "import_run_execute",
    "rpps_import",
]
