"""A structure's 2 h/week rule page (DOMAIN.md §4, condition 1): which member doctors give the SAS
visibility on their availability, and why.

Condition 1 is met either by an **interfaced agenda** (an active editor source covers the doctor's
RPPS) **or** by declaring **at least 2 hours per week** on the platform. Only doctors count
(profession code 10): nurses, pharmacists and other members of a CPTS are listed apart, not
counted as failing a rule that is not theirs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from cpts.selectors import professional_is_rpps
from planning.selectors.declared import TWO_HOURS, declared_hours_by_professional, interfaced_rpps

#: RPPS profession code of a médecin (cpts.services.DOCTOR_PROFESSION_CODE).
DOCTOR_PROFESSION_CODE = "10"


@dataclass(frozen=True)
class WeekVerdict:
    start: date
    hours: Decimal
    meets: bool
    reason: str


@dataclass(frozen=True)
class MemberVerdict:
    professional: object
    since: date
    interfaced: bool
    weeks: list[WeekVerdict]

    @property
    def reason(self) -> str:
        """This week's reason, in French."""
        return self.weeks[0].reason if self.weeks else ""


@dataclass(frozen=True)
class StructureRule:
    weeks: list[date]
    rows: list[MemberVerdict]
    others: list[object] = field(default_factory=list)  # members who are not doctors

    @property
    def meeting_now(self) -> int:
        return sum(1 for row in self.rows if row.weeks and row.weeks[0].meets)


def _hours_label(hours: Decimal) -> str:
    return f"{hours:.2f}".replace(".", ",") + " h"


def week_verdict(*, start: date, hours: Decimal, interfaced: bool) -> WeekVerdict:
    """DOMAIN.md §4 condition 1 for one doctor and one week: interfaced agenda, or ≥ 2 h declared."""
    if interfaced:
        return WeekVerdict(start, hours, True, "Agenda en ligne interfacé : condition remplie par l'agenda.")
    if hours >= TWO_HOURS:
        return WeekVerdict(start, hours, True, f"{_hours_label(hours)} déclarées (2 h au moins).")
    return WeekVerdict(
        start, hours, False, f"{_hours_label(hours)} déclarées, moins de 2 h, et pas d'agenda interfacé."
    )


def structure_rule(*, structure_id: int, on: date, weeks: int = 4) -> StructureRule:
    """The rule for the structure's current members, this week and the next ``weeks - 1``."""
    from cpts.selectors import structure_get, structure_members

    structure = structure_get(pk=structure_id)
    monday = on - timedelta(days=on.weekday())
    starts = [monday + timedelta(days=7 * n) for n in range(weeks)]
    members = structure_members(structure=structure, on=on)
    doctors = [m for m in members if m.professional.profession_code == DOCTOR_PROFESSION_CODE]
    others = [m.professional for m in members if m.professional.profession_code != DOCTOR_PROFESSION_CODE]
    hours = declared_hours_by_professional(
        professional_ids=[m.professional_id for m in doctors], week_starts=starts
    )
    covered = interfaced_rpps()
    rows = []
    for member in doctors:
        professional = member.professional
        interfaced = professional_is_rpps(professional, covered)
        rows.append(
            MemberVerdict(
                professional=professional,
                since=member.start_date,
                interfaced=interfaced,
                weeks=[
                    week_verdict(start=start, hours=value, interfaced=interfaced)
                    for start, value in zip(starts, hours[member.professional_id], strict=True)
                ],
            )
        )
    return StructureRule(weeks=starts, rows=rows, others=others)
