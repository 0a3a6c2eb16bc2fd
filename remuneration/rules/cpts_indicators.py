"""CPTS indicators per period (DOMAIN.md §5; seeds 001, 002).

Participating doctors and other professionals, SAS requests addressed to the CPTS that ended in an
appointment, SNP consultations by category (MG own patients, MG others). "Vacations done" needs
``planning.selectors.vacation_facts`` (not available yet: left out, see README).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CptsIndicators:
    participating_doctors: int
    other_professionals: int
    sas_requests: int
    sas_requests_with_appointment: int
    consultations_own_patients: int
    consultations_other_patients: int

    @property
    def request_success_rate(self) -> float | None:
        return self.sas_requests_with_appointment / self.sas_requests if self.sas_requests else None


def cpts_indicators(*, counts: dict, requests: dict, acts) -> CptsIndicators:
    """Indicators from plain facts: ``counts`` (participation), ``requests`` ({asked, appointment}),
    ``acts`` of the CPTS's structure with ``outcome`` and ``is_treating_doctor`` (seen patients only)."""
    seen = [a for a in acts if a.outcome == "fulfilled"]
    own = sum(1 for a in seen if a.is_treating_doctor)
    return CptsIndicators(
        participating_doctors=counts.get("participating_doctors", 0),
        other_professionals=counts.get("other_professionals", 0),
        sas_requests=requests.get("asked", 0),
        sas_requests_with_appointment=requests.get("appointment", 0),
        consultations_own_patients=own,
        consultations_other_patients=len(seen) - own,
    )
