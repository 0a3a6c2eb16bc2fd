"""Fixtures of the `cpts` tests."""

from __future__ import annotations

import datetime as dt

import pytest

from sas_platform.models import SasTerritory


@pytest.fixture
def sas13(db):
    """The SAS of the Bouches-du-Rhône, open since 31/03/2022 (seed 004)."""
    territory, _ = SasTerritory.objects.get_or_create(
        departement_id="13", defaults={"name": "SAS 13", "opened_on": dt.date(2022, 3, 31)}
    )
    return territory
