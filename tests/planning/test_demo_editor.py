"""The whole aggregation path against the demo agenda editor started on 127.0.0.1 (ephemeral port):
slot search per the guide, booking page with origin=sas, appointment feedback (INT_R03)."""

from __future__ import annotations

import json
import random
from datetime import timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx
import pytest
from django.utils import timezone

from cpts.models import Professional
from planning.demo import DEMO_SOURCE_NAME, seed_planning_demo
from planning.enums import RunStatus, SlotStatus
from planning.models import AgendaSource, Slot
from planning.services import source_create, source_poll
from tests.planning.factories import professional_with_place

pytestmark = pytest.mark.django_db

MARSEILLE = [f"132{n:02d}" for n in range(1, 17)]


@pytest.fixture
def thirty_gps(db):
    return [professional_with_place(f"1{n:010d}", insee=MARSEILLE[n % 16]) for n in range(1, 31)]


def test_polling_the_demo_editor_aggregates_its_agendas_through_next_links(demo_editor, thirty_gps):
    source = source_create(
        name="demo-test",
        label="Agenda Démo",
        base_url=f"{demo_editor.url}/fhir",
        rpps_list=[p.identifier for p in thirty_gps],
    )

    run = source_poll(source_id=source.pk)

    assert run.status == RunStatus.SUCCESS, run.errors
    assert run.requests > 2  # 2 batches (25 + 5), pages of 40 slots
    assert run.created > 100 and run.rejected == 0
    slots = Slot.objects.filter(source=source)
    assert {s.professional_id for s in slots} <= {p.pk for p in thirty_gps}
    assert {code for s in slots for code in s.slot_types} >= {"SNP", "PUBLIC"}
    assert {code for s in slots for code in s.modalities} >= {"AMB"}
    assert all(s.booking_url.startswith(f"{demo_editor.url}/rdv/") for s in slots)
    horizon = timezone.now() + timedelta(hours=72, minutes=1)
    assert all(timezone.now() - timedelta(minutes=1) <= s.start <= horizon for s in slots)

    again = source_poll(source_id=source.pk)
    assert (again.created, again.updated) == (0, 0)


def test_a_frozen_clock_serves_the_same_agendas_at_every_poll(thirty_gps):
    """``DEMO_EDITOR_NOW`` (benchmarks, support): two polls an instant apart see the same slots."""
    import threading

    from demo_editor.server import _frozen_now, make_server

    frozen = _frozen_now("2026-11-23T08:00:00+01:00")
    server = make_server(port=0, platform_url="http://127.0.0.1:9", page_size=40, frozen_now=frozen)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/fhir/Slot"
        params = {
            "start": ["ge2026-11-23T07:00:00+00:00", "le2026-11-25T07:00:00+00:00"],
            "schedule.actor:Practitioner.identifier": f"urn:oid:1.2.250.1.71.4.2.1|8{thirty_gps[0].identifier}",
            "status": "free",
            "_count": "1000",
        }
        first, second = (httpx.get(url, params=params).json() for _ in range(2))
    finally:
        server.shutdown()
        server.server_close()

    def slot_ids(bundle):
        return [e["resource"]["id"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Slot"]

    assert slot_ids(first) == slot_ids(second) and slot_ids(first)
    starts = [e["resource"]["start"] for e in first["entry"] if e["resource"]["resourceType"] == "Slot"]
    assert min(starts) >= "2026-11-23T08"  # nothing before the frozen instant (07:00 UTC)


def test_a_frozen_clock_without_time_zone_stops_the_editor_with_a_french_message():
    from demo_editor.server import _frozen_now

    assert _frozen_now("") is None
    with pytest.raises(SystemExit, match="sans fuseau horaire"):
        _frozen_now("2026-11-23T08:00:00")


def test_editor_refuses_more_than_25_professionals_with_an_operation_outcome(demo_editor):
    identifiers = ",".join(f"urn:oid:1.2.250.1.71.4.2.1|81{n:010d}" for n in range(26))
    now = timezone.now()
    response = httpx.get(
        f"{demo_editor.url}/fhir/Slot",
        params={
            "start": [f"ge{now.isoformat()}", f"le{(now + timedelta(hours=1)).isoformat()}"],
            "schedule.actor:Practitioner.identifier": identifiers,
            "status": "free",
        },
    )
    assert response.status_code == 400
    assert response.json()["resourceType"] == "OperationOutcome"


def test_booking_from_the_sas_sends_the_appointment_and_tolerates_a_404(demo_editor, thirty_gps, httpserver):
    httpserver.expect_request("/fhir/r4/Appointment", method="POST").respond_with_data("", status=404)
    demo_editor.config["platform_url"] = httpserver.url_for("/")
    source = source_create(
        name="demo-test",
        label="Agenda Démo",
        base_url=f"{demo_editor.url}/fhir",
        rpps_list=[p.identifier for p in thirty_gps],
    )
    source_poll(source_id=source.pk)
    slot = Slot.objects.filter(source=source, bookable=True).order_by("start").first()

    page = httpx.get(f"{slot.booking_url}&origin=sas")
    assert page.status_code == 200 and "Aucun compte régulateur habilité" in page.text
    operator = "urn:oid:1.2.250.1.213.3.6|reg-1"
    demo_editor.RequestHandlerClass.state.regulators.update(operator, _regulator("reg-1"))
    page = httpx.get(f"{slot.booking_url}&origin=sas")
    assert "habilitation régulateur active" in page.text and f'value="{operator}"' in page.text
    query = dict(parse_qsl(urlsplit(slot.booking_url).query))
    booked = httpx.post(
        f"{demo_editor.url}/rdv/{slot.professional.identifier}",
        content=urlencode(
            {"creneau": query["creneau"], "patient": "Patient Test", "operator": operator, "origin": "sas"}
        ),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )

    assert booked.status_code == 201
    assert "la plateforme ne reçoit pas encore les rendez-vous (HTTP 404)" in booked.text
    request, _ = httpserver.log[-1]
    assert request.headers["Authorization"] == "Bearer jeton-de-test"
    appointment = json.loads(request.data)
    assert appointment["resourceType"] == "Appointment" and appointment["status"] == "booked"
    assert appointment["participant"][0]["actor"]["identifier"]["value"] == f"8{slot.professional.identifier}"
    assert appointment["start"] == timezone.localtime(slot.start).isoformat()
    operator_id = appointment["extension"][0]["valueReference"]["identifier"]
    assert (operator_id["system"], operator_id["value"]) == ("urn:oid:1.2.250.1.213.3.6", "reg-1")

    run = source_poll(source_id=source.pk)
    assert run.gone >= 1
    assert Slot.objects.get(pk=slot.pk).status == SlotStatus.GONE


def _regulator(value: str, *, active: bool = True) -> dict:
    return {
        "resourceType": "Practitioner",
        "meta": {"source": "urn:oid:1.2.250.1.213.3.6"},
        "identifier": [
            {
                "type": {"coding": [{"code": "INTRN"}]},
                "system": "urn:oid:1.2.250.1.213.3.6",
                "value": value,
            }
        ],
        "active": active,
        "name": [{"family": "Fabre", "given": ["Léa"]}],
    }


def test_editor_books_only_for_an_active_regulator_account_arriving_from_the_sas(demo_editor, thirty_gps):
    source = source_create(
        name="demo-test",
        label="Agenda Démo",
        base_url=f"{demo_editor.url}/fhir",
        rpps_list=[p.identifier for p in thirty_gps[:5]],
    )
    source_poll(source_id=source.pk)
    slot = Slot.objects.filter(source=source, bookable=True).order_by("start").first()
    query = dict(parse_qsl(urlsplit(slot.booking_url).query))
    regulators = demo_editor.RequestHandlerClass.state.regulators
    operator = "urn:oid:1.2.250.1.213.3.6|reg-2"
    regulators.update(operator, _regulator("reg-2"))

    def book(**fields):
        return httpx.post(
            f"{demo_editor.url}/rdv/{slot.professional.identifier}",
            content=urlencode({"creneau": query["creneau"], "patient": "P", **fields}),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )

    assert "Accès hors SAS" in httpx.get(slot.booking_url).text  # no origin=sas: no form
    assert book(operator=operator).status_code == 403  # without origin=sas
    assert book(operator="urn:oid:1.2.250.1.213.3.6|inconnu", origin="sas").status_code == 403
    regulators.update(operator, _regulator("reg-2", active=False))  # habilitation withdrawn
    assert book(operator=operator, origin="sas").status_code == 403
    assert "Aucun compte régulateur habilité" in httpx.get(f"{slot.booking_url}&origin=sas").text


def test_demo_step_is_idempotent_and_works_with_whatever_professionals_exist(thirty_gps):
    nurse = professional_with_place("19999999999", insee="13201", specialty_code="")
    first = seed_planning_demo(random.Random(1))
    before = list(Slot.objects.order_by("pk").values_list("pk", "status", "content_hash"))
    second = seed_planning_demo(random.Random(1))

    assert first["source_created"] is True and first["professionals"] == 30 and first["slots_created"] > 100
    assert second == {**first, "source_created": False, "slots_created": 0}
    assert list(Slot.objects.order_by("pk").values_list("pk", "status", "content_hash")) == before
    source = AgendaSource.objects.get(name=DEMO_SOURCE_NAME)
    assert source.base_url == "http://127.0.0.1:8100/fhir"
    assert nurse.identifier not in source.rpps_list  # GPs only: no SAS slots for nurses
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(name=source.periodic_task_name)
    assert (task.task, task.queue, task.interval.every, json.loads(task.args)) == (
        "planning.tasks.source_poll",
        "ingest",
        300,
        [source.pk],
    )


def test_demo_step_with_an_empty_directory(db):
    assert Professional.objects.count() == 0
    summary = seed_planning_demo(random.Random(1))
    assert summary["professionals"] == 0 and summary["slots_created"] == 0
