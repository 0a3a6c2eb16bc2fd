"""The territory's PDSA calendar and whether now is SAS or PDSA hours (DOMAIN.md §3.4)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from regulation import policies
from regulation.models import Dossier, PdsaCalendar


def pdsa_schedule_for(*, territory_code: str) -> policies.PdsaSchedule:
    """The territory's PDSA calendar, or the regulatory defaults (DOMAIN.md §3.4)."""
    calendar = PdsaCalendar.objects.filter(territory_id=territory_code).first()
    if calendar is not None:
        return calendar.schedule()
    return policies.PdsaSchedule(alsace_moselle=territory_code in policies.ALSACE_MOSELLE)


@dataclass(frozen=True)
class HoursStatus:
    pdsa: bool
    next_opening: dt.datetime | None


def pdsa_schedule_of(*, dossier: Dossier) -> policies.PdsaSchedule:
    """The dossier's territory calendar, without a query when ``dossier_read`` joined it."""
    territory = dossier.territory if Dossier.territory.is_cached(dossier) else None
    if territory is None or not _calendar_cached(territory):
        return pdsa_schedule_for(territory_code=dossier.territory_id)
    try:
        return territory.pdsa_calendar.schedule()
    except PdsaCalendar.DoesNotExist:
        return policies.PdsaSchedule(alsace_moselle=dossier.territory_id in policies.ALSACE_MOSELLE)


def _calendar_cached(territory) -> bool:
    return "pdsa_calendar" in territory._state.fields_cache


def hours_status(
    *, territory_code: str, now: dt.datetime | None = None, schedule: policies.PdsaSchedule | None = None
) -> HoursStatus:
    """Is it PDSA time in this territory, and when do SAS hours resume?"""
    now = now or timezone.now()
    schedule = schedule or pdsa_schedule_for(territory_code=territory_code)
    pdsa = policies.is_pdsa_time(now, schedule)
    return HoursStatus(pdsa=pdsa, next_opening=policies.next_sas_opening(now, schedule) if pdsa else None)
