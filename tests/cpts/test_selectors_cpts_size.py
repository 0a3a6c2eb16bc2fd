"""CPTS population and size 1-4 (DOMAIN.md §6)."""

from __future__ import annotations

import pytest

from cpts.selectors import cpts_population, cpts_size, cpts_size_for_population
from sas_platform.models import Commune
from tests.cpts.factories import StructureFactory


@pytest.mark.parametrize(
    ("population", "size"),
    [
        (0, 1),
        (39_999, 1),
        (40_000, 2),
        (79_999, 2),
        (80_000, 3),
        (175_000, 3),
        (175_001, 4),
        (900_000, 4),
    ],
)
def test_size_boundaries(population, size):
    assert cpts_size_for_population(population) == size


@pytest.mark.django_db
def test_population_sums_the_territory_communes():
    aubagne, la_ciotat = Commune.objects.get(insee_code="13005"), Commune.objects.get(insee_code="13028")
    cpts = StructureFactory(communes=["13005", "13028"])
    assert cpts_population(structure=cpts) == aubagne.population_2021 + la_ciotat.population_2021
    assert cpts_population(structure=cpts) == 47_342 + 36_987 == 84_329
    assert cpts_size(structure=cpts) == 3


@pytest.mark.django_db
def test_marseille_and_its_arrondissements_are_not_double_counted():
    marseille = Commune.objects.get(insee_code="13055")
    first = Commune.objects.get(insee_code="13201")
    arrondissements = [f"132{n:02d}" for n in range(1, 17)]
    both = StructureFactory(communes=["13055", *arrondissements])
    assert cpts_population(structure=both) == marseille.population_2021
    assert marseille.population_2021 == sum(
        Commune.objects.filter(insee_code__in=arrondissements).values_list("population_2021", flat=True)
    )
    only_first = StructureFactory(communes=["13201"])
    assert cpts_population(structure=only_first) == first.population_2021 == 39_436
    assert cpts_size(structure=only_first) == 1
    assert cpts_size(structure=both) == 4


@pytest.mark.django_db
def test_administrator_override_wins():
    cpts = StructureFactory(communes=["13201"], size_override=3)
    assert cpts_size(structure=cpts) == 3
