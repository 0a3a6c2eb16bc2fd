"""The demo step of `cpts`: realistic, deterministic, idempotent."""

from __future__ import annotations

import random

import pytest

from cpts.demo import GP_COUNT, OTHER_COUNT, seed_cpts_demo
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


def test_demo_is_realistic_and_idempotent():
    _seed_platform(random.Random(0))
    first = seed_cpts_demo(random.Random("13:cpts"))
    assert first["professionals_created"] == GP_COUNT + OTHER_COUNT
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
    assert 0.3 < SasParticipation.objects.count() / GP_COUNT < 0.6
    assert SasParticipation.objects.exclude(structure=None).exists()
