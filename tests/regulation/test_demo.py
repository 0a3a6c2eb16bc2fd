"""The demo step (order 30): deterministic, idempotent, dossiers in various states."""

from __future__ import annotations

from collections import Counter

import pytest

from regulation.enums import DossierState
from regulation.models import Dossier
from sas_platform.demo import demo_seed


@pytest.mark.django_db
def test_demo_dossiers_in_various_states_and_idempotent():
    first = demo_seed()
    assert first["regulation"] == {"dossiers_created": 8}
    states = Counter(Dossier.objects.values_list("state", flat=True))
    assert states == Counter(
        {
            DossierState.CLOSED: 2,
            DossierState.ORIENTED: 1,
            DossierState.ORIENTING: 1,
            DossierState.REGULATED: 1,
            DossierState.GENERAL_PRACTICE: 1,
            DossierState.AMU: 1,
            DossierState.OPENED: 1,
        }
    )
    assert demo_seed()["regulation"] == {"dossiers_created": 0}
    assert Dossier.objects.count() == 8
