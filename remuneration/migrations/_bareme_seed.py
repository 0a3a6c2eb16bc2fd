"""The barèmes of DOMAIN.md §7 as first seeded (frozen data for migration 0002 and test fixtures).

A leading underscore keeps Django's migration loader away from this module. Amounts are strings
(Decimal euros). Dates are those DOMAIN.md §7 gives; where it gives none, the source says why the
date chosen was chosen.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

D = dt.date


def _sizes(*amounts: str) -> list[dict]:
    return [{"size": size, "amount": amount} for size, amount in enumerate(amounts, start=1)]


ACI_SOURCE = "ACI CPTS, avenant 2 en vigueur le 03/09/2022 (seed 001 ; DOMAIN.md §7.6)."
AVENANT_2 = D(2022, 9, 3)

ROWS: list[dict] = [
    {
        "code": "indicator8",
        "unit": "per_year",
        "amount": "1400.00",
        "valid_from": D(2022, 4, 1),
        "valid_to": D(2025, 12, 31),
        "source": (
            "Avenant 9, forfait structure indicateur 8 : 200 points × 7 € = 1 400 € par année civile, versés au "
            "1er semestre N+1 (seeds 000, 004 ; DOMAIN.md §7.1). Tarifs SAS à compter d'avril 2022. Fin au "
            "31/12/2025 : le forfait structure serait remplacé au 01/01/2026 par la dotation numérique (DONUM), "
            "sans item SAS (source secondaire citant ameli, 26/02/2025) ; aucune règle 2026 trouvée."
        ),
    },
    {
        "code": "indicator9",
        "unit": "per_quarter",
        "tiers": [
            {"from": 5, "to": 14, "amount": "70.00"},
            {"from": 15, "to": 24, "amount": "210.00"},
            {"from": 25, "to": 34, "amount": "350.00"},
            {"from": 35, "to": None, "amount": "490.00"},
        ],
        "valid_from": D(2022, 4, 1),
        "provisional": True,
        "source": (
            "Avenant 9, forfait structure indicateur 9 (seed 004 : « environ 14 € par acte en entrée de chaque "
            "palier »). Paliers PROVISOIRES par défaut (10/30/50/70 points à 7 €, DOMAIN.md §7.2) : aucun texte "
            "officiel en main. Écart signalé : une source secondaire donne « effection SAS : au plus 360 points "
            "(2 520 €) par an » pour 2022-2023, alors que ces paliers plafonnent à 70 points par trimestre "
            "(280 par an). Même réserve de fin du forfait structure au 31/12/2025 que l'indicateur 8."
        ),
    },
    {
        "code": "snp",
        "unit": "per_act",
        "amount": "15.00",
        "valid_from": D(2022, 7, 11),
        "source": (
            "Majoration SNP : arrêté du 11/07/2022, puis NGAP art. 14.1.3 (décision UNCAM, JORF 14/05/2023) : "
            "15 € par consultation sous 48 h après régulation SAS, médecin non traitant, hors PDSA, 20 au plus "
            "par médecin et par semaine (DOMAIN.md §7.3)."
        ),
    },
    {
        "code": "she",
        "unit": "per_act",
        "amount": "5.00",
        "valid_from": D(2024, 12, 22),
        "provisional": True,
        "source": (
            "Convention médicale du 04/06/2024 (tarifs au 22/12/2024) : majoration pour un patient hors patientèle "
            "médecin traitant vu à la demande du SAS entre 19 h et 21 h ; +5 €, code SHE, selon une source "
            "secondaire : PROVISOIRE jusqu'à confirmation (DOMAIN.md §7.3)."
        ),
    },
    {
        "code": "mrt",
        "unit": "per_act",
        "amount": "15.00",
        "valid_from": D(2022, 1, 1),
        "source": (
            "Convention médicale 2016, art. 28.2.5 : 15 € quand le médecin traitant voit son patient en urgence à "
            "la demande du régulateur (DOMAIN.md §7.4). Ligne ouverte au 01/01/2022, avant le premier SAS ; pas "
            "de MRT si le SAS renvoie le patient vers son MT (seed 004, Précisions 5)."
        ),
    },
    {
        "code": "regulator_hour",
        "unit": "per_hour",
        "amount": "100.00",
        "valid_from": D(2022, 7, 11),
        "valid_to": D(2022, 9, 30),
        "source": "Régulation SAS hors PDSA : 100 €/h du 11/07/2022 au 30/09/2022 (sante.gouv.fr ; DOMAIN.md §7.5).",
    },
    {
        "code": "regulator_hour",
        "unit": "per_hour",
        "amount": "90.00",
        "valid_from": D(2022, 10, 1),
        "valid_to": D(2023, 4, 30),
        "source": (
            "Régulation SAS hors PDSA : 90 €/h à compter du 01/10/2022 (seed 004 ; sante.gouv.fr ; DOMAIN.md "
            "§7.5), avec participation de l'Assurance Maladie aux cotisations."
        ),
    },
    {
        "code": "regulator_hour",
        "unit": "per_hour",
        "amount": "100.00",
        "valid_from": D(2023, 5, 1),
        "source": (
            "Règlement arbitral approuvé par l'arrêté du 28/04/2023 (JO du 30/04/2023) : 100 €/h (DOMAIN.md "
            "§7.5). Aucune date d'effet propre à la régulation dans les textes en main : en vigueur le lendemain "
            "de la publication (art. 1er du code civil), soit le 01/05/2023. Aucun changement ultérieur trouvé."
        ),
    },
    # --- ACI CPTS (DOMAIN.md §7.6) ---
    {"code": "aci_access_fixed", "unit": "per_year", "tiers": _sizes("55000.00", "70000.00", "90000.00", "110000.00")},
    {"code": "aci_access_variable", "unit": "per_year", "tiers": _sizes("25000.00", "30000.00", "35000.00", "45000.00")},
    {"code": "aci_parcours", "unit": "per_year", "tiers": [{"size": 4, "amount": "100000.00"}]},
    {"code": "aci_prevention", "unit": "per_year", "tiers": [{"size": 4, "amount": "40000.00"}]},
    {"code": "aci_quality", "unit": "per_year", "tiers": [{"size": 4, "amount": "40000.00"}]},
    {"code": "aci_support", "unit": "per_year", "tiers": [{"size": 4, "amount": "30000.00"}]},
    {"code": "aci_crisis_first", "unit": "per_year", "tiers": _sizes("25000.00", "35000.00", "45000.00", "50000.00")},
    {"code": "aci_crisis_update", "unit": "per_year", "tiers": _sizes("12500.00", "17500.00", "22500.00", "25000.00")},
    {
        "code": "aci_crisis_declared",
        "unit": "per_year",
        "tiers": _sizes("37500.00", "52500.00", "67500.00", "75000.00"),
    },
    {
        "code": "aci_early_mission",
        "unit": "per_contract",
        "tiers": _sizes("15000.00", "17500.00", "25000.00", "30000.00"),
    },
    {
        "code": "aci_operating_increase",
        "unit": "per_contract",
        "tiers": _sizes("37500.00", "45000.00", "56250.00", "67500.00"),
    },
    {"code": "aci_size4_majoration", "unit": "rate", "amount": "0.10"},
    {
        "code": "aci_2019_snp",
        "unit": "per_year",
        "tiers": _sizes("10000.00", "12000.00", "15000.00", "20000.00"),
        "valid_from": D(2019, 6, 20),
        "valid_to": D(2022, 9, 2),
        "source": (
            "ACI CPTS 2019 (seed 002) : enveloppe de compensation SNP 10 000 / 12 000 / 15 000 / 20 000 € ; "
            "remplacée par l'avenant 2 au 03/09/2022 (DOMAIN.md §7.6)."
        ),
    },
    # --- SNP cooperation protocols (DOMAIN.md §7.7) ---
    {
        "code": "protocol_first",
        "unit": "per_patient",
        "amount": "25.00",
        "valid_from": D(2020, 3, 6),
        "source": (
            "Protocoles de coopération SNP (arrêtés des 06/03/2020, 10/09/2020, 11/07/2022 ; seed 001) : 25 € par "
            "patient inclus, y compris la revoyure par le médecin délégant le jour même ou le lendemain ; "
            "pollakiurie : 25 € la réévaluation (DOMAIN.md §7.7)."
        ),
    },
    {
        "code": "protocol_second",
        "unit": "per_patient",
        "amount": "20.00",
        "valid_from": D(2020, 3, 6),
        "source": (
            "Protocoles entorse de cheville et lombalgie (kinésithérapeute, deux consultations) : 20 € la deuxième, "
            "entre la 2e et la 4e semaine (seed 001 ; DOMAIN.md §7.7)."
        ),
    },
]

for _row in ROWS:
    if _row["code"].startswith("aci_") and _row["code"] != "aci_2019_snp":
        _row.setdefault("valid_from", AVENANT_2)
        _row.setdefault("source", ACI_SOURCE)
    _row.setdefault("valid_to", None)
    _row.setdefault("provisional", False)
    _row.setdefault("tiers", [])
    _row.setdefault("amount", None)


def seed(Bareme) -> int:  # noqa: N803 (a model class, historical or real)
    """Create the rows that are missing (idempotent: an administrator's later rows are kept)."""
    created = 0
    for row in ROWS:
        _, was_created = Bareme.objects.get_or_create(
            code=row["code"],
            valid_from=row["valid_from"],
            defaults={
                "unit": row["unit"],
                "amount": Decimal(row["amount"]) if row["amount"] is not None else None,
                "tiers": row["tiers"],
                "valid_to": row["valid_to"],
                "source": row["source"],
                "provisional": row["provisional"],
            },
        )
        created += was_created
    return created
