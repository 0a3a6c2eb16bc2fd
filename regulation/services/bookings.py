"""Bookings: platform slots, editor holds, editor appointment feedback (FHIR) and outcomes."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from django.db import IntegrityError, transaction
from django.utils import timezone

from planning import exceptions as planning_exceptions
from planning import services as planning_services
from regulation.enums import (
    AppointmentStatus,
    BookingKind,
    ClosureReason,
    DossierState,
    OrientationCategory,
    OrientationResult,
    Transition,
)
from regulation.events import RegulationEvent, dossier_event_write
from regulation.exceptions import (
    AppointmentNotMatched,
    SlotTaken,
)
from regulation.models import Booking, Dossier
from regulation.policies import Action
from regulation.services.facts import act_fact_write, act_facts_record
from regulation.services.workflow import (
    booking_new,
    close_apply,
    dossier_locked,
    dossier_save,
    ensure_may_act,
    orient_apply,
    orientation_start,
    setting,
    transition_apply,
    transition_check,
)
from sas_platform.exceptions import ApplicationError


def _slot_fields(slot) -> dict[str, Any]:
    professional = getattr(slot, "professional", None)
    modalities = list(getattr(slot, "modalities", None) or [])
    return {
        "slot": slot,
        "professional": professional,
        "rpps": getattr(professional, "identifier", "") if professional else "",
        "doctor_name": str(professional) if professional else "",
        "start": slot.start,
        "end": slot.end,
        "modality": modalities[0] if len(modalities) == 1 else "",
        "source_id": getattr(slot, "source_id", None),
        "source_name": str(getattr(slot, "source", "") or "")[:150],
        "booking_url": getattr(slot, "booking_url", "") or "",
    }


def _category_for_slot(slot) -> str:
    """A slot offered through a CPTS counts as a CPTS orientation (sas-ig TRE_R314 ``CPTS``)."""
    return (
        OrientationCategory.CPTS
        if "CPTS" in (getattr(slot, "slot_types", None) or [])
        else OrientationCategory.PS
    )


@transaction.atomic
def slot_book_platform(*, dossier_id: int, slot_id: int, actor) -> Booking:
    """Book a slot the platform owns (declared availability, CPTS vacations): atomic, once.

    planning's conditional update decides the race; ``booking_one_active_per_slot`` backs it up.
    The loser gets « Créneau déjà pris » and nothing is written.
    """
    dossier = dossier_locked(dossier_id)
    ensure_may_act(dossier, actor, Action.ORIENT)
    now = timezone.now()
    transition_check(dossier, Transition.ORIENT)
    try:
        with transaction.atomic():
            slot = planning_services.slot_book_owned(
                slot_id=slot_id, reference=dossier.reference, actor=actor
            )
    except planning_exceptions.SlotAlreadyTaken as exc:
        raise SlotTaken("Créneau déjà pris : choisissez-en un autre dans la liste actualisée.") from exc
    orientation_start(dossier, actor, now)
    booking = booking_new(
        dossier,
        actor,
        kind=BookingKind.PLATFORM_SLOT,
        status=AppointmentStatus.BOOKED,
        confirmed_at=now,
        **_slot_fields(slot),
    )
    dossier_event_write(
        event_type=RegulationEvent.SLOT_BOOKED,
        actor=actor,
        dossier=dossier,
        params={
            "booking": booking.pk,
            "slot": slot_id,
            "start": booking.start.isoformat() if booking.start else None,
        },
    )
    orient_apply(dossier, OrientationResult.APPOINTMENT, _category_for_slot(slot), actor, now, booking)
    return booking


def editor_redirect_url(booking: Booking) -> str:
    """The editor's booking page with ``origin=sas`` (DOMAIN.md §3.3) and the dossier reference."""
    parts = urlsplit(booking.booking_url)
    extra = urlencode({"origin": "sas", "sas_reference": booking.dossier.reference})
    query = f"{parts.query}&{extra}" if parts.query else extra
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


def slot_hold_editor(*, dossier_id: int, slot_id: int, actor) -> Booking:
    """Editor's slot: re-check live with its source (outside the transaction: network), then hold it
    for the dossier a short time; the editor's feedback (FHIR) confirms it (DOMAIN.md §3.3)."""
    if not planning_services.slot_recheck(slot_id=slot_id):
        raise SlotTaken("Ce créneau n'est plus disponible chez l'éditeur : la liste a été actualisée.")
    return _slot_hold(dossier_id=dossier_id, slot_id=slot_id, actor=actor)


@transaction.atomic
def _slot_hold(*, dossier_id: int, slot_id: int, actor) -> Booking:
    dossier = dossier_locked(dossier_id)
    ensure_may_act(dossier, actor, Action.ORIENT)
    now = timezone.now()
    transition_check(dossier, Transition.ORIENT)
    minutes = setting("REGULATION_HOLD_MINUTES")
    try:
        with transaction.atomic():
            slot = planning_services.slot_hold(
                slot_id=slot_id, reference=dossier.reference, actor=actor, minutes=minutes
            )
    except planning_exceptions.SlotAlreadyTaken as exc:
        raise SlotTaken("Créneau déjà pris ou retenu par un autre dossier.") from exc
    orientation_start(dossier, actor, now)
    booking = booking_new(
        dossier,
        actor,
        kind=BookingKind.EDITOR_SLOT,
        status=AppointmentStatus.HELD,
        hold_expires_at=getattr(slot, "held_until", None) or now + dt.timedelta(minutes=minutes),
        **_slot_fields(slot),
    )
    dossier_event_write(
        event_type=RegulationEvent.SLOT_HELD,
        actor=actor,
        dossier=dossier,
        params={"booking": booking.pk, "slot": slot_id, "until": booking.hold_expires_at.isoformat()},
    )
    return booking


@transaction.atomic
def booking_hold_release(*, booking_id: int, actor, expired: bool = False) -> Booking:
    """Give back a held slot (the OSNP changed their mind, or the hold expired: task)."""
    booking = Booking.objects.select_for_update().select_related("dossier").get(pk=booking_id)
    if booking.status != AppointmentStatus.HELD:
        return booking
    if not expired:
        ensure_may_act(booking.dossier, actor, None)
    planning_services.slot_release(slot_id=booking.slot_id, reference=booking.dossier.reference)
    booking.status = AppointmentStatus.EXPIRED
    booking.save(update_fields=["status"])
    dossier_event_write(
        event_type=RegulationEvent.SLOT_HOLD_EXPIRED if expired else RegulationEvent.SLOT_HOLD_RELEASED,
        actor=actor,
        dossier=booking.dossier,
        params={"booking": booking.pk, "slot": booking.slot_id},
    )
    return booking


def holds_expire(*, now: dt.datetime | None = None) -> int:
    """Release every hold past its time (task; idempotent)."""
    now = now or timezone.now()
    ids = list(
        Booking.objects.filter(status=AppointmentStatus.HELD, hold_expires_at__lt=now).values_list(
            "pk", flat=True
        )
    )
    for booking_id in ids:
        booking_hold_release(booking_id=booking_id, actor=None, expired=True)
    return len(ids)


# --- Editor's appointment feedback (FHIR, sas-ig gestion_rdv; DOMAIN.md §3.3) -----------------

FHIR_STATUS = {
    "booked": AppointmentStatus.BOOKED,
    "fulfilled": AppointmentStatus.FULFILLED,
    "noshow": AppointmentStatus.NOSHOW,
    "cancelled": AppointmentStatus.CANCELLED,
}


@transaction.atomic
def appointment_feedback_record(
    *,
    source_id: int,
    identifier_system: str,
    identifier_value: str,
    status: str,
    rpps: str,
    start: dt.datetime,
    reference: str = "",
) -> tuple[Booking, bool]:
    """Confirm a hold from the editor's Appointment, or update the booking it created.

    Returns ``(booking, created)``; ``created`` is False when the identifier was already known
    (a repeated POST is idempotent; a PUT updates the status). Matching: professional + start
    (+ dossier reference when sent). A feedback after the hold expired still books when the slot
    is free again (the patient has the appointment); otherwise 422.
    """
    if status not in FHIR_STATUS:
        raise AppointmentNotMatched(
            f"Statut de rendez-vous non pris en charge : {status}.", code="unsupported_status"
        )
    known = (
        Booking.objects.select_for_update()
        .select_related("dossier")
        .filter(fhir_system=identifier_system, fhir_value=identifier_value)
        .first()
    )
    if known is not None:
        if known.source_id is not None and known.source_id != source_id:
            raise AppointmentNotMatched("Ce rendez-vous appartient à une autre source.", code="wrong_source")
        _booking_status_apply(known, FHIR_STATUS[status], actor=None, via="fhir")
        return known, False
    candidates = (
        Booking.objects.select_for_update()
        .select_related("dossier")
        .filter(
            kind=BookingKind.EDITOR_SLOT,
            rpps=rpps,
            start=start,
            status__in=[AppointmentStatus.HELD, AppointmentStatus.EXPIRED],
            fhir_value="",
        )
    )
    pk = Dossier.pk_from_reference(reference)
    if pk is not None:
        candidates = candidates.filter(dossier_id=pk)
    booking = candidates.order_by("-created_at").first()
    if booking is None:
        raise AppointmentNotMatched(
            "Aucun créneau retenu par le SAS ne correspond à ce rendez-vous (RPPS, heure de début).",
            code="no_matching_hold",
        )
    if booking.source_id is not None and booking.source_id != source_id:
        raise AppointmentNotMatched("Ce créneau appartient à une autre source.", code="wrong_source")
    try:
        with transaction.atomic():
            planning_services.slot_confirm_booking(
                slot_id=booking.slot_id, reference=booking.dossier.reference
            )
    except planning_exceptions.SlotAlreadyTaken as exc:
        raise AppointmentNotMatched(
            "La retenue a expiré et le créneau a été pris pour un autre patient.", code="hold_lost"
        ) from exc
    booking.fhir_system, booking.fhir_value = identifier_system, identifier_value
    booking.save(update_fields=["fhir_system", "fhir_value"])
    _booking_confirm(booking)
    if FHIR_STATUS[status] != AppointmentStatus.BOOKED:
        _booking_status_apply(booking, FHIR_STATUS[status], actor=None, via="fhir")
    return booking, True


def _booking_confirm(booking: Booking) -> None:
    now = timezone.now()
    dossier = Dossier.objects.select_for_update().get(pk=booking.dossier_id)
    booking.dossier = dossier
    booking.status, booking.confirmed_at, booking.hold_expires_at = AppointmentStatus.BOOKED, now, None
    act_facts_record(dossier, booking)
    try:
        with transaction.atomic():
            booking.save(
                update_fields=[
                    "status",
                    "confirmed_at",
                    "hold_expires_at",
                    "is_treating_doctor",
                    "within_48h",
                    "outside_pdsa",
                    "snp_candidate",
                ]
            )
    except IntegrityError as exc:
        raise AppointmentNotMatched(
            "Un autre rendez-vous est déjà actif pour ce dossier.", code="hold_lost"
        ) from exc
    dossier_event_write(
        event_type=RegulationEvent.APPOINTMENT_FEEDBACK,
        actor=None,
        dossier=dossier,
        params={"booking": booking.pk, "status": "booked"},
    )
    if dossier.state in (DossierState.REGULATED, DossierState.ORIENTING):
        orient_apply(dossier, OrientationResult.APPOINTMENT, OrientationCategory.PS, None, now, booking)


def _booking_status_apply(booking: Booking, status: AppointmentStatus, *, actor, via: str) -> None:
    if booking.status == status:
        return  # idempotent
    if status == AppointmentStatus.BOOKED:
        if booking.status in (AppointmentStatus.HELD, AppointmentStatus.EXPIRED):
            _booking_confirm(booking)
        return
    if booking.status in (AppointmentStatus.HELD, AppointmentStatus.EXPIRED):
        raise AppointmentNotMatched("Le rendez-vous n'a pas encore été confirmé.", code="not_booked")
    if booking.status in (AppointmentStatus.FULFILLED, AppointmentStatus.NOSHOW, AppointmentStatus.CANCELLED):
        raise AppointmentNotMatched(
            f"L'issue de ce rendez-vous est déjà connue ({booking.get_status_display()}).",
            code="outcome_known",
        )
    now = timezone.now()
    booking.status, booking.outcome_at = status, now
    booking.save(update_fields=["status", "outcome_at"])
    if (
        status == AppointmentStatus.CANCELLED
        and booking.slot_id
        and booking.kind == BookingKind.PLATFORM_SLOT
    ):
        planning_services.slot_mark_cancelled(slot_id=booking.slot_id, reference=booking.dossier.reference)
    dossier = Dossier.objects.select_for_update().get(pk=booking.dossier_id)
    act_fact_write(dossier, booking, now)
    dossier_event_write(
        event_type=RegulationEvent.OUTCOME_RECORDED,
        actor=actor,
        dossier=dossier,
        params={"booking": booking.pk, "status": status.value, "via": via},
    )
    if dossier.state == DossierState.ORIENTED:
        transition_apply(dossier, Transition.RECORD_OUTCOME, now)
        dossier_save(dossier)
        close_apply(dossier, ClosureReason.OUTCOME_KNOWN, Transition.CLOSE, actor, now)


@transaction.atomic
def booking_outcome_record(*, booking_id: int, actor, status: AppointmentStatus) -> Booking:
    """Outcome entered by hand (platform-owned slots, MT, surnuméraire): fulfilled / no-show / cancelled."""
    status = AppointmentStatus(status)
    if status not in (AppointmentStatus.FULFILLED, AppointmentStatus.NOSHOW, AppointmentStatus.CANCELLED):
        raise ApplicationError("Issue inconnue.", code="invalid_outcome")
    booking = Booking.objects.select_for_update().select_related("dossier").get(pk=booking_id)
    ensure_may_act(booking.dossier, actor, None)
    try:
        _booking_status_apply(booking, status, actor=actor, via="desk")
    except AppointmentNotMatched as exc:
        raise ApplicationError(exc.message, code=exc.code) from exc
    return booking
