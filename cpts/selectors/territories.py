"""A CPTS's population, size and contract case (DOMAIN.md §6, §7.6)."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from cpts.enums import StructureKind
from cpts.models import Structure
from cpts.selectors.structures import structures_for_user
from sas_platform.enums import CommuneType
from sas_platform.models import Commune

#: Lower bounds of sizes 2, 3 and 4 (ACI CPTS; DOMAIN.md §6). Size 4 is "> 175,000".
_SIZE_2_FROM = 40_000
_SIZE_3_FROM = 80_000
_SIZE_4_ABOVE = 175_000


def cpts_size_for_population(population: int) -> int:
    """ACI CPTS size by population covered (DOMAIN.md §6).

    Size 1 < 40,000; size 2 from 40,000 to under 80,000; size 3 from 80,000 to 175,000
    included; size 4 > 175,000. The shared bound 80,000 goes to the upper size, like 40,000
    (half-open ranges), and 175,000 stays in size 3 because size 4 is strictly above it.
    """
    if population < _SIZE_2_FROM:
        return 1
    if population < _SIZE_3_FROM:
        return 2
    if population <= _SIZE_4_ABOVE:
        return 3
    return 4


def territory_communes_deduplicated(*, structure: Structure) -> list[Commune]:
    """The territory's communes, each inhabitant counted once (DOMAIN.md §6).

    A municipal arrondissement is dropped when its city is listed too (13055 Marseille already
    counts 13201..13216), so a territory naming both never double counts.
    """
    communes = list(structure.territory_communes.all())
    listed = {c.insee_code for c in communes}
    return [
        c
        for c in communes
        if not (c.type == CommuneType.ARRONDISSEMENT and c.parent_id is not None and c.parent_id in listed)
    ]


def cpts_population(*, structure: Structure) -> int:
    """Population 2021 of the CPTS territory, communes deduplicated (DOMAIN.md §6)."""
    return sum(c.population_2021 for c in territory_communes_deduplicated(structure=structure))


def cpts_computed_size(*, structure: Structure) -> int:
    return cpts_size_for_population(cpts_population(structure=structure))


def cpts_size(*, structure: Structure) -> int:
    """Size 1-4 of a CPTS: the administrator's override (the contract's value) when set,
    otherwise computed from the territory's population (DOMAIN.md §6)."""
    if structure.size_override:
        return int(structure.size_override)
    return cpts_computed_size(structure=structure)


def cpts_list(*, user) -> QuerySet[Structure]:
    return (
        structures_for_user(user=user)
        .filter(kind=StructureKind.CPTS)
        .select_related("departement")
        .prefetch_related("territory_communes")
        .order_by("name")
    )


#: Avenant 2 of the ACI CPTS came into force on 03/09/2022 (seed 001, DOMAIN.md §7.6).
ACI_AVENANT_2_DATE = dt.date(2022, 9, 3)


def cpts_contract_case(*, structure: Structure, on: dt.date) -> dict:
    """The contract facts remuneration needs: signed before/after avenant 2, territory with or
    without a SAS on ``on`` (the 4 cases of seed 001, DOMAIN.md §7.6)."""
    territory = getattr(structure.departement, "sas_territory", None) if structure.departement_id else None
    with_sas = bool(territory and territory.opened_on and territory.opened_on <= on)
    signed = structure.aci_signed_on
    return {
        "aci_signed_on": signed,
        "signed_before_avenant_2": bool(signed and signed < ACI_AVENANT_2_DATE),
        "territory_with_sas": with_sas,
    }
