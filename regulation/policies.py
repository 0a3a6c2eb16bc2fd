"""Rules of the regulation desk as pure functions and tables (no database access).

- the state machine of a dossier (DOMAIN.md §3.1), as one table;
- which decision leads where (§3.1 step 2);
- SAS hours versus PDSA hours (§3.4);
- fair rotation of surnuméraire requests (§3.2 "répartir la charge", §3.1 step 3);
- the facts remuneration will need (§7.3, §7.4).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from itertools import pairwise

import holidays

from regulation.enums import (
    Decision,
    DossierState,
    OrientationResult,
    Transition,
)
from sas_platform.enums import Role

S = DossierState

#: The state machine (DOMAIN.md §3.1): transition -> (states it may start from, state it leads to).
#: Re-orientation AMU <-> médecine générale is instant, both ways, until the patient is oriented.
TRANSITIONS: dict[Transition, tuple[frozenset[DossierState], DossierState]] = {
    Transition.ROUTE_AMU: (frozenset({S.OPENED, S.GENERAL_PRACTICE, S.REGULATED, S.ORIENTING}), S.AMU),
    Transition.ROUTE_GENERAL_PRACTICE: (frozenset({S.OPENED, S.AMU}), S.GENERAL_PRACTICE),
    Transition.DECIDE: (frozenset({S.GENERAL_PRACTICE, S.REGULATED}), S.REGULATED),
    Transition.START_ORIENTATION: (frozenset({S.REGULATED}), S.ORIENTING),
    Transition.ORIENT: (frozenset({S.REGULATED, S.ORIENTING}), S.ORIENTED),
    Transition.REOPEN_ORIENTATION: (frozenset({S.ORIENTED}), S.ORIENTING),
    Transition.CLOSE_WITHOUT_APPOINTMENT: (
        frozenset({S.GENERAL_PRACTICE, S.REGULATED, S.ORIENTING}),
        S.CLOSED,
    ),
    Transition.RECORD_OUTCOME: (frozenset({S.ORIENTED}), S.OUTCOME_KNOWN),
    Transition.CLOSE: (frozenset({S.OUTCOME_KNOWN}), S.CLOSED),
    Transition.CLOSE_OUTCOME_UNKNOWN: (frozenset({S.ORIENTED}), S.CLOSED),
}

#: States a desk works on (shown in the live queue).
QUEUE_STATES = frozenset({S.OPENED, S.GENERAL_PRACTICE, S.REGULATED, S.ORIENTING})
#: States where nothing is left to do on the SAS side (AMU may still be re-oriented).
FINAL_STATES = frozenset({S.CLOSED, S.AMU})


def transition_target(transition: Transition, current: DossierState | str) -> DossierState | None:
    """The state ``transition`` leads to from ``current``, or ``None`` when not allowed."""
    sources, target = TRANSITIONS[Transition(transition)]
    return target if DossierState(current) in sources else None


def allowed_transitions(current: DossierState | str) -> list[Transition]:
    return [t for t, (sources, _) in TRANSITIONS.items() if DossierState(current) in sources]


# --- Who may do what, at each state (DOMAIN.md §2, §3.1) ----------------------------------------


class Action(StrEnum):
    """What a desk user does on a dossier; each service checks it once (``_ensure_allowed``)."""

    CLAIM = "claim"
    ROUTE_AMU = "route_amu"
    ROUTE_GENERAL_PRACTICE = "route_general_practice"
    DECIDE = "decide"
    ORIENT = "orient"
    RECORD_OUTCOME = "record_outcome"


ACTION_LABELS = {
    Action.CLAIM: "Prise en charge du dossier",
    Action.ROUTE_AMU: Transition.ROUTE_AMU.label,
    Action.ROUTE_GENERAL_PRACTICE: Transition.ROUTE_GENERAL_PRACTICE.label,
    Action.DECIDE: Transition.DECIDE.label,
    Action.ORIENT: "Orientation du patient",
    Action.RECORD_OUTCOME: "Enregistrement de l'issue",
}

_ARM, _REG, _OSNP = Role.ARM.value, Role.REGULATEUR.value, Role.OSNP.value

#: (state, action) → the roles that may do it (DOMAIN.md §3.1): the ARM picks up and routes
#: (steps 1-2), the régulateur decides and may send back to the AMU at any time until the patient
#: is oriented (step 2), the OSNP orients and records the outcome (steps 3-4). Anything absent is
#: refused: nobody claims a closed dossier, an ARM never takes one waiting for the OSNP, and a
#: second decision on a regulated dossier is refused (it would close it silently).
ACTION_ROLES: dict[tuple[DossierState, Action], frozenset[str]] = {
    (S.OPENED, Action.CLAIM): frozenset({_ARM, _REG}),
    (S.OPENED, Action.ROUTE_AMU): frozenset({_ARM, _REG}),
    (S.OPENED, Action.ROUTE_GENERAL_PRACTICE): frozenset({_ARM, _REG}),
    (S.AMU, Action.ROUTE_GENERAL_PRACTICE): frozenset({_ARM, _REG}),
    (S.GENERAL_PRACTICE, Action.CLAIM): frozenset({_REG}),
    (S.GENERAL_PRACTICE, Action.ROUTE_AMU): frozenset({_ARM, _REG}),
    (S.GENERAL_PRACTICE, Action.DECIDE): frozenset({_REG}),
    (S.REGULATED, Action.CLAIM): frozenset({_OSNP, _REG}),
    (S.REGULATED, Action.ROUTE_AMU): frozenset({_REG}),
    (S.REGULATED, Action.ORIENT): frozenset({_OSNP, _REG}),
    (S.ORIENTING, Action.CLAIM): frozenset({_OSNP, _REG}),
    (S.ORIENTING, Action.ROUTE_AMU): frozenset({_REG}),
    (S.ORIENTING, Action.ORIENT): frozenset({_OSNP, _REG}),
    (S.ORIENTED, Action.ORIENT): frozenset({_OSNP, _REG}),  # the appointment fell through: reopen
    (S.ORIENTED, Action.RECORD_OUTCOME): frozenset({_OSNP, _REG}),
}

#: Actions only the dossier's holder does: the régulateur claims before deciding (two régulateurs
#: never decide the same call).
HOLDER_ONLY = frozenset({Action.DECIDE})


def roles_for(state: DossierState | str, action: Action | str) -> frozenset[str]:
    return ACTION_ROLES.get((DossierState(state), Action(action)), frozenset())


def may_act(roles: Iterable[str], state: DossierState | str, action: Action | str) -> bool:
    """True when one of ``roles`` may do ``action`` on a dossier in ``state``."""
    return bool(roles_for(state, action).intersection(roles))


def action_refusal(
    roles: Iterable[str], state: DossierState | str, action: Action | str, *, holds: bool
) -> tuple[str, str] | None:
    """``(code, French message)`` when the action is refused, else ``None``."""
    state, action = DossierState(state), Action(action)
    allowed = roles_for(state, action)
    label = ACTION_LABELS[action]
    if not allowed:
        return "transition_not_allowed", f"Action « {label} » impossible : le dossier est « {state.label} »."
    if not allowed.intersection(roles):
        who = ", ".join(sorted(Role(r).label for r in allowed))
        return (
            "role_not_allowed",
            f"Action « {label} » impossible pour votre rôle quand le dossier est « {state.label} » "
            f"(réservée : {who}).",
        )
    if action in HOLDER_ONLY and not holds:
        return "claim_required", "Prenez d'abord le dossier (bouton « Prendre ») : il n'est pas à vous."
    return None


# --- Decisions (DOMAIN.md §3.1 step 2) ---------------------------------------------------------

#: Decisions carried out by an OSNP (the dossier waits in the queue, state REGULATED).
DECISIONS_TO_ORIENT = frozenset({Decision.APPOINTMENT_48H, Decision.TELECONSULTATION, Decision.HOME_VISIT})

#: Decisions that close the dossier at once, with the orientation result they stand for.
DECISIONS_CLOSING = {
    Decision.ADVICE: OrientationResult.ADVICE,
    Decision.PRESCRIPTION: OrientationResult.PRESCRIPTION,
    Decision.EMERGENCY_DEPARTMENT: OrientationResult.EMERGENCY_DEPARTMENT,
    Decision.PDSA: OrientationResult.PDSA,
}

#: The modality pre-filled in the OSNP's 48 h search (DOMAIN.md §3.3 serviceType).
DECISION_MODALITY = {
    Decision.APPOINTMENT_48H: "AMB",
    Decision.TELECONSULTATION: "VR",
    Decision.HOME_VISIT: "HH",
}


def decision_transition(decision: Decision | str) -> Transition:
    """Which transition a decision makes: AMU, orientation by the OSNP, or closing at once."""
    decision = Decision(decision)
    if decision == Decision.AMU:
        return Transition.ROUTE_AMU
    if decision in DECISIONS_TO_ORIENT:
        return Transition.DECIDE
    return Transition.CLOSE_WITHOUT_APPOINTMENT


# --- Hours: SAS or PDSA (DOMAIN.md §3.4; seed 004 "Précisions" 1; art. R.6315-1 CSP) -----------


@dataclass(frozen=True)
class PdsaSchedule:
    """A territory's PDSA calendar. Defaults: the regulatory hours of DOMAIN.md §3.4.

    PDSA runs weekday nights ``[night_start, day_start)``, Saturday from ``saturday_start``,
    Sundays and public holidays all day; ``bridge_days`` (ponts) count as holidays.
    """

    day_start: dt.time = dt.time(8, 0)
    night_start: dt.time = dt.time(20, 0)
    saturday_start: dt.time = dt.time(12, 0)
    alsace_moselle: bool = False
    bridge_days: frozenset[dt.date] = field(default_factory=frozenset)


#: Départements with Alsace-Moselle's extra public holidays (Good Friday, 26 December).
ALSACE_MOSELLE = frozenset({"57", "67", "68"})


@lru_cache(maxsize=64)
def _french_holidays(year: int, alsace_moselle: bool) -> frozenset[dt.date]:
    subdiv = "57" if alsace_moselle else None
    return frozenset(holidays.France(years=year, subdiv=subdiv).keys())


def is_public_holiday(day: dt.date, schedule: PdsaSchedule) -> bool:
    return day in _french_holidays(day.year, schedule.alsace_moselle) or day in schedule.bridge_days


def is_pdsa_time(moment: dt.datetime, schedule: PdsaSchedule | None = None) -> bool:
    """True when ``moment`` (aware or Paris local) falls in PDSA hours: the SAS hands over."""
    schedule = schedule or PdsaSchedule()
    local = _paris(moment)
    day, time = local.date(), local.time()
    if time < schedule.day_start or time >= schedule.night_start:
        return True  # every night, whatever the day
    if is_public_holiday(day, schedule) or day.weekday() == 6:
        return True  # Sunday or public holiday, by day
    return day.weekday() == 5 and time >= schedule.saturday_start


def _paris(moment: dt.datetime) -> dt.datetime:
    from zoneinfo import ZoneInfo

    paris = ZoneInfo("Europe/Paris")
    return moment.astimezone(paris) if moment.tzinfo else moment.replace(tzinfo=paris)


def next_sas_opening(moment: dt.datetime, schedule: PdsaSchedule | None = None) -> dt.datetime:
    """The next moment SAS hours begin (for "outside SAS hours until ..."), by steps of 30 min."""
    schedule = schedule or PdsaSchedule()
    local = _paris(moment).replace(second=0, microsecond=0)
    local = local.replace(minute=0 if local.minute < 30 else 30)
    for _ in range(4 * 48 + 1):
        if not is_pdsa_time(local, schedule):
            return local
        local += dt.timedelta(minutes=30)
    return local


# --- Surnuméraire: fair rotation (DOMAIN.md §3.1 step 3, §3.2) ---------------------------------


def rotation_order(
    candidates: Iterable[tuple[object, float]], last_asked: dict[object, dt.datetime]
) -> list[tuple[object, float, dt.datetime | None]]:
    """Order ``(key, distance_km)`` candidates: never asked first, then least recently asked,
    then nearest. Returns ``(key, distance_km, last_asked_at)``."""
    rows = [(key, distance, last_asked.get(key)) for key, distance in candidates]
    never = dt.datetime.min.replace(tzinfo=dt.UTC)
    return sorted(rows, key=lambda row: (row[2] or never, row[1]))


# --- Facts for pay (DOMAIN.md §7.3, §7.4) ------------------------------------------------------

SNP_WINDOW = dt.timedelta(hours=48)


@dataclass(frozen=True)
class ActFacts:
    """Neutral facts about one act, and what they make it a candidate for (no amounts).

    - ``snp_candidate``: SNP majoration (DOMAIN.md §7.3; NGAP art. 14.1.3): within 48 h after the
      SAS's regulation, by a doctor who is **not** the patient's MT, outside PDSA hours. The cap of
      20 per doctor and week is remuneration's to apply (it counts these rows).
    - MRT (DOMAIN.md §7.4) is **not** derived here: seed 004, "Précisions complémentaires /
      Rémunération" 5: « si la régulation SAS renvoie le patient vers son MT, il n'est pas prévu de
      facturation de la MRT par le médecin traitant ». Every act the desk records is regulated by
      the SAS, so ``by_treating_doctor`` is kept as a neutral fact (``mrt_candidate`` is False)
      and the texts stay remuneration's to apply.
    """

    surnumeraire: bool
    by_treating_doctor: bool
    within_48h: bool
    outside_pdsa: bool

    @property
    def snp_candidate(self) -> bool:
        return self.within_48h and self.outside_pdsa and not self.by_treating_doctor

    @property
    def mrt_candidate(self) -> bool:
        """Always False for a SAS-regulated act (seed 004, Précisions « Rémunération » 5)."""
        return False


def act_facts(
    *,
    regulated_at: dt.datetime,
    appointment_start: dt.datetime,
    surnumeraire: bool,
    by_treating_doctor: bool,
    schedule: PdsaSchedule | None = None,
) -> ActFacts:
    """What remuneration needs to know about an act, recorded when it is booked (no amounts)."""
    return ActFacts(
        surnumeraire=surnumeraire,
        by_treating_doctor=by_treating_doctor,
        within_48h=dt.timedelta(0) <= appointment_start - regulated_at <= SNP_WINDOW,
        outside_pdsa=not is_pdsa_time(appointment_start, schedule),
    )


def act_facts_unknown_time(*, surnumeraire: bool, by_treating_doctor: bool) -> ActFacts:
    """An act whose appointment time was never given (surnuméraire accepted without a time):
    nothing can be said about 48 h or PDSA hours, so it is a candidate for nothing time-bound."""
    return ActFacts(
        surnumeraire=surnumeraire, by_treating_doctor=by_treating_doctor, within_48h=False, outside_pdsa=False
    )


# --- Regulators' on-duty hours (DOMAIN.md §7.5, §3.4) -------------------------------------------


def _utc(moment: dt.datetime) -> dt.datetime:
    return _paris(moment).astimezone(dt.UTC)


def split_on_duty_minutes(
    start: dt.datetime, end: dt.datetime, schedule: PdsaSchedule | None = None
) -> tuple[int, int]:
    """Split a regulator's shift into ``(sas_minutes, pdsa_minutes)`` by the PDSA calendar.

    SAS regulation hours are paid per hour outside PDSA hours (DOMAIN.md §7.5); PDSA hours are
    told apart (§3.4). The shift is cut at every boundary of the calendar (day start, Saturday
    noon, night start, midnight) in Paris local time; durations are measured in UTC, so a night
    across a change of clock counts the hours really worked.
    """
    from zoneinfo import ZoneInfo

    schedule = schedule or PdsaSchedule()
    start, end = _utc(start), _utc(end)
    if end <= start:
        return 0, 0
    paris = ZoneInfo("Europe/Paris")
    first, last = start.astimezone(paris).date(), end.astimezone(paris).date()
    cuts = {start, end}
    day = first
    while day <= last:
        for time in (dt.time(0, 0), schedule.day_start, schedule.saturday_start, schedule.night_start):
            cut = dt.datetime.combine(day, time, tzinfo=paris).astimezone(dt.UTC)
            if start < cut < end:
                cuts.add(cut)
        day += dt.timedelta(days=1)
    ordered = sorted(cuts)
    pdsa_seconds = sum((b - a).total_seconds() for a, b in pairwise(ordered) if is_pdsa_time(a, schedule))
    total_minutes = round((end - start).total_seconds() / 60)
    pdsa_minutes = round(pdsa_seconds / 60)
    return total_minutes - pdsa_minutes, pdsa_minutes
