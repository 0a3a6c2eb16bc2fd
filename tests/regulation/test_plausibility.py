"""Plausible dates and durations (issue 9 point 2): the same refusal, in the same French words, on
the web forms, the API and the services; a refused value never becomes a booking or a pay fact."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from regulation import plausibility, services
from regulation.enums import Decision, RequestChannel, RequestStatus, Transition, TreatingDoctorCallResult
from regulation.models import ActFact, Booking, Dossier, RegulatorShift, SurnumeraireRequest
from regulation.plausibility import ImplausibleValue
from sas_platform.enums import Role
from tests.regulation import factories

PARIS = ZoneInfo("Europe/Paris")
NOW = dt.datetime(2026, 3, 10, 10, 0, tzinfo=PARIS)  # a Tuesday, SAS hours
GRACE = dt.timedelta(hours=2)
BASE = "/api/v1/regulation"


def paris(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=PARIS)


# --- Pure rules: worked examples and boundaries ------------------------------------------------


@pytest.mark.parametrize(
    ("start", "ok"),
    [
        (paris(2026, 3, 10, 8, 0), True),  # exactly 2 h ago: the grace
        (paris(2026, 3, 10, 7, 59), False),  # 2 h 01 ago
        (paris(2020, 1, 1, 10, 0), False),  # the 01/01/2020
        (paris(1990, 1, 1, 10, 0), False),  # the 01/01/1990
        (paris(2026, 3, 12, 9, 0), True),  # 48 h after the decision of 09:00
        (paris(2026, 3, 12, 9, 1), False),  # 48 h 01 after the decision
    ],
)
def test_appointment_window(start, ok):
    regulated = paris(2026, 3, 10, 9, 0)
    if ok:
        plausibility.check_appointment_start(start, now=NOW, regulated_at=regulated, grace=GRACE)
    else:
        with pytest.raises(ImplausibleValue) as exc:
            plausibility.check_appointment_start(start, now=NOW, regulated_at=regulated, grace=GRACE)
        assert exc.value.extra["fields"]["appointment_start"]
        assert str(start.year) in exc.value.message  # the year is always shown


def test_appointment_refusal_names_the_year_and_limit():
    with pytest.raises(ImplausibleValue) as exc:
        plausibility.check_appointment_start(
            paris(2027, 1, 1, 10, 0), now=NOW, regulated_at=paris(2026, 3, 10, 9, 0), grace=GRACE
        )
    assert exc.value.message == (
        "L'heure du rendez-vous (01/01/2027 10:00) est au-delà de 48 h après la régulation "
        "(au plus tard le 12/03/2026 09:00)."
    )


@pytest.mark.parametrize(
    ("born", "ok"),
    [
        (dt.date(2026, 3, 10), True),  # born today
        (dt.date(2026, 3, 11), False),  # tomorrow
        (dt.date(2040, 1, 1), False),  # the API's 2040
        (dt.date(1906, 3, 10), True),  # exactly 120 years
        (dt.date(1906, 3, 9), False),  # 120 years and a day
        (dt.date(1850, 1, 1), False),  # the 1850
    ],
)
def test_birth_date(born, ok):
    if ok:
        plausibility.check_birth_date(born, today=dt.date(2026, 3, 10))
    else:
        with pytest.raises(ImplausibleValue):
            plausibility.check_birth_date(born, today=dt.date(2026, 3, 10))


@pytest.mark.parametrize(
    ("moment", "ok"),
    [
        (NOW + dt.timedelta(minutes=5), True),  # clock skew
        (NOW + dt.timedelta(minutes=6), False),
        (paris(2030, 1, 1, 10, 0), False),  # the API's 2030
        (NOW - dt.timedelta(hours=24), True),
        (NOW - dt.timedelta(hours=24, minutes=1), False),
    ],
)
def test_call_time(moment, ok):
    kwargs = {"now": NOW, "skew": dt.timedelta(minutes=5), "max_age": dt.timedelta(hours=24)}
    if ok:
        plausibility.check_call_time(moment, **kwargs)
    else:
        with pytest.raises(ImplausibleValue):
            plausibility.check_call_time(moment, **kwargs)


@pytest.mark.parametrize(
    ("hours", "confirm", "field"),
    [
        (0, False, "end"),  # 09:00 → 09:00 is refused, never 24 h
        (-1, True, "end"),
        (12, False, None),  # 12 h: no confirmation needed
        (12.5, False, "confirm_long"),  # > 12 h without the confirmation
        (12.5, True, None),
        (24, True, None),
        (24.5, True, "end"),
    ],
)
def test_shift_period(hours, confirm, field):
    start = paris(2026, 3, 10, 9, 0)
    end = start + dt.timedelta(hours=hours)
    if field is None:
        plausibility.check_shift_period(start, end, confirm_long=confirm)
    else:
        with pytest.raises(ImplausibleValue) as exc:
            plausibility.check_shift_period(start, end, confirm_long=confirm)
        assert list(exc.value.extra["fields"]) == [field]


# --- Services: nothing written, no pay fact ----------------------------------------------------


@pytest.fixture
def orienting(open_dossier, regulateur, osnp):
    with time_machine.travel(NOW, tick=False):
        dossier = open_dossier(route=Transition.ROUTE_GENERAL_PRACTICE)
        services.dossier_claim(dossier_id=dossier.pk, actor=regulateur)
        services.dossier_decide(dossier_id=dossier.pk, actor=regulateur, decision=Decision.APPOINTMENT_48H)
        services.dossier_claim(dossier_id=dossier.pk, actor=osnp)
    return dossier


@pytest.mark.parametrize("start", [paris(2020, 1, 1, 10, 0), paris(2026, 3, 13, 10, 0)])
def test_treating_doctor_appointment_refused_writes_nothing(orienting, osnp, start):
    with time_machine.travel(NOW, tick=False), pytest.raises(ImplausibleValue) as exc:
        services.treating_doctor_call_record(
            dossier_id=orienting.pk,
            actor=osnp,
            result=TreatingDoctorCallResult.APPOINTMENT,
            name="Dr Lefèvre",
            appointment_start=start,
        )
    assert "appointment_start" in exc.value.extra["fields"]
    orienting.refresh_from_db()
    assert orienting.state == "regulated" and orienting.orientation_result == ""
    assert not Booking.objects.exists() and not ActFact.objects.exists()


def test_surnumeraire_acceptance_in_1990_refused_writes_nothing(orienting, osnp):
    prof, _ = factories.professional(last_name="Surnum")
    with time_machine.travel(NOW, tick=False):
        request = services.surnumeraire_request_create(
            dossier_id=orienting.pk, actor=osnp, channel=RequestChannel.PHONE, professional=prof
        )
        with pytest.raises(ImplausibleValue) as exc:
            services.surnumeraire_request_answer(
                request_id=request.pk,
                actor=osnp,
                status=RequestStatus.ACCEPTED,
                appointment_at=paris(1990, 1, 1, 10, 0),
            )
    assert "01/01/1990 10:00" in exc.value.message
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING and request.appointment_at is None
    assert not Booking.objects.exists() and not ActFact.objects.exists()
    orienting.refresh_from_db()
    assert orienting.state == "orienting"


def test_surnumeraire_acceptance_within_window_is_taken(orienting, osnp):
    prof, _ = factories.professional(last_name="Surnum")
    with time_machine.travel(NOW, tick=False):
        request = services.surnumeraire_request_create(
            dossier_id=orienting.pk, actor=osnp, channel=RequestChannel.PHONE, professional=prof
        )
        services.surnumeraire_request_answer(
            request_id=request.pk,
            actor=osnp,
            status=RequestStatus.ACCEPTED,
            appointment_at=paris(2026, 3, 11, 16, 0),  # tomorrow: within 48 h
        )
    assert SurnumeraireRequest.objects.get().status == RequestStatus.ACCEPTED
    assert Booking.objects.get().within_48h


# --- API and web refuse the same values --------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("patient_birth_date", "2040-01-01"),
        ("patient_birth_date", "1850-01-01"),
        ("call_received_at", "2030-01-01T10:00:00+01:00"),
    ],
)
def test_api_refuses_implausible_call(api_client_for, territory, field, value):
    client = api_client_for(Role.ARM)
    response = client.post(
        f"{BASE}/dossiers/", {"commune": "13055", "reason": "Fièvre", field: value}, format="json"
    )
    assert response.status_code == 400, response.json()
    body = response.json()
    assert body["code"] == "implausible_value" and field in body["extra"]["fields"]
    assert not Dossier.objects.exists()


def test_web_pickup_refuses_birth_date_1850_like_the_api(client, make_user, territory):
    client.force_login(make_user(Role.ARM))
    response = client.post(
        reverse("regulation-pickup"),
        {
            "origin": "15",
            "caller_relation": "patient",
            "patient_birth_date": "1850-01-01",
            "commune": "13055",
            "reason": "Fièvre",
            "priority": "P2",
        },
    )
    assert response.status_code == 200
    assert "Date de naissance invraisemblable (01/01/1850) : plus de 120 ans." in response.content.decode()
    assert not Dossier.objects.exists()


def test_web_schedule_refuses_09_to_09_and_asks_confirmation_beyond_12h(client, make_user, territory):
    admin = make_user(Role.ADMIN_SAS)
    regulator = make_user(Role.REGULATEUR)
    client.force_login(admin)
    url = reverse("regulation-shifts-schedule") + "?territoire=13"
    base = {"territoire": "13", "regulator": regulator.pk, "day": "2026-03-10"}
    response = client.post(url, {**base, "start_time": "09:00", "end_time": "09:00"})
    assert "La fin de la garde doit différer de son début" in response.content.decode()
    response = client.post(url, {**base, "start_time": "08:00", "end_time": "22:00"})
    assert "Cette garde dure 14 h (plus de 12 h)" in response.content.decode()
    assert not RegulatorShift.objects.exists()
    response = client.post(url, {**base, "start_time": "08:00", "end_time": "22:00", "confirm_long": "on"})
    assert response.status_code == 302
    assert RegulatorShift.objects.get().end - RegulatorShift.objects.get().start == dt.timedelta(hours=14)


def test_api_schedule_long_shift_needs_confirmation(api_client_for, make_user, territory):
    client = api_client_for(Role.ADMIN_SAS)
    regulator = make_user(Role.REGULATEUR)
    body = {
        "territory": "13",
        "regulator": regulator.pk,
        "start": "2026-03-10T08:00:00+01:00",
        "end": "2026-03-10T22:00:00+01:00",
    }
    response = client.post(f"{BASE}/shifts/", body, format="json")
    assert response.status_code == 400 and "confirm_long" in response.json()["extra"]["fields"]
    assert not RegulatorShift.objects.exists()
    response = client.post(f"{BASE}/shifts/", {**body, "confirm_long": True}, format="json")
    assert response.status_code == 201, response.json()


@time_machine.travel(NOW, tick=False)
def test_far_dates_are_shown_with_their_year():
    from regulation.templatetags.regulation_tags import moment

    assert moment(paris(2020, 1, 1, 10, 0)) == "01/01/2020 10:00"
    assert moment(paris(2026, 3, 11, 16, 0)) == "mer 11/03 16:00"
