"""Indicator 8: participation in the SAS, per doctor and calendar year (DOMAIN.md §7.1, §4; seeds 000, 004).

Both conditions of §4 must be met in year N: (1) visibility (an interfaced agenda, or ≥ 2 h of
availability declared on the platform in a week), (2) a declaration "je participe au SAS" in force;
and a SAS must exist on the territory (§4, last sentence). 200 points = 1,400 € per year, paid in
H1 of N+1. No pro-rata exists in the texts in reach: none is invented; the months met are shown
(a month is met when a declaration covers a day of it after the SAS opened **and** a week starting
in it had visibility). Payable when at least one month is met.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from remuneration.money import ZERO, quantize_eur

TWO_HOURS = Decimal(2)


@dataclass(frozen=True)
class WeekEvidence:
    week_start: dt.date
    declared_hours: Decimal
    agenda_interfaced: bool

    @property
    def visible(self) -> bool:
        return self.agenda_interfaced or self.declared_hours >= TWO_HOURS


@dataclass(frozen=True)
class Indicator8Result:
    year: int
    months_met: tuple[int, ...]
    weeks_visible: int
    eligible: bool
    amount: Decimal
    reasons: tuple[str, ...]


def declared_months(year: int, declarations, sas_opened_on: dt.date | None) -> set[int]:
    """Months of ``year`` a declaration ``(start, end)`` covers on a day after the SAS opened."""
    months: set[int] = set()
    if sas_opened_on is None:
        return months
    for start, end in declarations:
        first = max(start, dt.date(year, 1, 1), sas_opened_on)
        last = min(end or dt.date(year, 12, 31), dt.date(year, 12, 31))
        if first > last:
            continue
        months.update(range(first.month, last.month + 1))
    return months


def indicator8(
    *,
    year: int,
    declarations: list[tuple[dt.date, dt.date | None]],
    weeks: list[WeekEvidence],
    sas_opened_on: dt.date | None,
    amount: Decimal | None,
) -> Indicator8Result:
    """The doctor's indicator 8 for ``year``; ``amount`` is the barème row in force (``None``: the
    scheme ended, the conditions are still computed and shown, DOMAIN.md §7.1)."""
    reasons: list[str] = []
    if sas_opened_on is None or sas_opened_on > dt.date(year, 12, 31):
        reasons.append("Aucun SAS n'existait sur le territoire cette année-là : aucune rémunération (§4).")
    declared = declared_months(year, declarations, sas_opened_on)
    if not declarations:
        reasons.append("Aucune déclaration « je participe au SAS » sur l'année.")
    visible_weeks = [w for w in weeks if w.visible and w.week_start.year == year]
    visible_months = {w.week_start.month for w in visible_weeks}
    met = tuple(sorted(declared & visible_months))
    if declarations and not visible_weeks:
        reasons.append("Aucune semaine avec un agenda interfacé ou au moins 2 h de disponibilités déclarées.")
    eligible = bool(met)
    if eligible:
        reasons.append(f"Conditions remplies {len(met)} mois sur 12 ; pas de prorata dans les textes (§7.1).")
    paid = quantize_eur(amount) if (eligible and amount is not None) else ZERO
    if eligible and amount is None:
        reasons.append("Conditions remplies mais aucun barème en vigueur : dispositif terminé (§7.1).")
    return Indicator8Result(year, met, len(visible_weeks), eligible, paid, tuple(reasons))
