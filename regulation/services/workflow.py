"""How a dossier moves (DOMAIN.md §3.1; the state machine of :mod:`regulation.policies`), written once.

The public building blocks every service of ``regulation`` uses inside its own transaction: the
row lock, who may act in each state and the claim check (``policies.ACTION_ROLES``), the
plausibility of an appointment time, **the one transition check** (:func:`transition_check`, applied by
:func:`transition_apply`), routing, the start and the result of the orientation, the creation of a
booking (with its pay facts), closing. Each writes its audit event; none opens a transaction of its
own (but the savepoint that turns a taken slot into :class:`SlotTaken`). Also the desk's delays
(:func:`setting`, whose defaults are in ``sas_platform/settings/base.py`` only).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from regulation import plausibility, policies
from regulation.enums import ClosureReason, DossierState, OrientationResult, Transition
from regulation.events import RegulationEvent, dossier_event_write
from regulation.exceptions import DossierHeldByOther, SlotTaken, TransitionNotAllowed
from regulation.models import Booking, Dossier
from regulation.services.facts import act_facts_record
from sas_platform.exceptions import ConflictError, NotFoundError, PermissionDeniedError


def setting(name: str) -> int:
    """Delays of the desk, in minutes or hours (``REGULATION_*`` settings, defaults in base.py)."""
    return int(getattr(settings, name))


def dossier_locked(dossier_id: int) -> Dossier:
    dossier = Dossier.objects.select_for_update().filter(pk=dossier_id).first()
    if dossier is None:
        raise NotFoundError("Dossier introuvable.", code="dossier_not_found")
    return dossier


def ensure_action(dossier: Dossier, actor, action: policies.Action, *, holds: bool | None = None) -> None:
    """Refuse, nothing changed, when ``actor`` may not do ``action`` on the dossier in its state:
    ``policies.ACTION_ROLES`` is the one table of who acts when (DOMAIN.md §3.1). The API and the
    pages show the same French message (403 for a role, 409 for a state or a missing claim)."""
    holds = dossier.holder_id == actor.pk if holds is None else holds
    refusal = policies.action_refusal(actor.role_codes, dossier.state, action, holds=holds)
    if refusal is not None:
        code, message = refusal
        error = {"role_not_allowed": PermissionDeniedError, "claim_required": ConflictError}.get(
            code, TransitionNotAllowed
        )
        raise error(message, code=code, extra={"state": dossier.state, "action": str(action)})


def ensure_may_act(dossier: Dossier, actor, action: policies.Action | None = None) -> None:
    """May ``actor`` do ``action`` in this state (``ensure_action``), with nobody else holding the
    dossier, and holding it themselves when the action asks so? ``actor=None`` is the platform
    itself (tasks, an editor's feedback)."""
    if actor is None:
        return
    if action is not None:
        ensure_action(dossier, actor, action, holds=True)
    if dossier.holder_id is not None and dossier.holder_id != actor.pk:
        raise DossierHeldByOther(
            f"Le dossier {dossier.reference} est pris en charge par {dossier.holder} : "
            "reprenez-le explicitement avant d'agir.",
            extra={"holder": str(dossier.holder)},
        )
    if action is not None:
        ensure_action(dossier, actor, action)


def transition_check(dossier: Dossier, transition: Transition) -> DossierState:
    """The state ``transition`` leads to from the dossier's state (``policies.TRANSITIONS``), or a
    refusal in French (:class:`TransitionNotAllowed`; nothing is changed)."""
    target = policies.transition_target(transition, dossier.state)
    if target is None:
        raise TransitionNotAllowed(
            f"Action « {Transition(transition).label} » impossible : le dossier est "
            f"« {DossierState(dossier.state).label} ».",
            extra={"state": dossier.state, "transition": str(transition)},
        )
    return DossierState(target)


def transition_apply(dossier: Dossier, transition: Transition, now: dt.datetime) -> DossierState:
    """Apply one transition (checked by :func:`transition_check`); returns the previous state."""
    target = transition_check(dossier, transition)
    previous = dossier.state
    dossier.state = target
    dossier.updated_at = now
    return DossierState(previous)


def appointment_check(dossier: Dossier, start: dt.datetime | None, now: dt.datetime, field: str) -> None:
    """Refuse an implausible appointment time before any booking or pay fact is written
    (DOMAIN.md §3.1 step 3, §7.3; ``plausibility.check_appointment_start``)."""
    if start is None:
        return
    plausibility.check_appointment_start(
        start,
        now=now,
        regulated_at=dossier.decided_at,
        grace=dt.timedelta(hours=setting("REGULATION_APPOINTMENT_PAST_GRACE_HOURS")),
        field=field,
    )


def dossier_save(dossier: Dossier, *fields: str) -> None:
    dossier.full_clean()
    dossier.save(update_fields=["state", "updated_at", *fields])


def route_apply(dossier: Dossier, transition: Transition, actor, now: dt.datetime, reason: str = "") -> None:
    previous = transition_apply(dossier, transition, now)
    fields = ["routed_at"]
    dossier.routed_at = dossier.routed_at or now
    if transition == Transition.ROUTE_AMU:
        dossier.amu_handover_at = now
        dossier.holder, dossier.held_since = None, None
        fields += ["amu_handover_at", "holder", "held_since"]
        event = RegulationEvent.ROUTED_AMU
    else:
        event = RegulationEvent.ROUTED_GENERAL_PRACTICE
    dossier_save(dossier, *fields)
    dossier_event_write(
        event_type=event, actor=actor, dossier=dossier, params={"from": previous, "reason": reason[:200]}
    )


def orientation_start(dossier: Dossier, actor, now: dt.datetime) -> None:
    if dossier.state == DossierState.REGULATED:
        transition_apply(dossier, Transition.START_ORIENTATION, now)
        dossier_save(dossier)
        dossier_event_write(event_type=RegulationEvent.ORIENTATION_STARTED, actor=actor, dossier=dossier)


def orient_apply(
    dossier: Dossier,
    result: OrientationResult,
    category: str,
    actor,
    now: dt.datetime,
    booking: Booking | None = None,
) -> None:
    transition_apply(dossier, Transition.ORIENT, now)
    dossier.orientation_result, dossier.orientation_category, dossier.oriented_at = result, category, now
    dossier.holder, dossier.held_since = None, None  # off the queue: anyone on the desk records the outcome
    dossier_save(dossier, "orientation_result", "orientation_category", "oriented_at", "holder", "held_since")
    dossier_event_write(
        event_type=RegulationEvent.ORIENTED,
        actor=actor,
        dossier=dossier,
        params={"result": result.value, "category": category, "booking": booking.pk if booking else None},
    )


def booking_new(dossier: Dossier, actor, **fields: Any) -> Booking:
    fields.setdefault("created_at", timezone.now())
    booking = Booking(dossier=dossier, created_by=actor, **fields)
    act_facts_record(dossier, booking)
    booking.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            booking.save()
    except IntegrityError as exc:
        raise SlotTaken(
            "Créneau déjà pris, ou un rendez-vous est déjà en cours pour ce dossier.", code="slot_taken"
        ) from exc
    return booking


def close_apply(
    dossier: Dossier, reason: ClosureReason, transition: Transition, actor, now: dt.datetime
) -> None:
    transition_apply(dossier, transition, now)
    dossier.closed_at, dossier.closure_reason = now, reason
    dossier.holder, dossier.held_since = None, None
    dossier_save(dossier, "closed_at", "closure_reason", "holder", "held_since")
    dossier_event_write(
        event_type=RegulationEvent.CLOSED, actor=actor, dossier=dossier, params={"reason": reason}
    )


def close_without_appointment(
    dossier: Dossier, result: OrientationResult, actor, now: dt.datetime, notes: str = ""
) -> None:
    transition_apply(dossier, Transition.CLOSE_WITHOUT_APPOINTMENT, now)
    dossier.orientation_result, dossier.oriented_at = result, now
    dossier.orientation_notes = notes.strip() or dossier.orientation_notes
    dossier.closed_at, dossier.closure_reason = now, ClosureReason.WITHOUT_APPOINTMENT
    dossier.holder, dossier.held_since = None, None
    dossier_save(
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
