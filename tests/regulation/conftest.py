"""Fixtures of the regulation desk: SAS territories 13 (demo) and 83 (another territory), users, dossiers."""

from __future__ import annotations

import datetime as dt

import pytest

from regulation import services
from regulation.enums import Transition
from sas_platform.enums import Role
from sas_platform.models import Commune, Departement, SasTerritory


@pytest.fixture
def territory(db):
    return SasTerritory.objects.update_or_create(
        departement=Departement.objects.get(code="13"),
        defaults={"name": "SAS 13", "opened_on": dt.date(2022, 3, 31)},
    )[0]


@pytest.fixture
def other_territory(db):
    return SasTerritory.objects.update_or_create(
        departement=Departement.objects.get(code="83"),
        defaults={"name": "SAS 83", "opened_on": dt.date(2023, 1, 1)},
    )[0]


@pytest.fixture
def marseille(db):
    return Commune.objects.get(insee_code="13055")


@pytest.fixture
def toulon(db):
    return Commune.objects.get(insee_code="83137")


@pytest.fixture
def arm(make_user, territory):
    return make_user(Role.ARM)


@pytest.fixture
def regulateur(make_user, territory):
    return make_user(Role.REGULATEUR)


@pytest.fixture
def osnp(make_user, territory):
    return make_user(Role.OSNP)


@pytest.fixture
def open_dossier(arm, marseille):
    """``open_dossier(route=Transition.ROUTE_GENERAL_PRACTICE, reason=...)`` → a new dossier in 13."""

    def _open(route=None, actor=None, commune=None, territory_code="13", **details):
        details.setdefault("patient_last_name", "Durand")
        details.setdefault("patient_first_name", "Alice")
        details.setdefault("patient_age", 34)
        return services.dossier_open(
            actor=actor or arm,
            territory_code=territory_code,
            commune=commune or marseille,
            reason=details.pop("reason", "Fièvre depuis 3 jours, toux"),
            route=route,
            **details,
        )

    return _open


@pytest.fixture
def regulated_dossier(open_dossier, regulateur):
    """A dossier routed to general practice and regulated « RDV sous 48 h »."""
    from regulation.enums import Decision

    dossier = open_dossier(route=Transition.ROUTE_GENERAL_PRACTICE)
    services.dossier_claim(dossier_id=dossier.pk, actor=regulateur)  # a régulateur claims, then decides
    return services.dossier_decide(dossier_id=dossier.pk, actor=regulateur, decision=Decision.APPOINTMENT_48H)
