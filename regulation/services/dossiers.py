"""Dossiers: pick-up, routing, claim/release and regulation decision (DOMAIN.md §3.1 steps 1-2)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from regulation import plausibility, policies
from regulation.enums import (
    Decision,
    Transition,
)
from regulation.events import RegulationEvent, dossier_event_write
from regulation.exceptions import (
    DossierHeldByOther,
)
from regulation.models import Dossier
from regulation.services.workflow import (
    close_without_appointment,
    dossier_locked,
    ensure_action,
    ensure_may_act,
    route_apply,
    setting,
    transition_apply,
    transition_check,
)
from sas_platform.exceptions import ApplicationError
from sas_platform.models import Commune, SasTerritory

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


def _check_call_details(details: dict[str, Any], picked_up_at: dt.datetime | None, now: dt.datetime) -> None:
    """Plausible call and patient (DOMAIN.md §3.1 step 1): the call and its pick-up are not in
    the future (a small clock skew allowed) nor absurdly old; the patient is 0 to 120 years old."""
    skew = dt.timedelta(minutes=setting("REGULATION_CALL_CLOCK_SKEW_MINUTES"))
    max_age = dt.timedelta(hours=setting("REGULATION_CALL_MAX_AGE_HOURS"))
    for field, moment in (
        ("call_received_at", details.get("call_received_at")),
        ("picked_up_at", picked_up_at),
    ):
        plausibility.check_call_time(moment, now=now, skew=skew, max_age=max_age, field=field)
    plausibility.check_birth_date(details.get("patient_birth_date"), today=timezone.localdate(now))
    plausibility.check_age(details.get("patient_age"))


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
    _check_call_details(details, picked_up_at, now)
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
        route_apply(dossier, Transition(route), actor, now)
    return dossier


@transaction.atomic
def dossier_route(*, dossier_id: int, actor, to: Transition, reason: str = "") -> Dossier:
    """Route to AMU or to general practice; instant re-orientation both ways (DOMAIN.md §3.1)."""
    if to not in (Transition.ROUTE_AMU, Transition.ROUTE_GENERAL_PRACTICE):
        raise ApplicationError("Orientation inconnue.", code="invalid_route")
    dossier = dossier_locked(dossier_id)
    action = (
        policies.Action.ROUTE_AMU if to == Transition.ROUTE_AMU else policies.Action.ROUTE_GENERAL_PRACTICE
    )
    ensure_may_act(dossier, actor, action)
    route_apply(dossier, Transition(to), actor, timezone.now(), reason)
    return dossier


# --- Claim / release ---------------------------------------------------------------------------


@transaction.atomic
def dossier_claim(*, dossier_id: int, actor, take_over: bool = False) -> Dossier:
    """Take the dossier. Conditional on nobody holding it; ``take_over`` says so knowingly.
    Who may take it depends on its state (``policies.ACTION_ROLES``): nobody takes a closed one."""
    now = timezone.now()
    ensure_action(dossier_locked(dossier_id), actor, policies.Action.CLAIM)
    won = Dossier.objects.filter(pk=dossier_id, holder__isnull=True).update(
        holder=actor, held_since=now, updated_at=now
    )
    dossier = dossier_locked(dossier_id)
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
    dossier = dossier_locked(dossier_id)
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
    dossier = dossier_locked(dossier_id)
    ensure_may_act(dossier, actor, policies.Action.DECIDE)
    now = timezone.now()
    transition = policies.decision_transition(decision)
    transition_check(dossier, transition)
    dossier.decision, dossier.decision_notes = decision, notes.strip()
    dossier.decided_by, dossier.decided_at = actor, now
    if priority:
        dossier.priority = priority
    dossier.care_level = care_level or dossier.care_level
    fields = ["decision", "decision_notes", "decided_by", "decided_at", "priority", "care_level"]
    if transition == Transition.DECIDE:
        transition_apply(dossier, transition, now)
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
        route_apply(dossier, transition, actor, now, "Décision du régulateur")
    elif transition == Transition.CLOSE_WITHOUT_APPOINTMENT:
        close_without_appointment(dossier, policies.DECISIONS_CLOSING[decision], actor, now, notes)
    return dossier
