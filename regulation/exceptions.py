"""Application errors of `regulation` (subclasses of ``sas_platform.exceptions.ApplicationError``)."""

from sas_platform.exceptions import ApplicationError, ConflictError


class TransitionNotAllowed(ApplicationError):
    """The state machine (``policies.TRANSITIONS``) refuses the move; nothing was changed."""

    status_code = 409
    default_code = "transition_not_allowed"


class DossierHeldByOther(ConflictError):
    """Someone else works on the dossier (claim / release)."""

    default_code = "dossier_held"


class SlotTaken(ConflictError):
    """« Créneau déjà pris » (a booking or hold lost the race, or the source says it is gone)."""

    default_code = "slot_taken"


class RequestAlreadyAnswered(ConflictError):
    default_code = "request_already_answered"


class AppointmentNotMatched(ApplicationError):
    """An editor's appointment feedback matches no hold (FHIR 422)."""

    status_code = 422
    default_code = "appointment_not_matched"


class ShiftConflict(ConflictError):
    """Overlapping shifts, a shift already open, or a version already corrected."""

    default_code = "shift_conflict"
