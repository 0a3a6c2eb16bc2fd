"""The demo's people: one name per RPPS, for the platform's demo directory and the demo editor.

The single source of truth (issue 9): ``cpts.demo`` names each demo professional with
:func:`demo_person_name` and the demo agenda editor names its practitioners with it too, so a
doctor carries the same name on the platform and on the editor's booking page. Standard library
only (the editor runs without Django); deterministic: a hash of the RPPS, whatever the demo's
seed or scale.
"""

from __future__ import annotations

import hashlib
import random

#: The demo effecteur (``effecteur@demo.sas``): demo number 1.
DEMO_EFFECTEUR_RPPS = "10130000010"
DEMO_EFFECTEUR_NAME = ("MARTIN", "Claire")

LAST_NAMES = (
    "MARTIN",
    "BERNARD",
    "THOMAS",
    "PETIT",
    "ROBERT",
    "RICHARD",
    "DURAND",
    "DUBOIS",
    "MOREAU",
    "LAURENT",
    "SIMON",
    "MICHEL",
    "LEFEBVRE",
    "LEROY",
    "ROUX",
    "DAVID",
    "BERTRAND",
    "MOREL",
    "FOURNIER",
    "GIRARD",
    "BONNET",
    "DUPONT",
    "LAMBERT",
    "FONTAINE",
    "ROUSSEAU",
    "VINCENT",
    "FAURE",
    "ANDRE",
    "MERCIER",
    "BLANC",
    "GUERIN",
    "BOYER",
    "GARNIER",
    "CHEVALIER",
    "GARCIA",
    "PERRIN",
    "ROBIN",
    "CLEMENT",
    "MORIN",
    "NICOLAS",
    "HENRY",
    "ROUSSEL",
    "MATHIEU",
    "GAUTIER",
    "MASSON",
    "MARCHAND",
    "DUVAL",
    "DENIS",
    "DUMONT",
    "LEMAIRE",
    "MEYER",
    "DUFOUR",
    "BRUN",
    "GIRAUD",
    "JOLY",
    "RIVIERE",
    "LUCAS",
    "BARBIER",
    "ARNAUD",
    "MARTINEZ",
    "GERARD",
    "ROCHE",
    "RENARD",
    "ROY",
    "COLIN",
    "VIDAL",
    "CARON",
    "FABRE",
    "AUBERT",
    "LEMOINE",
    "RENAUD",
    "DUMAS",
    "OLIVIER",
    "PHILIPPE",
    "BENOIT",
    "REY",
    "LOPEZ",
    "SANCHEZ",
    "PEREZ",
    "ESPOSITO",
    "ROMANO",
    "AMRANI",
    "BENALI",
    "MEZIANE",
    "CASTELLI",
    "ORSINI",
)
FIRST_NAMES = (
    "Marie",
    "Jean",
    "Pierre",
    "Michel",
    "Philippe",
    "Nathalie",
    "Isabelle",
    "Sylvie",
    "Catherine",
    "Nicolas",
    "Christophe",
    "Stéphane",
    "Sébastien",
    "Julien",
    "Camille",
    "Léa",
    "Chloé",
    "Manon",
    "Emma",
    "Hugo",
    "Lucas",
    "Louis",
    "Hélène",
    "Éric",
    "Gaëlle",
    "Agnès",
    "Benoît",
    "Karim",
    "Sofia",
    "Yasmine",
    "Mathieu",
    "Laure",
    "Anne",
    "Paul",
    "Inès",
    "Antoine",
    "Lucie",
    "Thomas",
    "Sarah",
    "Élodie",
)


def demo_person_name(rpps: str) -> tuple[str, str]:
    """``(LAST NAME, First name)`` of the demo professional with this RPPS (any RPPS gets one)."""
    if rpps == DEMO_EFFECTEUR_RPPS:
        return DEMO_EFFECTEUR_NAME
    seed = hashlib.sha256(f"demo-person:{rpps}".encode()).hexdigest()
    rng = random.Random(seed)
    return rng.choice(LAST_NAMES), rng.choice(FIRST_NAMES)
