"""Indicator 9: patients taken en surnuméraire, per doctor and quarter (DOMAIN.md §7.2; seed 004).

Paid by tiers of the number of SAS-regulated acts taken **on top of** the agenda in the quarter
(slots already free are not over-valued: seed 004, Précisions 3). Only acts whose patient was seen
count. Tiers come from the barème (provisional defaults 5-14: 70 €, 15-24: 210 €, 25-34: 350 €,
≥ 35: 490 €). Quarters are Paris-time quarters (``periods.quarter_of``).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from remuneration.money import ZERO, quantize_eur


@dataclass(frozen=True)
class TierResult:
    acts: int
    tier_from: int | None
    tier_to: int | None
    amount: Decimal

    @property
    def label(self) -> str:
        if self.tier_from is None:
            return "sous le premier palier"
        if self.tier_to is None:
            return f"palier {self.tier_from} actes et plus"
        return f"palier {self.tier_from}-{self.tier_to} actes"


def indicator9_tier(acts: int, tiers) -> TierResult:
    """The tier reached by ``acts`` surnuméraire acts in a quarter, and its amount (bounds inclusive)."""
    if acts < 0:
        raise ValueError("Le nombre d'actes ne peut pas être négatif.")
    for tier in tiers:
        low, high = int(tier["from"]), tier.get("to")
        if acts >= low and (high is None or acts <= int(high)):
            return TierResult(
                acts, low, None if high is None else int(high), quantize_eur(Decimal(str(tier["amount"])))
            )
    return TierResult(acts, None, None, ZERO)
