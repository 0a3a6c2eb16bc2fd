"""Vacations from weekly templates over a period, as a pure function (issue 11 §2).

Public holidays come from the ``holidays`` package (France; DOMAIN.md §3.4) and are skipped unless
the template says otherwise; closure days of the planning are always skipped. Local times are
Europe/Paris and become aware datetimes; a template whose end is not after its start ends the next
day (a night). Durations are computed in UTC, so on the October clock change a 14:00–18:00
vacation lasts 4 h and a 20:00–08:00 night across it 13 h.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import holidays as holidays_lib

from planning.vacations.policies import PARIS


@dataclass(frozen=True)
class TemplateSpec:
    id: int
    weekday: int
    start_time: time
    end_time: time
    count: int = 1
    on_holidays: bool = False


@dataclass(frozen=True)
class Occurrence:
    template_id: int
    sequence: int
    start: datetime  # aware, UTC
    end: datetime


def french_holidays(start: date, end: date, *, subdiv: str | None = None) -> set[date]:
    """Public holidays of France between ``start`` and ``end`` (inclusive); ``subdiv`` "57", "67"
    or "68" adds Alsace-Moselle's days."""
    years = range(start.year, end.year + 1)
    calendar = holidays_lib.France(years=years, subdiv=subdiv) if subdiv else holidays_lib.France(years=years)
    return {day for day in calendar if start <= day <= end}


def paris_instant(day: date, moment: time) -> datetime:
    """The aware instant of a Paris wall-clock time, in UTC (a time skipped in spring is read as
    the summer one, an ambiguous one in autumn as the first)."""
    return datetime.combine(day, moment, tzinfo=PARIS).astimezone(UTC)


def occurrences(
    templates: Sequence[TemplateSpec],
    *,
    start: date,
    end: date,
    holidays: Iterable[date] = (),
    closures: Iterable[date] = (),
) -> list[Occurrence]:
    """Every occurrence of the templates on the days of [start, end] (inclusive), in order."""
    if end < start:
        raise ValueError("La fin de la période précède son début.")
    holiday_set, closure_set = set(holidays), set(closures)
    found = []
    day = start
    while day <= end:
        if day not in closure_set:
            for template in templates:
                if template.weekday != day.weekday():
                    continue
                if day in holiday_set and not template.on_holidays:
                    continue
                begin = paris_instant(day, template.start_time)
                finish_day = day if template.end_time > template.start_time else day + timedelta(days=1)
                finish = paris_instant(finish_day, template.end_time)
                for sequence in range(template.count):
                    found.append(Occurrence(template.id, sequence, begin, finish))
        day += timedelta(days=1)
    return sorted(found, key=lambda o: (o.start, o.template_id, o.sequence))
