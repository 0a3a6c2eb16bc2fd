"""Rules of declared availability as pure functions (no database access).

- a one-off block is not in the past and lies within a horizon (issue 9; DOMAIN.md §3.3 last point);
- two blocks of one professional never overlap (DOMAIN.md §4: the 2 h/week rule counts hours of
  availability, not blocks; a slot is published once in ``GET /fhir/r4/Slot``, §3.3);
- the hours of a week are the union of the occurrences (defence in depth for older data).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sas_platform.exceptions import ApplicationError

WEEKDAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]


@dataclass(frozen=True)
class Block:
    """What a declared block covers: weekly on ``weekday`` (0 = Monday) or once on ``date``,
    from ``start`` to ``end``, valid from ``valid_from`` to ``valid_until`` (weekly)."""

    kind: str  # "weekly" or "one_off" (planning.enums.AvailabilityKind)
    start: dt.time
    end: dt.time
    weekday: int | None = None
    date: dt.date | None = None
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    key: object = None

    def label(self) -> str:
        when = WEEKDAYS[self.weekday] if self.kind == "weekly" else f"le {self.date:%d/%m/%Y}"
        return f"{when} {self.start:%H:%M}–{self.end:%H:%M}"

    def on_day(self, day: dt.date) -> bool:
        if self.kind == "one_off":
            return self.date == day
        if day.weekday() != self.weekday:
            return False
        return (self.valid_from is None or day >= self.valid_from) and (
            self.valid_until is None or day <= self.valid_until
        )


def check_one_off_date(day: dt.date | None, *, today: dt.date, max_days: int) -> None:
    """A one-off block is declared for today or later, and at most ``max_days`` ahead."""
    if day is None:
        return
    if day < today:
        message = f"La date ({day:%d/%m/%Y}) est passée : déclarez une disponibilité à venir."
        raise ApplicationError(message, code="implausible_value", extra={"fields": {"date": [message]}})
    if day > today + dt.timedelta(days=max_days):
        message = (
            f"La date ({day:%d/%m/%Y}) est à plus de {max_days} jours : déclarez au plus tard le "
            f"{today + dt.timedelta(days=max_days):%d/%m/%Y}."
        )
        raise ApplicationError(message, code="implausible_value", extra={"fields": {"date": [message]}})


def _times_overlap(a: Block, b: Block) -> bool:
    return a.start < b.end and b.start < a.end  # 18–20 and 20–22 touch, they do not overlap


def _days_overlap(a: Block, b: Block) -> bool:
    if a.kind == "one_off" and b.kind == "one_off":
        return a.date == b.date
    if a.kind == "one_off":
        return b.on_day(a.date)
    if b.kind == "one_off":
        return a.on_day(b.date)
    if a.weekday != b.weekday:
        return False
    a_from, b_from = a.valid_from or dt.date.min, b.valid_from or dt.date.min
    a_until, b_until = a.valid_until or dt.date.max, b.valid_until or dt.date.max
    return a_from <= b_until and b_from <= a_until


def overlapping(candidate: Block, others: Iterable[Block]) -> Block | None:
    """The first of ``others`` that shares time with ``candidate`` on some day, or ``None``."""
    for other in others:
        if _days_overlap(candidate, other) and _times_overlap(candidate, other):
            return other
    return None


def overlap_error(other: Block) -> ApplicationError:
    message = f"Ce créneau chevauche une disponibilité déjà déclarée : {other.label()}. Modifiez-la plutôt."
    return ApplicationError(
        message, code="overlapping_availability", extra={"fields": {"start_time": [message]}}
    )


def union_seconds(intervals: Iterable[tuple[dt.datetime, dt.datetime]]) -> float:
    """Seconds covered by the union of ``intervals`` (Monday 18–20 and 19–21: 3 h, not 4 h)."""
    total, current_start, current_end = 0.0, None, None
    for start, end in sorted(intervals):
        if current_end is None or start > current_end:
            if current_end is not None:
                total += (current_end - current_start).total_seconds()
            current_start, current_end = start, end
        else:
            current_end = max(current_end, end)
    if current_end is not None:
        total += (current_end - current_start).total_seconds()
    return total
