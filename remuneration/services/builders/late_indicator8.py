"""Indicator 8 of a locked year, corrected afterwards (issue 12 §3; DOMAIN.md §7.1, §4).

Indicator 8 is a yearly forfait (1,400 €, no pro-rata): what can change after the lock is whether
a doctor met it. The next computed year of the territory rebuilds the locked year from the facts as
they are now (:mod:`.late`) and adjusts a doctor's line, ``indicator8:<rpps>@<year>``, made once:

- a doctor **paid** whose participation declarations for that year were corrected afterwards (the
  declarations recorded on the locked line, clipped to the year, differ from today's) so that none
  of the months met at the lock (``why.months_met``: declared and visible then) is declared any
  more → −1,400 €, pointing to the locked line. The visibility stays as it was established at the
  lock: only the declaration condition is re-read;
- a doctor **absent** from the locked bordereau with a declaration for that year recorded after the
  lock, who meets the indicator now (declarations and evidence as they are today) → +1,400 €,
  « absente du bordereau <year> ».

A change of the visibility evidence alone (declared availability blocks, interfaced agenda) makes
no adjustment: planning edits a block in place and removes it without a date, and the interfaced
agendas are today's list, so the hours of a past year read today cannot tell a correction from a
change made later for later weeks (a doctor stopping a block in 2026 would "lose" 2025). Paying or
taking back 1,400 € on that would be wrong; it needs planning to keep dated history. Likewise an
old declaration edited in place for a doctor who was not paid is not seen (no ``updated_at``).
A paid doctor's ending a declaration in a later year does not count as a change (clipped to the year).
The indicator is read with the barème in force now for that year; a doctor still paid is never
adjusted (a forfait: no pro-rata, and a barème revision is not a fact).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from cpts.selectors.pay import participants_declared_since, participants_of_territory
from remuneration.enums import BordereauKind
from remuneration.models import BordereauLine
from remuneration.rules.indicator8 import declared_months
from remuneration.rules.periods import period_parse
from remuneration.services.builders._common import Context, Draft, LineData
from remuneration.services.builders.late import locked_before, period_adjustments, rebuilt
from sas_platform.models import SasTerritory

KIND = BordereauKind.INDICATOR_8


def territory_opened_on(code: str) -> dt.date | None:
    return SasTerritory.objects.filter(pk=code).values_list("opened_on", flat=True).first()


def _clipped(declarations, year: int) -> tuple:
    """``(first day, last day, mode)`` of each declaration within ``year``, sorted."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return tuple(
        sorted((max(start, first), min(end or last, last), mode) for start, end, mode in declarations)
    )


def _recorded(line: BordereauLine) -> list[tuple]:
    """The declarations a locked line recorded in its facts (``{"declaration": [start, end, mode]}``)."""
    result = []
    for fact in line.facts or ():
        start, end, mode = fact["declaration"]
        result.append((dt.date.fromisoformat(start), dt.date.fromisoformat(end) if end else None, mode))
    return result


def _lost(paid, now: dict, year: int, opened_on) -> set[str]:
    """RPPS of the paid doctors whose corrected declarations no longer cover a month met at the lock."""
    lost = set()
    for line in paid:
        declarations = now.get(line.identifier, ())
        if _clipped(_recorded(line), year) == declarations:
            continue
        months = declared_months(year, [(first, last) for first, last, _mode in declarations], opened_on)
        if not months & set(line.why.get("months_met", ())):
            lost.add(line.identifier)
    return lost


def indicator8_late(ctx: Context, rebuild: Callable[[Context], Draft]) -> list[LineData]:
    """Adjustment lines for the locked earlier years whose declarations changed (module docstring)."""
    result: list[LineData] = []
    opened_on = None
    for bordereau in locked_before(ctx, KIND):
        opened_on = opened_on or territory_opened_on(ctx.territory)
        old = period_parse(KIND, bordereau.period)
        since = bordereau.locked_at or bordereau.computed_at
        if since is None:
            continue
        year = old.first_day.year
        now = {
            p.rpps: _clipped([(d.start, d.end, d.mode) for d in p.declarations], year)
            for p in participants_of_territory(
                departement=ctx.territory, start=old.first_day, end=old.last_day
            )
        }
        paid = list(bordereau.lines.filter(corrects__isnull=True, fact_key__startswith="indicator8:"))
        lost = _lost(paid, now, year, opened_on)
        late = participants_declared_since(
            departement=ctx.territory, start=old.first_day, end=old.last_day, since=since
        ) - {line.identifier for line in paid}
        if not lost and not late:
            continue  # nothing a declaration decides changed: the year is not rebuilt
        now_lines = [line for line in rebuilt(ctx, old, rebuild) if line.identifier in late] if late else []

        def keep(key: str, paid_line, now_line, lost=lost, late=late) -> bool:
            return key.split(":", 1)[1] in (lost if paid_line is not None else late)

        result.extend(period_adjustments(ctx, KIND, bordereau, now_lines, keep))
    return result
