"""Declared availability for `remuneration`, in bulk (DOMAIN.md §4 condition 1, §7.1).

The bulk twin of :func:`planning.selectors.declared_hours_by_professional` for a whole year of
weeks and thousands of doctors: one query, then date arithmetic per block (no per-week time-zone
conversion). Hours are wall-clock durations of each occurrence (a block across the night of a
change of clock would count its nominal length).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from planning.enums import AvailabilityKind
from planning.models import DeclaredAvailability


def _duration_hours(start: dt.time, end: dt.time) -> Decimal:
    seconds = (
        dt.datetime.combine(dt.date.min, end) - dt.datetime.combine(dt.date.min, start)
    ).total_seconds()
    return Decimal(int(seconds)) / Decimal(3600)


def weekly_declared_hours(*, professional_ids, week_starts: list[dt.date]) -> dict[int, list[Decimal]]:
    """``{professional id: [hours declared in each week of week_starts]}``, only for professionals who
    declared blocks (others: no key, i.e. 0 every week)."""
    index = {week: i for i, week in enumerate(week_starts)}
    result: dict[int, list[Decimal]] = {}
    blocks = DeclaredAvailability.objects.filter(
        professional_id__in=list(professional_ids), is_active=True
    ).values_list(
        "professional_id", "kind", "weekday", "date", "valid_from", "valid_until", "start_time", "end_time"
    )
    for pk, kind, weekday, date, valid_from, valid_until, start, end in blocks.iterator(chunk_size=5000):
        hours = _duration_hours(start, end)
        weeks = result.setdefault(pk, [Decimal(0)] * len(week_starts))
        if kind == AvailabilityKind.ONE_OFF:
            days = [date] if date else []
        else:
            days = [week + dt.timedelta(days=weekday) for week in week_starts]
        for day in days:
            if day < valid_from or (valid_until and day > valid_until):
                continue
            week = day - dt.timedelta(days=day.weekday())
            if week in index:
                weeks[index[week]] += hours
    return {pk: [h.quantize(Decimal("0.01")) for h in weeks] for pk, weeks in result.items()}
