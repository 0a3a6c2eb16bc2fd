"""Shared internals of the services: delays, row lock, claim check and the state machine moves."""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from regulation import plausibility, policies
from regulation.enums import (
    DossierState,
    Transition,
)
from regulation.events import RegulationEvent, dossier_event_write
from regulation.exceptions import (
    DossierHeldByOther,
    TransitionNotAllowed,
)
from regulation.models import Dossier
from sas_platform.exceptions import ConflictError, NotFoundError, PermissionDeniedError


def setting(name: str) -> int:
    """Delays of the desk, in minutes or hours (``REGULATION_*`` settings, base.py)."""
    defaults = {
        "REGULATION_HOLD_MINUTES": 10,
        "REGULATION_AUTO_CLOSE_HOURS": 72,
        "REGULATION_SURNUMERAIRE_REMINDER_MINUTES": 15,
        "REGULATION_APPOINTMENT_PAST_GRACE_HOURS": 2,
        "REGULATION_CALL_CLOCK_SKEW_MINUTES": 5,
        "REGULATION_CALL_MAX_AGE_HOURS": 24,
    }
    return int(getattr(settings, name, defaults[name]))


# --- Internals ---------------------------------------------------------------------------------


def _locked(dossier_id: int) -> Dossier:
    dossier = Dossier.objects.select_for_update().filter(pk=dossier_id).first()
    if dossier is None:
        raise NotFoundError("Dossier introuvable.", code="dossier_not_found")
    return dossier


def _ensure_action(dossier: Dossier, actor, action: policies.Action, *, holds: bool | None = None) -> None:
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


def _ensure_may_act(dossier: Dossier, actor, action: policies.Action | None = None) -> None:
    """May ``actor`` do ``action`` in this state (``_ensure_action``), with nobody else holding the
    dossier, and holding it themselves when the action asks so? ``actor=None`` is the platform
    itself (tasks, an editor's feedback)."""
    if actor is None:
        return
    if action is not None:
        _ensure_action(dossier, actor, action, holds=True)
    if dossier.holder_id is not None and dossier.holder_id != actor.pk:
        raise DossierHeldByOther(
            f"Le dossier {dossier.reference} est pris en charge par {dossier.holder} : "
            "reprenez-le explicitement avant d'agir.",
            extra={"holder": str(dossier.holder)},
        )
    if action is not None:
        _ensure_action(dossier, actor, action)


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


def _check_appointment(dossier: Dossier, start: dt.datetime | None, now: dt.datetime, field: str) -> None:
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


def _save(dossier: Dossier, *fields: str) -> None:
    dossier.full_clean()
    dossier.save(update_fields=["state", "updated_at", *fields])


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
