"""Pay facts for `remuneration`, read-only and as plain data (DOMAIN.md §7.2-§7.5; issue 12).

A public selector module of its own (``selectors.py`` is being split by theme): remuneration reads
acts, shifts and surnuméraire answers only through these functions, never through the models.
The time rules (48 h, PDSA hours: DOMAIN.md §3.4) stay regulation's: they are re-exported here
so pay applies exactly the rules the desk recorded with.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from regulation import policies
from regulation.enums import RequestStatus
from regulation.models import ActFact, RegulatorShift, SurnumeraireRequest
from regulation.selectors import pdsa_schedule_for

PdsaSchedule = policies.PdsaSchedule
is_pdsa_time = policies.is_pdsa_time
SNP_WINDOW = policies.SNP_WINDOW
PARIS = ZoneInfo("Europe/Paris")

__all__ = [
    "SNP_WINDOW",
    "ActPayFact",
    "PdsaSchedule",
    "ShiftPayFact",
    "act_pay_facts",
    "acts_of_structures",
    "is_pdsa_time",
    "pdsa_schedule_for",
    "sas_minutes_by_day",
    "shift_pay_facts",
    "shifts_current_of_lineages",
    "structure_requests_ended_in_appointment",
]


@dataclass(frozen=True)
class ActPayFact:
    """One act's pay facts (``regulation.models.ActFact``), as recorded when its outcome was known."""

    id: int
    territory: str
    rpps: str
    doctor_name: str
    professional_id: int | None
    structure_id: int | None
    regulated_at: dt.datetime
    appointment_start: dt.datetime | None
    outcome: str
    is_surnumeraire: bool
    is_treating_doctor: bool
    within_48h: bool
    outside_pdsa: bool


_ACT_FIELDS = (
    "id",
    "territory_id",
    "rpps",
    "doctor_name",
    "professional_id",
    "structure_id",
    "regulated_at",
    "appointment_start",
    "outcome",
    "is_surnumeraire",
    "is_treating_doctor",
    "within_48h",
    "outside_pdsa",
)


def act_pay_facts(
    *,
    territory_code: str,
    start: dt.datetime,
    end: dt.datetime,
    surnumeraire_only: bool = False,
    rpps: str | None = None,
) -> list[ActPayFact]:
    """Acts of the territory whose appointment starts in ``[start, end)`` (aware), oldest first."""
    qs = ActFact.objects.filter(
        territory_id=territory_code, appointment_start__gte=start, appointment_start__lt=end
    )
    if surnumeraire_only:
        qs = qs.filter(is_surnumeraire=True)
    if rpps is not None:
        qs = qs.filter(rpps=rpps)
    rows = qs.order_by("appointment_start", "id").values_list(*_ACT_FIELDS)
    return [ActPayFact(*row) for row in rows.iterator(chunk_size=5000)]


@dataclass(frozen=True)
class ShiftPayFact:
    """The current version of a regulator's shift (DOMAIN.md §7.5), SAS and PDSA minutes split."""

    id: int
    lineage: uuid.UUID
    version: int
    territory: str
    regulator_id: int
    rpps: str
    last_name: str
    first_name: str
    start: dt.datetime
    end: dt.datetime | None
    sas_minutes: int
    pdsa_minutes: int
    cancelled: bool


_SHIFT_FIELDS = (
    "id",
    "lineage",
    "version",
    "territory_id",
    "regulator_id",
    "regulator__rpps",
    "regulator__last_name",
    "regulator__first_name",
    "start",
    "end",
    "sas_minutes",
    "pdsa_minutes",
    "cancelled",
)


def shift_pay_facts(*, territory_code: str, start: dt.datetime, end: dt.datetime) -> list[ShiftPayFact]:
    """Current versions of the shifts starting in ``[start, end)``, open ones included (an anomaly)."""
    rows = (
        RegulatorShift.objects.filter(
            territory_id=territory_code, is_current=True, start__gte=start, start__lt=end
        )
        .order_by("start", "id")
        .values_list(*_SHIFT_FIELDS)
    )
    return [ShiftPayFact(*row) for row in rows]


def shifts_current_of_lineages(*, lineages) -> dict[uuid.UUID, ShiftPayFact]:
    """The current version of each shift lineage (for adjustments after a lock)."""
    rows = RegulatorShift.objects.filter(lineage__in=list(lineages), is_current=True).values_list(
        *_SHIFT_FIELDS
    )
    return {row[1]: ShiftPayFact(*row) for row in rows}


def sas_minutes_by_day(
    *, start: dt.datetime, end: dt.datetime, schedule: PdsaSchedule
) -> list[tuple[dt.date, int]]:
    """SAS minutes (outside PDSA hours) of a shift per Paris calendar day, so each day is paid at
    the rate in force on that day (a shift over midnight, or across a change of rate)."""
    result: list[tuple[dt.date, int]] = []
    cursor = start
    while cursor < end:
        local = cursor.astimezone(PARIS)
        midnight = dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time(0, 0), tzinfo=PARIS)
        piece_end = min(end, midnight)
        sas, _pdsa = policies.split_on_duty_minutes(cursor, piece_end, schedule)
        if sas:
            result.append((local.date(), sas))
        cursor = piece_end
    return result


def structure_requests_ended_in_appointment(
    *, structure_ids, start: dt.datetime, end: dt.datetime
) -> dict[int, dict[str, int]]:
    """Per structure: SAS requests addressed to it in ``[start, end)`` and those accepted with a
    doctor who takes the patient (DOMAIN.md §5 indicator "SAS requests that ended in an appointment")."""
    result: dict[int, dict[str, int]] = {pk: {"asked": 0, "appointment": 0} for pk in structure_ids}
    rows = SurnumeraireRequest.objects.filter(
        structure_id__in=list(structure_ids), asked_at__gte=start, asked_at__lt=end
    ).values_list("structure_id", "status")
    for structure_id, status in rows:
        result[structure_id]["asked"] += 1
        result[structure_id]["appointment"] += status == RequestStatus.ACCEPTED
    return result


def acts_of_structures(*, structure_ids, start: dt.datetime, end: dt.datetime) -> list[ActPayFact]:
    """Acts taken through given structures (a CPTS's SNP consultations: DOMAIN.md §5), in ``[start, end)``."""
    rows = (
        ActFact.objects.filter(
            structure_id__in=list(structure_ids), appointment_start__gte=start, appointment_start__lt=end
        )
        .order_by("appointment_start", "id")
        .values_list(*_ACT_FIELDS)
    )
    return [ActPayFact(*row) for row in rows]
