"""Surnuméraire requests and answers of the demo history."""

from __future__ import annotations

from regulation.demo_history._common import Walk, later
from regulation.demo_history.orientation import orient_and_close
from regulation.enums import (
    BookingKind,
    OrientationCategory,
    OrientationResult,
    RequestChannel,
    RequestStatus,
)
from regulation.events import RegulationEvent
from regulation.models import Booking, SurnumeraireRequest


def surnumeraire_story(walk, rng, at, osnp, doctors, structures, schedule) -> Walk:
    requests = []
    asked = later(at, rng, 1, 5)
    if rng.random() < 0.4:  # a first refusal
        target = rng.choice(doctors) if doctors and (not structures or rng.random() < 0.5) else None
        refused = SurnumeraireRequest(
            professional=target,
            structure=None if target else rng.choice(structures),
            channel=RequestChannel.PHONE,
            asked_by=osnp,
            asked_at=asked,
            status=RequestStatus.REFUSED,
            answered_at=later(asked, rng, 1, 12),
            answered_by=osnp,
        )
        requests.append(refused)
        walk.event(
            asked,
            RegulationEvent.SURNUMERAIRE_ASKED,
            osnp,
            request=len(requests) - 1,
            target=str(target or refused.structure),
            channel="phone",
        )
        walk.event(
            refused.answered_at,
            RegulationEvent.SURNUMERAIRE_ANSWERED,
            osnp,
            request=len(requests) - 1,
            status="refused",
            answer_seconds=int((refused.answered_at - asked).total_seconds()),
        )
        asked = later(refused.answered_at, rng, 1, 4)
    via_structure = bool(structures) and (not doctors or rng.random() < 0.5)
    doctor = rng.choice(doctors) if doctors else None
    answered = later(asked, rng, 3, 45 if via_structure else 10)
    start = later(answered, rng, 60, 1500)
    accepted = SurnumeraireRequest(
        professional=None if via_structure else doctor,
        structure=rng.choice(structures) if via_structure else None,
        channel=RequestChannel.PLATFORM if via_structure else RequestChannel.PHONE,
        asked_by=osnp,
        asked_at=asked,
        status=RequestStatus.ACCEPTED,
        answered_at=answered,
        answered_by=osnp,
        accepting_doctor_name=f"Dr {doctor}" if doctor else "Dr Paul Durand",
        accepting_professional=doctor,
        appointment_at=start,
    )
    requests.append(accepted)
    walk.requests = requests  # type: ignore[attr-defined]
    target = str(accepted.professional or accepted.structure)
    walk.event(
        asked,
        RegulationEvent.SURNUMERAIRE_ASKED,
        osnp,
        request=len(requests) - 1,
        target=target,
        channel=accepted.channel,
    )
    walk.event(
        answered,
        RegulationEvent.SURNUMERAIRE_ANSWERED,
        osnp,
        request=len(requests) - 1,
        status="accepted",
        answer_seconds=int((answered - asked).total_seconds()),
    )
    booking = Booking(
        kind=BookingKind.SURNUMERAIRE,
        professional=doctor,
        structure=accepted.structure,
        rpps=doctor.identifier if doctor else "",
        doctor_name=accepted.accepting_doctor_name,
        start=start,
        is_surnumeraire=True,
        created_by=osnp,
        created_at=answered,
        confirmed_at=answered,
    )
    category = accepted.structure.kind.upper() if accepted.structure else OrientationCategory.PS
    if category not in OrientationCategory.values:
        category = OrientationCategory.PS
    return orient_and_close(
        walk, rng, booking, answered, OrientationResult.SURNUMERAIRE, category, osnp, schedule
    )
