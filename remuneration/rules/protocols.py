"""SNP cooperation protocols, paid to the structure per semester (DOMAIN.md §7.7; seed 001).

25 € per patient entering a protocol (the delegating GP's re-see the same or next day is included).
Pollakiuria / burning urination: 25 € first consultation + 25 € re-evaluation. Ankle sprain and low
back pain (physiotherapist, two consultations): 25 € first + 20 € second. Not cumulable with a
common-law billing the same or next day for the same patient by the same professionals: such an act
is not paid (the reason is given).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from remuneration.money import ZERO, quantize_eur

TWO_CONSULTATION_PHYSIO = frozenset({"ankle_sprain", "low_back_pain"})


@dataclass(frozen=True)
class ProtocolDecision:
    act_id: int
    code: str | None  # protocol_first / protocol_second
    amount: Decimal
    reason: str


def protocol_act_pay(act, *, first_rows, second_rows, gap_error) -> ProtocolDecision:
    """The pay of one protocol act (``act`` has id, protocol, act_date, is_second, common_law_billed)."""
    if act.common_law_billed:
        return ProtocolDecision(
            act.id,
            None,
            ZERO,
            "Facturation de droit commun le jour même ou le lendemain pour ce patient : non cumulable, non payé.",
        )
    code = (
        "protocol_second" if (act.is_second and act.protocol in TWO_CONSULTATION_PHYSIO) else "protocol_first"
    )
    rows = second_rows if code == "protocol_second" else first_rows
    row = next((r for r in rows if r.covers(act.act_date)), None)
    if row is None:
        raise gap_error(code, act.act_date)
    if act.is_second and act.protocol in TWO_CONSULTATION_PHYSIO:
        reason = "Deuxième consultation de kinésithérapie (entre la 2e et la 4e semaine)."
    elif act.is_second:
        reason = "Réévaluation (pollakiurie) ou revoyure : même forfait que l'inclusion."
    else:
        reason = "Patient inclus dans le protocole."
    return ProtocolDecision(act.id, code, quantize_eur(row.amount), reason)
