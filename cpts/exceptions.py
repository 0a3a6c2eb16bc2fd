"""Application errors of `cpts` (subclasses of ``sas_platform.exceptions.ApplicationError``)."""

from sas_platform.exceptions import ApplicationError, ConflictError, PermissionDeniedError


class ParticipationError(ApplicationError):
    """A participation declaration breaks a rule of DOMAIN.md §4."""

    default_code = "participation_invalid"


class ParticipationConflict(ConflictError):
    default_code = "participation_conflict"


class MembershipError(ApplicationError):
    default_code = "membership_invalid"


class MembershipConflict(ConflictError):
    default_code = "membership_conflict"


class ImportFileError(ApplicationError):
    """The whole file cannot be read (unknown header, not JSON...): nothing is imported."""

    default_code = "import_file_invalid"


class StructureAccessDenied(PermissionDeniedError):
    default_code = "structure_access_denied"
