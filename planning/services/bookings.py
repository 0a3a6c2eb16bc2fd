"""Slot re-check, holds and bookings of `planning` (DOMAIN.md §3.1 step 3, §3.3): conditional
UPDATEs, never check-then-set."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from planning.connectors.sas_ig import SasIgFhirConnector
from planning.enums import (
    SlotStatus,
    SourceKind,
)
from planning.events import PlanningEvent, planning_event_write
from planning.exceptions import SlotAlreadyTaken, SlotNotBookable, SlotNotPlatformOwned, SourceUnavailable
from planning.models import Slot
from sas_platform.exceptions import ApplicationError, NotFoundError


# --- Re-check before booking ---------------------------------------------------------------------
def slot_recheck(*, slot_id: int) -> bool:
    """Live re-query of the slot's source for its professional over a narrow window (DOMAIN.md §3.3:
    "the chosen slot is re-checked live with its source before booking").

    True when the source still offers it free; when it vanished, the slot is marked GONE and False
    is returned. Platform-owned slots are answered from the database. Raises
    :class:`~planning.exceptions.SourceUnavailable` when the source cannot be asked (timeout,
    error, open circuit): the caller cannot know, and says so.
    """
    slot = Slot.objects.select_related("source", "professional").filter(pk=slot_id).first()
    if slot is None:
        raise NotFoundError("Créneau introuvable.")
    if not slot.bookable:
        raise SlotNotBookable()  # nothing to re-check before a booking that cannot happen
    if slot.is_platform_owned or slot.source.kind != SourceKind.FHIR_SAS_IG:
        return slot.is_free_now
    if slot.status in (SlotStatus.BOOKED, SlotStatus.GONE):
        return False
    professional = slot.professional
    connector = SasIgFhirConnector(slot.source)
    result = connector.recheck_window(rpps=professional.identifier, start=slot.start)
    if result.errors or professional.identifier not in result.complete_rpps:
        raise SourceUnavailable(
            f"La source « {slot.source.label} » ne répond pas : impossible de vérifier ce créneau. "
            "Réessayez ou appelez le cabinet.",
            extra={"errors": result.errors[:3]},
        )
    still_there = slot.external_id in {p.external_id for p in result.slots} | result.unchanged_ids
    now = timezone.now()
    if still_there:
        Slot.objects.filter(pk=slot.pk).update(last_seen_at=now)
        return slot.is_free_now
    Slot.objects.filter(pk=slot.pk, status__in=[SlotStatus.FREE, SlotStatus.HELD]).update(
        status=SlotStatus.GONE
    )
    return False


# --- Holds and bookings (conditional UPDATEs) ------------------------------------------------------
def _booked(reference: str, now) -> dict:
    """The fields of a slot booked under ``reference`` (its hold, if any, is over)."""
    return {
        "status": SlotStatus.BOOKED,
        "booking_reference": reference,
        "booked_at": now,
        "held_until": None,
        "hold_reference": "",
    }


def _free_or_expired(now) -> Q:
    return Q(status=SlotStatus.FREE) | Q(status=SlotStatus.HELD, held_until__lte=now)


@transaction.atomic
def slot_book_owned(*, slot_id: int, reference: str, actor) -> Slot:
    """Book a platform-owned slot (declared availability) for a regulation dossier ``reference``.

    One atomic ``UPDATE ... WHERE status = 'free'`` (or an expired hold, or a hold by the same
    reference), backed by the ``slot_booked_has_reference`` constraint: of two concurrent
    bookings exactly one wins, the other gets :class:`SlotAlreadyTaken` (DOMAIN.md §3.1 step 3).
    """
    if not reference:
        raise ApplicationError("Référence de réservation manquante.", code="missing_reference")
    now = timezone.now()
    won = Slot.objects.filter(
        Q(pk=slot_id, source__isnull=True, bookable=True)
        & (_free_or_expired(now) | Q(status=SlotStatus.HELD, hold_reference=reference))
    ).update(**_booked(reference, now))
    slot = Slot.objects.filter(pk=slot_id).first()
    if slot is None:
        raise NotFoundError("Créneau introuvable.")
    if not won:
        if not slot.bookable:
            raise SlotNotBookable()
        if not slot.is_platform_owned:
            raise SlotNotPlatformOwned()
        if slot.status == SlotStatus.BOOKED and slot.booking_reference == reference:
            return slot
        raise SlotAlreadyTaken()
    planning_event_write(
        event_type=PlanningEvent.SLOT_BOOKED, actor=actor, obj=slot, params={"reference": reference}
    )
    return slot


@transaction.atomic
def slot_hold(*, slot_id: int, reference: str, actor, minutes: int = 10) -> Slot:
    """Keep an editor's (or platform's) slot for ``minutes`` while the regulator books it in the
    editor's tool; the same reference may extend its own hold. Raises :class:`SlotAlreadyTaken`, or
    :class:`SlotNotBookable` for a walk-in slot (DOMAIN.md §3.3: WALKIN is not bookable)."""
    if not reference:
        raise ApplicationError("Référence de réservation manquante.", code="missing_reference")
    now = timezone.now()
    won = Slot.objects.filter(
        Q(pk=slot_id, bookable=True)
        & (_free_or_expired(now) | Q(status=SlotStatus.HELD, hold_reference=reference))
    ).update(status=SlotStatus.HELD, held_until=now + timedelta(minutes=minutes), hold_reference=reference)
    slot = Slot.objects.filter(pk=slot_id).first()
    if slot is None:
        raise NotFoundError("Créneau introuvable.")
    if not won:
        if not slot.bookable:
            raise SlotNotBookable()
        raise SlotAlreadyTaken()
    planning_event_write(
        event_type=PlanningEvent.SLOT_HELD,
        actor=actor,
        obj=slot,
        params={"reference": reference, "minutes": minutes},
    )
    return slot


@transaction.atomic
def slot_release(*, slot_id: int, reference: str) -> bool:
    """Give back a hold (the regulator gave up). True when this reference held it."""
    released = Slot.objects.filter(pk=slot_id, status=SlotStatus.HELD, hold_reference=reference).update(
        status=SlotStatus.FREE, held_until=None, hold_reference=""
    )
    if released:
        planning_event_write(
            event_type=PlanningEvent.SLOT_RELEASED,
            actor=None,
            obj=Slot.objects.get(pk=slot_id),
            params={"reference": reference},
        )
    return bool(released)


@transaction.atomic
def slot_confirm_booking(*, slot_id: int, reference: str) -> Slot:
    """The booking happened (editor's Appointment feedback, INT_R03): the slot becomes BOOKED.

    Accepted from a hold by the same reference, a free, expired-hold or gone slot (the editor may
    have withdrawn it already); idempotent for the same reference; :class:`SlotAlreadyTaken` when
    another reference holds or booked it."""
    now = timezone.now()
    won = Slot.objects.filter(
        Q(pk=slot_id)
        & (
            _free_or_expired(now)
            | Q(status=SlotStatus.GONE)
            | Q(status=SlotStatus.HELD, hold_reference=reference)
        )
    ).update(**_booked(reference, now))
    slot = Slot.objects.filter(pk=slot_id).first()
    if slot is None:
        raise NotFoundError("Créneau introuvable.")
    if not won:
        if slot.status == SlotStatus.BOOKED and slot.booking_reference == reference:
            return slot
        raise SlotAlreadyTaken()
    planning_event_write(
        event_type=PlanningEvent.SLOT_BOOKED, actor=None, obj=slot, params={"reference": reference}
    )
    return slot


@transaction.atomic
def slot_mark_cancelled(*, slot_id: int, reference: str) -> bool:
    """The appointment booked with ``reference`` was cancelled: a platform-owned future slot is free
    again; an editor's slot becomes GONE until its source offers it again. True when it applied."""
    slot = Slot.objects.select_for_update().filter(pk=slot_id).first()
    if slot is None or slot.status != SlotStatus.BOOKED or slot.booking_reference != reference:
        return False
    free_again = slot.is_platform_owned and slot.start > timezone.now()
    slot.status = SlotStatus.FREE if free_again else SlotStatus.GONE
    slot.booking_reference, slot.booked_at = "", None
    slot.save(update_fields=["status", "booking_reference", "booked_at"])
    planning_event_write(
        event_type=PlanningEvent.SLOT_CANCELLED, actor=None, obj=slot, params={"reference": reference}
    )
    return True


def slot_holds_release_expired(*, now: datetime | None = None) -> int:
    """Expired holds become FREE again (periodic task, every minute). Idempotent."""
    now = now or timezone.now()
    return Slot.objects.filter(status=SlotStatus.HELD, held_until__lte=now).update(
        status=SlotStatus.FREE, held_until=None, hold_reference=""
    )
