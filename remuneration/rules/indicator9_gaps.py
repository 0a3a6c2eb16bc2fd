"""Why a doctor's surnuméraire acts and what indicator 9's tiers pay on differ (DOMAIN.md §7.2).

The tiers count the **seen** surnuméraire acts **with the effecteur's RPPS** whose appointment is
**in the quarter, in Paris time** (the quarter's bounds are Paris days: §7 "Europe/Paris dates").
Every other surnuméraire act the platform recorded for the doctor near the quarter is listed with
its reason, so the doctor sees why the count differs:
- without RPPS: not payable as recorded (the SAS administrator corrects the act);
- not seen: no-show, cancelled, or not confirmed as seen;
- outside the quarter in Paris time: an appointment across the boundary (e.g. 1 October 00:30 in
  Paris is still 30 September in UTC), or regulated in the quarter but seen after it: it counts in
  the quarter of its appointment.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from remuneration.rules.periods import quarter_of

PARIS = ZoneInfo("Europe/Paris")
NOT_SEEN = {
    "noshow": "Patient absent au rendez-vous : un acte non honoré ne compte pas.",
    "cancelled": "Rendez-vous annulé : il ne compte pas.",
}


@dataclass(frozen=True)
class ExcludedAct:
    act_id: int
    appointment: dt.datetime  # Paris time
    rpps: str
    doctor_name: str
    reason: str


@dataclass(frozen=True)
class Indicator9Gaps:
    quarter: str
    recorded: int  # surnuméraire acts the platform recorded for the doctor(s), boundary ones included
    counted: int  # what the tiers pay on
    excluded: tuple[ExcludedAct, ...]

    @property
    def differs(self) -> bool:
        return bool(self.excluded)


def _boundary_relevant(act, start: dt.datetime, end: dt.datetime) -> bool:
    """An act outside the quarter that a doctor may believe inside it: its UTC date is in the
    quarter, or it was regulated in the quarter (and seen after)."""
    utc_day = act.appointment_start.astimezone(dt.UTC).date()
    return start.date() <= utc_day < end.date() or start <= act.regulated_at < end


def _reason(act, start: dt.datetime, end: dt.datetime, quarter: str) -> str | None:
    """``None`` when the act counts; else why not (``""``: irrelevant to this quarter)."""
    local = act.appointment_start.astimezone(PARIS)
    if not start <= act.appointment_start < end:
        if not _boundary_relevant(act, start, end):
            return ""
        return (
            f"Rendez-vous le {local:%d/%m/%Y à %H:%M} (heure de Paris) : hors du trimestre {quarter}, "
            f"compté au trimestre {quarter_of(act.appointment_start)}."
        )
    if act.outcome != "fulfilled":
        return NOT_SEEN.get(act.outcome, "Rendez-vous non confirmé comme honoré : il ne compte pas encore.")
    if not act.rpps:
        return "Acte sans RPPS de l'effecteur : non payable en l'état (l'administrateur du SAS doit le corriger)."
    return None


def indicator9_gaps(acts, *, start: dt.datetime, end: dt.datetime, quarter: str) -> Indicator9Gaps:
    """Counted and excluded surnuméraire acts of ``[start, end)`` (the quarter, aware Paris bounds)
    among ``acts`` (``ActPayFact``-like: id, rpps, doctor_name, regulated_at, appointment_start, outcome)."""
    counted, excluded = 0, []
    for act in acts:
        reason = _reason(act, start, end, quarter)
        if reason is None:
            counted += 1
        elif reason:
            excluded.append(
                ExcludedAct(
                    act.id, act.appointment_start.astimezone(PARIS), act.rpps, act.doctor_name, reason
                )
            )
    return Indicator9Gaps(quarter, counted + len(excluded), counted, tuple(excluded))
