"""The CPTS indicators of a period (DOMAIN.md §5) and what each contract weighs its variable part on
(§7.6): read from the directory (participation), regulation (SAS requests, SNP acts) and planning
(vacations done) through their selectors only, and from the contract's recorded targets."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from cpts.selectors.pay import cpts_participation_counts, professions_by_id
from planning.selectors import vacation_totals_by_structure
from regulation.selectors.pay import acts_of_structures, structure_requests_ended_in_appointment
from remuneration.models import AciIndicatorTarget
from remuneration.rules.aci import IndicatorProgress, variable_share
from remuneration.rules.cpts_indicators import INDICATORS, CptsIndicators, cpts_indicators
from remuneration.rules.periods import Period


def cpts_indicators_of_period(
    *, cpts_ids, period: Period, on: dt.date | None = None
) -> dict[int, CptsIndicators]:
    """Per CPTS, the indicators of ``period``: participation counted on ``on`` (default the
    period's last day), requests and acts of the period, vacations starting in it (Paris days)."""
    ids = list(cpts_ids)
    if not ids:
        return {}
    on = on or period.last_day
    requests = structure_requests_ended_in_appointment(structure_ids=ids, start=period.start, end=period.end)
    vacations = vacation_totals_by_structure(structure_ids=ids, start=period.first_day, end=period.last_day)
    acts = acts_of_structures(structure_ids=ids, start=period.start, end=period.end)
    professions = professions_by_id(professional_ids={a.professional_id for a in acts})
    by_structure = defaultdict(list)
    for act in acts:
        by_structure[act.structure_id].append(act)
    return {
        pk: cpts_indicators(
            counts=cpts_participation_counts(structure_id=pk, on=on),
            requests=requests.get(pk, {}),
            acts=by_structure.get(pk, []),
            vacations=vacations.get(pk),
            professions=professions,
        )
        for pk in ids
    }


@dataclass(frozen=True)
class ContractProgress:
    """A CPTS contract's indicators for a mission and year against the year's values."""

    mission: str
    indicators: tuple[IndicatorProgress, ...]

    @property
    def share(self) -> Decimal | None:
        return variable_share(list(self.indicators))

    @property
    def weight_total(self) -> Decimal:
        return sum((p.weight for p in self.indicators), Decimal(0))

    def labelled(self) -> list[dict]:
        return [
            {"p": p, "label": INDICATORS[p.indicator][0], "unit": INDICATORS[p.indicator][1]}
            for p in self.indicators
        ]


def aci_contract_progress(
    *, cpts_ids, year: int, indicators: dict[int, CptsIndicators]
) -> dict[int, dict[str, ContractProgress]]:
    """Per CPTS and mission, the contract's recorded indicators (weights, targets) with the year's
    values; a CPTS without recorded indicators has no entry (its variable part is not computable)."""
    rows = AciIndicatorTarget.objects.filter(structure_id__in=list(cpts_ids), year=year).order_by(
        "structure_id", "mission", "-weight", "indicator"
    )
    grouped: dict[int, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        values = indicators.get(row.structure_id) or CptsIndicators()
        grouped[row.structure_id][row.mission].append(
            IndicatorProgress(row.indicator, row.weight, row.target, values.value(row.indicator))
        )
    return {
        pk: {mission: ContractProgress(mission, tuple(items)) for mission, items in missions.items()}
        for pk, missions in grouped.items()
    }


def variable_shares_of(progress: dict[str, ContractProgress] | None) -> dict:
    """``AciInput.variable_shares`` for a CPTS: the access mission's share, ``None`` if not recorded."""
    progress = progress or {}
    return {"access": progress["access"].share if "access" in progress else None}
