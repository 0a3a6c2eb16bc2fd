"""CPTS indicators per period (DOMAIN.md §5; seeds 001, 002), as pure functions over plain facts.

"Indicators a CPTS may report": participating doctors and other professionals; SNP vacations done
(with their hours and patients: planning's vacation statistics, seed 002); SNP consultations by
category (MG own patients, MG other patients, paramedics, specialists); SAS requests addressed to the
CPTS that ended in an appointment. The national emergency-department indicator is not a platform
fact and is left out. These are the values the ACI variable part is weighed on (§7.6, see
:mod:`remuneration.rules.aci`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from remuneration.enums import AciIndicator

DOCTOR_PROFESSION = "10"
#: RPPS "savoir-faire" codes of general practice (médecine générale, spécialiste en MG, qualifié MG).
GP_SPECIALTIES = frozenset({"SM54", "SM53", "SM26"})

_UNITS = {
    "participating_doctors": "médecins",
    "other_professionals": "professionnels",
    "sas_requests_with_appointment": "demandes",
    "vacations_done": "vacations",
    "vacation_hours": "heures",
    "vacation_patients": "patients",
    "snp_consultations": "consultations",
}
#: Indicators a contract's variable part may be weighed on: code → (label, unit).
INDICATORS: dict[str, tuple[str, str]] = {c.value: (c.label, _UNITS[c.value]) for c in AciIndicator}


@dataclass(frozen=True)
class CptsIndicators:
    participating_doctors: int = 0
    other_professionals: int = 0
    sas_requests: int = 0
    sas_requests_with_appointment: int = 0
    vacations_done: int = 0
    vacations_not_done: int = 0
    vacation_hours: Decimal = Decimal("0.00")
    vacation_patients: int = 0
    vacation_patients_from_sas: int = 0
    consultations_mg_own: int = 0
    consultations_mg_other: int = 0
    consultations_specialists: int = 0
    consultations_paramedics: int = 0

    @property
    def request_success_rate(self) -> float | None:
        return self.sas_requests_with_appointment / self.sas_requests if self.sas_requests else None

    @property
    def snp_consultations(self) -> int:
        return (
            self.consultations_mg_own
            + self.consultations_mg_other
            + self.consultations_specialists
            + self.consultations_paramedics
        )

    # names kept for the readers written before the categories (MG own / others)
    @property
    def consultations_own_patients(self) -> int:
        return self.consultations_mg_own

    @property
    def consultations_other_patients(self) -> int:
        return self.snp_consultations - self.consultations_mg_own

    def value(self, code: str) -> Decimal:
        """The value of an indicator of :data:`INDICATORS` (for the contract's targets)."""
        if code not in INDICATORS:
            raise ValueError(f"Indicateur inconnu : {code}.")
        return Decimal(getattr(self, code))


def consultation_category(profession: tuple[str, str] | None, is_treating_doctor: bool) -> str:
    """``mg_own`` / ``mg_other`` / ``specialists`` / ``paramedics`` (DOMAIN.md §5). An act whose
    professional is unknown to the directory counts as a GP's (the SAS's usual effecteur)."""
    profession_code, specialty = profession or (DOCTOR_PROFESSION, "SM54")
    if profession_code != DOCTOR_PROFESSION:
        return "paramedics"
    if specialty and specialty not in GP_SPECIALTIES:
        return "specialists"
    return "mg_own" if is_treating_doctor else "mg_other"


def cpts_indicators(
    *, counts: dict, requests: dict, acts, vacations=None, professions: dict | None = None
) -> CptsIndicators:
    """Indicators from plain facts: ``counts`` (participation), ``requests`` ({asked, appointment}),
    ``acts`` of the CPTS (``outcome``, ``is_treating_doctor``, ``professional_id``; only patients
    seen count), ``vacations`` (planning's ``VacationTotals``: done, not_done, hours, patients_seen,
    patients_from_sas) and ``professions`` ({professional id: (profession, specialty)})."""
    professions = professions or {}
    categories = {"mg_own": 0, "mg_other": 0, "specialists": 0, "paramedics": 0}
    for act in acts:
        if act.outcome != "fulfilled":
            continue
        profession = professions.get(getattr(act, "professional_id", None))
        categories[consultation_category(profession, act.is_treating_doctor)] += 1
    return CptsIndicators(
        participating_doctors=counts.get("participating_doctors", 0),
        other_professionals=counts.get("other_professionals", 0),
        sas_requests=requests.get("asked", 0),
        sas_requests_with_appointment=requests.get("appointment", 0),
        vacations_done=getattr(vacations, "done", 0),
        vacations_not_done=getattr(vacations, "not_done", 0),
        vacation_hours=getattr(vacations, "hours", Decimal("0.00")),
        vacation_patients=getattr(vacations, "patients_seen", 0),
        vacation_patients_from_sas=getattr(vacations, "patients_from_sas", 0),
        consultations_mg_own=categories["mg_own"],
        consultations_mg_other=categories["mg_other"],
        consultations_specialists=categories["specialists"],
        consultations_paramedics=categories["paramedics"],
    )
