"""Regulators' on-duty hours (DOMAIN.md §7.5)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from regulation import plausibility, policies
from regulation.enums import (
    ShiftOrigin,
)
from regulation.events import RegulationEvent, shift_event_write
from regulation.exceptions import (
    ShiftConflict,
)
from regulation.models import RegulatorShift
from regulation.selectors import pdsa_schedule_for
from sas_platform.exceptions import ApplicationError, NotFoundError
from sas_platform.models import SasTerritory

# --- Regulators' on-duty hours (DOMAIN.md §7.5) ------------------------------------------------


def _minute(moment: dt.datetime) -> dt.datetime:
    return moment.replace(second=0, microsecond=0)


def _lock_regulator(regulator_id: int) -> None:
    """Serialise the writes on one regulator's shifts (overlap checks are then race-free)."""
    from sas_platform.models import User

    User.objects.select_for_update().filter(pk=regulator_id).values_list("pk", flat=True).first()


def _ensure_no_overlap(
    *, regulator_id: int, start: dt.datetime, end: dt.datetime | None, lineage=None
) -> None:
    others = RegulatorShift.objects.filter(regulator_id=regulator_id, is_current=True, cancelled=False)
    if lineage is not None:
        others = others.exclude(lineage=lineage)
    overlapping = others.filter(end__isnull=True) | others.filter(end__gt=start)
    if end is not None:
        overlapping = overlapping.filter(start__lt=end)
    clash = overlapping.order_by("start").first()
    if clash is not None:
        when = timezone.localtime(clash.start).strftime("%d/%m/%Y %H:%M")
        raise ShiftConflict(
            f"Ce régulateur a déjà une garde qui chevauche ces horaires (début le {when}).",
            extra={"shift": clash.pk},
        )


def _split(shift: RegulatorShift) -> None:
    if shift.end is None or shift.cancelled:
        shift.sas_minutes = shift.pdsa_minutes = 0
        return
    schedule = pdsa_schedule_for(territory_code=shift.territory_id)
    shift.sas_minutes, shift.pdsa_minutes = policies.split_on_duty_minutes(shift.start, shift.end, schedule)


def _shift_params(shift: RegulatorShift) -> dict[str, Any]:
    return {
        "version": shift.version,
        "regulator": shift.regulator_id,
        "start": shift.start.isoformat(),
        "end": shift.end.isoformat() if shift.end else None,
        "sas_minutes": shift.sas_minutes,
        "pdsa_minutes": shift.pdsa_minutes,
        "cancelled": shift.cancelled,
    }


def _ensure_territory(territory_code: str) -> SasTerritory:
    territory = SasTerritory.objects.filter(departement_id=territory_code).first()
    if territory is None:
        raise ApplicationError("Aucun SAS n'est ouvert sur ce territoire.", code="no_sas_territory")
    return territory


@transaction.atomic
def shift_start(*, actor, territory_code: str) -> RegulatorShift:
    """A régulateur takes their shift on the desk (now). One open shift at a time."""
    territory = _ensure_territory(territory_code)
    _lock_regulator(actor.pk)
    now = _minute(timezone.now())
    if RegulatorShift.objects.filter(
        regulator=actor, is_current=True, end__isnull=True, cancelled=False
    ).exists():
        raise ShiftConflict(
            "Vous êtes déjà de garde : terminez d'abord la garde en cours.", code="shift_open"
        )
    _ensure_no_overlap(regulator_id=actor.pk, start=now, end=None)
    shift = RegulatorShift(
        territory=territory,
        regulator=actor,
        start=now,
        origin=ShiftOrigin.DESK,
        recorded_by=actor,
        recorded_at=now,
    )
    shift.full_clean(validate_constraints=False)
    shift.save()
    shift_event_write(
        event_type=RegulationEvent.SHIFT_STARTED, actor=actor, shift=shift, params=_shift_params(shift)
    )
    return shift


@transaction.atomic
def shift_end(*, actor) -> RegulatorShift:
    """The régulateur ends their open shift: its minutes are split into SAS and PDSA hours."""
    _lock_regulator(actor.pk)
    shift = (
        RegulatorShift.objects.select_for_update()
        .filter(regulator=actor, is_current=True, end__isnull=True, cancelled=False)
        .first()
    )
    if shift is None:
        raise ApplicationError("Aucune garde en cours.", code="no_open_shift")
    now = _minute(timezone.now())
    shift.end = max(now, shift.start + dt.timedelta(minutes=1))
    _split(shift)
    shift.save(update_fields=["end", "sas_minutes", "pdsa_minutes"])
    shift_event_write(
        event_type=RegulationEvent.SHIFT_ENDED, actor=actor, shift=shift, params=_shift_params(shift)
    )
    return shift


def _check_period(start: dt.datetime, end: dt.datetime, confirm_long: bool) -> None:
    """End after start, ≤ 24 h, > 12 h confirmed (``plausibility.check_shift_period``, §7.5)."""
    plausibility.check_shift_period(start, end, confirm_long=confirm_long)


@transaction.atomic
def shift_schedule(
    *,
    actor,
    territory_code: str,
    regulator,
    start: dt.datetime,
    end: dt.datetime,
    confirm_long: bool = False,
) -> RegulatorShift:
    """A SAS administrator enters one shift of the month's schedule (DOMAIN.md §7.5)."""
    territory = _ensure_territory(territory_code)
    start, end = _minute(start), _minute(end)
    _check_period(start, end, confirm_long)
    _lock_regulator(regulator.pk)
    _ensure_no_overlap(regulator_id=regulator.pk, start=start, end=end)
    shift = RegulatorShift(
        territory=territory,
        regulator=regulator,
        start=start,
        end=end,
        origin=ShiftOrigin.SCHEDULE,
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    _split(shift)
    shift.full_clean(validate_constraints=False)
    shift.save()
    shift_event_write(
        event_type=RegulationEvent.SHIFT_SCHEDULED, actor=actor, shift=shift, params=_shift_params(shift)
    )
    return shift


@transaction.atomic
def shift_correct(
    *,
    actor,
    shift_id: int,
    reason: str,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    cancel: bool = False,
    confirm_long: bool = False,
) -> RegulatorShift:
    """Correct (or cancel) a shift: a new version row; the old one is kept, no longer current.

    Only the current version can be corrected: two administrators correcting the same version
    at once get one success and one « déjà corrigée » (conditional update on ``is_current``).
    """
    reason = reason.strip()
    if not reason:
        raise ApplicationError(
            "Indiquez le motif de la correction.",
            code="reason_required",
            extra={"fields": {"reason": ["Obligatoire."]}},
        )
    old = RegulatorShift.objects.filter(pk=shift_id).first()
    if old is None:
        raise NotFoundError("Garde introuvable.", code="shift_not_found")
    _lock_regulator(old.regulator_id)
    if not RegulatorShift.objects.filter(pk=shift_id, is_current=True).update(is_current=False):
        raise ShiftConflict(
            "Cette version de la garde a déjà été corrigée : rechargez la page.", code="shift_superseded"
        )
    new_start = _minute(start or old.start)
    new_end = _minute(end) if end is not None else old.end
    if new_end is not None:
        _check_period(new_start, new_end, confirm_long or cancel)
    if not cancel:
        _ensure_no_overlap(regulator_id=old.regulator_id, start=new_start, end=new_end, lineage=old.lineage)
    shift = RegulatorShift(
        lineage=old.lineage,
        version=old.version + 1,
        supersedes=old,
        territory_id=old.territory_id,
        regulator_id=old.regulator_id,
        start=new_start,
        end=new_end,
        origin=ShiftOrigin.CORRECTION,
        cancelled=cancel,
        reason=reason[:255],
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    _split(shift)
    shift.full_clean(validate_constraints=False)
    shift.save()
    shift_event_write(
        event_type=RegulationEvent.SHIFT_CANCELLED if cancel else RegulationEvent.SHIFT_CORRECTED,
        actor=actor,
        shift=shift,
        params={**_shift_params(shift), "previous": _shift_params(old), "reason": reason[:200]},
    )
    return shift
