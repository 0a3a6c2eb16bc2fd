"""Pay facts for `remuneration`, read-only and as plain data (DOMAIN.md §7.2-§7.5; issue 12).

A public selector module of its own (``selectors.py`` is being split by theme): remuneration reads
acts, shifts and surnuméraire answers only through these functions, never through the models.
The time rules (48 h, PDSA hours: DOMAIN.md §3.4) stay regulation's: they are re-exported here
so pay applies exactly the rules the desk recorded with.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple
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
    "ActWeekGroup",
    "PdsaSchedule",
    "ShiftPayFact",
    "SurnumeraireGroup",
    "act_pay_facts",
    "act_week_groups",
    "acts_changed_since",
    "acts_of_structures",
    "is_pdsa_time",
    "pdsa_schedule_for",
    "sas_minutes_by_day",
    "shift_pay_facts",
    "shifts_current_of_lineages",
    "structure_requests_ended_in_appointment",
    "surnumeraire_groups",
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


def acts_changed_since(
    *, territory_code: str, start: dt.datetime, end: dt.datetime, since: dt.datetime
) -> bool:
    """Whether an act of ``[start, end)`` was recorded or corrected after ``since`` (a bordereau's
    lock): then remuneration recomputes that period and pays the difference (issue 12 §3)."""
    from django.db.models import Q

    return ActFact.objects.filter(
        Q(recorded_at__gt=since) | Q(corrected_at__gt=since),
        territory_id=territory_code,
        appointment_start__gte=start,
        appointment_start__lt=end,
    ).exists()


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


# --- Grouped pay facts in one SQL pass (PostgreSQL; ``None`` elsewhere: callers go act by act) ---


class ActWeekGroup(NamedTuple):
    """The acts of one doctor (MT or not) in one ISO week (Paris), classified as DOMAIN.md §7.3-§7.4
    say, with exactly the rules of :func:`policies.is_pdsa_time` and :data:`SNP_WINDOW` in SQL (a
    named tuple: tens of thousands a month, made straight from the rows)."""

    rpps: str
    is_treating_doctor: bool
    week: str
    last_name: str
    first_name: str
    doctor_name: str
    eligible_ids: Sequence[int]  # seen, ≤ 48 h after regulation, outside PDSA: by appointment time
    she_ids: Sequence[int]  # seen, ≤ 48 h, not the MT, 19:00-21:00
    not_seen: int
    late: int
    in_pdsa: int


def _pdsa_params(schedule: PdsaSchedule, years: range) -> list:
    """Parameters of the SQL twin of :func:`policies.is_pdsa_time` in :data:`ACT_WEEK_GROUPS_SQL`."""
    holidays = sorted(
        {d for year in years for d in policies._french_holidays(year, schedule.alsace_moselle)}
        | set(schedule.bridge_days)
    )
    return [schedule.day_start, schedule.night_start, holidays, schedule.saturday_start]


#: Acts grouped by doctor, MT flag and ISO week (Paris). ``pdsa`` is the SQL twin of
#: :func:`policies.is_pdsa_time`: every night, Sundays and public holidays, Saturday afternoons.
ACT_WEEK_GROUPS_SQL = """
    WITH a AS (
        SELECT f.id, f.rpps, f.is_treating_doctor, f.outcome = 'fulfilled' AS seen, f.doctor_name,
               f.professional_id, f.appointment_start,
               f.appointment_start AT TIME ZONE 'Europe/Paris' AS local,
               f.appointment_start - f.regulated_at BETWEEN interval '0' AND %s AS within
        FROM regulation_actfact f
        WHERE f.territory_id = %s AND f.appointment_start >= %s AND f.appointment_start < %s
    ), b AS (
        SELECT a.*, (local::time < %s OR local::time >= %s OR extract(isodow FROM local) = 7
                     OR local::date = ANY(%s) OR (extract(isodow FROM local) = 6 AND local::time >= %s)) AS pdsa
        FROM a
    )
    SELECT b.rpps, b.is_treating_doctor, to_char(b.local, 'IYYY-"W"IW') AS week,
           coalesce(max(p.last_name), ''), coalesce(max(p.first_name), ''), coalesce(max(b.doctor_name), ''),
           coalesce(array_agg(b.id ORDER BY b.appointment_start, b.id)
                    FILTER (WHERE b.seen AND b.within AND NOT b.pdsa), '{}'),
           coalesce(array_agg(b.id ORDER BY b.appointment_start, b.id) FILTER (
               WHERE b.seen AND b.within AND NOT b.is_treating_doctor
               AND b.local::time >= '19:00' AND b.local::time < '21:00'), '{}'),
           count(*) FILTER (WHERE NOT b.seen), count(*) FILTER (WHERE b.seen AND NOT b.within),
           count(*) FILTER (WHERE b.seen AND b.within AND b.pdsa)
    FROM b LEFT JOIN cpts_professional p ON p.id = b.professional_id
    GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
"""


def act_week_groups(
    *, territory_code: str, start: dt.datetime, end: dt.datetime, schedule: PdsaSchedule
) -> list[ActWeekGroup] | None:
    """Acts of ``[start, end)`` grouped by doctor, MT flag and ISO week in one query (PostgreSQL)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        params = [
            SNP_WINDOW,
            territory_code,
            start,
            end,
            *_pdsa_params(schedule, range(start.year, end.year + 1)),
        ]
        cursor.execute(ACT_WEEK_GROUPS_SQL, params)
        rows = cursor.fetchall()
    return list(map(ActWeekGroup._make, rows))


@dataclass(frozen=True)
class SurnumeraireGroup:
    rpps: str
    structure_id: int | None
    last_name: str
    first_name: str
    doctor_name: str
    ids: tuple[int, ...]


def surnumeraire_groups(
    *, territory_code: str, start: dt.datetime, end: dt.datetime
) -> list[SurnumeraireGroup]:
    """Surnuméraire acts whose patient was seen, per doctor and structure (DOMAIN.md §7.2), in SQL."""
    from django.db import connection
    from django.db.models import Max

    qs = ActFact.objects.filter(
        territory_id=territory_code,
        appointment_start__gte=start,
        appointment_start__lt=end,
        is_surnumeraire=True,
        outcome="fulfilled",
    )
    if connection.vendor == "postgresql":
        from django.contrib.postgres.aggregates import ArrayAgg

        rows = (
            qs.values("rpps", "structure_id")
            .annotate(
                last=Max("professional__last_name"),
                first=Max("professional__first_name"),
                name=Max("doctor_name"),
                ids=ArrayAgg("id", order_by=("appointment_start", "id")),
            )
            .order_by("rpps", "structure_id")
        )
        return [
            SurnumeraireGroup(
                r["rpps"],
                r["structure_id"],
                r["last"] or "",
                r["first"] or "",
                r["name"] or "",
                tuple(r["ids"]),
            )
            for r in rows
        ]
    grouped: dict[tuple, list] = {}
    for row in qs.order_by("appointment_start", "id").values_list(
        "rpps", "structure_id", "professional__last_name", "professional__first_name", "doctor_name", "id"
    ):
        grouped.setdefault(row[:2], [row[2] or "", row[3] or "", row[4] or "", []])[3].append(row[5])
    return [
        SurnumeraireGroup(k[0], k[1], v[0], v[1], v[2], tuple(v[3]))
        for k, v in sorted(grouped.items(), key=lambda i: (i[0][0], i[0][1] or 0))
    ]
