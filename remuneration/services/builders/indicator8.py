"""Indicator 8, yearly (DOMAIN.md §7.1, §4): participation declarations (cpts) and visibility
evidence (planning: interfaced agenda, or ≥ 2 h declared per week); adjustments for a locked year
whose declarations were corrected afterwards (:mod:`.late_indicator8`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from cpts.selectors.pay import participants_of_territory
from planning.selectors import interfaced_rpps
from planning.selectors.pay import weekly_declared_hours
from remuneration.rules.indicator8 import WeekEvidence, indicator8
from remuneration.selectors.baremes import bareme_rows, pick_row
from remuneration.services.builders._common import Context, Draft, LineData
from remuneration.services.builders.late_indicator8 import indicator8_late
from sas_platform.models import SasTerritory


def year_mondays(year: int) -> list[dt.date]:
    day = dt.date(year, 1, 1)
    day += dt.timedelta(days=(7 - day.weekday()) % 7)
    mondays = []
    while day.year == year:
        mondays.append(day)
        day += dt.timedelta(days=7)
    return mondays


def indicator8_for(*, participants, year: int, sas_opened_on, amount):
    """``[(participant, weeks, result)]`` for doctors of a territory (shared with the proof export)."""
    mondays = year_mondays(year)
    hours = weekly_declared_hours(
        professional_ids=[p.professional_id for p in participants], week_starts=mondays
    )
    interfaced = interfaced_rpps()
    results = []
    for participant in participants:
        own = hours.get(participant.professional_id, [Decimal(0)] * len(mondays))
        weeks = [
            WeekEvidence(m, h, participant.rpps in interfaced) for m, h in zip(mondays, own, strict=True)
        ]
        declarations = [(d.start, d.end) for d in participant.declarations]
        result = indicator8(
            year=year, declarations=declarations, weeks=weeks, sas_opened_on=sas_opened_on, amount=amount
        )
        results.append((participant, weeks, result))
    return results


def build_indicator8(ctx: Context) -> Draft:
    year = ctx.period.first_day.year
    row = pick_row(bareme_rows("indicator8"), "indicator8", ctx.period.last_day)
    territory = SasTerritory.objects.filter(pk=ctx.territory).first()
    participants = participants_of_territory(
        departement=ctx.territory, start=ctx.period.first_day, end=ctx.period.last_day
    )
    ctx.tick(0, len(participants))
    draft = Draft()
    for participant, _weeks, result in indicator8_for(
        participants=participants,
        year=year,
        sas_opened_on=territory.opened_on if territory else None,
        amount=row.amount,
    ):
        if not result.eligible:
            continue
        draft.lines.append(
            LineData(
                identifier_type="RPPS",
                identifier=participant.rpps,
                last_name=participant.last_name,
                first_name=participant.first_name,
                label=f"Indicateur 8 – participation au SAS {year}",
                fact_date=ctx.period.last_day,
                quantity=Decimal(1),
                unit="forfait annuel",
                unit_amount=row.amount,
                amount=result.amount,
                fact_key=f"indicator8:{participant.rpps}",
                facts=[
                    {"declaration": [d.start.isoformat(), d.end.isoformat() if d.end else None, d.mode]}
                    for d in participant.declarations
                ],
                why={
                    "months_met": list(result.months_met),
                    "weeks_visible": result.weeks_visible,
                    "reasons": list(result.reasons),
                    "rule": "DOMAIN.md §7.1 (pas de prorata)",
                },
                provisional=row.provisional,
            )
        )
    if ctx.adjustments:
        draft.lines.extend(indicator8_late(ctx, build_indicator8))
    ctx.tick(len(participants), len(participants))
    return draft
