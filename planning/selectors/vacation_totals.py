"""Done vacations per structure, aggregated in SQL (DOMAIN.md §5: a CPTS's "number of SNP
vacations done"; seed 002 "statistiques des vacations effectuées"). Read by ``remuneration`` for the
CPTS indicators and the ACI variable part (§7.6); the per-vacation facts stay
:func:`planning.vacations.facts.vacation_facts`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count, DurationField, ExpressionWrapper, F, Sum

from planning.vacations.enums import VacationState
from planning.vacations.models import Vacation
from planning.vacations.policies import PARIS


@dataclass(frozen=True)
class VacationTotals:
    """One structure's confirmed vacations starting in a period (Paris days)."""

    done: int = 0
    not_done: int = 0
    hours: Decimal = Decimal("0.00")
    patients_seen: int = 0
    patients_from_sas: int = 0


def vacation_totals_by_structure(*, structure_ids, start: date, end: date) -> dict[int, VacationTotals]:
    """Per structure (every id asked, zeros included): vacations done / not done starting on
    ``[start, end]`` (inclusive Paris days), hours done (real elapsed time, as
    :func:`~planning.vacations.policies.hours_between`), patients seen and sent by the SAS. One query."""
    ids = list(structure_ids)
    low = datetime.combine(start, time.min, tzinfo=PARIS)
    high = datetime.combine(end + timedelta(days=1), time.min, tzinfo=PARIS)
    rows = (
        Vacation.objects.filter(
            planning__structure_id__in=ids,
            state__in=[VacationState.DONE, VacationState.NOT_DONE],
            starts_at__gte=low,
            starts_at__lt=high,
        )
        .values("planning__structure_id", "state")
        .annotate(
            n=Count("id"),
            seen=Sum("patients_seen"),
            sas=Sum("patients_from_sas"),
            length=Sum(ExpressionWrapper(F("ends_at") - F("starts_at"), output_field=DurationField())),
        )
        .order_by()
    )
    acc = {pk: {"done": 0, "not_done": 0, "hours": Decimal(0), "seen": 0, "sas": 0} for pk in ids}
    for row in rows:
        entry = acc[row["planning__structure_id"]]
        if row["state"] == VacationState.DONE:
            entry["done"] += row["n"]
            seconds = int(row["length"].total_seconds()) if row["length"] else 0
            entry["hours"] += Decimal(seconds) / Decimal(3600)
            entry["seen"] += row["seen"] or 0
            entry["sas"] += row["sas"] or 0
        else:
            entry["not_done"] += row["n"]
    return {
        pk: VacationTotals(
            done=v["done"],
            not_done=v["not_done"],
            hours=v["hours"].quantize(Decimal("0.01")),
            patients_seen=v["seen"],
            patients_from_sas=v["sas"],
        )
        for pk, v in acc.items()
    }
