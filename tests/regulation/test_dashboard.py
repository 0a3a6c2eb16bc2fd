"""The operational dashboard: exact figures on a small fixture (SQL aggregations), filters by day /
week / month, CSV, permission matrix (SAS administrators of the territory, platform administrators)
and bounded queries."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from regulation.dashboard import dashboard_figures
from regulation.enums import (
    AppointmentStatus,
    BookingKind,
    Decision,
    DossierState,
    OrientationResult,
    RequestChannel,
    RequestStatus,
)
from regulation.models import Booking, Dossier, SurnumeraireRequest
from sas_platform.enums import Role
from tests.regulation import factories

# ``make test`` runs this module on PostgreSQL and again on SQLite (the embedded default): the same
# figures from the same data on both (issue 9, the percentiles of ``sas_platform.db_functions``).
pytestmark = pytest.mark.sqlite_crawl

PARIS = ZoneInfo("Europe/Paris")
DAY = dt.date(2026, 3, 10)  # a Tuesday


def at(day: int, hour: int, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, minute, second, tzinfo=PARIS)


@pytest.fixture
def world(territory, other_territory, arm, marseille, toulon):
    def dossier(
        picked,
        *,
        received=None,
        state=DossierState.OPENED,
        decision="",
        decided=None,
        result="",
        commune=None,
        code="13",
    ):
        return Dossier.objects.create(
            territory_id=code,
            created_by=arm,
            call_received_at=received,
            picked_up_at=picked,
            commune=commune or marseille,
            reason="Motif",
            patient_last_name="Secret",
            state=state,
            routed_at=None if state == DossierState.OPENED else picked,
            amu_handover_at=picked if state == DossierState.AMU else None,
            decision=decision,
            decided_at=decided,
            orientation_result=result,
        )

    d1 = dossier(
        at(10, 9, 5),
        received=at(10, 9, 4, 30),
        state=DossierState.CLOSED,
        decision=Decision.APPOINTMENT_48H,
        decided=at(10, 9, 15),
        result=OrientationResult.APPOINTMENT,
    )
    dossier(at(10, 9, 40), received=at(10, 9, 38, 20), state=DossierState.AMU)
    d3 = dossier(
        at(10, 14, 10),
        state=DossierState.ORIENTED,
        decision=Decision.TELECONSULTATION,
        decided=at(10, 14, 30),
        result=OrientationResult.SURNUMERAIRE,
    )
    dossier(
        at(10, 14, 50),
        received=at(10, 14, 49, 50),
        state=DossierState.REGULATED,
        decision=Decision.APPOINTMENT_48H,
        decided=at(10, 15, 0),
    )
    dossier(at(10, 22, 0))
    dossier(
        at(12, 10, 0),
        state=DossierState.CLOSED,
        decision=Decision.ADVICE,
        decided=at(12, 10, 5),
        result=OrientationResult.ADVICE,
    )
    dossier(at(10, 11, 0), state=DossierState.AMU, commune=toulon, code="83")
    Booking.objects.create(
        dossier=d1,
        kind=BookingKind.PLATFORM_SLOT,
        status=AppointmentStatus.FULFILLED,
        start=at(10, 15, 15),
        within_48h=True,
    )
    Booking.objects.create(
        dossier=d3,
        kind=BookingKind.SURNUMERAIRE,
        status=AppointmentStatus.BOOKED,
        start=at(11, 14, 30),
        within_48h=True,
    )
    cpts = factories.structure()
    for asked, answered, status in [
        (at(10, 14, 35), at(10, 14, 45), RequestStatus.ACCEPTED),
        (at(10, 14, 33), at(10, 14, 34), RequestStatus.REFUSED),
        (at(10, 14, 36), at(10, 14, 45), RequestStatus.CANCELLED),
    ]:
        SurnumeraireRequest.objects.create(
            dossier=d3,
            structure=cpts,
            channel=RequestChannel.PHONE,
            asked_by=arm,
            asked_at=asked,
            answered_at=answered,
            status=status,
        )


def test_day_figures_are_exact(world, django_assert_num_queries):
    with django_assert_num_queries(6):
        figures = dashboard_figures(territory_codes=["13"], period="jour", day=DAY)
    assert (figures.start, figures.end) == (at(10, 0), at(11, 0))
    assert figures.calls == 5
    assert figures.calls_per_hour == [0] * 9 + [2] + [0] * 4 + [2] + [0] * 7 + [1, 0]
    assert figures.calls_per_day == []
    assert (figures.pickup_measured, figures.pickup_median_s, figures.pickup_p90_s) == (3, 30.0, 86.0)
    assert (figures.pickup_within_target, figures.share_pickup_within_target) == (2, 66.7)
    assert (figures.routed_amu, figures.routed_general_practice, figures.not_routed) == (1, 3, 1)
    assert (figures.share_amu, figures.share_general_practice) == (25.0, 75.0)
    assert figures.orientations == [
        ("appointment", "RDV pris sur un créneau", 1),
        ("surnumeraire", "Pris en surnuméraire", 1),
    ]
    assert [(code, n) for code, _, n in figures.appointment_outcomes] == [
        ("booked", 1),
        ("fulfilled", 1),
        ("noshow", 0),
        ("cancelled", 0),
    ]
    assert (figures.needing_appointment, figures.appointment_within_48h) == (3, 2)
    assert figures.share_appointment_within_48h == 66.7
    assert figures.time_to_appointment_median_s == 15 * 3600.0  # median of 6 h and 24 h
    assert figures.surnumeraire_requests == 3
    assert (figures.surnumeraire_answer_median_s, figures.surnumeraire_answer_p90_s) == (330.0, 546.0)
    assert [(code, n) for code, _, n in figures.surnumeraire_by_status] == [
        ("pending", 0),
        ("accepted", 1),
        ("refused", 1),
        ("no_answer", 0),
        ("cancelled", 1),
    ]


def test_week_and_month_filters(world):
    week = dashboard_figures(territory_codes=["13"], period="semaine", day=DAY)
    assert (week.start, week.end) == (at(9, 0), at(16, 0))
    assert week.calls == 6
    assert [(d.day, n) for d, n in week.calls_per_day] == [
        (9, 0),
        (10, 5),
        (11, 0),
        (12, 1),
        (13, 0),
        (14, 0),
        (15, 0),
    ]
    assert ("advice", "Conseil médical", 1) in week.orientations
    month = dashboard_figures(territory_codes=["13"], period="mois", day=DAY)
    assert (month.start, month.end, month.calls, len(month.calls_per_day)) == (
        at(1, 0),
        at(1, 0).replace(month=4),
        6,
        31,
    )
    both = dashboard_figures(territory_codes=["13", "83"], period="jour", day=DAY)
    assert (both.calls, both.routed_amu) == (6, 2)
    empty = dashboard_figures(territory_codes=["13"], period="jour", day=dt.date(2026, 3, 11))
    assert (empty.calls, empty.pickup_median_s, empty.share_amu, empty.time_to_appointment_median_s) == (
        0,
        None,
        None,
        None,
    )


def test_page_for_sas_admin_with_charts_and_bounded_queries(
    client, make_user, world, django_assert_max_num_queries
):
    client.force_login(make_user(Role.ADMIN_SAS))
    with django_assert_max_num_queries(15):
        response = client.get(reverse("regulation-dashboard"), {"periode": "jour", "date": "2026-03-10"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "INVALID_TEMPLATE_VARIABLE" not in content
    assert 'id="dashboard-data" type="application/json"' in content
    assert "vendor/chartjs/chart.umd.js" in content and "regulation/dashboard.js" in content
    assert "<script>" not in content  # strict CSP: no inline script
    assert "Secret" not in content  # no patient data
    assert response.context["figures"].calls == 5


def test_csv_export(client, make_user, world):
    client.force_login(make_user(Role.ADMIN_SAS))
    response = client.get(
        reverse("regulation-dashboard"), {"periode": "jour", "date": "2026-03-10", "format": "csv"}
    )
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().splitlines()
    assert lines[0] == "indicateur;libelle;valeur"
    assert "appels;Appels (dossiers ouverts);5" in lines
    assert "decroche_median_s;Délai de décroché médian (s);30" in lines
    assert "rdv_sous_48h_pct;Part avec RDV sous 48 h (%);66.7" in lines
    assert "delai_rdv_median_h;Délai médian décision → RDV (h);15.0" in lines
    assert "appels_heure_09;Appels de 9 h à 10 h;2" in lines
    assert "surnumeraire_accepted;Acceptée;1" in lines


@pytest.mark.parametrize("who", ["anonymous", "desk_roles", "other_territory"])
def test_dashboard_refused(client, make_user, world, who):
    if who == "desk_roles":
        client.force_login(make_user(Role.ARM, Role.REGULATEUR, Role.OSNP, Role.AGENT_CPAM))
    elif who == "other_territory":
        client.force_login(make_user(Role.ADMIN_SAS, territories=["83"]))
    response = client.get(reverse("regulation-dashboard"), {"territoire": "13"})
    if who == "anonymous":
        assert response.status_code == 302 and response.url.startswith("/connexion/")
    else:
        assert response.status_code == 403


def test_admin_of_another_territory_sees_only_theirs(client, make_user, world):
    client.force_login(make_user(Role.ADMIN_SAS, territories=["83"]))
    response = client.get(reverse("regulation-dashboard"), {"date": "2026-03-10"})
    assert response.status_code == 200 and response.context["figures"].calls == 1


def test_platform_admin_sees_every_territory(client, make_user, world):
    client.force_login(make_user(Role.ADMIN_PLATEFORME, territories=[]))
    response = client.get(reverse("regulation-dashboard"), {"date": "2026-03-10"})
    assert response.status_code == 200 and response.context["figures"].calls == 6


def test_each_chart_has_its_figures_as_a_table(client, make_user, world):
    """Issue 15 (RGAA 1.1): the same figures as the charts, as text, from the same ``chart_data``."""
    from regulation.web.dashboard import CHART_TABLES, chart_tables

    client.force_login(make_user(Role.ADMIN_SAS))
    response = client.get(reverse("regulation-dashboard"), {"periode": "jour", "date": "2026-03-10"})
    charts = response.context["charts"]
    tables = response.context["chart_tables"]
    assert tables == chart_tables(charts)
    assert set(tables) == set(CHART_TABLES) & set(charts)
    for key, table in tables.items():
        assert [label for label, _ in table["rows"]] == charts[key]["labels"]
        assert [value for _, value in table["rows"]] == charts[key]["values"]
    content = response.content.decode()
    assert content.count('data-testid="chart-data"') == content.count("<canvas")
    hours = tables["hours"]["rows"]
    assert len(hours) == 24 and sum(n for _, n in hours) == response.context["figures"].calls
    assert "<caption>Appels par heure de la journée</caption>" in content


def test_chart_tables_boundaries():
    from regulation.web.dashboard import chart_tables

    assert chart_tables({}) == {}
    tables = chart_tables(
        {"routing": {"labels": ["AMU"], "values": [0]}, "unknown": {"labels": [], "values": []}}
    )
    assert list(tables) == ["routing"] and tables["routing"]["rows"] == [("AMU", 0)]
    with pytest.raises(ValueError):  # labels and values of different lengths: never a silent truncation
        chart_tables({"hours": {"labels": ["0 h"], "values": []}})
