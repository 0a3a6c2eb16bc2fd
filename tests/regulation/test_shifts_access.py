"""Shift pages and API: permission matrix (anonymous, wrong role, other territory, right role;
nothing written on denial), the régulateur's take / end, the administrator's schedule, CSV and
corrections."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from regulation import services
from regulation.models import RegulatorShift
from sas_platform.enums import Role
from sas_platform.models import AuditEvent

PARIS = ZoneInfo("Europe/Paris")
API = "/api/v1/regulation/shifts"


def snapshot():
    return (
        AuditEvent.objects.count(),
        list(RegulatorShift.objects.order_by("pk").values_list("pk", "is_current", "end")),
    )


@pytest.fixture
def admin_sas(make_user, territory):
    return make_user(Role.ADMIN_SAS)


@pytest.fixture
def scheduled(admin_sas, regulateur):
    return services.shift_schedule(
        actor=admin_sas,
        territory_code="13",
        regulator=regulateur,
        start=dt.datetime(2026, 3, 10, 18, 0, tzinfo=PARIS),
        end=dt.datetime(2026, 3, 10, 22, 0, tzinfo=PARIS),
    )


def _login(client, make_user, who):
    if who == "wrong_role":
        client.force_login(make_user(Role.OSNP, Role.ARM, Role.COORDINATEUR_STRUCTURE))
    elif who == "other_territory":
        client.force_login(make_user(Role.REGULATEUR, Role.ADMIN_SAS, territories=["83"]))


@pytest.mark.parametrize("who", ["anonymous", "wrong_role", "other_territory"])
def test_denied_pages_write_nothing(client, make_user, other_territory, scheduled, regulateur, who):
    _login(client, make_user, who)
    before = snapshot()
    requests = [
        ("post", reverse("regulation-shift-start"), {"territoire": "13"}),
        ("get", f"{reverse('regulation-shifts-schedule')}?territoire=13", {}),
        (
            "post",
            reverse("regulation-shifts-schedule"),
            {
                "territoire": "13",
                "regulator": regulateur.pk,
                "day": "2026-03-12",
                "start_time": "08:00",
                "end_time": "12:00",
            },
        ),
        ("get", reverse("regulation-shift", args=[scheduled.pk]), {}),
        (
            "post",
            reverse("regulation-shift", args=[scheduled.pk]),
            {"start": "2026-03-10T18:00", "reason": "x"},
        ),
    ]
    if who != "other_territory":  # a régulateur of 83 has their own page
        requests.append(("get", reverse("regulation-shifts-mine"), {}))
    for method, url, data in requests:
        response = getattr(client, method)(url, data)
        if who == "anonymous":
            assert response.status_code == 302 and response.url.startswith("/connexion/"), url
        else:
            assert response.status_code == 403, url
    assert snapshot() == before


def test_regulator_takes_and_ends_the_shift_on_the_page(client, regulateur):
    client.force_login(regulateur)
    page = client.get(reverse("regulation-shifts-mine")).content.decode()
    assert "Prendre ma garde" in page
    client.post(reverse("regulation-shift-start"), {"territoire": "13"})
    page = client.get(reverse("regulation-shifts-mine")).content.decode()
    assert "Terminer ma garde" in page
    response = client.post(reverse("regulation-shift-end"), follow=True)
    assert "Garde terminée" in response.content.decode()
    shift = RegulatorShift.objects.get()
    assert shift.end is not None and shift.regulator == regulateur


def test_admin_schedules_exports_and_corrects(
    client, admin_sas, regulateur, scheduled, django_assert_max_num_queries
):
    client.force_login(admin_sas)
    url = f"{reverse('regulation-shifts-schedule')}?territoire=13&mois=2026-03"
    with django_assert_max_num_queries(15):
        page = client.get(url)
    assert page.status_code == 200
    content = page.content.decode()
    assert "INVALID_TEMPLATE_VARIABLE" not in content and str(regulateur) in content
    response = client.post(
        reverse("regulation-shifts-schedule"),
        {
            "territoire": "13",
            "regulator": regulateur.pk,
            "day": "2026-03-14",
            "start_time": "20:00",
            "end_time": "08:00",
        },
    )
    assert response.status_code == 302
    night = RegulatorShift.objects.get(start=dt.datetime(2026, 3, 14, 20, 0, tzinfo=PARIS))
    assert (night.end, night.sas_minutes, night.pdsa_minutes) == (
        dt.datetime(2026, 3, 15, 8, 0, tzinfo=PARIS),
        0,
        720,
    )
    csv_body = client.get(url + "&format=csv").content.decode()
    lines = csv_body.strip().splitlines()
    assert lines[0].startswith("mois;territoire;rpps;nom;prenom;date;debut;fin;heures_sas;heures_pdsa")
    assert lines[1].endswith(";2026-03-10;18:00;2026-03-10 22:00;2.00;2.00;1;non")
    assert len(lines) == 3
    response = client.post(
        reverse("regulation-shift", args=[scheduled.pk]),
        {"start": "2026-03-10T18:00", "end": "2026-03-10T21:00", "reason": "Fin réelle"},
    )
    assert response.status_code == 302
    scheduled.refresh_from_db()
    current = RegulatorShift.objects.get(lineage=scheduled.lineage, is_current=True)
    assert (scheduled.is_current, current.version, current.sas_minutes, current.pdsa_minutes) == (
        False,
        2,
        120,
        60,
    )
    history = client.get(reverse("regulation-shift", args=[current.pk])).content.decode()
    assert "v1" in history and "v2" in history and "Fin réelle" in history


def test_regulator_sees_own_history_but_cannot_correct(client, regulateur, scheduled):
    client.force_login(regulateur)
    page = client.get(reverse("regulation-shift", args=[scheduled.pk]))
    assert page.status_code == 200 and "Enregistrer la correction" not in page.content.decode()
    before = snapshot()
    denied = client.post(
        reverse("regulation-shift", args=[scheduled.pk]), {"start": "2026-03-10T18:00", "reason": "x"}
    )
    assert denied.status_code == 403 and snapshot() == before


# --- API ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["anonymous", "wrong_role", "other_territory"])
def test_api_denials_write_nothing(api_client, make_user, other_territory, scheduled, regulateur, who):
    if who == "wrong_role":
        api_client.force_authenticate(make_user(Role.OSNP, Role.ARM))
    elif who == "other_territory":
        api_client.force_authenticate(make_user(Role.REGULATEUR, Role.ADMIN_SAS, territories=["83"]))
    before = snapshot()
    calls = [
        ("post", f"{API}/start/", {"territory": "13"}),
        (
            "post",
            f"{API}/",
            {
                "territory": "13",
                "regulator": regulateur.pk,
                "start": "2026-03-12T08:00:00+01:00",
                "end": "2026-03-12T12:00:00+01:00",
            },
        ),
        ("post", f"{API}/{scheduled.pk}/correct/", {"reason": "x", "cancel": True}),
        ("get", f"{API}/{scheduled.pk}/history/", None),
    ]
    if who != "other_territory":
        calls += [("get", f"{API}/", None), ("post", f"{API}/end/", {})]
    for method, url, data in calls:
        response = (
            getattr(api_client, method)(url, data, format="json") if data is not None else api_client.get(url)
        )
        assert response.status_code in (401, 403), (url, response.status_code)
    other_month = api_client.get(f"{API}/?territory=13&month=2026-03")
    assert other_month.status_code in (401, 403)
    assert snapshot() == before


def test_api_regulator_and_admin(api_client, make_user, admin_sas, regulateur, scheduled):
    api_client.force_authenticate(regulateur)
    started = api_client.post(f"{API}/start/", {"territory": "13"}, format="json")
    assert started.status_code == 201 and started.json()["origin"] == "desk"
    again = api_client.post(f"{API}/start/", {"territory": "13"}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "shift_open"
    assert api_client.post(f"{API}/end/", {}, format="json").status_code == 200
    mine = api_client.get(f"{API}/?month=2026-03").json()
    assert [row["id"] for row in mine] == [scheduled.pk]
    api_client.force_authenticate(admin_sas)
    created = api_client.post(
        f"{API}/",
        {
            "territory": "13",
            "regulator": regulateur.pk,
            "start": "2026-03-14T08:00:00+01:00",
            "end": "2026-03-14T14:00:00+01:00",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert (created.json()["sas_minutes"], created.json()["pdsa_minutes"]) == (240, 120)
    unknown = api_client.post(
        f"{API}/",
        {
            "territory": "13",
            "regulator": admin_sas.pk,
            "start": "2026-03-15T08:00:00+01:00",
            "end": "2026-03-15T09:00:00+01:00",
        },
        format="json",
    )
    assert unknown.status_code == 400 and "regulator" in unknown.json()["extra"]["fields"]
    corrected = api_client.post(
        f"{API}/{scheduled.pk}/correct/",
        {"end": "2026-03-10T20:00:00+01:00", "reason": "Relevé"},
        format="json",
    )
    assert corrected.status_code == 201 and corrected.json()["version"] == 2
    stale = api_client.post(
        f"{API}/{scheduled.pk}/correct/", {"cancel": True, "reason": "Doublon"}, format="json"
    )
    assert stale.status_code == 409 and stale.json()["code"] == "shift_superseded"
    history = api_client.get(f"{API}/{scheduled.pk}/history/").json()
    assert [(v["version"], v["is_current"]) for v in history] == [(1, False), (2, True)]
    month = api_client.get(f"{API}/?territory=13&month=2026-03").json()
    assert sorted(row["version"] for row in month) == [1, 2]  # current versions; the desk one is today
