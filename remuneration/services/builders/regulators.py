"""Regulators' bordereau, monthly (DOMAIN.md §7.5): one line per shift and day, at the day's rate;
adjustment lines for shifts corrected after their month was locked."""

from __future__ import annotations

import uuid
from collections import defaultdict

from regulation.selectors.pay import (
    pdsa_schedule_for,
    sas_minutes_by_day,
    shift_pay_facts,
    shifts_current_of_lineages,
)
from remuneration.enums import LOCKED_STATUSES, BordereauKind
from remuneration.models import BordereauLine
from remuneration.money import ZERO, quantize_eur
from remuneration.rules.periods import PARIS
from remuneration.rules.regulators import shift_anomalies, shift_pay
from remuneration.selectors.baremes import bareme_rows, gap_error
from remuneration.services.builders._common import Context, Draft, LineData


def _label(shift) -> str:
    start, end = shift.start.astimezone(PARIS), shift.end.astimezone(PARIS)
    return f"Garde du {start:%d/%m/%Y} {start:%H:%M}–{end:%H:%M}" + (
        f" (fin le {end:%d/%m})" if end.date() != start.date() else ""
    )


def _shift_lines(shift, schedule, rows, *, prefix: str = "") -> list[LineData]:
    if shift.cancelled or shift.end is None:
        return []
    days = sas_minutes_by_day(start=shift.start, end=shift.end, schedule=schedule)
    lines = []
    for pay in shift_pay(day_minutes=days, rows=rows, gap_error=gap_error):
        lines.append(
            LineData(
                identifier_type="RPPS",
                identifier=shift.rpps,
                last_name=shift.last_name,
                first_name=shift.first_name,
                label=prefix + _label(shift),
                fact_date=pay.day,
                quantity=pay.hours,
                unit="heure",
                unit_amount=pay.rate,
                amount=pay.amount,
                fact_key=f"shift:{shift.lineage}",
                facts=[{"shift": shift.id, "version": shift.version, "minutes": pay.minutes}],
                why={
                    "sas_minutes": shift.sas_minutes,
                    "pdsa_minutes": shift.pdsa_minutes,
                    "pdsa": shift.pdsa_minutes > 0,
                    "rate_bareme": pay.bareme_id,
                    "rule": "DOMAIN.md §7.5 : heures SAS hors PDSA × taux en vigueur le jour",
                },
                provisional=pay.provisional,
            )
        )
    return lines


def _paid_before(ctx: Context) -> dict[uuid.UUID, list[BordereauLine]]:
    """Lines of earlier regulators' bordereaux of the territory, by shift lineage, for the lineages
    that sit on a locked bordereau (what was paid, or is being regularised)."""
    lines = (
        BordereauLine.objects.filter(
            bordereau__kind=BordereauKind.REGULATORS,
            bordereau__territory_id=ctx.territory,
            bordereau__period__lt=ctx.period.code,
            fact_key__startswith="shift:",
        )
        .select_related("bordereau")
        .order_by("bordereau__period", "position")
    )
    grouped: dict[uuid.UUID, list[BordereauLine]] = defaultdict(list)
    for line in lines:
        grouped[uuid.UUID(line.fact_key.split(":", 1)[1])].append(line)
    return {k: v for k, v in grouped.items() if any(line.bordereau.status in LOCKED_STATUSES for line in v)}


def _adjustments(ctx: Context, schedule, rows) -> tuple[list[LineData], set[uuid.UUID]]:
    paid = _paid_before(ctx)
    current = shifts_current_of_lineages(lineages=paid.keys())
    result = []
    for lineage, lines in paid.items():
        shift = current.get(lineage)
        paid_ids = {fact.get("shift") for line in lines for fact in line.facts}
        if shift is None or shift.id in paid_ids:
            continue
        new_lines = _shift_lines(shift, schedule, rows)
        new_amount = sum((line.amount for line in new_lines), ZERO)
        new_hours = sum((line.quantity for line in new_lines), ZERO)
        paid_amount = sum((line.amount for line in lines), ZERO)
        paid_hours = sum((line.quantity for line in lines), ZERO)
        last = lines[-1]
        rate = new_lines[0].unit_amount if new_lines else last.unit_amount
        result.append(
            LineData(
                identifier_type="RPPS",
                identifier=shift.rpps,
                last_name=shift.last_name,
                first_name=shift.first_name,
                label=f"Régularisation : {'garde annulée' if shift.cancelled else _label(shift)} "
                f"(corrige la ligne {last.position} du bordereau {last.bordereau.period})",
                fact_date=new_lines[0].fact_date if new_lines else last.fact_date,
                quantity=new_hours - paid_hours,
                unit="heure",
                unit_amount=rate,
                amount=quantize_eur(new_amount - paid_amount),
                fact_key=f"shift:{lineage}",
                facts=[
                    {
                        "shift": shift.id,
                        "version": shift.version,
                        "replaces": sorted(i for i in paid_ids if i),
                    }
                ],
                why={
                    "paid": str(paid_amount),
                    "now": str(new_amount),
                    "rule": "Fait corrigé après verrouillage : régularisation",
                },
                provisional=any(line.provisional for line in new_lines),
                corrects_id=last.pk,
            )
        )
    return result, set(paid)


def build_regulators(ctx: Context) -> Draft:
    schedule = pdsa_schedule_for(territory_code=ctx.territory)
    rows = bareme_rows("regulator_hour")
    shifts = shift_pay_facts(territory_code=ctx.territory, start=ctx.period.start, end=ctx.period.end)
    adjustments, already_paid = _adjustments(ctx, schedule, rows)
    draft = Draft(anomalies=shift_anomalies(shifts))
    for index, shift in enumerate(shifts):
        if shift.lineage in already_paid:
            continue  # paid on a locked bordereau: only an adjustment can change it
        if not shift.rpps and not shift.cancelled:
            draft.anomalies.append(
                {
                    "code": "regulator_without_rpps",
                    "message": f"Régulateur sans RPPS : {shift.first_name} {shift.last_name}.",
                    "facts": [f"shift:{shift.id}"],
                }
            )
        draft.lines.extend(_shift_lines(shift, schedule, rows))
        if index % 200 == 0:
            ctx.tick(index, len(shifts))
    draft.lines.sort(
        key=lambda line: (line.last_name, line.first_name, line.identifier, line.fact_date, line.label)
    )
    draft.lines.extend(adjustments)
    return draft


__all__ = ["build_regulators"]
