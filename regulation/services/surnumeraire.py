"""Surnuméraire requests (DOMAIN.md §3.1 step 3; seed 004)."""

from __future__ import annotations

import datetime as dt

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from regulation.enums import (
    AppointmentStatus,
    BookingKind,
    DossierState,
    OrientationCategory,
    OrientationResult,
    RequestChannel,
    RequestStatus,
    Transition,
)
from regulation.events import RegulationEvent, dossier_event_write
from regulation.exceptions import (
    RequestAlreadyAnswered,
)
from regulation.models import SurnumeraireRequest
from regulation.policies import Action
from regulation.services.workflow import (
    appointment_check,
    booking_new,
    dossier_locked,
    ensure_may_act,
    orient_apply,
    orientation_start,
    setting,
    transition_check,
)
from sas_platform.exceptions import ApplicationError, NotFoundError

# --- Surnuméraire (DOMAIN.md §3.1 step 3; seed 004) --------------------------------------------


@transaction.atomic
def surnumeraire_request_create(
    *, dossier_id: int, actor, channel: RequestChannel, professional=None, structure=None
) -> SurnumeraireRequest:
    """Record that we asked a doctor directly, or the structure they participate through."""
    dossier = dossier_locked(dossier_id)
    ensure_may_act(dossier, actor, Action.ORIENT)
    now = timezone.now()
    transition_check(dossier, Transition.ORIENT)
    orientation_start(dossier, actor, now)
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


def _accepted_orient(
    dossier,
    request,
    actor,
    now: dt.datetime,
    *,
    professional,
    doctor_name: str,
    appointment_at: dt.datetime | None,
) -> None:
    """An accepted request: the other pending ones are withdrawn, the surnuméraire act is booked
    (§7.2 fact) and the dossier oriented."""
    SurnumeraireRequest.objects.filter(dossier=dossier, status=RequestStatus.PENDING).update(
        status=RequestStatus.CANCELLED, answered_at=now
    )
    category = request.structure.kind.upper() if request.structure else OrientationCategory.PS
    accepting = professional
    booking = booking_new(
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
        orient_apply(
            dossier,
            OrientationResult.SURNUMERAIRE,
            category if category in OrientationCategory.values else OrientationCategory.PS,
            actor,
            now,
            booking,
        )


@transaction.atomic
def surnumeraire_request_answer(
    *,
    request_id: int,
    actor,
    status: RequestStatus,
    doctor_name: str = "",
    professional=None,
    member: int | str | None = None,
    appointment_at: dt.datetime | None = None,
    notes: str = "",
) -> SurnumeraireRequest:
    """Record the answer once: a conditional update on ``status='pending'`` decides between two
    answers. Accepted: the dossier is oriented (surnuméraire act, §7.2 fact) and the other
    pending requests of the dossier are withdrawn."""
    status = RequestStatus(status)
    if status not in (RequestStatus.ACCEPTED, RequestStatus.REFUSED, RequestStatus.NO_ANSWER):
        raise ApplicationError("Réponse inconnue.", code="invalid_answer")
    target = (
        SurnumeraireRequest.objects.select_related("professional", "dossier").filter(pk=request_id).first()
    )
    if target is None:
        raise NotFoundError("Demande introuvable.", code="request_not_found")
    if status == RequestStatus.ACCEPTED and target.structure_id is not None and professional is None:
        professional = _member_doctor(target.structure, member)
    professional = professional or target.professional  # a doctor asked directly takes the patient
    doctor_name = (doctor_name or (f"Dr {professional}" if professional else "")).strip()
    if status == RequestStatus.ACCEPTED and not doctor_name:
        raise ApplicationError(
            "Indiquez le nom du médecin qui prend le patient.",
            code="doctor_required",
            extra={"fields": {"doctor_name": ["Obligatoire quand la demande est acceptée."]}},
        )
    now = timezone.now()
    if status == RequestStatus.ACCEPTED:
        appointment_check(target.dossier, appointment_at, now, "appointment_at")
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
    dossier = dossier_locked(request.dossier_id)
    dossier_event_write(
        event_type=RegulationEvent.SURNUMERAIRE_ANSWERED,
        actor=actor,
        dossier=dossier,
        params={"request": request.pk, "status": status.value, "answer_seconds": request.answer_seconds},
    )
    if status != RequestStatus.ACCEPTED:
        return request
    _accepted_orient(
        dossier,
        request,
        actor,
        now,
        professional=professional,
        doctor_name=doctor_name,
        appointment_at=appointment_at,
    )
    return request


def _member_doctor(structure, member: int | str | None):
    """The doctor a structure names when it accepts: one of its current member doctors, given by
    id or RPPS (seed 004 second-level orientation; the act's RPPS is what pay needs, DOMAIN.md
    §7.2). Free text is refused: a name alone cannot be paid."""
    from cpts.selectors import structure_member_doctors

    value = str(member or "").strip()
    if not value:
        raise ApplicationError(
            "Choisissez le médecin qui prend le patient parmi les membres de la structure.",
            code="member_required",
            extra={"fields": {"member": ["Obligatoire quand la demande est acceptée."]}},
        )
    doctors = structure_member_doctors(structure_id=structure.pk, on=timezone.localdate())
    found = next((d for d in doctors if value in (str(d.pk), d.identifier)), None)
    if found is None:
        message = f"Ce médecin ({value}) n'est pas un médecin membre de {structure.name}."
        raise ApplicationError(message, code="not_a_member", extra={"fields": {"member": [message]}})
    return found


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
