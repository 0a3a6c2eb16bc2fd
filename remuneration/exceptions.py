"""Application errors of `remuneration` (subclasses of ``sas_platform.exceptions.ApplicationError``)."""

from __future__ import annotations

from sas_platform.exceptions import ApplicationError, ConflictError


class BaremeGapError(ApplicationError):
    """No barème row of a rule is in force on a date (a scheme ended, or a row is missing)."""

    default_code = "bareme_gap"


class BordereauLockedError(ConflictError):
    default_code = "bordereau_locked"


class BordereauStateError(ConflictError):
    default_code = "bordereau_state"


class PeriodError(ApplicationError):
    default_code = "invalid_period"
