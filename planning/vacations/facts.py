"""Facts and statistics of done vacations (issue 11 §9; DOMAIN.md §5 indicators, §7 pay).

``vacation_facts`` is the interface ``remuneration`` reads (exported by ``planning.selectors``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from planning.vacations.enums import VacationState
from planning.vacations.models import Vacation
from planning.vacations.policies import PARIS, hours_between


@dataclass(frozen=True)
class VacationFact:
    vacation_id: int
    structure_id: int
    professional_id: int
    rpps: str
    starts_at: datetime
    ends_at: datetime
    hours: Decimal
    patients_seen: int
    patients_from_sas: int
    state: str


def vacation_facts(*, start: date, end: date, structure_ids: list[int] | None = None) -> list[VacationFact]:
    """Confirmed vacations (done or not done) starting on [start, end] (inclusive, Paris days),
    ordered by start. ``hours`` is the real elapsed time (right across clock changes); ``rpps`` is
    the professional's national identifier (RPPS, or ADELI for professions without one)."""
    low = datetime.combine(start, time.min, tzinfo=PARIS)
    high = datetime.combine(end + timedelta(days=1), time.min, tzinfo=PARIS)
    qs = Vacation.objects.filter(
        state__in=[VacationState.DONE, VacationState.NOT_DONE], starts_at__gte=low, starts_at__lt=high
    )
    if structure_ids is not None:
        qs = qs.filter(planning__structure_id__in=structure_ids)
    rows = qs.order_by("starts_at", "id").values_list(
        "pk", "planning__structure_id", "assignee_id", "assignee__identifier", "starts_at", "ends_at",
        "patients_seen", "patients_from_sas", "state",
    )  # fmt: skip
    return [
        VacationFact(
            vacation_id=pk,
            structure_id=structure_id,
            professional_id=professional_id,
            rpps=identifier,
            starts_at=s,
            ends_at=e,
            hours=hours_between(s, e),
            patients_seen=seen or 0,
            patients_from_sas=from_sas or 0,
            state=state,
        )
        for pk, structure_id, professional_id, identifier, s, e, seen, from_sas, state in rows
    ]


def statistics(*, planning, start: date, end: date) -> list[dict]:
    """Per professional, group and month: vacations done / not done, hours, patients (SAS or not)."""
    low = datetime.combine(start, time.min, tzinfo=PARIS)
    high = datetime.combine(end + timedelta(days=1), time.min, tzinfo=PARIS)
    rows = Vacation.objects.filter(
        planning=planning, state__in=[VacationState.DONE, VacationState.NOT_DONE], starts_at__gte=low, starts_at__lt=high
    ).values_list(
        "assignee__identifier", "assignee__last_name", "assignee__first_name", "group__name", "starts_at",
        "ends_at", "state", "patients_seen", "patients_from_sas",
    )  # fmt: skip
    table: dict = defaultdict(
        lambda: {"done": 0, "not_done": 0, "hours": Decimal("0"), "patients": 0, "sas": 0}
    )
    for rpps, last, first, group, s, e, state, seen, sas in rows:
        key = (f"{s.astimezone(PARIS):%Y-%m}", rpps, f"{last} {first}".strip(), group or "")
        line = table[key]
        if state == VacationState.DONE:
            line["done"] += 1
            line["hours"] += hours_between(s, e)
            line["patients"] += seen or 0
            line["sas"] += sas or 0
        else:
            line["not_done"] += 1
    return [
        {
            "month": month,
            "rpps": rpps,
            "name": name,
            "group": group,
            "done": v["done"],
            "not_done": v["not_done"],
            "hours": v["hours"],
            "patients": v["patients"],
            "patients_from_sas": v["sas"],
            "patients_other": v["patients"] - v["sas"],
        }
        for (month, rpps, name, group), v in sorted(table.items())
    ]
