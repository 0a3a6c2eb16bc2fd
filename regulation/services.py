"""Write services of `regulation`: typed, keyword-only, atomic, audited (STYLE.md 1, 4, 9).

Every change of a dossier goes through :func:`_move` (the state machine of ``policies``) under a
row lock, and writes its audit event in the same transaction. Someone else holding the
dossier (claim) makes every change fail with a clear message (nobody works a dossier unknowingly).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from planning import exceptions as planning_exceptions
from planning import services as planning_services
from regulation import policies
from regulation.enums import (
    CLOSING_RESULTS,
    AppointmentStatus,
    BookingKind,
    ClosureReason,
    Decision,
    DossierState,
    OrientationCategory,
    OrientationResult,
    RequestChannel,
    RequestStatus,
    ShiftOrigin,
    Transition,
    TreatingDoctorCallResult,
)
from regulation.events import RegulationEvent, dossier_event_write, shift_event_write
from regulation.exceptions import (
    AppointmentNotMatched,
    DossierHeldByOther,
    RequestAlreadyAnswered,
    ShiftConflict,
    SlotTaken,
    TransitionNotAllowed,
)
from regulation.models import ActFact, Booking, Dossier, RegulatorShift, SurnumeraireRequest
from regulation.selectors import pdsa_schedule_for
from sas_platform.exceptions import ApplicationError, NotFoundError
from sas_platform.models import Commune, SasTerritory

logger = logging.getLogger(__name__)


def setting(name: str) -> int:
    """Delays of the desk, in minutes or hours (``REGULATION_*`` settings, base.py)."""
    defaults = {
        "REGULATION_HOLD_MINUTES": 10,
        "REGULATION_AUTO_CLOSE_HOURS": 72,
        "REGULATION_SURNUMERAIRE_REMINDER_MINUTES": 15,
    }
    return int(getattr(settings, name, defaults[name]))


# --- Internals ---------------------------------------------------------------------------------


def _locked(dossier_id: int) -> Dossier:
    dossier = Dossier.objects.select_for_update().filter(pk=dossier_id).first()
    if dossier is None:
        raise NotFoundError("Dossier introuvable.", code="dossier_not_found")
    return dossier


def _ensure_may_act(dossier: Dossier, actor) -> None:
    if actor is not None and dossier.holder_id is not None and dossier.holder_id != actor.pk:
        raise DossierHeldByOther(
            f"Le dossier {dossier.reference} est pris en charge par {dossier.holder} : "
            "reprenez-le explicitement avant d'agir.",
            extra={"holder": str(dossier.holder)},
        )


def _move(dossier: Dossier, transition: Transition, now: dt.datetime) -> DossierState:
    """Apply one transition of ``policies.TRANSITIONS`` or refuse in French (nothing is changed)."""
    target = policies.transition_target(transition, dossier.state)
    if target is None:
        raise TransitionNotAllowed(
            f"Action « {Transition(transition).label} » impossible : le dossier est "
            f"« {DossierState(dossier.state).label} ».",
            extra={"state": dossier.state, "transition": str(transition)},
        )
    previous = dossier.state
    dossier.state = target
    dossier.updated_at = now
    return DossierState(previous)


def _save(dossier: Dossier, *fields: str) -> None:
    dossier.full_clean()
    dossier.save(update_fields=["state", "updated_at", *fields])


# --- Pick-up and routing (DOMAIN.md §3.1 step 1) -----------------------------------------------

#: Fields an ARM fills at pick-up (DOMAIN.md §3.1 step 1); anything else is refused.
OPEN_FIELDS = frozenset(
    {
        "call_received_at",
        "origin",
        "caller_name",
        "caller_phone",
        "caller_relation",
        "patient_last_name",
        "patient_first_name",
        "patient_birth_date",
        "patient_age",
        "patient_sex",
        "patient_phone",
        "address",
        "priority",
        "treating_doctor_name",
        "treating_doctor_phone",
        "treating_doctor_rpps",
    }
)


@transaction.atomic
def dossier_open(
    *,
    actor,
    territory_code: str,
    commune: Commune,
    reason: str,
    route: Transition | None = None,
    picked_up_at: dt.datetime | None = None,
    **details: Any,
) -> Dossier:
    """Open a dossier in one action, geocoded at the commune's centroid; route it at once if asked."""
    unknown = set(details) - OPEN_FIELDS
    if unknown:
        raise ApplicationError(f"Champs inconnus : {', '.join(sorted(unknown))}.", code="unknown_fields")
    territory = SasTerritory.objects.filter(departement_id=territory_code).first()
    if territory is None:
        raise ApplicationError("Aucun SAS n'est ouvert sur ce territoire.", code="no_sas_territory")
    now = timezone.now()
    dossier = Dossier(
        territory=territory,
        created_by=actor,
        picked_up_at=picked_up_at or now,
        commune=commune,
        latitude=commune.latitude,
        longitude=commune.longitude,
        reason=reason.strip(),
        updated_at=now,
        **{key: value for key, value in details.items() if value is not None},
    )
    dossier.full_clean()
    dossier.save()
    dossier_event_write(
        event_type=RegulationEvent.DOSSIER_OPENED,
        actor=actor,
        dossier=dossier,
        params={"origin": dossier.origin, "commune": commune.insee_code, "priority": dossier.priority},
    )
    if route is not None:
        _route(dossier, Transition(route), actor, now)
    return dossier


def _route(dossier: Dossier, transition: Transition, actor, now: dt.datetime, reason: str = "") -> None:
    previous = _move(dossier, transition, now)
    fields = ["routed_at"]
    dossier.routed_at = dossier.routed_at or now
    if transition == Transition.ROUTE_AMU:
        dossier.amu_handover_at = now
        dossier.holder, dossier.held_since = None, None
        fields += ["amu_handover_at", "holder", "held_since"]
        event = RegulationEvent.ROUTED_AMU
    else:
        event = RegulationEvent.ROUTED_GENERAL_PRACTICE
    _save(dossier, *fields)
    dossier_event_write(
        event_type=event, actor=actor, dossier=dossier, params={"from": previous, "reason": reason[:200]}
    )


@transaction.atomic
def dossier_route(*, dossier_id: int, actor, to: Transition, reason: str = "") -> Dossier:
    """Route to AMU or to general practice; instant re-orientation both ways (DOMAIN.md §3.1)."""
    if to not in (Transition.ROUTE_AMU, Transition.ROUTE_GENERAL_PRACTICE):
        raise ApplicationError("Orientation inconnue.", code="invalid_route")
    dossier = _locked(dossier_id)
    _ensure_may_act(dossier, actor)
    _route(dossier, Transition(to), actor, timezone.now(), reason)
    return dossier


# --- Claim / release ---------------------------------------------------------------------------


@transaction.atomic
def dossier_claim(*, dossier_id: int, actor, take_over: bool = False) -> Dossier:
    """Take the dossier. Conditional on nobody holding it; ``take_over`` says so knowingly."""
    now = timezone.now()
    won = Dossier.objects.filter(pk=dossier_id, holder__isnull=True).update(
        holder=actor, held_since=now, updated_at=now
    )
    dossier = _locked(dossier_id)
    if won:
        dossier_event_write(event_type=RegulationEvent.CLAIMED, actor=actor, dossier=dossier)
        return dossier
    if dossier.holder_id == actor.pk:
        return dossier
    if not take_over:
        raise DossierHeldByOther(
            f"Le dossier {dossier.reference} est déjà pris en charge par {dossier.holder}.",
            extra={"holder": str(dossier.holder)},
        )
    previous = str(dossier.holder)
    dossier.holder, dossier.held_since, dossier.updated_at = actor, now, now
    dossier.save(update_fields=["holder", "held_since", "updated_at"])
    dossier_event_write(
        event_type=RegulationEvent.TAKEN_OVER, actor=actor, dossier=dossier, params={"from": previous}
    )
    return dossier


@transaction.atomic
def dossier_release(*, dossier_id: int, actor) -> Dossier:
    now = timezone.now()
    released = Dossier.objects.filter(pk=dossier_id, holder=actor).update(
        holder=None, held_since=None, updated_at=now
    )
    dossier = _locked(dossier_id)
    if released:
        dossier_event_write(event_type=RegulationEvent.RELEASED, actor=actor, dossier=dossier)
    return dossier


# --- Regulation (DOMAIN.md §3.1 step 2) --------------------------------------------------------


@transaction.atomic
def dossier_decide(
    *,
    dossier_id: int,
    actor,
    decision: Decision,
    notes: str = "",
    priority: str | None = None,
    care_level: str = "",
) -> Dossier:
    """Record the regulator's decision; AMU re-routes, advice/ED/PDSA/prescription close at once."""
    decision = Decision(decision)
    dossier = _locked(dossier_id)
    _ensure_may_act(dossier, actor)
    now = timezone.now()
    transition = policies.decision_transition(decision)
    if policies.transition_target(transition, dossier.state) is None:
        _move(dossier, transition, now)  # raises the French refusal, nothing changed
    dossier.decision, dossier.decision_notes = decision, notes.strip()
    dossier.decided_by, dossier.decided_at = actor, now
    if priority:
        dossier.priority = priority
    dossier.care_level = care_level or dossier.care_level
    fields = ["decision", "decision_notes", "decided_by", "decided_at", "priority", "care_level"]
    if transition == Transition.DECIDE:
        _move(dossier, transition, now)
        dossier.holder, dossier.held_since = None, None  # back to the queue, for an OSNP
        fields += ["holder", "held_since"]
    dossier.full_clean()
    dossier.save(update_fields=["state", "updated_at", *fields])
    dossier_event_write(
        event_type=RegulationEvent.DECIDED,
        actor=actor,
        dossier=dossier,
        params={"decision": decision.value, "priority": dossier.priority, "care_level": dossier.care_level},
    )
    if transition == Transition.ROUTE_AMU:
        _route(dossier, transition, actor, now, "Décision du régulateur")
    elif transition == Transition.CLOSE_WITHOUT_APPOINTMENT:
        _close_without_appointment(dossier, policies.DECISIONS_CLOSING[decision], actor, now, notes)
    return dossier


# --- Orientation (DOMAIN.md §3.1 step 3) -------------------------------------------------------


def _start_orientation(dossier: Dossier, actor, now: dt.datetime) -> None:
    if dossier.state == DossierState.REGULATED:
        _move(dossier, Transition.START_ORIENTATION, now)
        _save(dossier)
        dossier_event_write(event_type=RegulationEvent.ORIENTATION_STARTED, actor=actor, dossier=dossier)


def _orient(
    dossier: Dossier,
    result: OrientationResult,
    category: str,
    actor,
    now: dt.datetime,
    booking: Booking | None = None,
) -> None:
    _move(dossier, Transition.ORIENT, now)
    dossier.orientation_result, dossier.orientation_category, dossier.oriented_at = result, category, now
    dossier.holder, dossier.held_since = None, None  # off the queue: anyone on the desk records the outcome
    _save(dossier, "orientation_result", "orientation_category", "oriented_at", "holder", "held_since")
    dossier_event_write(
        event_type=RegulationEvent.ORIENTED,
        actor=actor,
        dossier=dossier,
        params={"result": result.value, "category": category, "booking": booking.pk if booking else None},
    )


def _facts_for(dossier: Dossier, booking: Booking) -> policies.ActFacts:
    """The pay facts of a booking (DOMAIN.md §7.2-§7.4): the effecteur is the patient's MT when
    booked as such, or when their RPPS is the MT's RPPS known on the dossier."""
    by_treating_doctor = booking.is_treating_doctor or bool(
        dossier.treating_doctor_rpps and booking.rpps and booking.rpps == dossier.treating_doctor_rpps
    )
    if booking.start is None:
        return policies.act_facts_unknown_time(
            surnumeraire=booking.is_surnumeraire, by_treating_doctor=by_treating_doctor
        )
    return policies.act_facts(
        regulated_at=dossier.decided_at or dossier.picked_up_at,
        appointment_start=booking.start,
        surnumeraire=booking.is_surnumeraire,
        by_treating_doctor=by_treating_doctor,
        schedule=pdsa_schedule_for(territory_code=dossier.territory_id),
    )


def _record_act_facts(dossier: Dossier, booking: Booking) -> None:
    """Facts for pay, recorded on the booking as they happen (DOMAIN.md §7.2-§7.4)."""
    facts = _facts_for(dossier, booking)
    booking.is_treating_doctor = facts.by_treating_doctor
    booking.within_48h, booking.outside_pdsa = facts.within_48h, facts.outside_pdsa
    booking.snp_candidate = facts.snp_candidate


def _act_fact_write(dossier: Dossier, booking: Booking, now: dt.datetime) -> ActFact:
    """The act's facts for pay once its outcome is known, in the same transaction (one row per
    booking; remuneration counts them: DOMAIN.md §7.2 surnuméraire tiers, §7.3 SNP majoration)."""
    facts = _facts_for(dossier, booking)
    fact = ActFact(
        booking=booking,
        dossier=dossier,
        territory_id=dossier.territory_id,
        kind=booking.kind,
        professional_id=booking.professional_id,
        structure_id=booking.structure_id,
        rpps=booking.rpps,
        doctor_name=booking.doctor_name,
        regulated_at=dossier.decided_at or dossier.picked_up_at,
        appointment_start=booking.start,
        outcome=booking.status,
        outcome_at=now,
        is_surnumeraire=facts.surnumeraire,
        is_treating_doctor=facts.by_treating_doctor,
        within_48h=facts.within_48h,
        outside_pdsa=facts.outside_pdsa,
        snp_candidate=facts.snp_candidate,
        recorded_at=now,
    )
    fact.full_clean(validate_constraints=False)
    fact.save()
    return fact


def _new_booking(dossier: Dossier, actor, **fields: Any) -> Booking:
    fields.setdefault("created_at", timezone.now())
    booking = Booking(dossier=dossier, created_by=actor, **fields)
    _record_act_facts(dossier, booking)
    booking.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            booking.save()
    except IntegrityError as exc:
        raise SlotTaken(
            "Créneau déjà pris, ou un rendez-vous est déjà en cours pour ce dossier.", code="slot_taken"
        ) from exc
    return booking


@transaction.atomic
def treating_doctor_call_record(
    *,
    dossier_id: int,
    actor,
    result: TreatingDoctorCallResult,
    name: str = "",
    phone: str = "",
    rpps: str = "",
    appointment_start: dt.datetime | None = None,
) -> Dossier:
    """The médecin traitant is tried first (DOMAIN.md §3.1 step 3). Reachable within 48 h:
    appointment with the MT, recorded as an act by the patient's MT (§7.4 fact)."""
    result = TreatingDoctorCallResult(result)
    dossier = _locked(dossier_id)
    _ensure_may_act(dossier, actor)
    now = timezone.now()
    _start_orientation(dossier, actor, now)
    if result == TreatingDoctorCallResult.APPOINTMENT and appointment_start is None:
        raise ApplicationError(
            "Indiquez l'heure du rendez-vous avec le médecin traitant.",
            code="appointment_start_required",
            extra={
                "fields": {"appointment_start": ["Obligatoire quand le médecin traitant reçoit le patient."]}
            },
        )
    dossier.treating_doctor_call = result
    dossier.treating_doctor_name = name.strip() or dossier.treating_doctor_name
    dossier.treating_doctor_phone = phone.strip() or dossier.treating_doctor_phone
    dossier.treating_doctor_rpps = rpps.strip() or dossier.treating_doctor_rpps
    dossier.updated_at = now
    dossier.full_clean()
    dossier.save(
        update_fields=[
            "treating_doctor_call",
            "treating_doctor_name",
            "treating_doctor_phone",
            "treating_doctor_rpps",
            "updated_at",
        ]
    )
    dossier_event_write(
        event_type=RegulationEvent.TREATING_DOCTOR_CALLED,
        actor=actor,
        dossier=dossier,
        params={"result": result},
    )
    if result == TreatingDoctorCallResult.APPOINTMENT:
        booking = _new_booking(
            dossier,
            actor,
            kind=BookingKind.TREATING_DOCTOR,
            status=AppointmentStatus.BOOKED,
            doctor_name=dossier.treating_doctor_name,
            rpps=dossier.treating_doctor_rpps,
            start=appointment_start,
            confirmed_at=now,
            is_treating_doctor=True,
        )
        _orient(dossier, OrientationResult.TREATING_DOCTOR, OrientationCategory.PS, actor, now, booking)
    return dossier


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
    dossier = _locked(dossier_id)
    _ensure_may_act(dossier, actor)
    now = timezone.now()
    if policies.transition_target(Transition.ORIENT, dossier.state) is None:
        _move(dossier, Transition.ORIENT, now)  # French refusal
    try:
        with transaction.atomic():
            slot = planning_services.slot_book_owned(
                slot_id=slot_id, reference=dossier.reference, actor=actor
            )
    except planning_exceptions.SlotAlreadyTaken as exc:
        raise SlotTaken("Créneau déjà pris : choisissez-en un autre dans la liste actualisée.") from exc
    _start_orientation(dossier, actor, now)
    booking = _new_booking(
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
    _orient(dossier, OrientationResult.APPOINTMENT, _category_for_slot(slot), actor, now, booking)
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
    dossier = _locked(dossier_id)
    _ensure_may_act(dossier, actor)
    now = timezone.now()
    if policies.transition_target(Transition.ORIENT, dossier.state) is None:
        _move(dossier, Transition.ORIENT, now)
    minutes = setting("REGULATION_HOLD_MINUTES")
    try:
        with transaction.atomic():
            slot = planning_services.slot_hold(
                slot_id=slot_id, reference=dossier.reference, actor=actor, minutes=minutes
            )
    except planning_exceptions.SlotAlreadyTaken as exc:
        raise SlotTaken("Créneau déjà pris ou retenu par un autre dossier.") from exc
    _start_orientation(dossier, actor, now)
    booking = _new_booking(
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
        _ensure_may_act(booking.dossier, actor)
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
    _record_act_facts(dossier, booking)
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
        _orient(dossier, OrientationResult.APPOINTMENT, OrientationCategory.PS, None, now, booking)


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
    _act_fact_write(dossier, booking, now)
    dossier_event_write(
        event_type=RegulationEvent.OUTCOME_RECORDED,
        actor=actor,
        dossier=dossier,
        params={"booking": booking.pk, "status": status.value, "via": via},
    )
    if dossier.state == DossierState.ORIENTED:
        _move(dossier, Transition.RECORD_OUTCOME, now)
        _save(dossier)
        _close(dossier, ClosureReason.OUTCOME_KNOWN, Transition.CLOSE, actor, now)


@transaction.atomic
def booking_outcome_record(*, booking_id: int, actor, status: AppointmentStatus) -> Booking:
    """Outcome entered by hand (platform-owned slots, MT, surnuméraire): fulfilled / no-show / cancelled."""
    status = AppointmentStatus(status)
    if status not in (AppointmentStatus.FULFILLED, AppointmentStatus.NOSHOW, AppointmentStatus.CANCELLED):
        raise ApplicationError("Issue inconnue.", code="invalid_outcome")
    booking = Booking.objects.select_for_update().select_related("dossier").get(pk=booking_id)
    _ensure_may_act(booking.dossier, actor)
    try:
        _booking_status_apply(booking, status, actor=actor, via="desk")
    except AppointmentNotMatched as exc:
        raise ApplicationError(exc.message, code=exc.code) from exc
    return booking


# --- Surnuméraire (DOMAIN.md §3.1 step 3; seed 004) --------------------------------------------


@transaction.atomic
def surnumeraire_request_create(
    *, dossier_id: int, actor, channel: RequestChannel, professional=None, structure=None
) -> SurnumeraireRequest:
    """Record that we asked a doctor directly, or the structure they participate through."""
    dossier = _locked(dossier_id)
    _ensure_may_act(dossier, actor)
    now = timezone.now()
    if policies.transition_target(Transition.ORIENT, dossier.state) is None:
        _move(dossier, Transition.ORIENT, now)
    _start_orientation(dossier, actor, now)
    request = SurnumeraireRequest(
        dossier=dossier,
        professional=professional,
        structure=structure,
        channel=RequestChannel(channel),
        asked_by=actor,
        asked_at=now,
    )
    request.full_clean()
    request.save()
    dossier_event_write(
        event_type=RegulationEvent.SURNUMERAIRE_ASKED,
        actor=actor,
        dossier=dossier,
        params={"request": request.pk, "target": request.target_label, "channel": request.channel},
    )
    return request


@transaction.atomic
def surnumeraire_request_answer(
    *,
    request_id: int,
    actor,
    status: RequestStatus,
    doctor_name: str = "",
    professional=None,
    appointment_at: dt.datetime | None = None,
    notes: str = "",
) -> SurnumeraireRequest:
    """Record the answer once: a conditional update on ``status='pending'`` decides between two
    answers. Accepted: the dossier is oriented (surnuméraire act, §7.2 fact) and the other
    pending requests of the dossier are withdrawn."""
    status = RequestStatus(status)
    if status not in (RequestStatus.ACCEPTED, RequestStatus.REFUSED, RequestStatus.NO_ANSWER):
        raise ApplicationError("Réponse inconnue.", code="invalid_answer")
    target = SurnumeraireRequest.objects.select_related("professional").filter(pk=request_id).first()
    if target is None:
        raise NotFoundError("Demande introuvable.", code="request_not_found")
    professional = professional or target.professional  # a doctor asked directly takes the patient
    doctor_name = (doctor_name or (f"Dr {professional}" if professional else "")).strip()
    if status == RequestStatus.ACCEPTED and not doctor_name:
        raise ApplicationError(
            "Indiquez le nom du médecin qui prend le patient.",
            code="doctor_required",
            extra={"fields": {"doctor_name": ["Obligatoire quand la demande est acceptée."]}},
        )
    now = timezone.now()
    won = SurnumeraireRequest.objects.filter(pk=request_id, status=RequestStatus.PENDING).update(
        status=status,
        answered_at=now,
        answered_by=actor,
        accepting_doctor_name=doctor_name if status == RequestStatus.ACCEPTED else "",
        accepting_professional=professional if status == RequestStatus.ACCEPTED else None,
        appointment_at=appointment_at if status == RequestStatus.ACCEPTED else None,
        answer_notes=notes[:255],
    )
    request = SurnumeraireRequest.objects.select_related("dossier", "structure", "professional").get(
        pk=request_id
    )
    if not won:
        raise RequestAlreadyAnswered(
            f"Cette demande a déjà reçu une réponse ({request.get_status_display().lower()}).",
            extra={"status": request.status},
        )
    dossier = _locked(request.dossier_id)
    dossier_event_write(
        event_type=RegulationEvent.SURNUMERAIRE_ANSWERED,
        actor=actor,
        dossier=dossier,
        params={"request": request.pk, "status": status.value, "answer_seconds": request.answer_seconds},
    )
    if status != RequestStatus.ACCEPTED:
        return request
    SurnumeraireRequest.objects.filter(dossier=dossier, status=RequestStatus.PENDING).update(
        status=RequestStatus.CANCELLED, answered_at=now
    )
    category = request.structure.kind.upper() if request.structure else OrientationCategory.PS
    accepting = professional
    booking = _new_booking(
        dossier,
        actor,
        kind=BookingKind.SURNUMERAIRE,
        status=AppointmentStatus.BOOKED,
        professional=accepting,
        structure=request.structure,
        doctor_name=doctor_name,
        rpps=getattr(accepting, "identifier", "") if accepting else "",
        start=appointment_at,
        confirmed_at=now,
        is_surnumeraire=True,
        is_treating_doctor=bool(
            dossier.treating_doctor_rpps
            and accepting
            and accepting.identifier == dossier.treating_doctor_rpps
        ),
    )
    if dossier.state in (DossierState.REGULATED, DossierState.ORIENTING):
        _orient(
            dossier,
            OrientationResult.SURNUMERAIRE,
            category if category in OrientationCategory.values else OrientationCategory.PS,
            actor,
            now,
            booking,
        )
    return request


def surnumeraire_reminders_send(*, now: dt.datetime | None = None) -> int:
    """Remind structures of requests unanswered past the delay (task; each reminded once)."""
    now = now or timezone.now()
    limit = now - dt.timedelta(minutes=setting("REGULATION_SURNUMERAIRE_REMINDER_MINUTES"))
    due = SurnumeraireRequest.objects.filter(
        status=RequestStatus.PENDING, asked_at__lt=limit, reminded_at__isnull=True
    ).select_related("structure", "dossier")
    count = 0
    for request in due:
        with transaction.atomic():
            if not SurnumeraireRequest.objects.filter(pk=request.pk, reminded_at__isnull=True).update(
                reminded_at=now
            ):
                continue
            dossier_event_write(
                event_type=RegulationEvent.SURNUMERAIRE_REMINDED,
                actor=None,
                dossier=request.dossier,
                params={"request": request.pk},
            )
            email = getattr(request.structure, "email", "") if request.structure else ""
            if email:
                transaction.on_commit(
                    lambda email=email, ref=request.dossier.reference: _reminder_mail(email, ref)
                )
        count += 1
    return count


def _reminder_mail(email: str, reference: str) -> None:
    send_mail(
        subject=f"Relance du SAS : demande {reference} sans réponse",
        message=(
            f"Le SAS attend votre réponse à la demande de prise en charge en surnuméraire {reference}.\n"
            "Répondez depuis la page « Demandes du SAS » de votre structure."
        ),
        from_email=None,
        recipient_list=[email],
        fail_silently=True,
    )


# --- Closing (DOMAIN.md §3.1 step 4) -----------------------------------------------------------


def _close(dossier: Dossier, reason: ClosureReason, transition: Transition, actor, now: dt.datetime) -> None:
    _move(dossier, transition, now)
    dossier.closed_at, dossier.closure_reason = now, reason
    dossier.holder, dossier.held_since = None, None
    _save(dossier, "closed_at", "closure_reason", "holder", "held_since")
    dossier_event_write(
        event_type=RegulationEvent.CLOSED, actor=actor, dossier=dossier, params={"reason": reason}
    )


def _close_without_appointment(
    dossier: Dossier, result: OrientationResult, actor, now: dt.datetime, notes: str = ""
) -> None:
    _move(dossier, Transition.CLOSE_WITHOUT_APPOINTMENT, now)
    dossier.orientation_result, dossier.oriented_at = result, now
    dossier.orientation_notes = notes.strip() or dossier.orientation_notes
    dossier.closed_at, dossier.closure_reason = now, ClosureReason.WITHOUT_APPOINTMENT
    dossier.holder, dossier.held_since = None, None
    _save(
        dossier,
        "orientation_result",
        "oriented_at",
        "orientation_notes",
        "closed_at",
        "closure_reason",
        "holder",
        "held_since",
    )
    dossier_event_write(
        event_type=RegulationEvent.CLOSED_WITHOUT_APPOINTMENT,
        actor=actor,
        dossier=dossier,
        params={"result": result.value},
    )


@transaction.atomic
def dossier_orientation_close(
    *, dossier_id: int, actor, result: OrientationResult, notes: str = ""
) -> Dossier:
    """OSNP outcomes without an appointment: advice, ED, PDSA (close); back to AMU (re-route)."""
    result = OrientationResult(result)
    dossier = _locked(dossier_id)
    _ensure_may_act(dossier, actor)
    now = timezone.now()
    if result == OrientationResult.AMU:
        _route(dossier, Transition.ROUTE_AMU, actor, now, notes)
    elif result in CLOSING_RESULTS:
        _close_without_appointment(dossier, result, actor, now, notes)
    else:
        raise ApplicationError(
            "Cette issue se fait par une réservation ou une demande.", code="invalid_result"
        )
    SurnumeraireRequest.objects.filter(dossier=dossier, status=RequestStatus.PENDING).update(
        status=RequestStatus.CANCELLED, answered_at=now
    )
    return dossier


@transaction.atomic
def dossier_orientation_reopen(*, dossier_id: int, actor, notes: str = "") -> Dossier:
    """The appointment fell through before it happened: back to orientation."""
    dossier = _locked(dossier_id)
    _ensure_may_act(dossier, actor)
    now = timezone.now()
    _move(dossier, Transition.REOPEN_ORIENTATION, now)
    dossier.orientation_result, dossier.oriented_at = "", None
    _save(dossier, "orientation_result", "oriented_at")
    for booking in Booking.objects.filter(dossier=dossier, status=AppointmentStatus.BOOKED):
        booking.status, booking.outcome_at = AppointmentStatus.CANCELLED, now
        booking.save(update_fields=["status", "outcome_at"])
    dossier_event_write(
        event_type=RegulationEvent.ORIENTATION_REOPENED,
        actor=actor,
        dossier=dossier,
        params={"notes": notes[:200]},
    )
    return dossier


def dossiers_auto_close(*, now: dt.datetime | None = None) -> int:
    """Close oriented dossiers whose outcome never came, after the delay: « issue inconnue » (task)."""
    now = now or timezone.now()
    limit = now - dt.timedelta(hours=setting("REGULATION_AUTO_CLOSE_HOURS"))
    ids = list(
        Dossier.objects.filter(state=DossierState.ORIENTED, oriented_at__lt=limit).values_list(
            "pk", flat=True
        )
    )
    closed = 0
    for dossier_id in ids:
        with transaction.atomic():
            dossier = _locked(dossier_id)
            if dossier.state != DossierState.ORIENTED:
                continue
            _close(dossier, ClosureReason.OUTCOME_UNKNOWN, Transition.CLOSE_OUTCOME_UNKNOWN, None, now)
            closed += 1
    return closed


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


def _check_period(start: dt.datetime, end: dt.datetime) -> None:
    if end <= start:
        raise ApplicationError(
            "La fin de la garde doit suivre son début.",
            code="invalid_period",
            extra={"fields": {"end": ["La fin doit être après le début."]}},
        )
    if end - start > dt.timedelta(hours=24):
        raise ApplicationError(
            "Une garde dure au plus 24 heures : saisissez-en plusieurs.",
            code="invalid_period",
            extra={"fields": {"end": ["24 heures au plus."]}},
        )


@transaction.atomic
def shift_schedule(
    *, actor, territory_code: str, regulator, start: dt.datetime, end: dt.datetime
) -> RegulatorShift:
    """A SAS administrator enters one shift of the month's schedule (DOMAIN.md §7.5)."""
    territory = _ensure_territory(territory_code)
    start, end = _minute(start), _minute(end)
    _check_period(start, end)
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
        _check_period(new_start, new_end)
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
