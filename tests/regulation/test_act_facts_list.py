"""The territory's acts, for its SAS administrators to find the one to correct (issue 12 §3):
who sees which territory, the month in Paris time, the filters (RPPS, outcome, corrected only),
pagination, a bad filter answered in French, and no patient data on the page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from regulation.enums import AppointmentStatus
from regulation.models import ActFact
from sas_platform.enums import Role
from tests.remuneration.conftest import make_acts, paris

URL = reverse("regulation-act-facts")
pytestmark = pytest.mark.django_db


@pytest.fixture
def acts(make_user, territory, other_territory) -> list[ActFact]:
    arm = make_user(Role.ARM)
    october = make_acts(
        [
            {"start": paris(2026, 10, 1, 0, 30)},  # 30/09 22:30 UTC: October in Paris
            {"start": paris(2026, 10, 12, 9, 0), "rpps": "10003384327", "name": "Dr Paul Roux"},
            {"start": paris(2026, 10, 31, 23, 30), "outcome": AppointmentStatus.NOSHOW},
        ],
        actor=arm,
    )
    make_acts([{"start": paris(2026, 11, 1, 0, 10)}], actor=arm)  # November in Paris
    make_acts([{"start": paris(2026, 10, 14, 9, 0)}], actor=arm, territory="83")
    return october


@pytest.mark.parametrize(
    "role", [Role.ARM, Role.OSNP, Role.REGULATEUR, Role.AGENT_CPAM, Role.AGENT_ARS, Role.EFFECTEUR]
)
def test_the_desk_and_the_payers_are_refused(client, make_user, acts, role):
    client.force_login(make_user(role, territories=["13"]))
    assert client.get(URL).status_code == 403


def test_anonymous_is_asked_to_sign_in(client, acts):
    assert client.get(URL).status_code == 302


def test_the_administrator_sees_the_month_of_its_territory_in_paris_time(client, make_user, acts):
    client.force_login(make_user(Role.ADMIN_SAS, territories=["13"]))
    response = client.get(URL, {"mois": "2026-10"})
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="act-count">3 actes' in body
    for fact in acts:
        assert reverse("regulation-act-fact", args=[fact.pk]) in body
    assert "Dr Paul Roux" in body
    assert client.get(URL, {"mois": "2026-11"}).content.decode().count('data-testid="act-count">1 acte') == 1
    # Another territory's acts: refused, never mixed in.
    assert client.get(URL, {"mois": "2026-10", "territoire": "83"}).status_code == 403


def test_the_platform_administrator_chooses_the_territory(client, make_user, acts):
    client.force_login(make_user(Role.ADMIN_PLATEFORME))
    body = client.get(URL, {"mois": "2026-10", "territoire": "83"}).content.decode()
    assert 'data-testid="act-count">1 acte' in body


def test_filters_rpps_outcome_and_corrected_only(client, make_user, acts):
    client.force_login(make_user(Role.ADMIN_SAS, territories=["13"]))
    by_rpps = client.get(URL, {"mois": "2026-10", "rpps": "10003384327"}).content.decode()
    assert 'data-testid="act-count">1 acte' in by_rpps and "Dr Paul Roux" in by_rpps
    no_show = client.get(URL, {"mois": "2026-10", "issue": AppointmentStatus.NOSHOW}).content.decode()
    assert 'data-testid="act-count">1 acte' in no_show
    ActFact.objects.filter(pk=acts[0].pk).update(corrected_at=dt.datetime(2026, 11, 3, tzinfo=dt.UTC))
    corrected = client.get(URL, {"mois": "2026-10", "corrigees": "on"}).content.decode()
    assert 'data-testid="act-count">1 acte' in corrected and "corrigé le 03/11/2026" in corrected


def test_a_bad_filter_is_said_in_french_and_filters_nothing(client, make_user, acts):
    client.force_login(make_user(Role.ADMIN_SAS, territories=["13"]))
    body = client.get(URL, {"mois": "2026-10", "rpps": "123"}).content.decode()
    assert "Le RPPS compte 11 chiffres." in body


def test_pagination_by_fifty(client, make_user, territory, other_territory):
    arm = make_user(Role.ARM)
    make_acts([{"start": paris(2026, 10, 1 + i % 28, 9, i % 50)} for i in range(55)], actor=arm)
    client.force_login(make_user(Role.ADMIN_SAS, territories=["13"]))
    first = client.get(URL, {"mois": "2026-10"}).content.decode()
    assert 'data-testid="act-count">55 actes' in first and "Page 1 sur 2" in first
    second = client.get(URL, {"mois": "2026-10", "page": "2"}).content.decode()
    assert "Page 2 sur 2" in second and second.count('class="fr-link" href="/regulation/actes/') == 5
