"""The demo step of `cpts`: realistic, deterministic, idempotent."""

from __future__ import annotations

import random

import pytest

from cpts.demo import demo_counts, demo_rpps, seed_cpts_demo
from cpts.enums import StructureKind
from cpts.models import (
    Membership,
    PracticePlace,
    Professional,
    SasParticipation,
    Structure,
    StructureCoordinator,
)
from cpts.selectors import cpts_size
from sas_platform.demo import _seed_platform
from sas_platform.identifiers import is_valid_rpps

pytestmark = pytest.mark.django_db


def test_demo_size_follows_demo_scale(settings):
    settings.DEMO_SCALE = 1.0
    assert demo_counts() == (1200, 300)
    settings.DEMO_SCALE = 0.25
    assert demo_counts() == (300, 75)


def test_demo_is_realistic_and_idempotent(settings):
    settings.DEMO_SCALE = 0.1  # 120 doctors, 30 others: the same rules, faster
    gp_count, other_count = demo_counts()
    _seed_platform(random.Random(0))
    first = seed_cpts_demo(random.Random("13:cpts"))
    assert first["professionals_created"] == gp_count + other_count == 150
    counts = (
        Professional.objects.count(),
        PracticePlace.objects.count(),
        Membership.objects.count(),
        SasParticipation.objects.count(),
    )
    second = seed_cpts_demo(random.Random("13:cpts"))
    assert (
        second["professionals_created"] == second["places_created"] == second["participations_created"] == 0
    )
    assert counts == (
        Professional.objects.count(),
        PracticePlace.objects.count(),
        Membership.objects.count(),
        SasParticipation.objects.count(),
    )
    assert all(is_valid_rpps(rpps) for rpps in Professional.objects.values_list("identifier", flat=True))
    sizes = {s.name: cpts_size(structure=s) for s in Structure.objects.filter(kind=StructureKind.CPTS)}
    assert sizes == {
        "CPTS Marseille Centre": 4,
        "CPTS du Pays d'Aix": 3,
        "CPTS Gardanne Haute Vallée de l'Arc": 2,
    }
    assert Structure.objects.filter(kind=StructureKind.SOS).count() == 1
    effecteur = Professional.objects.get(user__email="effecteur@demo.sas")
    assert effecteur.participations.get().accepts_surnumeraire is True
    assert (
        StructureCoordinator.objects.get(user__email="coordinateur@demo.sas").structure.name
        == "CPTS Marseille Centre"
    )
    assert 0.3 < SasParticipation.objects.count() / gp_count < 0.6
    assert SasParticipation.objects.exclude(structure=None).exists()
    assert Professional.objects.filter(profession_code="10").count() == gp_count


def test_a_smaller_demo_is_a_subset_of_a_larger_one(settings):
    _seed_platform(random.Random(0))
    settings.DEMO_SCALE = 0.05
    seed_cpts_demo(random.Random("13:cpts"))
    small = dict(Professional.objects.values_list("identifier", "search_name"))
    settings.DEMO_SCALE = 0.1
    grown = seed_cpts_demo(random.Random("13:cpts"))
    assert grown["professionals_created"] == 150 - 75
    assert {
        k: v for k, v in Professional.objects.values_list("identifier", "search_name") if k in small
    } == small
    assert demo_rpps(1) in small


def test_professionals_are_placed_in_proportion_to_population(settings):
    settings.DEMO_SCALE = 0.5
    _seed_platform(random.Random(0))
    seed_cpts_demo(random.Random("13:cpts"))
    in_marseille = PracticePlace.objects.filter(commune__insee_code__startswith="132").count()
    # Marseille's 16 arrondissements hold ~43 % of the département's 2.0 M inhabitants.
    assert 0.36 < in_marseille / PracticePlace.objects.count() < 0.50
