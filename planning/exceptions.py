"""Application errors of `planning` (subclasses of ``sas_platform.exceptions.ApplicationError``)."""

from __future__ import annotations

from sas_platform.exceptions import ApplicationError, ConflictError


class SlotAlreadyTaken(ConflictError):
    """Another booking or hold won the race for this slot (DOMAIN.md §3.1 step 3: a slot is booked once)."""

    default_code = "slot_already_taken"

    def __init__(self, message: str = "Ce créneau vient d'être pris.", **kwargs) -> None:
        super().__init__(message, **kwargs)


class SlotNotPlatformOwned(ApplicationError):
    """An editor's slot is booked in the editor's tool, not on the platform (DOMAIN.md §3.3)."""

    default_code = "slot_not_platform_owned"

    def __init__(
        self,
        message: str = "Ce créneau se réserve dans l'agenda de son éditeur, pas sur la plateforme.",
        **kwargs,
    ) -> None:
        super().__init__(message, **kwargs)


class SlotNotBookable(ApplicationError):
    """A walk-in slot (``appointmentType`` WALKIN, DOMAIN.md §3.3) is neither held nor booked:
    the patient comes without an appointment during its hours."""

    default_code = "slot_walk_in"

    def __init__(
        self,
        message: str = "Ce créneau est « sans rendez-vous » : il ne se retient ni ne se réserve. "
        "Indiquez au patient l'adresse et l'heure de passage du cabinet.",
        **kwargs,
    ) -> None:
        super().__init__(message, **kwargs)


class SourceUnavailable(ApplicationError):
    """The slot's source could not be asked (timeout, error, circuit open)."""

    status_code = 503
    default_code = "source_unavailable"


class SearchInputError(ApplicationError):
    """Out-of-range search input (radius, window, coordinates): a 400 with a French message."""

    default_code = "invalid_search"
