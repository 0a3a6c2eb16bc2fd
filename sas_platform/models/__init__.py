"""Models of the shared kernel: users, geography, audit trail."""

from sas_platform.models.audit import AuditEvent, PatientDataAccess
from sas_platform.models.geography import Commune, CommuneName, Departement, PostalCode, Region
from sas_platform.models.territory import SasTerritory
from sas_platform.models.users import User

__all__ = [
    "AuditEvent",
    "Commune",
    "CommuneName",
    "Departement",
    "PatientDataAccess",
    "PostalCode",
    "Region",
    "SasTerritory",
    "User",
]
