"""Plausibility of the dates and times that become facts (and pay facts), as pure functions.

Each check raises :class:`ImplausibleValue` (an ``ApplicationError`` naming the field) with one
French message, so the web forms, the API and imports refuse the same values in the same words.
The services call them before anything is written: a refused value never reaches a booking, an
act's facts (DOMAIN.md §7.2-§7.4) or a regulator's paid hours (§7.5).

Thresholds come from settings (``REGULATION_*``), passed in by the caller: no database access here.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sas_platform.exceptions import ApplicationError

PARIS = ZoneInfo("Europe/Paris")

#: The SAS's window (DOMAIN.md §3.1 steps 2-3 « RDV sous 48 h »; §7.3 « within 48 h after
#: regulation by the SAS »).
APPOINTMENT_WINDOW = dt.timedelta(hours=48)
#: Oldest plausible patient (years).
MAX_AGE_YEARS = 120
#: A regulator's shift (DOMAIN.md §7.5): at most 24 h; beyond 12 h it must be confirmed.
MAX_SHIFT = dt.timedelta(hours=24)
LONG_SHIFT = dt.timedelta(hours=12)


class ImplausibleValue(ApplicationError):
    """A date, time or duration no real call, appointment or shift can have."""

    status_code = 400
    default_code = "implausible_value"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message, extra={"fields": {field: [message]}})
        self.field = field


def when(moment: dt.datetime) -> str:
    """« 01/01/2020 10:00 » in Paris time: the year is always shown in a refusal."""
    return moment.astimezone(PARIS).strftime("%d/%m/%Y %H:%M")


def check_appointment_start(
    start: dt.datetime,
    *,
    now: dt.datetime,
    regulated_at: dt.datetime | None,
    grace: dt.timedelta,
    field: str = "appointment_start",
) -> None:
    """An appointment recorded by the desk (médecin traitant, accepted surnuméraire) lies within
    the regulation's 48 h window (DOMAIN.md §3.1 step 3, §7.3) and is not in the past beyond
    ``grace`` (the OSNP may record, a little late, an appointment that has just started).

    The window runs from the regulator's decision (``regulated_at``; now when unknown) to 48 h later.
    """
    if start < now - grace:
        raise ImplausibleValue(
            field,
            f"L'heure du rendez-vous ({when(start)}) est passée : un rendez-vous ne peut pas être "
            "enregistré plus de "
            f"{_hours(grace)} après son heure.",
        )
    limit = (regulated_at or now) + APPOINTMENT_WINDOW
    if start > limit:
        raise ImplausibleValue(
            field,
            f"L'heure du rendez-vous ({when(start)}) est au-delà de 48 h après la régulation "
            f"(au plus tard le {when(limit)}).",
        )


def check_birth_date(born: dt.date | None, *, today: dt.date, field: str = "patient_birth_date") -> None:
    """A patient is born today at the latest, and at most 120 years ago."""
    if born is None:
        return
    if born > today:
        raise ImplausibleValue(field, "La date de naissance est dans le futur.")
    try:
        oldest = today.replace(year=today.year - MAX_AGE_YEARS)
    except ValueError:  # 29 February
        oldest = today.replace(year=today.year - MAX_AGE_YEARS, day=28)
    if born < oldest:
        raise ImplausibleValue(
            field,
            f"Date de naissance invraisemblable ({born:%d/%m/%Y}) : plus de {MAX_AGE_YEARS} ans.",
        )


def check_age(age: int | None, *, field: str = "patient_age") -> None:
    if age is not None and not 0 <= age <= MAX_AGE_YEARS:
        raise ImplausibleValue(field, f"L'âge doit être compris entre 0 et {MAX_AGE_YEARS} ans.")


def check_call_time(
    moment: dt.datetime | None,
    *,
    now: dt.datetime,
    skew: dt.timedelta,
    max_age: dt.timedelta,
    field: str = "call_received_at",
) -> None:
    """A call (or its pick-up) happened: not in the future beyond a clock ``skew`` between the
    telephony and the platform, and not older than ``max_age`` (DOMAIN.md §3.1 step 1: the
    time to pick up is measured from it)."""
    if moment is None:
        return
    if moment > now + skew:
        raise ImplausibleValue(field, f"L'heure de l'appel ({when(moment)}) est dans le futur.")
    if moment < now - max_age:
        raise ImplausibleValue(
            field,
            f"L'heure de l'appel ({when(moment)}) date de plus de {_hours(max_age)} : "
            "saisissez l'heure réelle de l'appel.",
        )


def check_shift_period(
    start: dt.datetime, end: dt.datetime, *, confirm_long: bool = False, field: str = "end"
) -> None:
    """A regulator's shift (DOMAIN.md §7.5, paid per hour): the end follows the start (equal times
    are refused, never read as 24 h), it lasts at most 24 h, and more than 12 h must be confirmed."""
    if end <= start:
        raise ImplausibleValue(field, "La fin de la garde doit suivre son début.")
    length = end - start
    if length > MAX_SHIFT:
        raise ImplausibleValue(field, "Une garde dure au plus 24 heures : saisissez-en plusieurs.")
    if length > LONG_SHIFT and not confirm_long:
        raise ImplausibleValue(
            "confirm_long",
            f"Cette garde dure {_duration(length)} (plus de 12 h) : cochez la confirmation de garde longue.",
        )


def _hours(delta: dt.timedelta) -> str:
    hours = delta.total_seconds() / 3600
    if hours >= 48 and hours % 24 == 0:
        return f"{int(hours // 24)} jours"
    return f"{hours:g} h"


def _duration(delta: dt.timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes // 60} h {minutes % 60:02d}" if minutes % 60 else f"{minutes // 60} h"
